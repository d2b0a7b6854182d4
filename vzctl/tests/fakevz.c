// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD stand-in for the VE kernel, to exercise vzctl's start, stop,
 * exec and enter paths on a stock kernel (as root, inside throwaway
 * namespaces: see fake-kernel-test.sh).  It is not the kernel's
 * semantics to the letter: VEs are remembered in $FAKEVZ_DIR/VEID
 * files holding the init's pid, and /proc/vz/veinfo does not exist.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vzcalluser.h>

static int fake_fd = -1;

static const char *registry(void)
{
	const char *d = getenv("FAKEVZ_DIR");

	return d ? d : "/tmp/fakevz";
}

static int (*real_open(void))(const char *, int, ...)
{
	return (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
}

static int open_common(const char *path, int flags, mode_t mode)
{
	if (!strcmp(path, VZCTL_DEVICE)) {
		fake_fd = real_open()("/dev/null", O_RDWR | (flags & O_CLOEXEC), 0);
		return fake_fd;
	}
	return real_open()(path, flags, mode);
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

static int fail(int err)
{
	errno = err;
	return -1;
}

static int ve_create(unsigned int veid)
{
	int orig = real_open()("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
	char path[256], done;
	int sync[2];
	pid_t pid;
	FILE *f;

	if (orig < 0 || pipe2(sync, O_CLOEXEC) || unshare(CLONE_NEWPID))
		return fail(EPERM);
	pid = fork();
	if (pid == 0) {
		close(orig);
		close(sync[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
			    CLONE_NEWNET))
			_exit(99);
		close(sync[1]);
		return 0;
	}
	setns(orig, CLONE_NEWPID);
	close(orig);
	close(sync[1]);
	/* The kernel's VE is born in its namespaces; wait until ours is. */
	if (pid > 0 && read(sync[0], &done, 1) < 0)
		pid = -1;
	close(sync[0]);
	if (pid < 0)
		return fail(ENOMEM);
	snprintf(path, sizeof(path), "%s/%u", registry(), veid);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%d\n", (int)pid);
		fclose(f);
	}
	return pid;
}

static int ve_enter(pid_t pid)
{
	static const struct { const char *name; int type; } ns[] = {
		{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
		{ "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID },
		{ "mnt", CLONE_NEWNS },
	};
	int fds[5];

	for (int i = 0; i < 5; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid,
			 ns[i].name);
		fds[i] = real_open()(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return fail(ESRCH);
	}
	for (int i = 0; i < 5; i++) {
		if (setns(fds[i], ns[i].type))
			return fail(EPERM);
		close(fds[i]);
	}
	return chdir("/") ? -1 : 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	int (*real)(int, unsigned long, void *) =
		(int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	struct vzctl_env_create *c;
	void *arg;
	va_list ap;
	pid_t pid;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != fake_fd || req != VZCTL_ENV_CREATE)
		return real(fd, req, arg);
	c = arg;
	if (c->veid == 0 || c->class_id)
		return fail(EINVAL);
	pid = running_pid(c->veid);
	switch (c->flags) {
	case VE_TEST:
		return pid ? pid : fail(ESRCH);
	case VE_ENTER:
		return pid ? ve_enter(pid) : fail(ESRCH);
	case VE_CREATE | VE_EXCLUSIVE:
		return pid ? fail(EEXIST) : ve_create(c->veid);
	default:
		return fail(EINVAL);
	}
}
