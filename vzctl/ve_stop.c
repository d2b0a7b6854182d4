// SPDX-License-Identifier: GPL-2.0
/*
 * Stopping a VE.  A stop first asks the VE to shut itself down by
 * running its /sbin/halt, gives it VZ_STOP_TIMEOUT seconds, then kills
 * its init, which takes every process of the VE with it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vzcalluser.h>

#include "config.h"
#include "net.h"
#include "util.h"
#include "ve.h"
#include "ve_stop.h"

#define STOP_POLL_US		100000
#define DEFAULT_STOP_TIMEOUT	60
#define KILL_TIMEOUT		10

static int stop_timeout(void)
{
	const char *s = getenv("VZ_STOP_TIMEOUT");
	char *end;
	long v;

	if (!s || !*s)
		return DEFAULT_STOP_TIMEOUT;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 86400)
		return DEFAULT_STOP_TIMEOUT;
	return (int)v;
}

/* Start /sbin/halt inside the VE and do not wait for it: it may hang. */
static void run_halt(int fd, unsigned int veid)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		if (ve_ioctl(fd, veid, VE_ENTER) < 0)
			_exit(1);
		if (fork() == 0) {
			char *const argv[] = { "halt", NULL };
			char *const envp[] = { VE_PATH_ENV, "HOME=/", NULL };
			int null = open("/dev/null", O_RDWR);

			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
			if (chdir("/") == 0)
				execve("/sbin/halt", argv, envp);
			_exit(127);
		}
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool ve_wait_stopped(int fd, unsigned int veid, int seconds)
{
	double end = now() + seconds;

	for (;;) {
		pid_t pid = ve_init_pid(fd, veid);

		if (pid == 0)
			return true;
		if (pid < 0 || now() >= end)
			return false;
		usleep(STOP_POLL_US);
	}
}

void ve_kill_init(int fd, unsigned int veid, pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 100 && ve_init_pid(fd, veid) > 0; i++)
		usleep(100000);
}

/*
 * What is left on the host once the VE's init is gone, however it went
 * (stop, or a checkpoint's or restore's kill): its veth end and its root
 * mount.
 */
int ve_stopped_cleanup(unsigned int veid, const char *root)
{
	int ret = 0;

	veth_remove(veid);
	if (ve_is_mounted(root)) {
		ret = ve_umount_root(root);
		if (!ret)
			vz_msg("VE is unmounted");
	}
	return ret;
}

int ve_stop_locked(struct ve_conf *vc, bool fast)
{
	char *root, *priv;
	pid_t pid;
	int fd, ret;

	ret = ve_conf_paths(vc, &root, &priv);
	if (ret)
		return ret;
	fd = vz_open_ve(vc->veid, &pid);
	if (fd < 0) {
		ret = -fd;
		goto out;
	}
	if (pid == 0) {
		vz_error("Unable to stop: VE is not running");
		ret = VZ_VE_NOT_RUNNING;
		goto out_close;
	}
	vz_msg("Stopping VE ...");
	if (!fast) {
		run_halt(fd, vc->veid);
		ve_wait_stopped(fd, vc->veid, stop_timeout());
	}
	pid = ve_init_pid(fd, vc->veid);
	if (pid > 0) {
		kill(pid, SIGKILL);
		if (!ve_wait_stopped(fd, vc->veid, KILL_TIMEOUT)) {
			vz_error("Unable to stop VE: operation timed out");
			ret = VZ_STOP_ERROR;
			goto out_close;
		}
	}
	vz_msg("VE was stopped");
	ret = ve_stopped_cleanup(vc->veid, root);
out_close:
	close(fd);
out:
	free(root);
	free(priv);
	return ret;
}
