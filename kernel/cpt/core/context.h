/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint/restore contexts, of /proc/cpt and of /proc/rst.
 *
 * A context is the state of one checkpoint or restore of one VE.  It
 * belongs to the open file it was made on, unless CPT_GET_CONTEXT made it
 * sticky: then it outlives the file and a later process attaches to it
 * with CPT_JOIN_CONTEXT, which is how vzctl runs each stage as a separate
 * command.
 */
#ifndef _CPT_CORE_CONTEXT_H
#define _CPT_CORE_CONTEXT_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/ve.h>
#include <linux/cpt_ioctl.h>

struct file;
struct cpt_freezer;
struct cpt_context;

/* The contexts of one control file (/proc/cpt or /proc/rst). */
struct cpt_registry {
	const char		*name;		/* "cpt" or "rst" */
	struct list_head	contexts;
	struct mutex		lock;		/* contexts list and ids */
	/* Nobody can reach @ctx any more (ctx->lock held): undo its stage. */
	void			(*abandon)(struct cpt_context *ctx);
	/* @ctx is freed: release its stage's state. */
	void			(*free_state)(struct cpt_context *ctx);
};

struct cpt_context {
	struct list_head	list;		/* in registry->contexts */
	struct cpt_registry	*registry;
	refcount_t		refcount;
	struct mutex		lock;		/* one ioctl at a time */

	unsigned int		id;		/* valid when sticky */
	bool			sticky;
	int			state;		/* enum cpt_context_state */
	envid_t			veid;
	struct ve_struct	*ve;		/* the VE, while we work on it */
	struct cpt_freezer	*freezer;	/* checkpoint: while suspended */
	void			*restore;	/* restore: struct rst_image */

	struct file		*dump_file;
	struct file		*status_file;
	struct file		*error_file;

	struct mutex		errlock;	/* errbuf: restored tasks report */
	char			*errbuf;	/* not yet flushed error text */
	size_t			errlen;
};

struct cpt_context *cpt_context_new(struct cpt_registry *reg);
void cpt_context_put(struct cpt_context *ctx);
void cpt_context_release(struct cpt_context *ctx);
const char *cpt_state_name(int state);

__printf(2, 3) void cpt_err(struct cpt_context *ctx, const char *fmt, ...);
__printf(2, 3) void cpt_warn(struct cpt_context *ctx, const char *fmt, ...);
void cpt_flush_errors(struct cpt_context *ctx);

/*
 * The ioctls every context understands (fds, VEID, context stickiness).
 * Returns -ENOIOCTLCMD for the others.  *ctxp may be replaced (JOIN).
 */
long cpt_context_ioctl(struct cpt_context **ctxp, unsigned int cmd,
		       unsigned long arg);

int cpt_registry_show(struct seq_file *m, struct cpt_registry *reg);
bool cpt_registry_ve_busy(struct cpt_registry *reg, envid_t veid,
			  struct cpt_context *except);

#endif
