/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint/restore contexts, shared by vzcpt (/proc/cpt) and vzrst
 * (/proc/rst).  vzrst uses vzcpt's exported helpers.
 *
 * A context is the state of one checkpoint or restore of one VE.  It
 * belongs to the open file it was made on, unless CPT_GET_CONTEXT made it
 * sticky: then it outlives the file and a later process attaches to it
 * with CPT_JOIN_CONTEXT, which is how vzctl runs each stage as a separate
 * command.
 */
#ifndef _CPT_CONTEXT_H
#define _CPT_CONTEXT_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/ve.h>
#include <uapi/linux/cpt_ioctl.h>

struct file;
struct cpt_freezer;

struct cpt_registry {
	const char		*name;		/* "cpt" or "rst" */
	struct list_head	contexts;
	struct mutex		lock;		/* contexts list and ids */
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
	struct cpt_freezer	*freezer;	/* while suspended */

	struct file		*dump_file;
	struct file		*status_file;
	struct file		*error_file;

	struct mutex		errlock;	/* errbuf: restored tasks report */
	char			*errbuf;	/* not yet flushed error text */
	size_t			errlen;

	/* Restore side (vzrst) state, and what to do if it is abandoned. */
	void			*restore;
	void			(*restore_abandon)(struct cpt_context *ctx);
	void			(*restore_free)(struct cpt_context *ctx);
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

/* cpt_freeze.c */
int cpt_freeze_ve(struct cpt_context *ctx);
void cpt_thaw_ve(struct cpt_context *ctx);
int cpt_kill_ve(struct cpt_context *ctx);

#endif
