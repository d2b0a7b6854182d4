// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl restore: recreate a VE from its dump file and let it run on.
 *
 * The VE is created as start creates it, network included (same veth
 * names, MAC address and addresses, so the VE's peers see no change:
 * the image holds no network devices), but its new init, instead of
 * executing /sbin/init, undumps the image (CPT_UNDUMP): the kernel makes
 * it the image's init and recreates the other processes, all frozen,
 * and reports "undumped" on a status pipe.  CPT_RESUME from here then
 * lets them run.  A failure at any step kills what was undumped and
 * undoes the network and the mount, so a restore either succeeds or
 * leaves the VE stopped with its dump file still there.
 *
 * Stages (--undump, --resume, --kill) do one step each through a sticky
 * context, for migration: undump on the destination, resume there once
 * the source is sure to be gone, or kill to roll back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>

#include "vzctl.h"

#define KILL_WAIT		10

/*
 * Undump into a new VE with its network: the init that VE_CREATE makes
 * undumps the image itself (cpt-api.rst); see ve_start_undump().  On
 * failure everything it did is undone.
 */
static int undump(int rstfd, int vzfd, struct ve_conf *vc, const char *dump,
		  pid_t *pid)
{
	int fd, st[2], ret;

	vz_msg("\tundump...");
	fd = open(dump, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vz_error("Unable to open dump file %s: %s", dump,
			 strerror(errno));
		return -1;
	}
	/* The kernel keeps its own references to both files. */
	ret = cpt_ioctl(rstfd, CPT_SET_DUMPFD, (unsigned long)fd,
			"CPT_SET_DUMPFD");
	close(fd);
	if (ret)
		return -1;
	if (pipe2(st, O_CLOEXEC)) {
		vz_error("Unable to create pipe: %s", strerror(errno));
		return -1;
	}
	ret = cpt_ioctl(rstfd, CPT_SET_STATUSFD, (unsigned long)st[1],
			"CPT_SET_STATUSFD");
	close(st[1]);
	if (!ret)
		ret = ve_start_undump(vc, vzfd, rstfd, st[0], pid);
	close(st[0]);
	return ret ? -1 : 0;
}

static int restore_stage(int rstfd, int vzfd, struct ve_conf *vc,
			 const struct cpt_opts *o, const char *root,
			 const char *dump)
{
	pid_t pid;

	switch (o->stage) {
	case CPT_STAGE_FULL:
		if (undump(rstfd, vzfd, vc, dump, &pid))
			return -1;
		vz_msg("\tresume...");
		if (cpt_ioctl(rstfd, CPT_RESUME, 0, "Resuming")) {
			cpt_ioctl(rstfd, CPT_KILL, 0, NULL);
			ve_kill_init(vzfd, vc->veid, pid);
			veth_remove(vc->veid);
			return -1;
		}
		return 0;
	case CPT_STAGE_UNDUMP:
		/* The VE stays frozen, its init parked, for --resume. */
		if (undump(rstfd, vzfd, vc, dump, &pid)) {
			cpt_ioctl(rstfd, CPT_PUT_CONTEXT, 0, NULL);
			return -1;
		}
		return 0;
	case CPT_STAGE_RESUME:
		/* On failure the VE stays frozen: --resume again or --kill. */
		vz_msg("\tresume...");
		if (cpt_ioctl(rstfd, CPT_RESUME, 0, "Resuming"))
			return -1;
		cpt_ioctl(rstfd, CPT_PUT_CONTEXT, 0, "CPT_PUT_CONTEXT");
		return 0;
	case CPT_STAGE_KILL:
		vz_msg("\tkill...");
		if (cpt_ioctl(rstfd, CPT_KILL, 0, "Killing"))
			return -1;
		cpt_ioctl(rstfd, CPT_PUT_CONTEXT, 0, "CPT_PUT_CONTEXT");
		if (!ve_wait_stopped(vzfd, vc->veid, KILL_WAIT)) {
			vz_error("VE %u is still running after the kill",
				 vc->veid);
			return -1;
		}
		return ve_stopped_cleanup(vc->veid, root) ? -1 : 0;
	default:
		return -1;
	}
}

/*
 * The restore proper, with the VE locked.  dump is the dump file's path
 * (cpt_dump_path()).  Also used by start for a VE with a dump file.
 */
int ve_restore_locked(struct ve_conf *vc, const struct cpt_opts *o,
		      const char *dump)
{
	bool fresh = o->stage == CPT_STAGE_FULL || o->stage == CPT_STAGE_UNDUMP;
	bool mounted_here = false;
	char *root = NULL, *priv = NULL;
	int vzfd, rstfd = -1, ret;
	pid_t pid;

	ret = ve_conf_paths(vc, &root, &priv);
	if (ret)
		return ret;
	vzfd = vz_open();
	if (vzfd < 0) {
		ret = -vzfd;
		goto out;
	}
	pid = ve_init_pid(vzfd, vc->veid);
	if (pid < 0) {
		ret = VZ_SYSTEM_ERROR;
		goto out;
	}
	if (fresh && pid > 0) {
		vz_error("Unable to restore: VE is already running");
		ret = VZ_VE_RUNNING;
		goto out;
	}
	if (!fresh && pid == 0) {
		vz_error("Unable to restore: VE is not running (was it undumped?)");
		ret = VZ_VE_NOT_RUNNING;
		goto out;
	}
	if (fresh && !path_exists(dump)) {
		vz_error("Dump file %s does not exist", dump);
		ret = VZ_RESTORE_ERROR;
		goto out;
	}
	rstfd = cpt_open(true);
	if (rstfd < 0) {
		ret = -rstfd;
		goto out;
	}
	vz_msg("Restoring VE ...");
	if (fresh && !ve_is_mounted(root)) {
		ret = ve_mount_root(priv, root);
		if (ret)
			goto out;
		mounted_here = true;
		vz_msg("VE is mounted");
	}
	ret = VZ_RESTORE_ERROR;
	if (cpt_attach(rstfd, o, true, !fresh) ||
	    restore_stage(rstfd, vzfd, vc, o, root, dump))
		goto failed;
	/* The VE runs from it now: a later start must not restore it again. */
	if ((o->stage == CPT_STAGE_FULL || o->stage == CPT_STAGE_RESUME) &&
	    unlink(dump) && errno != ENOENT)
		vz_error("Unable to remove dump file %s: %s", dump,
			 strerror(errno));
	vz_msg("Restoring completed successfully");
	ret = 0;
	goto out;
failed:
	if (mounted_here && ve_is_mounted(root))
		ve_umount_root(root);
	vz_error("Restoring failed");
out:
	if (rstfd >= 0) {
		cpt_detach(rstfd);
		close(rstfd);
	}
	if (vzfd >= 0)
		close(vzfd);
	free(root);
	free(priv);
	return ret;
}

int cmd_restore(int argc, char **argv)
{
	struct cpt_opts o;
	struct ve_conf vc;
	char *lock = NULL, *root, *priv, *dump;
	int ret;

	ret = parse_restore(argc, argv, &o);
	if (ret)
		return ret;
	ret = ve_load(o.veid, &vc, &root, &priv);
	if (ret)
		return ret;
	free(root);
	free(priv);
	dump = cpt_dump_path(&vc, o.dumpfile);
	ret = ve_lock(&vc, &lock);
	if (!ret) {
		ret = ve_restore_locked(&vc, &o, dump);
		vz_unlock(lock);
	}
	free(dump);
	ve_conf_free(&vc);
	return ret;
}
