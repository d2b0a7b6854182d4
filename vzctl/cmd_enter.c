// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl enter: an interactive shell inside a running VE.
 *
 * The pseudo terminal comes from the VE's own devpts instance: after
 * VE_ENTER our root is the VE's, so /dev/ptmx is the VE's.  A terminal
 * from the host's devpts would give the VE a handle on a host device.
 * Stdin need not be a terminal: on its EOF we type ^D into the shell
 * and keep copying its output until it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "util.h"
#include "ve.h"

#define EOT	'\004'

static void __attribute__((noreturn))
shell_child(int master, const char *slave_name, int sync_fd)
{
	char *envp[4];
	int slave, err;

	close(master);
	if (setsid() < 0)
		goto fail;
	slave = open(slave_name, O_RDWR);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		goto fail;
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		goto fail;
	if (slave > 2)
		close(slave);
	ve_exec_env(envp, 4);
	if (chdir("/") < 0 && chdir("/root") < 0)
		goto fail;
	if (access("/bin/bash", X_OK) == 0) {
		char *argv[] = { "bash", "-i", NULL };

		execve("/bin/bash", argv, envp);
	} else {
		char *argv[] = { "sh", "-i", NULL };

		execve("/bin/sh", argv, envp);
	}
fail:
	err = errno;
	if (write(sync_fd, &err, sizeof(err)) < 0)
		_exit(126);
	_exit(127);
}

static int write_some(int fd, const char *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return (int)n;
}

/* Copy stdin to the master and the master to stdout until the shell ends. */
static void relay(int master)
{
	char in[4096], out[4096];
	size_t pending = 0, off = 0;
	bool stdin_open = true, eot_sent = false;

	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = (stdin_open && !pending) ? 0 : -1,
			  .events = POLLIN },
			{ .fd = master,
			  .events = POLLIN | (pending || (!stdin_open && !eot_sent)
					      ? POLLOUT : 0) },
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(master, out, sizeof(out));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0)
				break;	/* EIO: the shell and its terminal are gone */
			for (ssize_t w = 0; w < n;) {
				ssize_t k = write(STDOUT_FILENO, out + w,
						  (size_t)(n - w));

				if (k < 0 && errno == EINTR)
					continue;
				if (k <= 0)
					break;
				w += k;
			}
		}
		if (p[1].revents & POLLOUT) {
			if (pending) {
				int k = write_some(master, in + off, pending);

				if (k < 0)
					break;
				off += (size_t)k;
				pending -= (size_t)k;
			} else if (!stdin_open && !eot_sent) {
				char eot = EOT;
				int k = write_some(master, &eot, 1);

				if (k < 0)
					break;
				eot_sent = k == 1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(STDIN_FILENO, in, sizeof(in));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				stdin_open = false;
			} else {
				pending = (size_t)n;
				off = 0;
			}
		}
	}
}

int cmd_enter(struct cmd_ve *ve, void *opts)
{
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO);
	char slave_name[64];
	int fd, master, ret, err, sync[2], status;
	struct winsize ws;
	unsigned int veid = ve->veid;
	ssize_t n;
	pid_t pid;

	(void)opts;
	fd = vz_open();
	if (fd < 0)
		return -fd;
	ret = ve_enter(fd, veid);
	close(fd);
	if (ret)
		return ret;
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || unlockpt(master) ||
	    ptsname_r(master, slave_name, sizeof(slave_name))) {
		vz_error("Unable to open pty in VE: %s", strerror(errno));
		return VZ_SYSTEM_ERROR;
	}
	if (tty && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
	if (pipe2(sync, O_CLOEXEC)) {
		vz_error("Unable to create pipe: %s", strerror(errno));
		return VZ_SYSTEM_ERROR;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		vz_error("Unable to fork: %s", strerror(errno));
		return VZ_SYSTEM_ERROR;
	}
	if (pid == 0) {
		close(sync[0]);
		shell_child(master, slave_name, sync[1]);
	}
	close(sync[1]);
	/* EOF: the shell runs, so its side of the terminal is open. */
	do
		n = read(sync[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(sync[0]);
	if (n > 0) {
		vz_error("Unable to start shell in VE: %s", strerror(err));
		waitpid(pid, NULL, 0);
		return VZ_COMMAND_EXECUTION_ERROR;
	}
	fprintf(stderr, "entered into VE %u\n", veid);
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
	} else {
		tty = false;
	}
	relay(master);
	close(master);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (tty)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
	fprintf(stderr, "exited from VE %u\n", veid);
	return 0;
}
