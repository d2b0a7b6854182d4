// SPDX-License-Identifier: GPL-2.0
/*
 * vzrst: /proc/rst, the restore side.
 *
 * Restoring is done by the VE's new init itself (task_restore.c explains
 * why): vzctl opens /proc/rst, sets the VEID, dump and status fds, makes
 * the context sticky, creates the VE (VZCTL_ENV_CREATE), and the new init
 * sets up the VE's root and mounts and calls CPT_UNDUMP on the inherited
 * fd.  That call rebuilds every task and then parks the init, writing
 * "undumped" (or "failed <errno>") to the status fd.  CPT_RESUME and
 * CPT_KILL then come from the host, through the sticky context.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/sched/signal.h>

#include "restore.h"
#include "dump.h"

static struct cpt_registry rst_registry = {
	.name = "rst",
	.contexts = LIST_HEAD_INIT(rst_registry.contexts),
	.lock = __MUTEX_INITIALIZER(rst_registry.lock),
};

struct rst_procfile {
	struct mutex		lock;	/* ctx may change (JOIN) */
	struct cpt_context	*ctx;
};

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

static long rst_undump(struct file *file, struct rst_procfile *rf)
{
	struct cpt_context *ctx;
	struct rst_image *img;
	struct ve_struct *ve;
	long err;

	/* We may close our own fd of this file while restoring. */
	get_file(file);
	mutex_lock(&rf->lock);
	ctx = rf->ctx;
	refcount_inc(&ctx->refcount);
	mutex_unlock(&rf->lock);

	mutex_lock(&ctx->lock);
	ve = rst_undump_allowed(ctx);
	err = -EPERM;
	if (!ve) {
		cpt_err(ctx, "CPT_UNDUMP must come from the new init of VE %u (see Documentation/cpt-api.rst)",
			ctx->veid);
		goto unlock;
	}
	err = -EBUSY;
	if (ctx->state != CPT_CTX_IDLE)
		goto unlock;
	err = -EBADF;
	if (!ctx->dump_file || !(ctx->dump_file->f_mode & FMODE_READ))
		goto unlock;
	ctx->state = CPT_CTX_UNDUMPING;
	ve_put(ctx->ve);
	ctx->ve = ve;
	ve = NULL;
	mutex_unlock(&ctx->lock);

	/* The long part runs unlocked; the state keeps other stages out. */
	img = rst_read_image(ctx);
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
	if (!err) {
		err = rst_init_park(img);	/* until CPT_RESUME or death */
		rst_image_put(img);
	}
	cpt_context_put(ctx);
	fput(file);
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
	case CPT_TEST_VERSION:
		return (arg >> 16) == CPT_IMAGE_VERSION_MAJOR ? 0 : -EINVAL;
	case CPT_TEST_CAPS:
		return cpt_cpu_caps();
	}
	return -ENOTTY;
}

static long rst_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct rst_procfile *rf = ((struct seq_file *)file->private_data)->private;
	struct cpt_context *ctx;
	long err;

	if (cmd == CPT_UNDUMP)
		return rst_undump(file, rf);
	if (!ve_caller_is_host_admin())
		return -EPERM;
	mutex_lock(&rf->lock);
	ctx = rf->ctx;
	mutex_lock(&ctx->lock);
	err = cpt_context_ioctl(&rf->ctx, cmd, arg);
	ctx = rf->ctx;
	if (err == -ENOIOCTLCMD)
		err = rst_stage_ioctl(ctx, cmd, arg);
	cpt_flush_errors(ctx);
	mutex_unlock(&ctx->lock);
	mutex_unlock(&rf->lock);
	return err;
}

static int rst_show(struct seq_file *m, void *v)
{
	return cpt_registry_show(m, &rst_registry);
}

static int rst_open(struct inode *inode, struct file *file)
{
	struct rst_procfile *rf;
	int err;

	if (!ve_caller_is_host_admin())
		return -EPERM;
	rf = kzalloc(sizeof(*rf), GFP_KERNEL);
	if (!rf)
		return -ENOMEM;
	mutex_init(&rf->lock);
	rf->ctx = cpt_context_new(&rst_registry);
	if (!rf->ctx) {
		kfree(rf);
		return -ENOMEM;
	}
	rf->ctx->restore_abandon = rst_abandon;
	rf->ctx->restore_free = rst_free;
	err = single_open(file, rst_show, rf);
	if (err) {
		cpt_context_release(rf->ctx);
		kfree(rf);
	}
	return err;
}

static int rst_release(struct inode *inode, struct file *file)
{
	struct rst_procfile *rf = ((struct seq_file *)file->private_data)->private;

	cpt_context_release(rf->ctx);
	kfree(rf);
	return single_release(inode, file);
}

static const struct proc_ops rst_proc_ops = {
	.proc_open		= rst_open,
	.proc_read		= seq_read,
	.proc_lseek		= seq_lseek,
	.proc_release		= rst_release,
	.proc_ioctl		= rst_ioctl,
#ifdef CONFIG_COMPAT
	.proc_compat_ioctl	= rst_ioctl,
#endif
};

static int __init vzrst_init(void)
{
	if (!proc_create(RST_PROC_PATH + 6, 0600, NULL, &rst_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit vzrst_exit(void)
{
	remove_proc_entry(RST_PROC_PATH + 6, NULL);
}

module_init(vzrst_init);
module_exit(vzrst_exit);
MODULE_DESCRIPTION("Restore of Virtual Environments (/proc/rst)");
MODULE_LICENSE("GPL");
