// SPDX-License-Identifier: GPL-2.0
/*
 * The VE's pid 1 before it is the VE's own init.
 *
 * VE_CREATE forks: the child is already pid 1 of the VE's new namespaces
 * but still sees the host's file system.  It waits for a go byte while
 * the parent, from the host side, wires up its network.  Then it moves
 * into VE_ROOT, builds /proc, /sys and /dev, and executes /sbin/init, or
 * (restore) asks the kernel to turn it into the image's init.  Its
 * status pipe is close-on-exec: EOF means init runs, anything else is the
 * step that failed and its errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>

#include "caps.h"
#include "devnodes.h"
#include "util.h"
#include "ve.h"
#include "ve_init.h"

enum init_step {
	STEP_SYNC,
	STEP_MOUNT_PRIVATE,
	STEP_BIND_ROOT,
	STEP_PIVOT_ROOT,
	STEP_PROC,
	STEP_DEV,
	STEP_DEVPTS,
	STEP_HOSTNAME,
	STEP_STDIO,
	STEP_CAPS,
	STEP_EXEC,
	STEP_UNDUMP,
};

static const char *const step_names[] = {
	[STEP_SYNC]		= "waiting for the parent",
	[STEP_MOUNT_PRIVATE]	= "making mounts private",
	[STEP_BIND_ROOT]	= "binding VE_ROOT",
	[STEP_PIVOT_ROOT]	= "changing root to VE_ROOT",
	[STEP_PROC]		= "mounting /proc",
	[STEP_DEV]		= "populating /dev",
	[STEP_DEVPTS]		= "mounting /dev/pts",
	[STEP_HOSTNAME]		= "setting hostname",
	[STEP_STDIO]		= "redirecting stdio",
	[STEP_CAPS]		= "limiting capabilities",
	[STEP_EXEC]		= "executing /sbin/init",
	[STEP_UNDUMP]		= "undumping the image",
};

void ve_init_report(const struct init_failure *f, ssize_t n,
		    const char *what)
{
	if (n == (ssize_t)sizeof(*f) && f->step >= 0 && f->step <= STEP_UNDUMP)
		vz_error("Unable to %s: %s: %s", what, step_names[f->step],
			 strerror(f->err));
	else
		vz_error("Unable to %s", what);
}

static void __attribute__((noreturn))
init_fail(int status_fd, enum init_step step)
{
	struct init_failure f = { .step = step, .err = errno };

	if (write(status_fd, &f, sizeof(f)) < 0)
		_exit(2);
	_exit(1);
}

static int make_dev(const char *name, mode_t mode, unsigned int maj,
		    unsigned int min)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/%s", name);
	return mknod(path, S_IFCHR | mode, makedev(maj, min));
}

static void setup_dev(int status_fd)
{
	static const struct {
		const char *name;
		unsigned int maj, min;
	} nodes[] = {
		{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
		/* No console device of its own: writes to it vanish. */
		{ "console", 1, 3 },
	};

	mkdir("/dev", 0755);
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=755,size=1m"))
		init_fail(status_fd, STEP_DEV);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (make_dev(nodes[i].name, 0666, nodes[i].maj, nodes[i].min))
			init_fail(status_fd, STEP_DEV);
	if (symlink("pts/ptmx", "/dev/ptmx") ||
	    symlink("/proc/self/fd", "/dev/fd") ||
	    symlink("/proc/self/fd/0", "/dev/stdin") ||
	    symlink("/proc/self/fd/1", "/dev/stdout") ||
	    symlink("/proc/self/fd/2", "/dev/stderr"))
		init_fail(status_fd, STEP_DEV);
	if (mkdir("/dev/pts", 0755) ||
	    mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,gid=5"))
		init_fail(status_fd, STEP_DEVPTS);
	if (mkdir("/dev/shm", 01777) ||
	    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777"))
		init_fail(status_fd, STEP_DEV);
}

/*
 * With rstfd (restore), instead of executing /sbin/init it asks the
 * kernel to turn it into the image's init (CPT_UNDUMP on that /proc/rst
 * fd, cpt-api.rst), and only comes back here if that fails.
 */
void ve_init_child(int go_fd, int status_fd, const struct ve_init_params *p)
{
	const char *root = p->root, *hostname = p->hostname;
	int rstfd = p->rstfd;
	char *const argv[] = { "init", NULL };
	char *const envp[] = { "HOME=/", "TERM=linux", VE_PATH_ENV, NULL };
	char go;
	long maxfd;
	int fd;

	if (read(go_fd, &go, 1) != 1)
		_exit(1);	/* the parent gave up */
	close(go_fd);
	umask(0);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		init_fail(status_fd, STEP_MOUNT_PRIVATE);
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL))
		init_fail(status_fd, STEP_BIND_ROOT);
	/* pivot_root(".", ".") stacks the old root under the new one. */
	if (chdir(root) || syscall(SYS_pivot_root, ".", ".") ||
	    umount2(".", MNT_DETACH) || chdir("/"))
		init_fail(status_fd, STEP_PIVOT_ROOT);
	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL))
		init_fail(status_fd, STEP_PROC);
	/* Nice to have but not needed to boot, so not fatal. */
	mkdir("/sys", 0555);
	mount("sysfs", "/sys", "sysfs",
	      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	setup_dev(status_fd);
	if (devnodes_make(p->devnodes, p->nr_devnodes))
		init_fail(status_fd, STEP_DEV);
	umask(022);
	if (hostname && *hostname && sethostname(hostname, strlen(hostname)))
		init_fail(status_fd, STEP_HOSTNAME);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		init_fail(status_fd, STEP_STDIO);
	maxfd = sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (fd = 3; fd < maxfd; fd++)
		if (fd != status_fd && fd != rstfd)
			close(fd);
	setsid();
	/*
	 * Last, with everything set up that needed them: what the VE may
	 * not have goes from the bounding set, for good.  An undumping
	 * init keeps its own capabilities (it rebuilds the tasks); the
	 * tasks it restores get no more than this set.
	 */
	if (caps_drop_bset(p->caps))
		init_fail(status_fd, STEP_CAPS);
	if (rstfd >= 0) {
		if (ioctl(rstfd, CPT_UNDUMP, 0) < 0)
			init_fail(status_fd, STEP_UNDUMP);
		_exit(0);
	}
	execve("/sbin/init", argv, envp);
	init_fail(status_fd, STEP_EXEC);
}
