// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring a process's interval and POSIX timers, in the process's
 * leader once its threads exist (a timer may signal one of them) and its
 * handlers are back: each is armed with the time it had left at the
 * checkpoint, POSIX timers with their old ids.  The image reader checked
 * the records' form; the kernel checks values and signal targets.
 */
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
#include <linux/time.h>
#include <linux/time64.h>

#include "restore.h"

static int rst_set_itimer(int which, u64 value_ns, u64 interval_ns)
{
	struct itimerspec64 v;

	if (!value_ns)
		return 0;
	if (value_ns > KTIME_MAX || interval_ns > KTIME_MAX)
		return -EINVAL;
	v.it_value = ns_to_timespec64(value_ns);
	v.it_interval = ns_to_timespec64(interval_ns);
	return itimer_set_current(which, &v);
}

static int rst_restore_itimers(struct rst_task *rt)
{
	const struct cpt_signal *s = &rt->signal;
	int err;

	err = rst_set_itimer(ITIMER_REAL, s->it_real_value_ns,
			     s->it_real_interval_ns);
	if (!err)
		err = rst_set_itimer(ITIMER_VIRTUAL, s->it_virt_value,
				     s->it_virt_incr);
	if (!err)
		err = rst_set_itimer(ITIMER_PROF, s->it_prof_value,
				     s->it_prof_incr);
	if (err)
		cpt_err(rt->img->ctx, "process %u: interval timers cannot be set (%d)",
			rt->t.pid, err);
	return err;
}

static int rst_restore_posix_timers(struct rst_task *rt)
{
	struct posix_timer_state st;
	u32 i;
	int err;

	for (i = 0; i < rt->nr_timers; i++) {
		const struct cpt_posix_timer *pt = &rt->timers[i];

		memset(&st, 0, sizeof(st));
		st.id = pt->id;
		st.clock = pt->clock;
		st.sigev_notify = pt->sigev_notify;
		st.sigev_signo = pt->sigev_signo;
		st.sigev_value.sival_ptr = (void __user *)(unsigned long)
					   pt->sigev_value;
		st.target = pt->sigev_tid;
		st.overrun = pt->overrun;
		st.spec.it_value = ns_to_timespec64(pt->value_ns);
		st.spec.it_interval = ns_to_timespec64(pt->interval_ns);
		err = posix_timer_restore(&st);
		if (err) {
			cpt_err(rt->img->ctx, "process %u: POSIX timer %u cannot be re-created (%d)",
				rt->t.pid, pt->id, err);
			return err;
		}
	}
	/* The next timer_create() picks the id it would have picked. */
	current->signal->next_posix_timer_id = rt->signal.next_timer_id & INT_MAX;
	return 0;
}

int rst_restore_timers(struct rst_task *rt)
{
	int err = rst_restore_itimers(rt);

	return err ? err : rst_restore_posix_timers(rt);
}
