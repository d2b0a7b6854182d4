// SPDX-License-Identifier: GPL-2.0
/*
 * The control files' plumbing: open makes a context, ioctls go to the
 * context (fds, VEID, stickiness), then to the file's stages, and the
 * errors they collected are flushed to the error fd; reading lists the
 * contexts.  Only the host's administrator gets anywhere: checked at
 * open and again on every ioctl, since an fd can be passed on.
 */
#include <linux/fs.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/ve.h>

#include "core/context.h"
#include "core/procfile.h"
#include "image/check.h"
#include "lib/cpucaps.h"

static struct cpt_procfile *cpt_file_pf(struct file *file)
{
	return ((struct seq_file *)file->private_data)->private;
}

/* What both files answer the same way, in any state. */
static long cpt_common_ioctl(unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case CPT_TEST_VERSION:
		return (arg >> 16) == CPT_IMAGE_VERSION_MAJOR ? 0 : -EINVAL;
	case CPT_TEST_CAPS:
		return (long)cpt_cpu_caps();
	}
	return -ENOIOCTLCMD;
}

static long cpt_procfile_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct cpt_procfile *pf = cpt_file_pf(file);
	const struct cpt_procfile_ops *ops = pf->ops;
	struct cpt_context *ctx;
	long err;

	if (ops->early_ioctl) {
		err = ops->early_ioctl(file, pf, cmd, arg);
		if (err != -ENOIOCTLCMD)
			return err;
	}
	if (!ve_caller_is_host_admin())
		return -EPERM;
	mutex_lock(&pf->lock);
	ctx = pf->ctx;
	mutex_lock(&ctx->lock);
	err = cpt_context_ioctl(&pf->ctx, cmd, arg);
	ctx = pf->ctx;		/* CPT_JOIN_CONTEXT switches contexts */
	if (err == -ENOIOCTLCMD)
		err = cpt_common_ioctl(cmd, arg);
	if (err == -ENOIOCTLCMD)
		err = ops->stage_ioctl(ctx, cmd, arg);
	cpt_flush_errors(ctx);
	mutex_unlock(&ctx->lock);
	mutex_unlock(&pf->lock);
	return err;
}

static int cpt_procfile_show(struct seq_file *m, void *v)
{
	struct cpt_procfile *pf = m->private;

	return cpt_registry_show(m, pf->ops->registry);
}

static int cpt_procfile_open(struct inode *inode, struct file *file)
{
	const struct cpt_procfile_ops *ops = pde_data(inode);
	struct cpt_procfile *pf;
	int err;

	if (!ve_caller_is_host_admin())
		return -EPERM;
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock);
	pf->ops = ops;
	pf->ctx = cpt_context_new(ops->registry);
	if (!pf->ctx) {
		kfree(pf);
		return -ENOMEM;
	}
	err = single_open(file, cpt_procfile_show, pf);
	if (err) {
		cpt_context_release(pf->ctx);
		kfree(pf);
	}
	return err;
}

static int cpt_procfile_release(struct inode *inode, struct file *file)
{
	struct cpt_procfile *pf = cpt_file_pf(file);

	cpt_context_release(pf->ctx);
	kfree(pf);
	return single_release(inode, file);
}

static const struct proc_ops cpt_procfile_proc_ops = {
	.proc_open		= cpt_procfile_open,
	.proc_read		= seq_read,
	.proc_lseek		= seq_lseek,
	.proc_release		= cpt_procfile_release,
	.proc_ioctl		= cpt_procfile_ioctl,
#ifdef CONFIG_COMPAT
	.proc_compat_ioctl	= cpt_procfile_ioctl,
#endif
};

int cpt_procfile_create(const char *name, const struct cpt_procfile_ops *ops)
{
	if (!proc_create_data(name, 0600, NULL, &cpt_procfile_proc_ops,
			      (void *)ops))
		return -ENOMEM;
	return 0;
}

void cpt_procfile_remove(const char *name)
{
	remove_proc_entry(name, NULL);
}
