// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduling attributes (SCHED records): each live task's nice value,
 * policy, real-time priority and reset-on-fork flag, threads' too.
 *
 * A restore sets them with the kernel's unchecked setters, as the
 * restorer (root) could; what keeps a VE to what it could have set
 * itself is one test, made on both sides: a nice below 0 or a real-time
 * policy needs CAP_SYS_NICE in the VE's mask, or the task's own
 * RLIMIT_NICE and RLIMIT_RTPRIO.  A dump refuses what fails it (a value
 * the host gave, say) by name; a restore tests what it is about to set
 * against the restoring VE's mask and the image's limits.
 */
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <uapi/linux/sched.h>
#include <uapi/linux/sched/types.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

/* The image stores Linux's numbers. */
static_assert(CPT_SCHED_NORMAL == SCHED_NORMAL);
static_assert(CPT_SCHED_FIFO == SCHED_FIFO);
static_assert(CPT_SCHED_RR == SCHED_RR);
static_assert(CPT_SCHED_BATCH == SCHED_BATCH);
static_assert(CPT_SCHED_IDLE == SCHED_IDLE);
static_assert(CPT_NICE_MIN == MIN_NICE && CPT_NICE_MAX == MAX_NICE);
static_assert(CPT_RT_PRIO_MAX + 1 == MAX_RT_PRIO);

struct rst_sched {
	struct cpt_sched	s;
	bool			has;
};

struct sched_rst {
	struct rst_sched	*by_task;
};

static const char *sched_policy_name(u32 policy)
{
	switch (policy) {
	case SCHED_NORMAL:
		return "SCHED_NORMAL";
	case SCHED_FIFO:
		return "SCHED_FIFO";
	case SCHED_RR:
		return "SCHED_RR";
	case SCHED_BATCH:
		return "SCHED_BATCH";
	case SCHED_IDLE:
		return "SCHED_IDLE";
	case SCHED_DEADLINE:
		return "SCHED_DEADLINE";
	}
	return "unknown";
}

static bool sched_rt(u32 policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/*
 * What a task may take without CAP_SYS_NICE (can_nice(),
 * __sched_setscheduler()): a higher nice value, a lower one down to
 * what RLIMIT_NICE allows (20 - nice), a real-time policy at a priority
 * up to RLIMIT_RTPRIO; SCHED_BATCH, SCHED_IDLE and reset-on-fork
 * always.  Anything else needs CAP_SYS_NICE, which a task of the VE can
 * hold only if the VE's mask has it.
 */
static bool sched_permitted(bool ve_sys_nice, const struct cpt_sched *s,
			    unsigned long rlim_nice, unsigned long rlim_rtprio)
{
	if (ve_sys_nice)
		return true;
	if (s->nice < 0 && nice_to_rlimit(s->nice) > rlim_nice)
		return false;
	return !sched_rt(s->policy) || s->rt_priority <= rlim_rtprio;
}

/* --- checkpoint ------------------------------------------------------- */

int sched_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct task_struct *tsk = dt->tsk;
	struct cpt_sched s = {
		.nice = task_nice(tsk),
		.policy = tsk->policy,
		.rt_priority = tsk->rt_priority,
		.flags = tsk->sched_reset_on_fork ? CPT_SCHED_RESET_ON_FORK : 0,
	};

	/*
	 * A deadline task's runtime and period are admitted against the
	 * bandwidth of the CPUs it may run on, which the restoring machine
	 * would have to grant anew.
	 */
	if (s.policy != SCHED_NORMAL && s.policy != SCHED_BATCH &&
	    s.policy != SCHED_IDLE && !sched_rt(s.policy)) {
		cpt_err(d->ctx, "task %d (%s) has the scheduling policy %s (%u): not supported yet",
			dt->pid, tsk->comm, sched_policy_name(s.policy),
			s.policy);
		return -EOPNOTSUPP;
	}
	if (!sched_permitted(cpt_ve_capable(d, CAP_SYS_NICE), &s,
			     task_rlimit(tsk, RLIMIT_NICE),
			     task_rlimit(tsk, RLIMIT_RTPRIO))) {
		cpt_err(d->ctx, "task %d (%s) has nice %d, policy %s, priority %u, which the VE could not have set itself: it lacks CAP_SYS_NICE and the task's RLIMIT_NICE or RLIMIT_RTPRIO does not allow it",
			dt->pid, tsk->comm, s.nice,
			sched_policy_name(s.policy), s.rt_priority);
		return -EPERM;
	}
	return cpt_write_record(&d->w, CPT_REC_SCHED, 0, &s, sizeof(s));
}

/* --- restore -------------------------------------------------------- */

static int sched_parse(struct rst_image *img, void *state,
		       const struct cpt_rec_view *v)
{
	struct sched_rst *st = state;
	struct rst_sched *rs;

	if (!st->by_task) {
		st->by_task = kvcalloc(img->rd.ck.ve.nr_tasks,
				       sizeof(*st->by_task), GFP_KERNEL);
		if (!st->by_task)
			return -ENOMEM;
	}
	/* Once per live task (the checker saw to it). */
	rs = &st->by_task[v->task];
	rs->s = v->u.cpt_sched;
	rs->has = true;
	return 0;
}

static void sched_release(struct rst_image *img, void *state)
{
	struct sched_rst *st = state;

	kvfree(st->by_task);
}

/*
 * In the task itself.  sched_setattr() sets the nice value of
 * SCHED_NORMAL and SCHED_BATCH only; set_user_nice() first gives an
 * idle or real-time task its own, which it keeps and shows.
 */
int sched_rst_build(struct rst_task *rt)
{
	struct sched_rst *st = rst_state(rt->img, &cpt_res_sched);
	const struct rst_sched *rs = st->by_task ? &st->by_task[rt->idx] : NULL;
	const struct cpt_sched *s;
	struct sched_attr attr = { .size = sizeof(attr) };
	int err;

	/* An image before 1.3: the task keeps what it was created with. */
	if (!rs || !rs->has)
		return 0;
	s = &rs->s;
	if (!sched_permitted(rst_ve_capable(rt->img, CAP_SYS_NICE), s,
			     rlimit(RLIMIT_NICE), rlimit(RLIMIT_RTPRIO))) {
		cpt_err(rt->img->ctx, "task %u (%s): nice %d, policy %s, priority %u need CAP_SYS_NICE, which this VE lacks, or a higher RLIMIT_NICE or RLIMIT_RTPRIO",
			rt->t.pid, rt->t.comm, s->nice,
			sched_policy_name(s->policy), s->rt_priority);
		return -EPERM;
	}
	attr.sched_policy = s->policy;
	attr.sched_priority = s->rt_priority;
	attr.sched_nice = s->nice;
	if (s->flags & CPT_SCHED_RESET_ON_FORK)
		attr.sched_flags = SCHED_FLAG_RESET_ON_FORK;
	set_user_nice(current, s->nice);
	err = sched_setattr_nocheck(current, &attr);
	if (err)
		cpt_err(rt->img->ctx, "task %u (%s): policy %s, priority %u, nice %d refused: %d",
			rt->t.pid, rt->t.comm, sched_policy_name(s->policy),
			s->rt_priority, s->nice, err);
	return err;
}

const struct cpt_resource cpt_res_sched = {
	.name		= "sched",
	.rst_size	= sizeof(struct sched_rst),
	.parse		= sched_parse,
	.release	= sched_release,
};
