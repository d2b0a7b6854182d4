// SPDX-License-Identifier: GPL-2.0
/*
 * Dumping a process's POSIX timers: a POSIX_TIMER record for each, in
 * increasing id order, after the process's SIGNAL record.  The timers go
 * on running while the VE is frozen; what is saved is the time left to
 * the next expiry, so a restore re-arms them relative to its own clock.
 */
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "dump.h"

/* Clocks whose timers are plain hrtimers, the same on every machine. */
static bool cpt_timer_clock_supported(clockid_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC ||
	       clock == CLOCK_BOOTTIME || clock == CLOCK_TAI;
}

static const char *cpt_timer_clock_kind(clockid_t clock)
{
	/* Negative ids are CPU-time clocks of a given process or thread. */
	if (clock < 0 || clock == CLOCK_PROCESS_CPUTIME_ID ||
	    clock == CLOCK_THREAD_CPUTIME_ID)
		return "CPU-time";
	if (clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM)
		return "alarm";
	return "unsupported";
}

static int cpt_cmp_timer_id(const void *a, const void *b)
{
	timer_t x = *(const timer_t *)a, y = *(const timer_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The ids of the process's timers, sorted; *nr is 0 if it has none.
 * The process is frozen, so its list cannot change between the two
 * walks; if it did anyway, -EAGAIN rather than a timer left out.
 */
static timer_t *cpt_timer_ids(struct task_struct *tsk, u32 *nr)
{
	struct k_itimer *timr;
	timer_t *ids;
	u32 n = 0, count = 0;

	spin_lock_irq(&tsk->sighand->siglock);
	list_for_each_entry(timr, &tsk->signal->posix_timers, list)
		count++;
	spin_unlock_irq(&tsk->sighand->siglock);
	*nr = count;
	if (!count || count > CPT_MAX_POSIX_TIMERS)
		return NULL;
	ids = kvmalloc_array(count, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return ERR_PTR(-ENOMEM);
	spin_lock_irq(&tsk->sighand->siglock);
	list_for_each_entry(timr, &tsk->signal->posix_timers, list) {
		if (n < count)
			ids[n] = timr->it_id;
		n++;
	}
	spin_unlock_irq(&tsk->sighand->siglock);
	if (n != count) {
		kvfree(ids);
		return ERR_PTR(-EAGAIN);
	}
	*nr = n;
	sort(ids, n, sizeof(*ids), cpt_cmp_timer_id, NULL);
	return ids;
}

int cpt_dump_posix_timers(struct cpt_dump *d, struct task_struct *tsk)
{
	pid_t pid = task_tgid_nr_ns(tsk, d->ve->pid_ns);
	struct posix_timer_state st;
	struct cpt_posix_timer rec;
	timer_t *ids;
	u32 nr, i;
	int err = 0;

	ids = cpt_timer_ids(tsk, &nr);
	if (IS_ERR(ids)) {
		if (PTR_ERR(ids) == -EAGAIN)
			cpt_err(d->ctx, "process %d (%s): its POSIX timers changed while frozen",
				pid, tsk->comm);
		return PTR_ERR(ids);
	}
	if (nr > CPT_MAX_POSIX_TIMERS) {
		cpt_err(d->ctx, "process %d (%s) has %u POSIX timers, more than %u",
			pid, tsk->comm, nr, CPT_MAX_POSIX_TIMERS);
		return -EOPNOTSUPP;
	}
	for (i = 0; !err && i < nr; i++) {
		err = posix_timer_get_state(tsk->signal, ids[i], d->ve->pid_ns,
					    &st);
		if (err) {
			cpt_err(d->ctx, "process %d (%s): POSIX timer %d vanished while frozen",
				pid, tsk->comm, ids[i]);
			break;
		}
		if (!cpt_timer_clock_supported(st.clock)) {
			cpt_err(d->ctx, "process %d (%s) has a POSIX timer on a %s clock (%d): not supported yet",
				pid, tsk->comm, cpt_timer_clock_kind(st.clock),
				st.clock);
			err = -EOPNOTSUPP;
			break;
		}
		memset(&rec, 0, sizeof(rec));
		rec.id = st.id;
		rec.clock = st.clock;
		rec.sigev_notify = st.sigev_notify;
		rec.sigev_signo = st.sigev_signo;
		rec.sigev_value = (unsigned long)st.sigev_value.sival_ptr;
		if (st.sigev_notify == (SIGEV_SIGNAL | SIGEV_THREAD_ID))
			rec.sigev_tid = st.target;
		rec.overrun = st.overrun;
		rec.value_ns = timespec64_to_ns(&st.spec.it_value);
		rec.interval_ns = timespec64_to_ns(&st.spec.it_interval);
		err = cpt_write_record(&d->w, CPT_REC_POSIX_TIMER, 0, &rec,
				       sizeof(rec));
	}
	kvfree(ids);
	return err;
}
