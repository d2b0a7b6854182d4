/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/cpt and /proc/rst: one implementation of the control files,
 * parametrised by what each one's stages are (cpt_stages.c,
 * rst_stages.c).  Each open file drives one context (context.h).
 */
#ifndef _CPT_CORE_PROCFILE_H
#define _CPT_CORE_PROCFILE_H

#include <linux/mutex.h>

struct file;
struct cpt_context;
struct cpt_registry;

struct cpt_procfile_ops;

/* What an open control file holds: the context it drives. */
struct cpt_procfile {
	struct mutex			lock;	/* ctx may change (JOIN) */
	struct cpt_context		*ctx;
	const struct cpt_procfile_ops	*ops;
};

struct cpt_procfile_ops {
	struct cpt_registry	*registry;
	/*
	 * An ioctl handled before the host-admin check and the locks
	 * (CPT_UNDUMP, which a VE's new init calls and which runs long),
	 * or -ENOIOCTLCMD.
	 */
	long	(*early_ioctl)(struct file *file, struct cpt_procfile *pf,
			       unsigned int cmd, unsigned long arg);
	/* The stages, with ctx->lock held; -ENOTTY for unknown ones. */
	long	(*stage_ioctl)(struct cpt_context *ctx, unsigned int cmd,
			       unsigned long arg);
};

/* /proc/@name, mode 0600, host admin only. */
int cpt_procfile_create(const char *name, const struct cpt_procfile_ops *ops);
void cpt_procfile_remove(const char *name);

#endif
