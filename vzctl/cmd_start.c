// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl start: create the VE with its init and wire up its network.
 *
 * VE_CREATE forks: the child is already pid 1 of the VE's new namespaces
 * but still sees the host's file system.  It waits for a go byte while
 * the parent, from the host side, creates the veth pair and configures
 * addresses inside the new network namespace.  Then the child moves into
 * VE_ROOT, builds /proc, /sys and /dev, and executes /sbin/init.  Its
 * status pipe is close-on-exec: EOF means init runs, anything else is the
 * step that failed and its errno, so a start either succeeds or leaves
 * nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vzcalluser.h>

#include "vzctl.h"

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
	STEP_EXEC,
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
	[STEP_EXEC]		= "executing /sbin/init",
};

struct init_failure {
	int step;
	int err;
};

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

/* Runs as the VE's pid 1; only returns by exec. */
static void __attribute__((noreturn))
ve_init_child(int go_fd, int status_fd, const char *root,
	      const char *hostname)
{
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
		if (fd != status_fd)
			close(fd);
	setsid();
	execve("/sbin/init", argv, envp);
	init_fail(status_fd, STEP_EXEC);
}

/* Kill a half-started VE and wait until the kernel has let it go. */
static void kill_ve(int fd, unsigned int veid, pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 100 && ve_init_pid(fd, veid) > 0; i++)
		usleep(100000);
}

static int write_ve_files(const char *root, const char *hostname,
			  const char *nameservers)
{
	if (hostname && *hostname) {
		char *text = xasprintf("%s\n", hostname);
		int ret = ve_write_file(root, "etc", "hostname", text);

		free(text);
		if (ret) {
			vz_error("Unable to write %s/etc/hostname: %s", root,
				 strerror(errno));
			return VZ_SYSTEM_ERROR;
		}
		vz_msg("Set hostname: %s", hostname);
	}
	if (nameservers && *nameservers) {
		struct strlist ns = { 0 };
		char *text;
		int ret;

		strlist_split(&ns, nameservers);
		text = resolv_conf_text(&ns);
		ret = ve_write_file(root, "etc", "resolv.conf", text);
		free(text);
		strlist_free(&ns);
		if (ret) {
			vz_error("Unable to write %s/etc/resolv.conf: %s",
				 root, strerror(errno));
			return VZ_SYSTEM_ERROR;
		}
		vz_msg("File resolv.conf was modified");
	}
	return 0;
}

int ve_start_locked(struct ve_conf *vc)
{
	char *root = NULL, *priv = NULL, *hostname, *nameservers, *ipstr;
	char *bridge;
	struct strlist ips = { 0 };
	bool mounted_here = false;
	int fd, ret, go[2] = { -1, -1 }, st[2] = { -1, -1 };
	struct init_failure fail;
	ssize_t n;
	pid_t pid;

	ret = ve_conf_paths(vc, &root, &priv);
	if (ret)
		return ret;
	hostname = ve_conf_get(vc, "HOSTNAME");
	nameservers = ve_conf_get(vc, "NAMESERVER");
	ipstr = ve_conf_get(vc, "IP_ADDRESS");
	bridge = ve_conf_get(vc, "VE_BRIDGE");
	strlist_split(&ips, ipstr);

	fd = vz_open();
	if (fd < 0) {
		ret = -fd;
		goto out;
	}
	pid = ve_init_pid(fd, vc->veid);
	if (pid < 0) {
		ret = VZ_SYSTEM_ERROR;
		goto out_close;
	}
	if (pid > 0) {
		vz_error("VE is already running");
		ret = VZ_VE_RUNNING;
		goto out_close;
	}
	if (!is_dir(priv)) {
		vz_error("VE private area %s does not exist", priv);
		ret = VZ_FS_NOPRVT;
		goto out_close;
	}
	vz_msg("Starting VE ...");
	if (!ve_is_mounted(root)) {
		ret = ve_mount_root(priv, root);
		if (ret)
			goto out_close;
		mounted_here = true;
		vz_msg("VE is mounted");
	}
	ret = write_ve_files(root, hostname, nameservers);
	if (ret)
		goto out_umount;
	if (pipe2(go, O_CLOEXEC) || pipe2(st, O_CLOEXEC)) {
		vz_error("Unable to create pipe: %s", strerror(errno));
		ret = VZ_SYSTEM_ERROR;
		goto out_pipes;
	}
	fflush(stdout);
	fflush(stderr);
	pid = ve_ioctl(fd, vc->veid, VE_CREATE | VE_EXCLUSIVE);
	if (pid == 0) {
		close(go[1]);
		close(st[0]);
		ve_init_child(go[0], st[1], root, hostname);
	}
	close(go[0]);
	close(st[1]);
	go[0] = st[1] = -1;
	if (pid < 0) {
		if (pid == -EEXIST) {
			vz_error("VE is already running");
			ret = VZ_VE_RUNNING;
		} else {
			vz_error("Unable to create VE: %s", strerror(-pid));
			ret = VZ_ENVCREATE_ERROR;
		}
		goto out_pipes;
	}
	ret = veth_create(vc->veid, pid, bridge);
	if (ret)
		goto out_kill;
	if (ips.n) {
		char *list = strlist_join(&ips, " ");

		vz_msg("Adding IP address(es): %s", list);
		free(list);
	}
	ret = ve_net_setup(pid, &ips, bridge);
	if (ret)
		goto out_kill;
	if (write(go[1], "g", 1) != 1) {
		vz_error("Unable to start VE init: %s", strerror(errno));
		ret = VZ_ENVCREATE_ERROR;
		goto out_kill;
	}
	do
		n = read(st[0], &fail, sizeof(fail));
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		if (n == (ssize_t)sizeof(fail) && fail.step >= 0 &&
		    fail.step <= STEP_EXEC)
			vz_error("Unable to start VE init: %s: %s",
				 step_names[fail.step], strerror(fail.err));
		else
			vz_error("Unable to start VE init");
		ret = VZ_ENVCREATE_ERROR;
		goto out_kill;
	}
	vz_msg("VE start in progress...");
	goto out_pipes;

out_kill:
	kill_ve(fd, vc->veid, pid);
	veth_remove(vc->veid);
out_pipes:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (st[i] >= 0)
			close(st[i]);
	}
out_umount:
	if (ret && mounted_here)
		ve_umount_root(root);
out_close:
	close(fd);
out:
	strlist_free(&ips);
	free(root);
	free(priv);
	free(hostname);
	free(nameservers);
	free(ipstr);
	free(bridge);
	return ret;
}

int cmd_start(int argc, char **argv)
{
	struct ve_conf vc;
	char *lock = NULL, *root, *priv;
	unsigned int veid;
	int ret;

	ret = parse_veid_only(argc, argv, &veid);
	if (ret)
		return ret;
	ret = ve_load(veid, &vc, &root, &priv);
	if (ret)
		return ret;
	free(root);
	free(priv);
	ret = ve_lock(&vc, &lock);
	if (!ret) {
		ret = ve_start_locked(&vc);
		vz_unlock(lock);
	}
	ve_conf_free(&vc);
	return ret;
}
