// SPDX-License-Identifier: GPL-2.0
/*
 * Starting a VE: VE_CREATE makes its init (ve_init.c), which waits while
 * the veth pair and its addresses are set up from the host side, then
 * either executes /sbin/init (a boot) or undumps an image (a restore).
 * Both go through spawn_init(), so a start either succeeds or leaves
 * nothing behind, whichever it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>
#include <linux/vzcalluser.h>

#include "caps.h"
#include "config.h"
#include "devnodes.h"
#include "cpt_client.h"
#include "net.h"
#include "util.h"
#include "ve.h"
#include "ve_init.h"
#include "ve_start.h"
#include "ve_stop.h"

#define UNDUMP_TIMEOUT_MS	(600 * 1000)
#define UNDUMP_POLL_MS		100

/* What the new init does, and how the parent learns that it did. */
struct spawn {
	const char *root;
	const char *hostname;	/* set by the init; NULL: none */
	int rstfd;		/* >= 0: undump from it, not /sbin/init */
	int status_rd;		/* with rstfd: the kernel's status pipe */
	int fail;		/* exit code of a failed start */
	/* 0 once the init is what it was to become, else an exit code. */
	int (*wait)(const struct spawn *s, int init_rd, pid_t pid);
};

/*
 * The VE's network as the configuration says, from the host side, given
 * its init (which is in the VE's network namespace): veth pair, bridge,
 * addresses, default route.  On failure the caller removes the veth
 * pair.
 */
static int ve_net_start(const struct ve_conf *vc, pid_t init_pid)
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

/*
 * Create the VE with its init, wire up its network while the init waits,
 * let it go and wait for the outcome (s->wait).  Returns 0 with
 * *init_pid set, or an exit code with the VE killed and its veth pair
 * removed.
 */
static int spawn_init(struct ve_conf *vc, int vzfd, const struct spawn *s,
		      pid_t *init_pid)
{
	int ret, go[2] = { -1, -1 }, st[2] = { -1, -1 };
	struct ve_init_params p = {
		.root = s->root, .hostname = s->hostname, .rstfd = s->rstfd,
		.caps = ve_caps(vc),
	};
	struct devnode *devs = NULL;
	pid_t pid;

	ret = ve_devnodes(vc, &devs, &p.nr_devnodes);
	if (ret)
		return ret;
	p.devnodes = devs;
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
		if (s->status_rd >= 0)
			close(s->status_rd);
		ve_init_child(go[0], st[1], &p);
	}
	close(go[0]);
	close(st[1]);
	go[0] = st[1] = -1;
	if (pid < 0) {
		/* A boot says it as its own check before did. */
		if (pid == -EEXIST && s->rstfd < 0)
			vz_error("VE is already running");
		else
			vz_error("Unable to create VE: %s", strerror(-pid));
		ret = pid == -EEXIST ? VZ_VE_RUNNING : s->fail;
		goto out;
	}
	/* The devices before the init makes their nodes in its /dev. */
	ret = devnodes_grant(vzfd, vc->veid, devs, p.nr_devnodes);
	if (!ret)
		ret = ve_net_start(vc, pid);
	if (!ret && write(go[1], "g", 1) != 1) {
		vz_error("Unable to start VE init: %s", strerror(errno));
		ret = s->fail;
	}
	if (!ret)
		ret = s->wait(s, st[0], pid);
	if (ret) {
		if (s->rstfd >= 0)
			cpt_ioctl(s->rstfd, CPT_KILL, 0, NULL);
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
	free(devs);
	return ret;
}

/* A boot: the init's status pipe is close-on-exec, EOF says init runs. */
static int wait_exec(const struct spawn *s, int init_rd, pid_t pid)
{
	struct init_failure f;
	ssize_t n;

	(void)pid;
	do
		n = read(init_rd, &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	ve_init_report(&f, n, "start VE init");
	return s->fail;
}

/*
 * An undump: the kernel's line on the status fd ("undumped", or "failed
 * ERRNO"), or the init's own report of a step before it, or its death.
 * The init's end of its status pipe is closed when the kernel gives it
 * the image's files, so EOF there alone says nothing.
 */
static int wait_undumped(const struct spawn *s, int init_rd, pid_t pid)
{
	char line[64];
	size_t len = 0;

	for (int waited = 0; waited < UNDUMP_TIMEOUT_MS;
	     waited += UNDUMP_POLL_MS) {
		struct pollfd p[2] = {
			{ .fd = s->status_rd, .events = POLLIN },
			{ .fd = init_rd, .events = POLLIN },
		};
		siginfo_t info = { 0 };
		ssize_t n;

		if (poll(p, 2, UNDUMP_POLL_MS) < 0 && errno != EINTR)
			break;
		if (p[0].revents & (POLLIN | POLLHUP)) {
			n = read(s->status_rd, line + len,
				 sizeof(line) - 1 - len);
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
				return s->fail;
			}
		}
		if (init_rd >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
			struct init_failure f;

			n = read(init_rd, &f, sizeof(f));
			if (n > 0) {
				ve_init_report(&f, n, "restore VE");
				return s->fail;
			}
			init_rd = -1;	/* poll() skips negative fds */
		}
		/* Dead (not reaped: ve_kill_init() does that). */
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    info.si_pid == pid) {
			vz_error("The VE's init died while undumping");
			return s->fail;
		}
	}
	vz_error("Undumping timed out");
	return s->fail;
}

static int write_ve_files(const char *root, const char *hostname,
			  const char *nameservers)
{
	if (hostname && *hostname) {
		if (ve_write_hostname(root, hostname))
			return VZ_SYSTEM_ERROR;
		vz_msg("Set hostname: %s", hostname);
	}
	if (nameservers && *nameservers) {
		struct strlist ns = { 0 };
		int ret;

		strlist_split(&ns, nameservers);
		ret = ve_write_resolv_conf(root, &ns);
		strlist_free(&ns);
		return ret;
	}
	return 0;
}

int ve_start_fresh(struct ve_conf *vc)
{
	char *root = NULL, *priv = NULL, *hostname, *nameservers;
	bool mounted_here = false;
	int fd, ret;
	pid_t pid;

	ret = ve_conf_paths(vc, &root, &priv);
	if (ret)
		return ret;
	hostname = ve_conf_get(vc, "HOSTNAME");
	nameservers = ve_conf_get(vc, "NAMESERVER");

	fd = vz_open_ve(vc->veid, &pid);
	if (fd < 0) {
		ret = -fd;
		goto out;
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
	if (!ret)
		ret = spawn_init(vc, fd, &(struct spawn){
			.root = root, .hostname = hostname, .rstfd = -1,
			.status_rd = -1, .fail = VZ_ENVCREATE_ERROR,
			.wait = wait_exec }, &pid);
	if (!ret)
		vz_msg("VE start in progress...");
	else if (mounted_here)
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

int ve_start_undump(struct ve_conf *vc, int vzfd, int rstfd, int status_rd,
		    pid_t *init_pid)
{
	char *root, *priv;
	int ret;

	ret = ve_conf_paths(vc, &root, &priv);
	if (ret)
		return ret;
	ret = spawn_init(vc, vzfd, &(struct spawn){
		.root = root, .hostname = NULL, .rstfd = rstfd,
		.status_rd = status_rd, .fail = VZ_RESTORE_ERROR,
		.wait = wait_undumped }, init_pid);
	free(root);
	free(priv);
	return ret;
}
