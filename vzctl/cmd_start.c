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
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>
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
	[STEP_EXEC]		= "executing /sbin/init",
	[STEP_UNDUMP]		= "undumping the image",
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

/*
 * Runs as the VE's pid 1; only returns by exec.  With rstfd (restore),
 * instead of executing /sbin/init it asks the kernel to turn it into the
 * image's init (CPT_UNDUMP on that /proc/rst fd, cpt-api.rst), and only
 * comes back here if that fails.
 */
static void __attribute__((noreturn))
ve_init_child(int go_fd, int status_fd, const char *root,
	      const char *hostname, int rstfd)
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
		if (fd != status_fd && fd != rstfd)
			close(fd);
	setsid();
	if (rstfd >= 0) {
		if (ioctl(rstfd, CPT_UNDUMP, 0) < 0)
			init_fail(status_fd, STEP_UNDUMP);
		_exit(0);
	}
	execve("/sbin/init", argv, envp);
	init_fail(status_fd, STEP_EXEC);
}

/* Kill a half-started VE and wait until the kernel has let it go. */
void ve_kill_init(int fd, unsigned int veid, pid_t pid)
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

/*
 * The VE's network as the configuration says, from the host side, given
 * its init (which is in the VE's network namespace): veth pair, bridge,
 * addresses, default route.  Shared by start and restore.  On failure
 * the caller removes the veth pair.
 */
int ve_net_start(const struct ve_conf *vc, pid_t init_pid)
{
	char *ipstr = ve_conf_get(vc, "IP_ADDRESS");
	char *bridge = ve_conf_get(vc, "VE_BRIDGE");
	struct strlist ips = { 0 };
	int ret;

	strlist_split(&ips, ipstr);
	ret = veth_create(vc->veid, init_pid, bridge);
	if (!ret && ips.n) {
		char *list = strlist_join(&ips, " ");

		vz_msg("Adding IP address(es): %s", list);
		free(list);
	}
	if (!ret)
		ret = ve_net_setup(init_pid, &ips, bridge);
	strlist_free(&ips);
	free(ipstr);
	free(bridge);
	return ret;
}

static int ve_start_fresh(struct ve_conf *vc)
{
	char *root = NULL, *priv = NULL, *hostname, *nameservers;
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
		ve_init_child(go[0], st[1], root, hostname, -1);
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
	ret = ve_net_start(vc, pid);
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
	ve_kill_init(fd, vc->veid, pid);
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
	free(root);
	free(priv);
	free(hostname);
	free(nameservers);
	return ret;
}

#define UNDUMP_TIMEOUT_MS	(600 * 1000)
#define UNDUMP_POLL_MS		100

static void report_init_failure(const struct init_failure *f, ssize_t n,
				const char *what)
{
	if (n == (ssize_t)sizeof(*f) && f->step >= 0 && f->step <= STEP_UNDUMP)
		vz_error("Unable to %s: %s: %s", what, step_names[f->step],
			 strerror(f->err));
	else
		vz_error("Unable to %s", what);
}

/*
 * Wait for the outcome of the init's CPT_UNDUMP: the kernel's line on the
 * status fd ("undumped", or "failed ERRNO"), or the init's own report of
 * a step before it, or its death.  The init's end of its status pipe is
 * closed when the kernel gives it the image's files, so EOF there alone
 * says nothing.
 */
static int wait_undumped(int status_rd, int init_rd, pid_t pid)
{
	char line[64];
	size_t len = 0;

	for (int waited = 0; waited < UNDUMP_TIMEOUT_MS;
	     waited += UNDUMP_POLL_MS) {
		struct pollfd p[2] = {
			{ .fd = status_rd, .events = POLLIN },
			{ .fd = init_rd, .events = POLLIN },
		};
		siginfo_t info = { 0 };
		ssize_t n;

		if (poll(p, 2, UNDUMP_POLL_MS) < 0 && errno != EINTR)
			break;
		if (p[0].revents & (POLLIN | POLLHUP)) {
			n = read(status_rd, line + len, sizeof(line) - 1 - len);
			if (n > 0)
				len += (size_t)n;
			line[len] = '\0';
			if (strchr(line, '\n') || len == sizeof(line) - 1) {
				int err = 0;

				if (!strncmp(line, "undumped", 8))
					return 0;
				if (sscanf(line, "failed %d", &err) == 1 && err)
					vz_error("Undumping failed: %s",
						 strerror(err < 0 ? -err : err));
				else
					vz_error("Undumping failed");
				return VZ_RESTORE_ERROR;
			}
		}
		if (init_rd >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
			struct init_failure f;

			n = read(init_rd, &f, sizeof(f));
			if (n > 0) {
				report_init_failure(&f, n, "restore VE");
				return VZ_RESTORE_ERROR;
			}
			init_rd = -1;	/* poll() skips negative fds */
		}
		/* Dead (not reaped: ve_kill_init() does that). */
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    info.si_pid == pid) {
			vz_error("The VE's init died while undumping");
			return VZ_RESTORE_ERROR;
		}
	}
	vz_error("Undumping timed out");
	return VZ_RESTORE_ERROR;
}

/*
 * Restore's half of start: create the VE and its network as start does,
 * but have the new init, once in VE_ROOT with its /proc and /dev, become
 * the image's init through CPT_UNDUMP on rstfd (whose VEID and dump fd
 * are set, and whose status fd writes to status_rd).  Returns 0 when the
 * kernel reports the VE undumped, its tasks parked until CPT_RESUME, with
 * *init_pid set; otherwise an exit code, with the VE killed and its veth
 * pair removed.  VE_ROOT must be mounted.
 */
int ve_start_undump(struct ve_conf *vc, int vzfd, int rstfd, int status_rd,
		    pid_t *init_pid)
{
	char *root = NULL, *priv = NULL;
	int ret, go[2] = { -1, -1 }, st[2] = { -1, -1 };
	pid_t pid;

	ret = ve_conf_paths(vc, &root, &priv);
	if (ret)
		return ret;
	if (pipe2(go, O_CLOEXEC) || pipe2(st, O_CLOEXEC)) {
		vz_error("Unable to create pipe: %s", strerror(errno));
		ret = VZ_SYSTEM_ERROR;
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	pid = ve_ioctl(vzfd, vc->veid, VE_CREATE | VE_EXCLUSIVE);
	if (pid == 0) {
		close(go[1]);
		close(st[0]);
		close(status_rd);
		ve_init_child(go[0], st[1], root, NULL, rstfd);
	}
	close(go[0]);
	close(st[1]);
	go[0] = st[1] = -1;
	if (pid < 0) {
		vz_error("Unable to create VE: %s", strerror(-pid));
		ret = pid == -EEXIST ? VZ_VE_RUNNING : VZ_RESTORE_ERROR;
		goto out;
	}
	ret = ve_net_start(vc, pid);
	if (!ret && write(go[1], "g", 1) != 1) {
		vz_error("Unable to start VE init: %s", strerror(errno));
		ret = VZ_RESTORE_ERROR;
	}
	if (!ret)
		ret = wait_undumped(status_rd, st[0], pid);
	if (ret) {
		cpt_ioctl(rstfd, CPT_KILL, 0, NULL);
		ve_kill_init(vzfd, vc->veid, pid);
		veth_remove(vc->veid);
	} else {
		*init_pid = pid;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (st[i] >= 0)
			close(st[i]);
	}
	free(root);
	free(priv);
	return ret;
}

/*
 * OpenVZ's rule: a VE with a dump file is restored from it rather than
 * booted, and booted normally if that restore fails.  A dump no longer
 * matches the VE's files once the VE has run without it, so after such
 * a boot the dump is moved aside, where no later start restores it.
 */
int ve_start_locked(struct ve_conf *vc)
{
	char *dump = cpt_dump_path(vc, NULL);
	int ret;

	if (!path_exists(dump)) {
		free(dump);
		return ve_start_fresh(vc);
	}
	vz_msg("Dump file %s exists, trying to restore from it", dump);
	ret = ve_restore_locked(vc, &(struct cpt_opts){
		.veid = vc->veid, .stage = CPT_STAGE_FULL }, dump);
	if (ret == 0 || ret == VZ_VE_RUNNING) {
		free(dump);
		return ret;
	}
	vz_msg("Starting the VE normally");
	ret = ve_start_fresh(vc);
	if (ret == 0 && path_exists(dump)) {
		char *aside = xasprintf("%s.failed", dump);

		if (rename(dump, aside) == 0)
			vz_msg("Dump file moved to %s", aside);
		else
			vz_error("Unable to move %s aside: %s", dump,
				 strerror(errno));
		free(aside);
	}
	free(dump);
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
