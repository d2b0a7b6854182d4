// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts: creation, stickiness, fds, and the error channel.
 *
 * Errors are collected as "Error: ..." lines in the context and written to
 * the error fd (CPT_SET_ERRORFD) after every ioctl, so vzctl can show the
 * user why a stage failed; they also go to the kernel log as "CPT ERR:".
 */
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "core/context.h"

#define CPT_ERRBUF_MAX	(64 << 10)

static const char * const cpt_state_names[] = {
	[CPT_CTX_IDLE]		= "idle",
	[CPT_CTX_SUSPENDING]	= "suspending",
	[CPT_CTX_SUSPENDED]	= "suspended",
	[CPT_CTX_DUMPING]	= "dumping",
	[CPT_CTX_DUMPED]	= "dumped",
	[CPT_CTX_UNDUMPING]	= "undumping",
	[CPT_CTX_UNDUMPED]	= "undumped",
};

const char *cpt_state_name(int state)
{
	if (state < 0 || state >= ARRAY_SIZE(cpt_state_names))
		return "error";
	return cpt_state_names[state];
}

struct cpt_context *cpt_context_new(struct cpt_registry *reg)
{
	struct cpt_context *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return NULL;
	ctx->registry = reg;
	refcount_set(&ctx->refcount, 1);
	mutex_init(&ctx->lock);
	mutex_init(&ctx->errlock);
	ctx->state = CPT_CTX_IDLE;
	mutex_lock(&reg->lock);
	list_add_tail(&ctx->list, &reg->contexts);
	mutex_unlock(&reg->lock);
	return ctx;
}

static void cpt_context_free(struct cpt_context *ctx)
{
	struct cpt_registry *reg = ctx->registry;

	mutex_lock(&reg->lock);
	list_del(&ctx->list);
	mutex_unlock(&reg->lock);
	if (ctx->dump_file)
		fput(ctx->dump_file);
	if (ctx->status_file)
		fput(ctx->status_file);
	if (ctx->error_file)
		fput(ctx->error_file);
	if (reg->free_state)
		reg->free_state(ctx);
	ve_put(ctx->ve);
	kfree(ctx->errbuf);
	kfree(ctx);
}

void cpt_context_put(struct cpt_context *ctx)
{
	if (ctx && refcount_dec_and_test(&ctx->refcount))
		cpt_context_free(ctx);
}

/*
 * The owner (an open file, or stickiness) lets go.  A context nobody can
 * reach any more must not leave its VE frozen or half made: the
 * registry's abandon() undoes what its stage left.
 */
void cpt_context_release(struct cpt_context *ctx)
{
	struct cpt_registry *reg = ctx->registry;
	bool sticky;

	/*
	 * A sticky context lives on: just drop the file's reference.  Its
	 * lock may be held by a CPT_KILL waiting for the very task whose
	 * exit closes this file (a restored init), so do not take it.
	 */
	mutex_lock(&reg->lock);
	sticky = ctx->sticky;
	mutex_unlock(&reg->lock);
	if (sticky) {
		cpt_context_put(ctx);
		return;
	}
	mutex_lock(&ctx->lock);
	if (reg->abandon)
		reg->abandon(ctx);
	mutex_unlock(&ctx->lock);
	cpt_context_put(ctx);
}

static void cpt_vlog(struct cpt_context *ctx, bool error, const char *fmt,
		     va_list args)
{
	char *line, *buf;
	size_t len;

	line = kvasprintf(GFP_KERNEL, fmt, args);
	if (!line)
		return;
	if (error)
		pr_err_ratelimited("CPT ERR: VE %u: %s\n", ctx->veid, line);
	else
		pr_warn_ratelimited("CPT WRN: VE %u: %s\n", ctx->veid, line);
	len = strlen(line);
	mutex_lock(&ctx->errlock);
	if (ctx->errlen + len + 16 <= CPT_ERRBUF_MAX) {
		buf = krealloc(ctx->errbuf, ctx->errlen + len + 16, GFP_KERNEL);
		if (buf) {
			ctx->errbuf = buf;
			ctx->errlen += sprintf(buf + ctx->errlen, "%s: %s\n",
					       error ? "Error" : "Warning",
					       line);
		}
	}
	mutex_unlock(&ctx->errlock);
	kfree(line);
}

void cpt_err(struct cpt_context *ctx, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	cpt_vlog(ctx, true, fmt, args);
	va_end(args);
}

void cpt_warn(struct cpt_context *ctx, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	cpt_vlog(ctx, false, fmt, args);
	va_end(args);
}

void cpt_flush_errors(struct cpt_context *ctx)
{
	mutex_lock(&ctx->errlock);
	/* At the file's own position: stderr may be a log file. */
	if (ctx->error_file && ctx->errlen) {
		loff_t pos = ctx->error_file->f_pos;

		kernel_write(ctx->error_file, ctx->errbuf, ctx->errlen, &pos);
		ctx->error_file->f_pos = pos;
	}
	ctx->errlen = 0;
	mutex_unlock(&ctx->errlock);
}

static int cpt_set_file(struct file **slot, int fd, fmode_t need)
{
	struct file *file = NULL;

	if (fd >= 0) {
		file = fget(fd);
		if (!file)
			return -EBADF;
		if ((file->f_mode & need) != need) {
			fput(file);
			return -EBADF;
		}
	}
	if (*slot)
		fput(*slot);
	*slot = file;
	return 0;
}

static struct cpt_context *cpt_find_sticky(struct cpt_registry *reg,
					   unsigned int id)
{
	struct cpt_context *ctx;

	list_for_each_entry(ctx, &reg->contexts, list)
		if (ctx->sticky && ctx->id == id)
			return ctx;
	return NULL;
}

static long cpt_get_context(struct cpt_context *ctx, unsigned int id)
{
	struct cpt_registry *reg = ctx->registry;
	struct cpt_context *other;
	long err = 0;

	mutex_lock(&reg->lock);
	other = cpt_find_sticky(reg, id);
	if (other && other != ctx) {
		err = -EEXIST;
	} else if (!ctx->sticky) {
		ctx->sticky = true;
		ctx->id = id;
		/* Stickiness is an owner of its own. */
		refcount_inc(&ctx->refcount);
	}
	mutex_unlock(&reg->lock);
	return err;
}

static long cpt_join_context(struct cpt_context **ctxp, unsigned int id)
{
	struct cpt_context *ctx = *ctxp, *found;
	struct cpt_registry *reg = ctx->registry;

	mutex_lock(&reg->lock);
	found = cpt_find_sticky(reg, id);
	if (found)
		refcount_inc(&found->refcount);
	mutex_unlock(&reg->lock);
	if (!found)
		return -ENOENT;
	if (found == ctx) {
		cpt_context_put(found);
		return 0;
	}
	/* Our caller holds ctx->lock; the file now owns the found one. */
	mutex_unlock(&ctx->lock);
	cpt_context_release(ctx);
	mutex_lock(&found->lock);
	*ctxp = found;
	return 0;
}

static long cpt_put_context(struct cpt_context *ctx)
{
	struct cpt_registry *reg = ctx->registry;
	bool was_sticky;

	mutex_lock(&reg->lock);
	was_sticky = ctx->sticky;
	ctx->sticky = false;
	mutex_unlock(&reg->lock);
	if (!was_sticky)
		return -ENOENT;
	/* The open file still owns it; it goes when the file is closed. */
	refcount_dec(&ctx->refcount);
	return 0;
}

long cpt_context_ioctl(struct cpt_context **ctxp, unsigned int cmd,
		       unsigned long arg)
{
	struct cpt_context *ctx = *ctxp;

	switch (cmd) {
	case CPT_SET_DUMPFD:
		/* The reader and the writer hold their own reference anyway. */
		if (ctx->state == CPT_CTX_DUMPING ||
		    ctx->state == CPT_CTX_UNDUMPING)
			return -EBUSY;
		return cpt_set_file(&ctx->dump_file, (int)arg, 0);
	case CPT_SET_STATUSFD:
		return cpt_set_file(&ctx->status_file, (int)arg, FMODE_WRITE);
	case CPT_SET_ERRORFD:
		return cpt_set_file(&ctx->error_file, (int)arg, FMODE_WRITE);
	case CPT_SET_LOCKFD:
		/* Accepted for OpenVZ compatibility; vzctl locks itself. */
		return 0;
	case CPT_SET_VEID:
		if (ctx->state != CPT_CTX_IDLE)
			return -EBUSY;
		if ((unsigned int)arg == VEID_HOST)
			return -EINVAL;
		ctx->veid = (envid_t)arg;
		return 0;
	case CPT_GET_CONTEXT:
		return cpt_get_context(ctx, (unsigned int)arg);
	case CPT_JOIN_CONTEXT:
		return cpt_join_context(ctxp, (unsigned int)arg);
	case CPT_PUT_CONTEXT:
		return cpt_put_context(ctx);
	}
	return -ENOIOCTLCMD;
}

int cpt_registry_show(struct seq_file *m, struct cpt_registry *reg)
{
	struct cpt_context *ctx;

	seq_puts(m, "Ctx Id VE State\n");
	mutex_lock(&reg->lock);
	list_for_each_entry(ctx, &reg->contexts, list)
		seq_printf(m, "%u %u %s\n", ctx->sticky ? ctx->id : 0,
			   ctx->veid, cpt_state_name(ctx->state));
	mutex_unlock(&reg->lock);
	return 0;
}

/* Does another context already hold VE @veid beyond the idle state? */
bool cpt_registry_ve_busy(struct cpt_registry *reg, envid_t veid,
			  struct cpt_context *except)
{
	struct cpt_context *ctx;
	bool busy = false;

	mutex_lock(&reg->lock);
	list_for_each_entry(ctx, &reg->contexts, list)
		if (ctx != except && ctx->veid == veid &&
		    ctx->state != CPT_CTX_IDLE)
			busy = true;
	mutex_unlock(&reg->lock);
	return busy;
}
