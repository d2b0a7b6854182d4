// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint and restore of a VE, through /proc/cpt and /proc/rst
 * (cpt_client.c, Documentation/cpt-api.rst).
 *
 * A checkpoint without a stage option suspends (freezes every task),
 * dumps to the file and kills, all through one open /proc/cpt.  Any
 * failure before the kill resumes the VE, so it runs on as if nothing
 * happened, and leaves no dump file: the image is written to F.tmp and
 * only renamed to F once complete and on disk, and F is removed again if
 * the kill fails.
 *
 * A restore creates the VE as start creates it, network included (same
 * veth names, MAC address and addresses, so the VE's peers see no
 * change: the image holds no network devices), but its new init, instead
 * of executing /sbin/init, undumps the image (CPT_UNDUMP): the kernel
 * makes it the image's init and recreates the other processes, all
 * frozen, and reports "undumped" on a status pipe.  CPT_RESUME from here
 * then lets them run.  A failure at any step kills what was undumped and
 * undoes the network and the mount, so a restore either succeeds or
 * leaves the VE stopped with its dump file still there.
 *
 * The stages (chkpnt --suspend, --dump, --resume, --kill; restore
 * --undump, --resume, --kill) do one step each, in separate processes,
 * through a sticky kernel context named by --context (default: the
 * VEID); that is what migration needs: undump on the destination, resume
 * there once the source is sure to be gone, or kill to roll back.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>

#include "args.h"
#include "config.h"
#include "cpt_client.h"
#include "cr.h"
#include "net.h"
#include "util.h"
#include "ve.h"
#include "ve_start.h"
#include "ve_stop.h"

/* CPT_KILL has sent SIGKILL; the VE is gone when its last task is. */
#define KILL_WAIT		10

/* --context: decimal, or hexadecimal with 0x (OpenVZ read hex only). */
static int parse_context(const char *s, unsigned int *ctx)
{
	unsigned long v;
	char *end;
	int base = 10;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		base = 16;
	if (!*s || !isxdigit((unsigned char)s[base == 16 ? 2 : 0]))
		return -1;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v == 0 || v > UINT_MAX)
		return -1;
	*ctx = (unsigned int)v;
	return 0;
}

int cpt_opts_parse(int argc, char **argv, const struct option *opts,
		   struct cpt_opts *o)
{
	unsigned long flags;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case CPT_OPT_DUMPFILE:
			if (!*optarg) {
				vz_error("Invalid dump file name");
				return VZ_INVALID_PARAMETER_VALUE;
			}
			o->dumpfile = optarg;
			break;
		case CPT_OPT_CONTEXT:
			if (parse_context(optarg, &o->context)) {
				vz_error("Invalid context ID: %s", optarg);
				return VZ_INVALID_PARAMETER_VALUE;
			}
			o->context_set = true;
			break;
		case CPT_OPT_FLAGS:
			errno = 0;
			flags = strtoul(optarg, &end, 0);
			if (errno || !*optarg || *end || flags > UINT_MAX) {
				vz_error("Invalid flags: %s", optarg);
				return VZ_INVALID_PARAMETER_VALUE;
			}
			o->cpu_flags = (unsigned int)flags;
			o->flags_set = true;
			break;
		case CPT_OPT_SKIP_ARPDETECT:
			o->skip_arpdetect = true;
			break;
		case CPT_STAGE_SUSPEND:
		case CPT_STAGE_DUMP:
		case CPT_STAGE_RESUME:
		case CPT_STAGE_KILL:
		case CPT_STAGE_UNDUMP:
			if (o->stage != CPT_STAGE_FULL) {
				vz_error("Invalid syntax: only one sub command may be used");
				return VZ_INVALID_PARAMETER_SYNTAX;
			}
			o->stage = (enum cpt_stage)c;
			break;
		default:
			/* A missing argument too, as OpenVZ said it. */
			vz_error("Invalid option: %s", argv[optind - 1]);
			return VZ_INVALID_PARAMETER_SYNTAX;
		}
	}
	return parse_veid_at(argc, argv, optind, &o->veid);
}

/*
 * What a checkpoint or a restore works with, the VE locked: its paths
 * and its dump file's, /dev/vzctl and whether the VE's init runs, and
 * the control file (/proc/cpt or /proc/rst) once it is open.
 */
struct cr {
	struct ve_conf *vc;
	const struct cpt_opts *o;
	char *root, *priv, *dump;
	int vzfd;
	int fd;			/* the control file, -1: not open */
	pid_t pid;		/* the VE's init, 0: not running */
};

/* 0 or an exit code; cr_end() either way. */
static int cr_begin(struct cr *c, struct ve_conf *vc,
		    const struct cpt_opts *o)
{
	int ret;

	*c = (struct cr){ .vc = vc, .o = o, .vzfd = -1, .fd = -1 };
	ret = ve_conf_paths(vc, &c->root, &c->priv);
	if (ret)
		return ret;
	c->dump = cpt_dump_path(vc, o->dumpfile);
	c->vzfd = vz_open_ve(vc->veid, &c->pid);
	return c->vzfd < 0 ? -c->vzfd : 0;
}

static int cr_open(struct cr *c, bool restore)
{
	c->fd = cpt_open(restore);
	return c->fd < 0 ? -c->fd : 0;
}

/*
 * The context a stage works in: the whole operation its file's own, the
 * first stage a new sticky one, every later stage the one that made.
 */
static int cr_attach(const struct cr *c, bool restore)
{
	const struct cpt_opts *o = c->o;
	enum cpt_attach_mode mode = CPT_ATTACH_JOIN;

	if (o->stage == CPT_STAGE_FULL)
		mode = CPT_ATTACH_OWN;
	else if (o->stage == CPT_STAGE_SUSPEND || o->stage == CPT_STAGE_UNDUMP)
		mode = CPT_ATTACH_NEW;
	return cpt_attach(c->fd, restore, o->veid,
			  o->context_set ? o->context : o->veid, mode);
}

static void cr_end(struct cr *c)
{
	if (c->fd >= 0) {
		cpt_detach(c->fd);
		close(c->fd);
	}
	if (c->vzfd >= 0)
		close(c->vzfd);
	free(c->dump);
	free(c->root);
	free(c->priv);
}

/*
 * After CPT_KILL: as after a stop, once the init is gone.  Returns -1 if
 * it is not, else what ve_stopped_cleanup() returned.
 */
static int finish_kill(const struct cr *c)
{
	unsigned int veid = c->vc->veid;

	if (!ve_wait_stopped(c->vzfd, veid, KILL_WAIT)) {
		vz_error("VE %u is still running after the kill", veid);
		return -1;
	}
	return ve_stopped_cleanup(veid, c->root);
}

/* --resume of either kind of context: its tasks run on, it goes. */
static int stage_resume(const struct cr *c)
{
	vz_msg("\tresume...");
	if (cpt_ioctl(c->fd, CPT_RESUME, 0, "Resuming"))
		return -1;
	cpt_ioctl(c->fd, CPT_PUT_CONTEXT, 0, "CPT_PUT_CONTEXT");
	return 0;
}

/* --kill of either kind of context: as finish_kill(). */
static int stage_kill(const struct cr *c)
{
	vz_msg("\tkill...");
	if (cpt_ioctl(c->fd, CPT_KILL, 0, "Killing"))
		return -1;
	cpt_ioctl(c->fd, CPT_PUT_CONTEXT, 0, "CPT_PUT_CONTEXT");
	return finish_kill(c);
}

/* The context is left to the caller when the dump fails. */
static int dump_to_file(const struct cr *c)
{
	const char *dump = c->dump;
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
	if (cpt_ioctl(c->fd, CPT_SET_DUMPFD, (unsigned long)fd,
		      "CPT_SET_DUMPFD") ||
	    cpt_ioctl(c->fd, CPT_DUMP, 0, "Dumping"))
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

static int set_cpu_flags(const struct cr *c)
{
	int ret;

	if (!c->o->flags_set)
		return 0;
	ret = cpt_ioctl(c->fd, CPT_SET_CPU_FLAGS, c->o->cpu_flags, NULL);
	if (ret == -ENOTTY || ret == -EINVAL)
		vz_error("--flags is not supported by this kernel");
	else if (ret)
		vz_error("CPT_SET_CPU_FLAGS failed: %s", strerror(-ret));
	return ret;
}

/*
 * Once the VE is killed the dump is complete, so a failed unmount after
 * it is reported but does not make the checkpoint fail.
 */
static int chkpnt_full(const struct cr *c)
{
	unsigned int veid = c->vc->veid;
	int ret;

	vz_msg("\tsuspend...");
	ret = cpt_ioctl(c->fd, CPT_SUSPEND, 0, "Suspending");
	if (ret) {
		/* -EBUSY: someone else's context holds it; not ours to undo. */
		if (ret != -EBUSY)
			cpt_ioctl(c->fd, CPT_RESUME, 0, NULL);
		return -1;
	}
	if (dump_to_file(c))
		goto resume;
	vz_msg("\tkill...");
	if (cpt_ioctl(c->fd, CPT_KILL, 0, "Killing")) {
		/* The VE runs on, so the dump must not be restored later. */
		unlink(c->dump);
		goto resume;
	}
	return finish_kill(c) < 0 ? -1 : 0;

resume:
	if (cpt_ioctl(c->fd, CPT_RESUME, 0, "Resuming"))
		vz_error("VE %u is left suspended", veid);
	else
		vz_msg("VE %u resumed", veid);
	return -1;
}

static int chkpnt_stage(const struct cr *c)
{
	switch (c->o->stage) {
	case CPT_STAGE_FULL:
		return chkpnt_full(c);
	case CPT_STAGE_SUSPEND:
		vz_msg("\tsuspend...");
		if (cpt_ioctl(c->fd, CPT_SUSPEND, 0, "Suspending")) {
			cpt_ioctl(c->fd, CPT_PUT_CONTEXT, 0, NULL);
			return -1;
		}
		return 0;
	case CPT_STAGE_DUMP:
		/* On failure the VE stays suspended: --resume or --dump again. */
		return dump_to_file(c);
	case CPT_STAGE_RESUME:
		return stage_resume(c);
	case CPT_STAGE_KILL:
		/* As after chkpnt_full()'s kill. */
		return stage_kill(c) < 0 ? -1 : 0;
	default:
		return -1;
	}
}

int ve_chkpnt_locked(struct ve_conf *vc, const struct cpt_opts *o)
{
	struct cr c;
	int ret;

	ret = cr_begin(&c, vc, o);
	if (ret)
		goto out;
	if (c.pid == 0) {
		vz_error("Unable to setup checkpoint: VE is not running");
		ret = VZ_VE_NOT_RUNNING;
		goto out;
	}
	ret = cr_open(&c, false);
	if (ret)
		goto out;
	vz_msg("Setting up checkpoint...");
	if (cr_attach(&c, false) || set_cpu_flags(&c) || chkpnt_stage(&c)) {
		vz_error("Checkpointing failed");
		ret = VZ_CHKPNT_ERROR;
		goto out;
	}
	vz_msg("Checkpointing completed successfully");
out:
	cr_end(&c);
	return ret;
}

/*
 * Undump into a new VE with its network: the init that VE_CREATE makes
 * undumps the image itself (cpt-api.rst); see ve_start_undump().  On
 * failure everything it did is undone.
 */
static int undump(const struct cr *c, pid_t *pid)
{
	int fd, st[2], ret;

	vz_msg("\tundump...");
	fd = open(c->dump, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vz_error("Unable to open dump file %s: %s", c->dump,
			 strerror(errno));
		return -1;
	}
	/* The kernel keeps its own references to both files. */
	ret = cpt_ioctl(c->fd, CPT_SET_DUMPFD, (unsigned long)fd,
			"CPT_SET_DUMPFD");
	close(fd);
	if (ret)
		return -1;
	if (pipe2(st, O_CLOEXEC)) {
		vz_error("Unable to create pipe: %s", strerror(errno));
		return -1;
	}
	ret = cpt_ioctl(c->fd, CPT_SET_STATUSFD, (unsigned long)st[1],
			"CPT_SET_STATUSFD");
	close(st[1]);
	if (!ret)
		ret = ve_start_undump(c->vc, c->vzfd, c->fd, st[0], pid);
	close(st[0]);
	return ret ? -1 : 0;
}

static int restore_stage(const struct cr *c)
{
	pid_t pid;

	switch (c->o->stage) {
	case CPT_STAGE_FULL:
		if (undump(c, &pid))
			return -1;
		vz_msg("\tresume...");
		if (cpt_ioctl(c->fd, CPT_RESUME, 0, "Resuming")) {
			cpt_ioctl(c->fd, CPT_KILL, 0, NULL);
			ve_kill_init(c->vzfd, c->vc->veid, pid);
			veth_remove(c->vc->veid);
			return -1;
		}
		return 0;
	case CPT_STAGE_UNDUMP:
		/* The VE stays frozen, its init parked, for --resume. */
		if (undump(c, &pid)) {
			cpt_ioctl(c->fd, CPT_PUT_CONTEXT, 0, NULL);
			return -1;
		}
		return 0;
	case CPT_STAGE_RESUME:
		if (!stage_resume(c))
			return 0;
		/*
		 * /proc/rst kills a VE it cannot resume (a task of it died
		 * while parked): its context is of no more use, and would
		 * only keep its id from the next --undump.
		 */
		if (ve_wait_stopped(c->vzfd, c->vc->veid, KILL_WAIT)) {
			vz_error("VE %u was killed: it could not be resumed",
				 c->vc->veid);
			cpt_ioctl(c->fd, CPT_PUT_CONTEXT, 0, NULL);
			ve_stopped_cleanup(c->vc->veid, c->root);
		}
		return -1;
	case CPT_STAGE_KILL:
		return stage_kill(c) ? -1 : 0;
	default:
		return -1;
	}
}

int ve_restore_locked(struct ve_conf *vc, const struct cpt_opts *o)
{
	bool fresh = o->stage == CPT_STAGE_FULL || o->stage == CPT_STAGE_UNDUMP;
	bool mounted_here = false;
	struct cr c;
	int ret;

	ret = cr_begin(&c, vc, o);
	if (ret)
		goto out;
	if (fresh && c.pid > 0) {
		vz_error("Unable to restore: VE is already running");
		ret = VZ_VE_RUNNING;
		goto out;
	}
	if (!fresh && c.pid == 0) {
		vz_error("Unable to restore: VE is not running (was it undumped?)");
		ret = VZ_VE_NOT_RUNNING;
		goto out;
	}
	if (fresh && !path_exists(c.dump)) {
		vz_error("Dump file %s does not exist", c.dump);
		ret = VZ_RESTORE_ERROR;
		goto out;
	}
	ret = cr_open(&c, true);
	if (ret)
		goto out;
	vz_msg("Restoring VE ...");
	if (fresh && !ve_is_mounted(c.root)) {
		ret = ve_mount_root(c.priv, c.root);
		if (ret)
			goto out;
		mounted_here = true;
		vz_msg("VE is mounted");
	}
	if (cr_attach(&c, true) || restore_stage(&c)) {
		if (mounted_here && ve_is_mounted(c.root))
			ve_umount_root(c.root);
		vz_error("Restoring failed");
		ret = VZ_RESTORE_ERROR;
		goto out;
	}
	/* The VE runs from it now: a later start must not restore it again. */
	if ((o->stage == CPT_STAGE_FULL || o->stage == CPT_STAGE_RESUME) &&
	    unlink(c.dump) && errno != ENOENT)
		vz_error("Unable to remove dump file %s: %s", c.dump,
			 strerror(errno));
	vz_msg("Restoring completed successfully");
out:
	cr_end(&c);
	return ret;
}

/*
 * OpenVZ's rule: a VE with a dump file is restored from it rather than
 * booted, and booted normally if that restore fails.  A dump no longer
 * matches the VE's files once the VE has run without it, so after such
 * a boot the dump is moved aside, where no later start restores it.
 * It is here rather than in ve_start.c because it uses both that and
 * the restore above, which uses ve_start.c.
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
	/* No --dumpfile: the same path. */
	ret = ve_restore_locked(vc, &(struct cpt_opts){
		.veid = vc->veid, .stage = CPT_STAGE_FULL });
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
