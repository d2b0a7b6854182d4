// SPDX-License-Identifier: GPL-2.0
/*
 * Registers and FPU state (REGS and XSAVE records), read at checkpoint
 * and written at restore through the regset API that ptrace and core
 * dumps use, so the image holds them in the user ABI layout
 * (user_regs_struct, standard-format XSAVE) whatever the kernel keeps
 * internally, and a bad value is refused by the setter (EINVAL), never
 * loaded into the CPU.  On restore they are set at CPT_RESUME, when
 * every task is parked, as a debugger sets a stopped tracee's.
 */
#include <linux/elf.h>
#include <linux/regset.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/regset.h"

struct rst_regs {
	struct cpt_regs		regs;
	struct cpt_xsave	xsave_hdr;
	void			*xsave;		/* or NULL */
};

struct regs_rst {
	struct rst_regs		*by_task;
};

static int cpt_dump_regs(struct cpt_dump *d, struct task_struct *tsk)
{
	const struct user_regset *rs = cpt_find_regset(tsk, NT_PRSTATUS);
	struct cpt_regs regs = {};
	int n;

	if (!rs || rs->n * rs->size != sizeof(regs))
		return -EINVAL;
	n = regset_get(tsk, rs, sizeof(regs), &regs);
	if (n < 0)
		return n;
	return cpt_write_record(&d->w, CPT_REC_REGS, 0, &regs, sizeof(regs));
}

static int cpt_dump_fpu(struct cpt_dump *d, struct task_struct *tsk)
{
	const struct user_regset *rs = cpt_find_regset(tsk, NT_X86_XSTATE);
	struct cpt_xsave hdr = { .format = CPT_FPU_XSAVE };
	void *area = NULL;
	int n, err;

	if (!rs || (rs->active && rs->active(tsk, rs) <= 0)) {
		rs = cpt_find_regset(tsk, NT_PRFPREG);
		hdr.format = CPT_FPU_FXSAVE;
	}
	if (!rs)
		return 0;
	n = regset_get_alloc(tsk, rs, rs->n * rs->size, &area);
	if (n < 0)
		return n;
	if (n > CPT_MAX_XSAVE) {
		kfree(area);
		cpt_err(d->ctx, "FPU state of %u bytes is larger than the image allows",
			n);
		return -E2BIG;
	}
	hdr.size = n;
	err = cpt_record_begin(&d->w, CPT_REC_XSAVE, 0, sizeof(hdr) + n);
	if (!err)
		err = cpt_record_add(&d->w, &hdr, sizeof(hdr));
	if (!err)
		err = cpt_record_add(&d->w, area, n);
	if (!err)
		err = cpt_record_end(&d->w);
	kfree(area);
	return err;
}

int regs_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	int err = cpt_dump_regs(d, dt->tsk);

	return err ? err : cpt_dump_fpu(d, dt->tsk);
}

static int regs_parse(struct rst_image *img, void *state,
		      const struct cpt_rec_view *v)
{
	struct regs_rst *st = state;
	struct rst_regs *r;

	if (!st->by_task) {
		st->by_task = kvcalloc(img->rd.ck.ve.nr_tasks,
				       sizeof(*st->by_task), GFP_KERNEL);
		if (!st->by_task)
			return -ENOMEM;
	}
	/* At most one of each per task. */
	r = &st->by_task[v->task];
	if (v->h.type == CPT_REC_REGS) {
		r->regs = v->u.cpt_regs;
		return 0;
	}
	r->xsave_hdr = v->u.cpt_xsave;
	r->xsave = kmemdup(v->var, v->var_len, GFP_KERNEL);
	return r->xsave ? 0 : -ENOMEM;
}

static void regs_release(struct rst_image *img, void *state)
{
	struct regs_rst *st = state;
	u32 i;

	for (i = 0; st->by_task && i < img->rd.ck.ve.nr_tasks; i++)
		kfree(st->by_task[i].xsave);
	kvfree(st->by_task);
}

static struct rst_regs *regs_of(struct rst_task *rt)
{
	struct regs_rst *st = rst_state(rt->img, &cpt_res_regs);

	return &st->by_task[rt->idx];
}

u64 regs_rst_ax(struct rst_task *rt)
{
	return regs_of(rt)->regs.ax;
}

static int rst_set_fpu(struct rst_task *rt, struct rst_regs *r)
{
	unsigned int note = r->xsave_hdr.format == CPT_FPU_XSAVE ?
			    NT_X86_XSTATE : NT_PRFPREG;
	const struct user_regset *rs = cpt_find_regset(rt->task, note);
	unsigned int size;
	void *buf;
	int err;

	if (!r->xsave)
		return 0;
	if (!rs) {
		cpt_err(rt->img->ctx, "this CPU cannot hold the FPU state of task %u",
			rt->t.pid);
		return -EOPNOTSUPP;
	}
	/* A smaller or larger XSAVE layout: the header says what is used. */
	size = rs->n * rs->size;
	buf = kzalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, r->xsave, min(size, r->xsave_hdr.size));
	err = rs->set(rt->task, rs, 0, size, buf, NULL);
	kfree(buf);
	if (err)
		cpt_err(rt->img->ctx, "FPU state of task %u refused (%d): CPU features differ?",
			rt->t.pid, err);
	return err;
}

/* CPT_RESUME: @rt is parked, so its registers can be set. */
int regs_rst_resume(struct rst_task *rt)
{
	const struct user_regset *rs = cpt_find_regset(rt->task, NT_PRSTATUS);
	struct rst_regs *r = regs_of(rt);
	int err;

	if (!rs || rs->n * rs->size != sizeof(r->regs))
		return -EINVAL;
	err = rs->set(rt->task, rs, 0, sizeof(r->regs), &r->regs, NULL);
	if (err) {
		cpt_err(rt->img->ctx, "registers of task %u refused: %d",
			rt->t.pid, err);
		return err;
	}
	return rst_set_fpu(rt, r);
}

const struct cpt_resource cpt_res_regs = {
	.name		= "regs",
	.rst_size	= sizeof(struct regs_rst),
	.parse		= regs_parse,
	.release	= regs_release,
};
