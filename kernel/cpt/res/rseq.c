// SPDX-License-Identifier: GPL-2.0
/*
 * Restartable sequences (RSEQ records): the rseq area each live task
 * registered with rseq(2), and its signature.  glibc registers one for
 * every thread and then trusts it: sched_getcpu() reads the CPU number
 * the kernel keeps there, and a second registration fails with EBUSY.
 * The area itself is ordinary memory of the task (mm.c, pages.c).
 *
 * A restore registers it again in the task itself, on its way back to
 * user mode once its registers are in, and marks the task migrated: the
 * kernel then writes the area's CPU numbers before the task runs, and
 * aborts a critical section the checkpoint caught, as it does for a
 * task moved to another CPU.  A task without a record drops the one it
 * inherited from the restorer, which is an address in vzctl's memory,
 * not in the task's.
 */
#include <linux/processor.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

#ifdef CONFIG_RSEQ
static_assert(sizeof(struct rseq) == CPT_RSEQ_LEN);
#endif

struct rseq_rst {
	struct cpt_rseq	*by_task;	/* len 0: the task registered none */
};

/* --- checkpoint ------------------------------------------------------- */

int rseq_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
#ifdef CONFIG_RSEQ
	/* Only the task itself changes these, and it is frozen. */
	struct cpt_rseq r = {
		.addr = (unsigned long)dt->tsk->rseq,
		.len = CPT_RSEQ_LEN,
		.sig = dt->tsk->rseq_sig,
	};

	if (!r.addr)
		return 0;
	return cpt_write_record(&d->w, CPT_REC_RSEQ, 0, &r, sizeof(r));
#else
	return 0;
#endif
}

/* --- restore -------------------------------------------------------- */

static int rseq_parse(struct rst_image *img, void *state,
		      const struct cpt_rec_view *v)
{
	struct rseq_rst *st = state;
	u64 addr = v->u.cpt_rseq.addr;

	if (!IS_ENABLED(CONFIG_RSEQ)) {
		cpt_err(img->ctx, "the image has rseq areas (restartable sequences), and this kernel was built without CONFIG_RSEQ");
		return -EOPNOTSUPP;
	}
	/* The checker saw it in user space; it must also fit this kernel's. */
	if (addr > TASK_SIZE_MAX - CPT_RSEQ_LEN) {
		cpt_err(img->ctx, "an rseq area at %#llx, beyond this kernel's user space",
			addr);
		return -EINVAL;
	}
	if (!st->by_task) {
		st->by_task = kvcalloc(img->rd.ck.ve.nr_tasks,
				       sizeof(*st->by_task), GFP_KERNEL);
		if (!st->by_task)
			return -ENOMEM;
	}
	/* Once per live task, with a valid length and address (check.c). */
	st->by_task[v->task] = v->u.cpt_rseq;
	return 0;
}

static void rseq_release(struct rst_image *img, void *state)
{
	struct rseq_rst *st = state;

	kvfree(st->by_task);
}

/* In the task itself, after its registers are set: it cannot fail. */
int rseq_rst_run(struct rst_task *rt)
{
#ifdef CONFIG_RSEQ
	struct rseq_rst *st = rst_state(rt->img, &cpt_res_rseq);
	const struct cpt_rseq *r = st->by_task ? &st->by_task[rt->idx] : NULL;

	rseq_execve(current);
	if (!r || !r->len)
		return 0;
	current->rseq = u64_to_user_ptr(r->addr);
	current->rseq_sig = r->sig;
	/* What rseq_migrate() needs of its caller. */
	preempt_disable();
	rseq_migrate(current);
	preempt_enable();
#endif
	return 0;
}

const struct cpt_resource cpt_res_rseq = {
	.name		= "rseq",
	.rst_size	= sizeof(struct rseq_rst),
	.parse		= rseq_parse,
	.release	= rseq_release,
};
