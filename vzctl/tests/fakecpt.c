// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD stand-in for /proc/cpt and /proc/rst, used together with
 * fakevz.so (preloaded after it) to exercise vzctl's chkpnt and restore
 * sequences on a stock kernel: see fake-kernel-test.sh.  Not the
 * kernel's semantics to the letter, just enough to follow
 * Documentation/cpt-api.rst:
 *
 * - suspend/resume are SIGSTOP/SIGCONT of the VE's init, kill is SIGKILL;
 * - dump writes a synthetic image (tests/imgwrite.c);
 * - undump, called by the VE's new init as with vzrst, checks the image
 *   with vzctl's reader, reports "undumped" on the status fd and parks;
 *   resume makes the parked init execute the VE's /sbin/init;
 * - contexts live in files, $FAKEVZ_DIR/ctx-{cpt,rst}-ID when sticky,
 *   so that separate commands (and the forked init) share them; the fds
 *   given to a context are dup()ed and survive close() by the caller, as
 *   the kernel's file references do;
 * - FAKECPT_FAIL=suspend|dump|kill|resume|undump makes that step fail
 *   with EIO after an "Error: ..." line on the error fd.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>

#include "imgwrite.h"

#define RESUMED		100	/* rst: parked init may run on */

static struct {
	int fd;			/* the fake /proc file, -1: none */
	bool rst;
	unsigned int veid;
	int state;
	unsigned int id;	/* sticky id, 0: private */
	char key[64];		/* file of a private context */
	int dumpfd, errfd, statusfd;	/* our own dups */
	int dirfd;		/* $FAKEVZ_DIR, also after pivot_root */
} ctx = { .fd = -1, .dumpfd = -1, .errfd = -1, .statusfd = -1, .dirfd = -1 };

static const char *registry(void)
{
	const char *d = getenv("FAKEVZ_DIR");

	return d ? d : "/tmp/fakevz";
}

static int (*next_open(void))(const char *, int, ...)
{
	return (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
}

static int next_close(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "close");

	return real(fd);
}

/* The context's files stay open whatever the caller closes. */
int close(int fd)
{
	if (fd >= 0 && (fd == ctx.dumpfd || fd == ctx.errfd ||
			fd == ctx.statusfd || fd == ctx.dirfd))
		return 0;
	return next_close(fd);
}

static int open_common(const char *path, int flags, mode_t mode)
{
	bool cpt = !strcmp(path, CPT_PROC_PATH), rst = !strcmp(path, RST_PROC_PATH);

	if (cpt || rst) {
		struct timespec ts;

		ctx.fd = next_open()("/dev/null", O_RDWR | (flags & O_CLOEXEC), 0);
		ctx.rst = rst;
		if (ctx.dirfd < 0)
			ctx.dirfd = next_open()(registry(), O_RDONLY | O_DIRECTORY |
						O_CLOEXEC, 0);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		snprintf(ctx.key, sizeof(ctx.key), "o%d.%ld.%ld", (int)getpid(),
			 (long)ts.tv_sec, ts.tv_nsec);
		return ctx.fd;
	}
	return next_open()(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common(path, flags, mode);
}

static pid_t running_pid(unsigned int veid)
{
	char path[256], stat[512], *p;
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u", registry(), veid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(stat, sizeof(stat), f);
	fclose(f);
	p = p ? strrchr(stat, ')') : NULL;
	if (!p || p[2] == 'Z' || p[2] == 'X')
		return 0;
	return (pid_t)pid;
}

/* A name in $FAKEVZ_DIR (ctx.dirfd). */
static void ctx_path(char *buf, size_t len, unsigned int id)
{
	if (id)
		snprintf(buf, len, "ctx-%s-%u", ctx.rst ? "rst" : "cpt", id);
	else
		snprintf(buf, len, "ctx-%s-%s", ctx.rst ? "rst" : "cpt", ctx.key);
}

static void ctx_save(void)
{
	char path[256];
	int fd;

	ctx_path(path, sizeof(path), ctx.id);
	fd = openat(ctx.dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
	if (fd >= 0) {
		dprintf(fd, "%u %d\n", ctx.veid, ctx.state);
		next_close(fd);
	}
}

static int ctx_load(unsigned int id)
{
	char path[256], buf[64];
	ssize_t n;
	int fd;

	ctx_path(path, sizeof(path), id);
	fd = openat(ctx.dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	next_close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return sscanf(buf, "%u %d", &ctx.veid, &ctx.state) == 2 ? 0 : -1;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/* Injected failure of step name, with a kernel-style error line. */
static bool injected(const char *name)
{
	const char *f = getenv("FAKECPT_FAIL");

	if (!f || strcmp(f, name))
		return false;
	if (ctx.errfd >= 0)
		dprintf(ctx.errfd, "Error: fake %s failure\n", name);
	return true;
}

static int hold(int *slot, unsigned long fd)
{
	int copy = (int)fd >= 0 ? dup((int)fd) : -1;

	if ((int)fd >= 0 && copy < 0)
		return fail(EBADF);
	if (*slot >= 0) {
		int old = *slot;

		*slot = -1;
		next_close(old);
	}
	*slot = copy;
	return 0;
}

static int fake_dump(void)
{
	struct imgw_opts o = { .veid = ctx.veid };
	FILE *f = fdopen(dup(ctx.dumpfd), "w");
	int ret;

	if (!f)
		return fail(EBADF);
	ret = imgw_write_image(f, &o);
	if (fclose(f) || ret)
		return fail(EIO);
	return 0;
}

static void status_line(const char *line)
{
	if (ctx.statusfd >= 0 && write(ctx.statusfd, line, strlen(line)) < 0)
		return;
}

/* In the VE's new init, as with vzrst: check, report, park, run on. */
static int fake_undump(void)
{
	struct img_reader r;
	struct img_record rec;
	int ret;

	img_reader_init(&r, ctx.dumpfd);
	ret = img_read_header(&r);
	if (!ret)
		while ((ret = img_next(&r, &rec)) == 1)
			;
	if (ret || injected("undump")) {
		if (ret && ctx.errfd >= 0)
			dprintf(ctx.errfd, "Error: image: %s\n", r.err);
		img_reader_free(&r);
		status_line("failed -22\n");
		return fail(EINVAL);
	}
	img_reader_free(&r);
	ctx.state = CPT_CTX_UNDUMPED;
	ctx_save();
	status_line("undumped\n");
	/* Nothing of the caller's is held any more, as after a real undump. */
	hold(&ctx.dumpfd, (unsigned long)-1);
	hold(&ctx.errfd, (unsigned long)-1);
	hold(&ctx.statusfd, (unsigned long)-1);
	for (;;) {
		usleep(50000);
		if (ctx_load(ctx.id) == 0 && ctx.state == RESUMED) {
			char *const argv[] = { "init", NULL };
			char *const envp[] = { "HOME=/", "TERM=linux",
				"PATH=/bin:/sbin:/usr/bin:/usr/sbin", NULL };

			execve("/sbin/init", argv, envp);
			_exit(127);
		}
	}
}

static int cpt_ioctl(unsigned long req, unsigned long arg)
{
	char path[256];
	pid_t pid;

	ctx_load(ctx.id);
	pid = ctx.veid ? running_pid(ctx.veid) : 0;
	switch (req) {
	case CPT_SET_ERRORFD:
		return hold(&ctx.errfd, arg);
	case CPT_SET_DUMPFD:
		return hold(&ctx.dumpfd, arg);
	case CPT_SET_STATUSFD:
		return hold(&ctx.statusfd, arg);
	case CPT_SET_VEID:
		/* As vzcpt: only while idle. */
		if (ctx.state != CPT_CTX_IDLE)
			return fail(EBUSY);
		ctx.veid = (unsigned int)arg;
		break;
	case CPT_GET_CONTEXT:
		ctx_path(path, sizeof(path), (unsigned int)arg);
		if (faccessat(ctx.dirfd, path, F_OK, 0) == 0)
			return fail(EEXIST);
		ctx.id = (unsigned int)arg;
		break;
	case CPT_JOIN_CONTEXT:
		if (ctx_load((unsigned int)arg))
			return fail(ENOENT);
		ctx.id = (unsigned int)arg;
		return 0;
	case CPT_PUT_CONTEXT:
		if (!ctx.id)
			return fail(ENOENT);
		ctx_path(path, sizeof(path), ctx.id);
		unlinkat(ctx.dirfd, path, 0);
		ctx.id = 0;
		break;
	case CPT_SUSPEND:
		if (ctx.rst || ctx.state != CPT_CTX_IDLE)
			return fail(EBUSY);
		if (!pid)
			return fail(ESRCH);
		if (injected("suspend"))
			return fail(EIO);
		kill(pid, SIGSTOP);
		ctx.state = CPT_CTX_SUSPENDED;
		break;
	case CPT_DUMP:
		if (ctx.rst || (ctx.state != CPT_CTX_SUSPENDED &&
				 ctx.state != CPT_CTX_DUMPED))
			return fail(EINVAL);
		/* As vzcpt: a failed dump leaves the VE suspended. */
		if (injected("dump") || fake_dump())
			return fail(EIO);
		ctx.state = CPT_CTX_DUMPED;
		break;
	case CPT_UNDUMP:
		if (!ctx.rst || ctx.state != CPT_CTX_IDLE || !ctx.veid)
			return fail(EINVAL);
		return fake_undump();
	case CPT_RESUME:
		if (ctx.rst ? ctx.state != CPT_CTX_UNDUMPED :
		    ctx.state != CPT_CTX_SUSPENDED && ctx.state != CPT_CTX_DUMPED)
			return fail(EINVAL);
		if (injected("resume")) {
			if (ctx.rst && pid)	/* as vzrst: killed */
				kill(pid, SIGKILL);
			ctx.state = CPT_CTX_IDLE;
			ctx_save();
			return fail(EIO);
		}
		if (!ctx.rst && pid)
			kill(pid, SIGCONT);
		ctx.state = ctx.rst ? RESUMED : CPT_CTX_IDLE;
		break;
	case CPT_KILL:
		if (ctx.rst ? ctx.state != CPT_CTX_UNDUMPED :
		    ctx.state != CPT_CTX_SUSPENDED && ctx.state != CPT_CTX_DUMPED)
			return fail(EINVAL);
		if (injected("kill"))
			return fail(EIO);
		if (pid)
			kill(pid, SIGKILL);
		ctx.state = CPT_CTX_IDLE;
		break;
	default:
		return fail(ENOTTY);
	}
	ctx_save();
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	int (*next)(int, unsigned long, void *) =
		(int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	void *arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd < 0 || fd != ctx.fd)
		return next(fd, req, arg);
	return cpt_ioctl(req, (unsigned long)arg);
}
