// SPDX-License-Identifier: GPL-2.0
/*
 * A process's timers: its interval timers and the id its next
 * timer_create() picks (SIGNAL record), and its POSIX timers with their
 * ids (POSIX_TIMER records, in increasing id order).  The timers go on
 * running while the VE is frozen; what is saved is the time left to the
 * next expiry, so a restore re-arms them relative to its own clock: time
 * without a VE does not count.  Restored in the process's leader once
 * its threads exist (a timer may signal one of them) and its handlers
 * are back; the kernel checks values and signal targets.
 */
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/time.h>
#include <linux/time64.h>
#include <linux/ve.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"

struct rst_timers {
	struct cpt_signal	signal;
	bool			has_signal;
	struct cpt_posix_timer	*timers;	/* increasing ids */
	u32			nr;
};

struct timers_rst {
	struct rst_timers	*by_task;
};

/* --- checkpoint ------------------------------------------------------- */

static int cpt_dump_signal(struct cpt_dump *d, struct task_struct *tsk)
{
	struct signal_struct *sig = tsk->signal;
	struct itimerspec64 virt, prof;
	struct cpt_signal s = {};

	s.leader_pid = task_tgid_nr_ns(tsk, d->ve->pid_ns);
	spin_lock_irq(&tsk->sighand->siglock);
	s.next_timer_id = sig->next_posix_timer_id;
	if (hrtimer_active(&sig->real_timer)) {
		ktime_t left = hrtimer_get_remaining(&sig->real_timer);

		s.it_real_value_ns = left > 0 ? left : 1;
	}
	s.it_real_interval_ns = ktime_to_ns(sig->it_real_incr);
	spin_unlock_irq(&tsk->sighand->siglock);
	/* CPU time the process has yet to use: it does not run meanwhile. */
	itimer_get_cpu(tsk, ITIMER_VIRTUAL, &virt);
	itimer_get_cpu(tsk, ITIMER_PROF, &prof);
	s.it_virt_value = timespec64_to_ns(&virt.it_value);
	s.it_virt_incr = timespec64_to_ns(&virt.it_interval);
	s.it_prof_value = timespec64_to_ns(&prof.it_value);
	s.it_prof_incr = timespec64_to_ns(&prof.it_interval);
	return cpt_write_record(&d->w, CPT_REC_SIGNAL, 0, &s, sizeof(s));
}

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

static int cpt_dump_posix_timers(struct cpt_dump *d, struct task_struct *tsk)
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

int timers_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	int err = cpt_dump_signal(d, dt->tsk);

	return err ? err : cpt_dump_posix_timers(d, dt->tsk);
}

/* --- restore -------------------------------------------------------- */

static int timers_parse(struct rst_image *img, void *state,
			const struct cpt_rec_view *v)
{
	struct timers_rst *st = state;
	struct rst_timers *tm;
	int err;

	if (!st->by_task) {
		st->by_task = kvcalloc(img->rd.ck.ve.nr_tasks,
				       sizeof(*st->by_task), GFP_KERNEL);
		if (!st->by_task)
			return -ENOMEM;
	}
	tm = &st->by_task[v->task];
	if (v->h.type == CPT_REC_SIGNAL) {
		tm->signal = v->u.cpt_signal;
		tm->has_signal = true;
		return 0;
	}
	err = cpt_grow((void **)&tm->timers, tm->nr, sizeof(*tm->timers));
	if (!err)
		tm->timers[tm->nr++] = v->u.cpt_posix_timer;
	return err;
}

static void timers_release(struct rst_image *img, void *state)
{
	struct timers_rst *st = state;
	u32 i;

	for (i = 0; st->by_task && i < img->rd.ck.ve.nr_tasks; i++)
		kvfree(st->by_task[i].timers);
	kvfree(st->by_task);
}

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

/*
 * An ITIMER_REAL that has fired while its SIGALRM is still pending (the
 * VE was frozen, or the signal is blocked) is not queued: dequeueing the
 * SIGALRM re-arms it with the interval.  The image says so with a zero
 * value and a non-zero interval; setitimer() would read that as "off",
 * so the interval is set alone and the restored pending SIGALRM re-arms
 * the timer as it would have.
 */
static int rst_set_real_itimer(u64 value_ns, u64 interval_ns)
{
	if (value_ns || !interval_ns)
		return rst_set_itimer(ITIMER_REAL, value_ns, interval_ns);
	if (interval_ns > KTIME_MAX)
		return -EINVAL;
	spin_lock_irq(&current->sighand->siglock);
	current->signal->it_real_incr = ns_to_ktime(interval_ns);
	spin_unlock_irq(&current->sighand->siglock);
	return 0;
}

static int rst_restore_itimers(struct rst_task *rt, struct rst_timers *tm)
{
	const struct cpt_signal *s = &tm->signal;
	int err;

	err = rst_set_real_itimer(s->it_real_value_ns, s->it_real_interval_ns);
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

static int rst_restore_posix_timers(struct rst_task *rt,
				    struct rst_timers *tm)
{
	struct posix_timer_state st;
	u32 i;
	int err;

	for (i = 0; i < tm->nr; i++) {
		const struct cpt_posix_timer *pt = &tm->timers[i];

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
	current->signal->next_posix_timer_id = tm->signal.next_timer_id & INT_MAX;
	return 0;
}

int timers_rst_build(struct rst_task *rt)
{
	struct timers_rst *st = rst_state(rt->img, &cpt_res_timers);
	struct rst_timers *tm = st->by_task ? &st->by_task[rt->idx] : NULL;
	int err;

	/* A process without a SIGNAL record had none (a 1.0 image). */
	if (!tm || !tm->has_signal)
		return 0;
	err = rst_restore_itimers(rt, tm);
	return err ? err : rst_restore_posix_timers(rt, tm);
}

const struct cpt_resource cpt_res_timers = {
	.name		= "timers",
	.rst_size	= sizeof(struct timers_rst),
	.parse		= timers_parse,
	.release	= timers_release,
};
