// SPDX-License-Identifier: GPL-2.0
/*
 * vzcpt: /proc/cpt, the checkpoint side.
 *
 * Stages, each one ioctl, so vzctl can run them as separate commands on
 * a sticky context: CPT_SUSPEND freezes the VE (cpt_freeze.c), CPT_DUMP
 * writes its image to the dump fd (cpt_dump.c), then CPT_RESUME lets it
 * run on or CPT_KILL ends it.  A context whose owner goes away while the
 * VE is frozen resumes the VE: a crashed vzctl must not leave it frozen.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <asm/cpufeature.h>

#include "cpt_context.h"
#include "dump.h"

static struct cpt_registry cpt_registry = {
	.name = "cpt",
	.contexts = LIST_HEAD_INIT(cpt_registry.contexts),
	.lock = __MUTEX_INITIALIZER(cpt_registry.lock),
};

/* What an open /proc/cpt holds: the context it drives. */
struct cpt_procfile {
	struct mutex		lock;	/* ctx may change (JOIN) */
	struct cpt_context	*ctx;
};

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
	ctx->state = CPT_CTX_DUMPING;
	err = cpt_dump_ve(ctx);
	ctx->state = err ? CPT_CTX_SUSPENDED : CPT_CTX_DUMPED;
	return err;
}

static int cpt_resume(struct cpt_context *ctx)
{
	if (ctx->state != CPT_CTX_SUSPENDED && ctx->state != CPT_CTX_DUMPED)
		return -EINVAL;
	cpt_thaw_ve(ctx);
	ve_put(ctx->ve);
	ctx->ve = NULL;
	ctx->state = CPT_CTX_IDLE;
	return 0;
}

static int cpt_kill(struct cpt_context *ctx)
{
	int err;

	if (ctx->state != CPT_CTX_SUSPENDED && ctx->state != CPT_CTX_DUMPED)
		return -EINVAL;
	err = cpt_kill_ve(ctx);
	ve_put(ctx->ve);
	ctx->ve = NULL;
	ctx->state = CPT_CTX_IDLE;
	return err;
}

static long cpt_stage_ioctl(struct cpt_context *ctx, unsigned int cmd,
			    unsigned long arg)
{
	switch (cmd) {
	case CPT_SUSPEND:
		return cpt_suspend(ctx);
	case CPT_DUMP:
		return cpt_dump(ctx);
	case CPT_RESUME:
		return cpt_resume(ctx);
	case CPT_KILL:
		return cpt_kill(ctx);
	case CPT_TEST_VERSION:
		return (arg >> 16) == CPT_IMAGE_VERSION_MAJOR ? 0 : -EINVAL;
	case CPT_TEST_CAPS:
		return cpt_cpu_caps();
	}
	/* OpenVZ's lazy-pages, iteration and link-dir ioctls: not here (yet). */
	return -ENOTTY;
}

static long cpt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct cpt_procfile *cf = ((struct seq_file *)file->private_data)->private;
	struct cpt_context *ctx;
	long err;

	if (!ve_caller_is_host_admin())
		return -EPERM;
	mutex_lock(&cf->lock);
	ctx = cf->ctx;
	mutex_lock(&ctx->lock);
	err = cpt_context_ioctl(&cf->ctx, cmd, arg);
	ctx = cf->ctx;		/* CPT_JOIN_CONTEXT switches contexts */
	if (err == -ENOIOCTLCMD)
		err = cpt_stage_ioctl(ctx, cmd, arg);
	cpt_flush_errors(ctx);
	mutex_unlock(&ctx->lock);
	mutex_unlock(&cf->lock);
	return err;
}

static int cpt_show(struct seq_file *m, void *v)
{
	return cpt_registry_show(m, &cpt_registry);
}

static int cpt_open(struct inode *inode, struct file *file)
{
	struct cpt_procfile *cf;
	int err;

	if (!ve_caller_is_host_admin())
		return -EPERM;
	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	mutex_init(&cf->lock);
	cf->ctx = cpt_context_new(&cpt_registry);
	if (!cf->ctx) {
		kfree(cf);
		return -ENOMEM;
	}
	err = single_open(file, cpt_show, cf);
	if (err) {
		cpt_context_release(cf->ctx);
		kfree(cf);
	}
	return err;
}

static int cpt_release(struct inode *inode, struct file *file)
{
	struct cpt_procfile *cf = ((struct seq_file *)file->private_data)->private;

	cpt_context_release(cf->ctx);
	kfree(cf);
	return single_release(inode, file);
}

static const struct proc_ops cpt_proc_ops = {
	.proc_open		= cpt_open,
	.proc_read		= seq_read,
	.proc_lseek		= seq_lseek,
	.proc_release		= cpt_release,
	.proc_ioctl		= cpt_ioctl,
#ifdef CONFIG_COMPAT
	.proc_compat_ioctl	= cpt_ioctl,
#endif
};

static int __init vzcpt_init(void)
{
	if (!proc_create(CPT_PROC_PATH + 6, 0600, NULL, &cpt_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit vzcpt_exit(void)
{
	remove_proc_entry(CPT_PROC_PATH + 6, NULL);
}

module_init(vzcpt_init);
module_exit(vzcpt_exit);
MODULE_DESCRIPTION("Checkpointing of Virtual Environments (/proc/cpt)");
MODULE_LICENSE("GPL");
