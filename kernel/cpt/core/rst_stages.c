// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/rst, the restore side.
 *
 * Restoring is done by the VE's new init itself (restore.c explains
 * why): vzctl opens /proc/rst, sets the VEID, dump and status fds, makes
 * the context sticky, creates the VE (VZCTL_ENV_CREATE), and the new init
 * sets up the VE's root and mounts and calls CPT_UNDUMP on the inherited
 * fd.  That call rebuilds every task and then parks the init, writing
 * "undumped" (or "failed <errno>") to the status fd.  CPT_RESUME and
 * CPT_KILL then come from the host, through the sticky context.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/ve.h>
#include <linux/workqueue.h>

#include "core/context.h"
#include "core/freeze.h"
#include "core/procfile.h"
#include "core/restore.h"
#include "core/stages.h"

static void rst_status(struct cpt_context *ctx, int err)
{
	char line[32];
	loff_t pos = 0;
	int n;

	if (!ctx->status_file)
		return;
	n = err ? snprintf(line, sizeof(line), "failed %d\n", err)
		: snprintf(line, sizeof(line), "undumped\n");
	kernel_write(ctx->status_file, line, n, &pos);
}

static void rst_drop_image(struct cpt_context *ctx)
{
	struct rst_image *img = ctx->restore;

	ctx->restore = NULL;
	rst_image_put(img);
}

/* Kill a half-restored VE; with ctx->lock held. */
static int rst_kill(struct cpt_context *ctx)
{
	struct rst_image *img = ctx->restore;
	int err = 0;

	if (img)
		rst_abort_tasks(img);
	if (ctx->ve)
		err = cpt_kill_ve(ctx);
	rst_drop_image(ctx);
	ve_put(ctx->ve);
	ctx->ve = NULL;
	ctx->state = CPT_CTX_IDLE;
	return err;
}

static void rst_abandon(struct cpt_context *ctx)
{
	if (ctx->state == CPT_CTX_UNDUMPED) {
		pr_warn("CPT WRN: restore context of VE %u abandoned, killing the VE\n",
			ctx->veid);
		rst_kill(ctx);
	}
}

static void rst_free(struct cpt_context *ctx)
{
	rst_drop_image(ctx);
}

struct rst_file_put {
	struct work_struct	work;
	struct file		*file;
};

static void rst_file_put_work(struct work_struct *work)
{
	struct rst_file_put *p = container_of(work, struct rst_file_put, work);

	fput(p->file);
	kfree(p);
	module_put(THIS_MODULE);	/* see cpt_park() on the tail */
}

/*
 * Drop the init's reference to its /proc/rst file from a worker, not
 * from the init: a task's last fput() is finished when it returns to
 * user mode, which a parked init does not do.  So when vzctl dies and
 * drops the other reference, the file is released at once, its context
 * abandoned (rst_abandon()), and the undumped VE killed rather than left
 * parked where nothing can reach it.
 */
static void rst_put_file_later(struct file *file)
{
	struct rst_file_put *p = kmalloc(sizeof(*p), GFP_KERNEL);

	if (!p) {
		fput(file);
		return;
	}
	__module_get(THIS_MODULE);
	INIT_WORK(&p->work, rst_file_put_work);
	p->file = file;
	schedule_work(&p->work);
}

/* Only the fresh init of the context's VE, alone in it, may undump. */
static struct ve_struct *rst_undump_allowed(struct cpt_context *ctx)
{
	struct ve_struct *ve = ve_lookup(ctx->veid);

	if (ve && ve->init_task == current && thread_group_empty(current) &&
	    ve_nr_processes(ve) == 1 && capable(CAP_SYS_ADMIN))
		return ve;
	ve_put(ve);
	return NULL;
}

/*
 * The context of @pf, referenced: CPT_UNDUMP and CPT_TEST_IMAGE read
 * for long without the file's lock, so a CPT_JOIN_CONTEXT meanwhile
 * must not free it under them.
 */
static struct cpt_context *rst_get_context(struct cpt_procfile *pf)
{
	struct cpt_context *ctx;

	mutex_lock(&pf->lock);
	ctx = pf->ctx;
	refcount_inc(&ctx->refcount);
	mutex_unlock(&pf->lock);
	return ctx;
}

/*
 * Under ctx->lock: an idle context with a readable dump file goes to
 * UNDUMPING, which keeps every other stage out while it is read.
 */
static int rst_start_reading(struct cpt_context *ctx)
{
	if (ctx->state != CPT_CTX_IDLE)
		return -EBUSY;
	if (!ctx->dump_file || !(ctx->dump_file->f_mode & FMODE_READ))
		return -EBADF;
	ctx->state = CPT_CTX_UNDUMPING;
	return 0;
}

static long rst_undump(struct file *file, struct cpt_procfile *rf)
{
	struct cpt_context *ctx;
	struct rst_image *img;
	struct ve_struct *ve;
	long err;

	/*
	 * Our fd of this file is closed by the fd table's restore: keep
	 * the file until the build is over (see rst_put_file_later()).
	 */
	get_file(file);
	ctx = rst_get_context(rf);

	mutex_lock(&ctx->lock);
	ve = rst_undump_allowed(ctx);
	err = -EPERM;
	if (!ve) {
		cpt_err(ctx, "CPT_UNDUMP must come from the new init of VE %u (see Documentation/cpt-api.rst)",
			ctx->veid);
		goto unlock;
	}
	err = rst_start_reading(ctx);
	if (err)
		goto unlock;
	ve_put(ctx->ve);
	ctx->ve = ve;
	ve = NULL;
	mutex_unlock(&ctx->lock);

	/* The long part runs unlocked; the state keeps other stages out. */
	img = rst_image_read(ctx);
	if (IS_ERR(img)) {
		err = PTR_ERR(img);
		img = NULL;
	} else {
		mutex_lock(&ctx->lock);
		ctx->restore = img;
		mutex_unlock(&ctx->lock);
		err = rst_restore_tree(img);
	}

	mutex_lock(&ctx->lock);
	if (err) {
		/*
		 * Its memory and files may be the image's by now: it must not
		 * go back to the code that called us.  The VE dies with it.
		 */
		force_sig(SIGKILL);
		if (img)
			rst_abort_tasks(img);
		rst_drop_image(ctx);
		ctx->state = CPT_CTX_IDLE;
	} else {
		ctx->state = CPT_CTX_UNDUMPED;
		refcount_inc(&img->refcount);	/* for rst_init_park() */
	}
	rst_status(ctx, err);
unlock:
	cpt_flush_errors(ctx);
	mutex_unlock(&ctx->lock);
	ve_put(ve);
	rst_put_file_later(file);
	if (!err) {
		err = rst_init_park(img);	/* until CPT_RESUME or death */
		rst_image_put(img);
	}
	cpt_context_put(ctx);
	return err;
}

static long rst_stage_ioctl(struct cpt_context *ctx, unsigned int cmd,
			    unsigned long arg)
{
	int err;

	switch (cmd) {
	case CPT_RESUME:
		if (ctx->state != CPT_CTX_UNDUMPED)
			return -EINVAL;
		err = rst_resume_tasks(ctx->restore);
		if (err) {
			rst_kill(ctx);
			return err;
		}
		rst_drop_image(ctx);
		ve_put(ctx->ve);
		ctx->ve = NULL;
		ctx->state = CPT_CTX_IDLE;
		return 0;
	case CPT_KILL:
		if (ctx->state != CPT_CTX_UNDUMPED)
			return -EINVAL;
		return rst_kill(ctx);
	}
	return -ENOTTY;
}

/*
 * CPT_TEST_IMAGE: everything CPT_UNDUMP checks before it writes memory,
 * on the host, with no VE and no task: what a migration asks of the
 * destination before it stops the source, and what a fuzzer needs to
 * reach every parser quickly.  Unlocked while reading, as an undump is.
 */
static long rst_test_image(struct cpt_procfile *pf)
{
	struct cpt_context *ctx;
	struct rst_image *img;
	long err;

	if (!ve_caller_is_host_admin())
		return -EPERM;
	ctx = rst_get_context(pf);

	mutex_lock(&ctx->lock);
	err = rst_start_reading(ctx);
	if (err)
		goto unlock;
	mutex_unlock(&ctx->lock);

	img = rst_image_read(ctx);
	if (IS_ERR(img)) {
		err = PTR_ERR(img);
	} else {
		err = rst_image_check_contents(img);
		rst_image_put(img);
	}

	mutex_lock(&ctx->lock);
	ctx->state = CPT_CTX_IDLE;
unlock:
	cpt_flush_errors(ctx);
	mutex_unlock(&ctx->lock);
	cpt_context_put(ctx);
	return err;
}

/*
 * CPT_UNDUMP comes from a VE's init, not the host: checked inside.
 * CPT_TEST_IMAGE reads for long, so it takes the locks itself too.
 */
static long rst_early_ioctl(struct file *file, struct cpt_procfile *pf,
			    unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case CPT_UNDUMP:
		return rst_undump(file, pf);
	case CPT_TEST_IMAGE:
		return rst_test_image(pf);
	}
	return -ENOIOCTLCMD;
}

static struct cpt_registry rst_registry = {
	.name		= "rst",
	.contexts	= LIST_HEAD_INIT(rst_registry.contexts),
	.lock		= __MUTEX_INITIALIZER(rst_registry.lock),
	.abandon	= rst_abandon,
	.free_state	= rst_free,
};

const struct cpt_procfile_ops rst_procfile_ops = {
	.registry	= &rst_registry,
	.early_ioctl	= rst_early_ioctl,
	.stage_ioctl	= rst_stage_ioctl,
};
