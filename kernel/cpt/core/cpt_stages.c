// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/cpt, the checkpoint side.
 *
 * Stages, each one ioctl, so vzctl can run them as separate commands on
 * a sticky context: CPT_SUSPEND freezes the VE (freeze.c), CPT_DUMP
 * writes its image to the dump fd (dump.c), then CPT_RESUME lets it run
 * on or CPT_KILL ends it.  A context whose owner goes away while the VE
 * is frozen resumes the VE: a crashed vzctl must not leave it frozen.
 */
#include <linux/fs.h>
#include <linux/ve.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/freeze.h"
#include "core/procfile.h"
#include "core/stages.h"

static int cpt_suspend(struct cpt_context *ctx)
{
	int err;

	if (ctx->state != CPT_CTX_IDLE)
		return -EBUSY;
	if (!ctx->veid) {
		cpt_err(ctx, "no VEID set (CPT_SET_VEID)");
		return -EINVAL;
	}
	if (cpt_registry_ve_busy(ctx->registry, ctx->veid, ctx)) {
		cpt_err(ctx, "VE %u is already being checkpointed", ctx->veid);
		return -EBUSY;
	}
	ve_put(ctx->ve);
	ctx->ve = ve_lookup(ctx->veid);
	if (!ctx->ve) {
		cpt_err(ctx, "VE %u is not running", ctx->veid);
		return -ESRCH;
	}
	ctx->state = CPT_CTX_SUSPENDING;
	err = cpt_freeze_ve(ctx);
	if (err) {
		ctx->state = CPT_CTX_IDLE;
		ve_put(ctx->ve);
		ctx->ve = NULL;
		return err;
	}
	ctx->state = CPT_CTX_SUSPENDED;
	return 0;
}

static int cpt_dump(struct cpt_context *ctx)
{
	int err;

	if (ctx->state != CPT_CTX_SUSPENDED && ctx->state != CPT_CTX_DUMPED)
		return -EINVAL;
	if (!ctx->dump_file) {
		cpt_err(ctx, "no dump file set (CPT_SET_DUMPFD)");
		return -EBADF;
	}
	if (!(ctx->dump_file->f_mode & FMODE_WRITE))
		return -EBADF;
	err = cpt_check_frozen_ve(ctx);
	if (err)
		return err;
	ctx->state = CPT_CTX_DUMPING;
	err = cpt_dump_ve(ctx);
	ctx->state = err ? CPT_CTX_SUSPENDED : CPT_CTX_DUMPED;
	return err;
}

/* The VE runs on (resume) or is gone (kill): the context is idle again. */
static void cpt_let_go(struct cpt_context *ctx)
{
	ve_put(ctx->ve);
	ctx->ve = NULL;
	ctx->state = CPT_CTX_IDLE;
}

static bool cpt_frozen(struct cpt_context *ctx)
{
	return ctx->state == CPT_CTX_SUSPENDED || ctx->state == CPT_CTX_DUMPED;
}

static long cpt_stage_ioctl(struct cpt_context *ctx, unsigned int cmd,
			    unsigned long arg)
{
	int err;

	switch (cmd) {
	case CPT_SUSPEND:
		return cpt_suspend(ctx);
	case CPT_DUMP:
		return cpt_dump(ctx);
	case CPT_RESUME:
		if (!cpt_frozen(ctx))
			return -EINVAL;
		cpt_thaw_ve(ctx);
		cpt_let_go(ctx);
		return 0;
	case CPT_KILL:
		if (!cpt_frozen(ctx))
			return -EINVAL;
		err = cpt_kill_ve(ctx);
		cpt_let_go(ctx);
		return err;
	}
	/* OpenVZ's lazy-pages, iteration and link-dir ioctls: not here (yet). */
	return -ENOTTY;
}

static void cpt_abandon(struct cpt_context *ctx)
{
	if (!ctx->freezer)
		return;
	pr_warn("CPT WRN: context of VE %u abandoned while suspended, resuming it\n",
		ctx->veid);
	cpt_thaw_ve(ctx);
	ctx->state = CPT_CTX_IDLE;
}

static struct cpt_registry cpt_registry = {
	.name		= "cpt",
	.contexts	= LIST_HEAD_INIT(cpt_registry.contexts),
	.lock		= __MUTEX_INITIALIZER(cpt_registry.lock),
	.abandon	= cpt_abandon,
};

const struct cpt_procfile_ops cpt_procfile_ops = {
	.registry	= &cpt_registry,
	.stage_ioctl	= cpt_stage_ioctl,
};
