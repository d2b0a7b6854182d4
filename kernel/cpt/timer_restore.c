// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring a process's POSIX timers, in the process's leader once its
 * threads exist (a timer may signal one of them): each gets its old id
 * and is armed with the time it had left at the checkpoint.  The image
 * reader checked the records' form; the kernel checks the signal target.
 */
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
#include <linux/time64.h>

#include "restore.h"

int rst_restore_posix_timers(struct rst_task *rt)
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
