// SPDX-License-Identifier: GPL-2.0
/*
 * node-init: PID 1 of a lab node.
 *
 * Mounts the pseudo filesystems, sets the hostname from the kernel command
 * line (vzlab.name=NAME), runs /etc/vzlab/rc with VZLAB_NAME and VZLAB_IP in
 * its environment (vzlab.ip=ADDR/PREFIX), then reaps zombies forever.
 *
 * Signals: SIGTERM, SIGUSR1, SIGUSR2 power off; SIGINT (ctrl-alt-del, or our
 * own "reboot") reboots.  Either way /etc/vzlab/rc.shutdown runs first (it
 * stops the VEs), then every process is killed, filesystems are synced and
 * remounted read-only.
 *
 * The same binary is installed as /sbin/reboot, /sbin/poweroff and
 * /sbin/halt: called by those names it signals PID 1 (or with -f calls
 * reboot(2) directly).
 *
 * Built static so it does not depend on anything in the root filesystem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#define RC_PATH "/etc/vzlab/rc"
#define RC_SHUTDOWN_PATH "/etc/vzlab/rc.shutdown"

static volatile sig_atomic_t pending_action; /* 0, RB_POWER_OFF or RB_AUTOBOOT */

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("node-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void do_mount(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) && errno != EBUSY)
		say("mount %s on %s (%s): %s", src, dst, type, strerror(errno));
}

/* Find "key=value" on the kernel command line; returns a malloc'd value. */
static char *cmdline_param(const char *key)
{
	static char buf[4096];
	static int loaded;
	size_t klen = strlen(key);
	char *p;

	if (!loaded) {
		int fd = open("/proc/cmdline", O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		loaded = 1;
	}
	for (p = buf; *p; ) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t len = strcspn(v, " \n");

			return strndup(v, len);
		}
		p += strcspn(p, " \n");
	}
	return NULL;
}

static void on_signal(int sig)
{
	pending_action = sig == SIGINT ? RB_AUTOBOOT : RB_POWER_OFF;
}

static void on_child(int sig)
{
	(void)sig;	/* only here to wake sigsuspend() */
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Run /etc/vzlab/rc.shutdown (stops VEs) for at most 30 s. */
static void run_shutdown_script(void)
{
	pid_t pid;
	int i;

	if (access(RC_SHUTDOWN_PATH, R_OK))
		return;
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGCHLD, SIG_DFL);
		execl("/bin/sh", "sh", RC_SHUTDOWN_PATH, (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		return;
	for (i = 0; i < 300; i++) {
		pid_t w = waitpid(-1, NULL, WNOHANG);

		if (w == pid || (w < 0 && errno == ECHILD))
			return;
		if (w == 0)
			usleep(100000);
	}
	say("%s still running after 30 s, going on", RC_SHUTDOWN_PATH);
}

static void shutdown_node(int action)
{
	int i;

	run_shutdown_script();
	say("%s: stopping all processes", action == RB_AUTOBOOT ? "reboot" : "power off");
	kill(-1, SIGTERM);
	for (i = 0; i < 50; i++) {	/* up to 5 s for services to exit */
		reap();
		/* Every orphan is our child, so no children means none left. */
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			break;
		usleep(100000);
	}
	kill(-1, SIGKILL);
	reap();
	sync();
	if (umount2("/vz", 0) && errno != EINVAL && errno != ENOENT)
		mount(NULL, "/vz", NULL, MS_REMOUNT | MS_RDONLY, NULL);
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL))
		say("remount / read-only: %s", strerror(errno));
	sync();
	say("%s", action == RB_AUTOBOOT ? "rebooting" : "powering off");
	reboot(action);
	say("reboot(2) failed: %s", strerror(errno));
	for (;;)
		pause();
}

/* Called as reboot/poweroff/halt. */
static int as_command(const char *name, int argc, char **argv)
{
	int force = 0, i, action = strcmp(name, "reboot") ? RB_POWER_OFF : RB_AUTOBOOT;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--poweroff"))
			action = RB_POWER_OFF;
		else {
			fprintf(stderr, "usage: %s [-f] [-p]\n", name);
			return 2;
		}
	}
	sync();
	if (force) {
		reboot(action);
		perror(name);
		return 1;
	}
	if (kill(1, action == RB_AUTOBOOT ? SIGINT : SIGUSR2)) {
		perror(name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct sigaction sa;
	char *name, *ip;
	sigset_t all, old;
	pid_t rc;

	if (strcmp(base, "node-init") && strcmp(base, "init"))
		return as_command(base, argc, argv);
	if (getpid() != 1) {
		fprintf(stderr, "node-init: must run as PID 1\n");
		return 1;
	}

	do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	do_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=666");
	do_mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	do_mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	do_mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	do_mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (mount(NULL, "/", NULL, MS_REMOUNT, NULL))
		say("remount / rw: %s", strerror(errno));

	/* stdio on the console, whatever the kernel gave us. */
	{
		int fd = open("/dev/console", O_RDWR | O_NOCTTY);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}

	/* ctrl-alt-del sends SIGINT to us instead of rebooting at once. */
	reboot(RB_DISABLE_CAD);

	name = cmdline_param("vzlab.name");
	ip = cmdline_param("vzlab.ip");
	if (!name)
		name = strdup("node");
	if (sethostname(name, strlen(name)))
		say("sethostname %s: %s", name, strerror(errno));
	setenv("VZLAB_NAME", name, 1);
	setenv("VZLAB_IP", ip ? ip : "", 1);
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "dumb", 1);

	/* Block our signals until the handler is installed and the child forked. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);

	rc = fork();
	if (rc == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		setsid();
		execl("/bin/sh", "sh", RC_PATH, (char *)NULL);
		say("exec %s: %s", RC_PATH, strerror(errno));
		_exit(127);
	}
	if (rc < 0)
		say("fork: %s", strerror(errno));

	/*
	 * Reap forever; act on shutdown signals.  Signals stay blocked except
	 * inside sigsuspend(), so none can slip in between the checks.
	 */
	sigemptyset(&old);
	for (;;) {
		int status;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == rc) {
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					say("%s failed (status 0x%x)", RC_PATH, status);
				rc = 0;
			}
		}
		if (pending_action)
			shutdown_node(pending_action);
		sigsuspend(&old);
	}
}
