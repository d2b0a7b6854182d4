// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl chkpnt: save a running VE's state to a dump file and stop it.
 *
 * Without a stage option: suspend (freeze every task), dump to the file,
 * kill, all through one open /proc/cpt.  Any failure before the kill
 * resumes the VE, so it runs on as if nothing happened, and leaves no
 * dump file: the image is written to F.tmp and only renamed to F once
 * complete and on disk, and F is removed again if the kill fails.
 *
 * The stages (--suspend, --dump, --resume, --kill) do one step each, in
 * separate processes, through a sticky kernel context named by
 * --context (default: the VEID); that is what migration needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>

#include "vzctl.h"

/* CPT_KILL has sent SIGKILL; the VE is gone when its last task is. */
#define KILL_WAIT		10

/* The context is left to the caller when the dump fails. */
static int dump_to_file(int cptfd, const char *dump)
{
	char *tmp = xasprintf("%s.tmp", dump), *dir, *slash;
	int fd, ret = -1;

	vz_msg("\tdump...");
	dir = xstrdup(dump);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0700))
			vz_error("Unable to create %s: %s", dir,
				 strerror(errno));
	}
	free(dir);
	/* The VE is locked: a leftover F.tmp is from a run that died. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		vz_error("Unable to create dump file %s: %s", tmp,
			 strerror(errno));
		goto out;
	}
	if (cpt_ioctl(cptfd, CPT_SET_DUMPFD, (unsigned long)fd,
		      "CPT_SET_DUMPFD") ||
	    cpt_ioctl(cptfd, CPT_DUMP, 0, "Dumping"))
		goto out_unlink;
	if (fsync(fd)) {
		vz_error("Unable to write dump file %s: %s", tmp,
			 strerror(errno));
		goto out_unlink;
	}
	if (close(fd)) {
		fd = -1;
		vz_error("Unable to write dump file %s: %s", tmp,
			 strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, dump)) {
		vz_error("Unable to rename %s to %s: %s", tmp, dump,
			 strerror(errno));
		goto out_unlink;
	}
	ret = 0;
	goto out;
out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return ret;
}

/*
 * After CPT_KILL: as after a stop, once the init is gone.  The dump is
 * complete by then, so a failed unmount is reported but does not make
 * the checkpoint fail.
 */
static int finish_kill(int vzfd, unsigned int veid, const char *root)
{
	if (!ve_wait_stopped(vzfd, veid, KILL_WAIT)) {
		vz_error("VE %u is still running after the kill", veid);
		return -1;
	}
	ve_stopped_cleanup(veid, root);
	return 0;
}

static int set_cpu_flags(int cptfd, const struct cpt_opts *o)
{
	int ret;

	if (!o->flags_set)
		return 0;
	ret = cpt_ioctl(cptfd, CPT_SET_CPU_FLAGS, o->cpu_flags, NULL);
	if (ret == -ENOTTY || ret == -EINVAL)
		vz_error("--flags is not supported by this kernel");
	else if (ret)
		vz_error("CPT_SET_CPU_FLAGS failed: %s", strerror(-ret));
	return ret;
}

static int chkpnt_full(int cptfd, int vzfd, const struct cpt_opts *o,
		       const char *root, const char *dump)
{
	int ret;

	vz_msg("\tsuspend...");
	ret = cpt_ioctl(cptfd, CPT_SUSPEND, 0, "Suspending");
	if (ret) {
		/* -EBUSY: someone else's context holds it; not ours to undo. */
		if (ret != -EBUSY)
			cpt_ioctl(cptfd, CPT_RESUME, 0, NULL);
		return -1;
	}
	if (dump_to_file(cptfd, dump))
		goto resume;
	vz_msg("\tkill...");
	if (cpt_ioctl(cptfd, CPT_KILL, 0, "Killing")) {
		/* The VE runs on, so the dump must not be restored later. */
		unlink(dump);
		goto resume;
	}
	return finish_kill(vzfd, o->veid, root);

resume:
	if (cpt_ioctl(cptfd, CPT_RESUME, 0, "Resuming"))
		vz_error("VE %u is left suspended", o->veid);
	else
		vz_msg("VE %u resumed", o->veid);
	return -1;
}

static int chkpnt_stage(int cptfd, int vzfd, const struct cpt_opts *o,
			const char *root, const char *dump)
{
	switch (o->stage) {
	case CPT_STAGE_SUSPEND:
		vz_msg("\tsuspend...");
		if (cpt_ioctl(cptfd, CPT_SUSPEND, 0, "Suspending")) {
			cpt_ioctl(cptfd, CPT_PUT_CONTEXT, 0, NULL);
			return -1;
		}
		return 0;
	case CPT_STAGE_DUMP:
		/* On failure the VE stays suspended: --resume or --dump again. */
		return dump_to_file(cptfd, dump);
	case CPT_STAGE_RESUME:
		vz_msg("\tresume...");
		if (cpt_ioctl(cptfd, CPT_RESUME, 0, "Resuming"))
			return -1;
		cpt_ioctl(cptfd, CPT_PUT_CONTEXT, 0, "CPT_PUT_CONTEXT");
		return 0;
	case CPT_STAGE_KILL:
		vz_msg("\tkill...");
		if (cpt_ioctl(cptfd, CPT_KILL, 0, "Killing"))
			return -1;
		cpt_ioctl(cptfd, CPT_PUT_CONTEXT, 0, "CPT_PUT_CONTEXT");
		return finish_kill(vzfd, o->veid, root);
	default:
		return -1;
	}
}

static int chkpnt_locked(struct ve_conf *vc, const struct cpt_opts *o,
			 const char *root)
{
	char *dump = cpt_dump_path(vc, o->dumpfile);
	int vzfd, cptfd = -1, ret;
	pid_t pid;

	vzfd = vz_open();
	if (vzfd < 0) {
		ret = -vzfd;
		goto out;
	}
	pid = ve_init_pid(vzfd, o->veid);
	if (pid < 0) {
		ret = VZ_SYSTEM_ERROR;
		goto out;
	}
	if (pid == 0) {
		vz_error("Unable to setup checkpoint: VE is not running");
		ret = VZ_VE_NOT_RUNNING;
		goto out;
	}
	cptfd = cpt_open(false);
	if (cptfd < 0) {
		ret = -cptfd;
		goto out;
	}
	vz_msg("Setting up checkpoint...");
	ret = VZ_CHKPNT_ERROR;
	if (cpt_attach(cptfd, o, false, o->stage != CPT_STAGE_SUSPEND &&
		       o->stage != CPT_STAGE_FULL) ||
	    set_cpu_flags(cptfd, o))
		goto failed;
	if (o->stage == CPT_STAGE_FULL ? chkpnt_full(cptfd, vzfd, o, root, dump) :
	    chkpnt_stage(cptfd, vzfd, o, root, dump))
		goto failed;
	vz_msg("Checkpointing completed successfully");
	ret = 0;
	goto out;
failed:
	vz_error("Checkpointing failed");
out:
	if (cptfd >= 0) {
		cpt_detach(cptfd);
		close(cptfd);
	}
	if (vzfd >= 0)
		close(vzfd);
	free(dump);
	return ret;
}

int cmd_chkpnt(int argc, char **argv)
{
	struct cpt_opts o;
	struct ve_conf vc;
	char *lock = NULL, *root, *priv;
	int ret;

	ret = parse_chkpnt(argc, argv, &o);
	if (ret)
		return ret;
	ret = ve_load(o.veid, &vc, &root, &priv);
	if (ret)
		return ret;
	ret = ve_lock(&vc, &lock);
	if (!ret) {
		ret = chkpnt_locked(&vc, &o, root);
		vz_unlock(lock);
	}
	free(root);
	free(priv);
	ve_conf_free(&vc);
	return ret;
}
