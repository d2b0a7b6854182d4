// SPDX-License-Identifier: GPL-2.0
/*
 * Signals: the handlers a process's threads share (SIGHAND records) and
 * the signals queued to each task or process (SIGPENDING), with the
 * task's blocked mask restored after them.
 */
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/ve.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"
#include "lib/objtab.h"

struct rst_sigs {
	struct cpt_siginfo	*sigs;
	u32			nr;
};

struct signal_rst {
	struct cpt_sighand	*sighands;
	u32			nr_sighands;
	struct rst_sigs		*by_task;	/* queued signals, by task */
};

/* --- checkpoint ------------------------------------------------------- */

/*
 * Pending signals of one list, copied under the lock, then written: each
 * queued siginfo, and a plain one (SI_KERNEL) for a signal that is
 * pending without one (the kernel queues none when it cannot allocate).
 * SIGKILL and SIGSTOP are never written: a task being killed or stopped
 * is refused, by name; the VE runs on and the signal takes its course.
 */
static int cpt_dump_sigqueue(struct cpt_dump *d, struct task_struct *tsk,
			     struct sigpending *pending, bool shared,
			     unsigned int *written)
{
	pid_t pid = task_pid_nr_ns(tsk, d->ve->pid_ns);
	struct cpt_siginfo *infos;
	unsigned int n = 0, max = 0, i;
	struct sigqueue *q;
	sigset_t unqueued;
	int err = 0;

	spin_lock_irq(&tsk->sighand->siglock);
	list_for_each_entry(q, &pending->list, list)
		max++;
	unqueued = pending->signal;
	spin_unlock_irq(&tsk->sighand->siglock);
	if (sigismember(&unqueued, SIGKILL) || sigismember(&unqueued, SIGSTOP)) {
		cpt_err(d->ctx, "task %d (%s) is being %s: not supported",
			pid, tsk->comm,
			sigismember(&unqueued, SIGKILL) ? "killed" : "stopped");
		return -EOPNOTSUPP;
	}
	if (*written + max > CPT_MAX_SIGPENDING - _NSIG) {
		cpt_err(d->ctx, "task %d (%s) has %u queued signals, more than the image allows (%u)",
			pid, tsk->comm, *written + max,
			CPT_MAX_SIGPENDING - _NSIG);
		return -E2BIG;
	}
	max += _NSIG;		/* room for the unqueued ones */
	infos = kvcalloc(max, sizeof(*infos), GFP_KERNEL);
	if (!infos)
		return -ENOMEM;
	spin_lock_irq(&tsk->sighand->siglock);
	unqueued = pending->signal;
	list_for_each_entry(q, &pending->list, list) {
		if (n == max - _NSIG)
			break;
		infos[n].shared = shared;
		BUILD_BUG_ON(sizeof(q->info) > sizeof(infos[n].info));
		memcpy(infos[n].info, &q->info, sizeof(q->info));
		sigdelset(&unqueued, q->info.si_signo);
		n++;
	}
	spin_unlock_irq(&tsk->sighand->siglock);
	for (i = 1; i <= _NSIG; i++) {
		kernel_siginfo_t info = { .si_signo = i, .si_code = SI_KERNEL };

		if (!sigismember(&unqueued, i) || i == SIGKILL || i == SIGSTOP)
			continue;
		infos[n].shared = shared;
		memcpy(infos[n].info, &info, sizeof(info));
		n++;
	}
	for (i = 0; !err && i < n; i++)
		err = cpt_write_record(&d->w, CPT_REC_SIGPENDING, 0, &infos[i],
				       sizeof(infos[i]));
	*written += n;
	kvfree(infos);
	return err;
}

static int cpt_dump_sighand(struct cpt_dump *d, struct cpt_objtab *tab,
			    struct sighand_struct *sh)
{
	struct cpt_sighand *out;
	int i, err;

	out = kzalloc(sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	spin_lock_irq(&sh->siglock);
	for (i = 0; i < _NSIG; i++) {
		struct sigaction *sa = &sh->action[i].sa;

		out->action[i].handler = (unsigned long)sa->sa_handler;
		out->action[i].flags = sa->sa_flags;
		out->action[i].restorer = (unsigned long)sa->sa_restorer;
		out->action[i].mask = sa->sa_mask.sig[0];
	}
	spin_unlock_irq(&sh->siglock);
	err = cpt_write_record(&d->w, CPT_REC_SIGHAND, tab->nr, out,
			       sizeof(*out));
	kfree(out);
	return err ? err : cpt_obj_add(tab, sh);
}

int signal_dump_handlers(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct cpt_objtab *tab = cpt_dump_state(d, &cpt_res_signal);
	struct sighand_struct *sh = dt->zombie ? NULL : dt->tsk->sighand;
	int idx;

	dt->rec.sighand = CPT_NO_OBJ;
	if (!sh)
		return 0;
	idx = cpt_obj_find(tab, sh);
	if (idx < 0)
		idx = cpt_dump_sighand(d, tab, sh);
	if (idx < 0)
		return idx;
	dt->rec.sighand = idx;
	return 0;
}

/* The task's own queue, and for a process its shared one. */
int signal_dump_pending(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct task_struct *tsk = dt->tsk;
	unsigned int written = 0;
	int err;

	err = cpt_dump_sigqueue(d, tsk, &tsk->pending, false, &written);
	if (!err && thread_group_leader(tsk))
		err = cpt_dump_sigqueue(d, tsk, &tsk->signal->shared_pending,
					true, &written);
	return err;
}

static void signal_dump_release(struct cpt_dump *d, void *state)
{
	cpt_obj_free(state);
}

/* --- restore -------------------------------------------------------- */

static int signal_parse(struct rst_image *img, void *state,
			const struct cpt_rec_view *v)
{
	struct signal_rst *st = state;
	struct rst_sigs *q;
	int err;

	if (v->h.type == CPT_REC_SIGHAND) {
		err = cpt_grow((void **)&st->sighands, st->nr_sighands,
			       sizeof(*st->sighands));
		if (!err)
			st->sighands[st->nr_sighands++] = v->u.cpt_sighand;
		return err;
	}
	/* SIGPENDING, of task v->task (at most CPT_MAX_SIGPENDING). */
	if (!st->by_task) {
		st->by_task = kvcalloc(img->rd.ck.ve.nr_tasks,
				       sizeof(*st->by_task), GFP_KERNEL);
		if (!st->by_task)
			return -ENOMEM;
	}
	q = &st->by_task[v->task];
	err = cpt_grow((void **)&q->sigs, q->nr, sizeof(*q->sigs));
	if (!err)
		q->sigs[q->nr++] = v->u.cpt_siginfo;
	return err;
}

static void signal_release(struct rst_image *img, void *state)
{
	struct signal_rst *st = state;
	u32 i;

	kvfree(st->sighands);
	for (i = 0; st->by_task && i < img->rd.ck.ve.nr_tasks; i++)
		kvfree(st->by_task[i].sigs);
	kvfree(st->by_task);
}

int signal_rst_handlers(struct rst_task *rt)
{
	struct signal_rst *st = rst_state(rt->img, &cpt_res_signal);
	struct cpt_sighand *sh = &st->sighands[rt->t.sighand];
	struct sighand_struct *cur = current->sighand;
	int i;

	spin_lock_irq(&cur->siglock);
	for (i = 0; i < _NSIG; i++) {
		struct k_sigaction *ka = &cur->action[i];

		if (i + 1 == SIGKILL || i + 1 == SIGSTOP)
			continue;
		ka->sa.sa_handler = (__sighandler_t)(unsigned long)sh->action[i].handler;
		ka->sa.sa_flags = sh->action[i].flags;
		ka->sa.sa_restorer = (__sigrestore_t)(unsigned long)sh->action[i].restorer;
		ka->sa.sa_mask.sig[0] = sh->action[i].mask &
					~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	}
	spin_unlock_irq(&cur->siglock);
	return 0;
}

/*
 * Queued signals go last, and the task's mask after them: until then all
 * are blocked (restore.c).
 */
int signal_rst_pending(struct rst_task *rt)
{
	struct signal_rst *st = rst_state(rt->img, &cpt_res_signal);
	struct rst_sigs *q = st->by_task ? &st->by_task[rt->idx] : NULL;
	sigset_t blocked;
	u32 i;

	for (i = 0; q && i < q->nr; i++) {
		kernel_siginfo_t info;
		int sig, err;

		memcpy(&info, q->sigs[i].info, sizeof(info));
		/*
		 * A timer's signal comes back as a plain queued one; the
		 * kernel's rearm cookie would refer to the old timer.
		 */
		if (info.si_code == SI_TIMER)
			info.si_sys_private = 0;
		/* The checker let only 1..64 but SIGKILL, SIGSTOP through. */
		sig = info.si_signo;
		err = do_send_sig_info(sig, &info, current,
				       q->sigs[i].shared ? PIDTYPE_TGID :
							   PIDTYPE_PID);
		if (err)
			return err;
	}
	blocked.sig[0] = rt->t.blocked;
	set_current_blocked(&blocked);
	return 0;
}

const struct cpt_resource cpt_res_signal = {
	.name		= "signal",
	.dump_size	= sizeof(struct cpt_objtab),
	.dump_release	= signal_dump_release,
	.rst_size	= sizeof(struct signal_rst),
	.parse		= signal_parse,
	.release	= signal_release,
};
