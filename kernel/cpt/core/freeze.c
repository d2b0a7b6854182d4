// SPDX-License-Identifier: GPL-2.0
/*
 * Suspending a VE: every task parks itself at a point where its whole user
 * state is saved and any interrupted system call is ready to be restarted.
 *
 * We queue a task_work with TWA_SIGNAL on every task of the VE.  Like a
 * signal, it interrupts sleeping system calls, which return -ERESTART* (or
 * set up a restart block, as nanosleep does, to keep the remaining time),
 * and it runs in get_signal() on the way back to user mode, before the
 * syscall restart is applied to the registers.  There the task sleeps until
 * the context resumes or kills the VE.  So a frozen task's pt_regs hold
 * exactly what a signal handler would see, and resuming it (here, or after
 * a restore) restarts its system call the way a signal without a handler
 * does: the VE cannot tell anything happened.
 *
 * A parked task does not wake for a fatal signal (TASK_IDLE, as the cgroup
 * freezer's frozen tasks): nothing of a frozen VE may exit under a dump,
 * whether the host kills it or the VE's own timer delivers a signal that
 * kills.  CPT_KILL and CPT_RESUME, or an abandoned context, let them go.
 * Tasks that were exiting when the freeze began are waited for until they
 * are zombies, and while the VE is frozen nobody can enter it (VE_ENTER
 * fails with EBUSY, see ve_set_frozen()).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/wait.h>

#include "core/context.h"
#include "core/freeze.h"

static unsigned int suspend_timeout = 10;
module_param(suspend_timeout, uint, 0644);
MODULE_PARM_DESC(suspend_timeout, "Seconds to wait for a VE's tasks to freeze");

enum cpt_freeze_phase {
	CPT_FREEZING,	/* tasks park themselves */
	CPT_THAWING,	/* parked tasks go back to user mode */
};

struct cpt_parker {
	struct callback_head	work;
	struct cpt_freezer	*freezer;
	struct task_struct	*task;
	bool			queued;		/* task_work_add() succeeded */
	bool			parked;		/* sleeping in cpt_park() */
};

struct cpt_freezer {
	refcount_t		refcount;	/* 1 + parkers not yet done */
	int			phase;		/* enum cpt_freeze_phase */
	atomic_t		nr_parked;
	wait_queue_head_t	parked_wq;	/* the freezer waits here */
	wait_queue_head_t	thaw_wq;	/* parked tasks wait here */
	unsigned int		nr_tasks;
	unsigned int		max_tasks;
	struct cpt_parker	**parkers;
};

static void cpt_freezer_put(struct cpt_freezer *fz)
{
	unsigned int i;

	if (!refcount_dec_and_test(&fz->refcount))
		return;
	for (i = 0; i < fz->nr_tasks; i++) {
		put_task_struct(fz->parkers[i]->task);
		kfree(fz->parkers[i]);
	}
	kvfree(fz->parkers);
	kfree(fz);
}

/* Runs in the frozen task itself, from get_signal(). */
static void cpt_park(struct callback_head *work)
{
	struct cpt_parker *pk = container_of(work, struct cpt_parker, work);
	struct cpt_freezer *fz = pk->freezer;
	DEFINE_WAIT(wait);

	if (READ_ONCE(fz->phase) == CPT_FREEZING) {
		WRITE_ONCE(pk->parked, true);
		atomic_inc(&fz->nr_parked);
		wake_up_all(&fz->parked_wq);
		for (;;) {
			/* IDLE: not woken by signals, not load, not "hung". */
			prepare_to_wait(&fz->thaw_wq, &wait, TASK_IDLE);
			if (READ_ONCE(fz->phase) != CPT_FREEZING)
				break;
			schedule();
		}
		finish_wait(&fz->thaw_wq, &wait);
		WRITE_ONCE(pk->parked, false);
		atomic_dec(&fz->nr_parked);
		wake_up_all(&fz->parked_wq);
	}
	cpt_freezer_put(fz);
	/*
	 * Paired with __module_get() when queued.  The few instructions
	 * left to run here are safe: unloading waits for an RCU grace period
	 * and for no context to exist.
	 */
	module_put(THIS_MODULE);
}

#define CPT_MAX_TASKS_FROZEN	65536U

static bool cpt_has_parker(struct cpt_freezer *fz, struct task_struct *tsk)
{
	unsigned int i;

	for (i = 0; i < fz->nr_tasks; i++)
		if (fz->parkers[i]->task == tsk)
			return true;
	return false;
}

/* Is @tsk outside the VE but inside one of its namespaces (vzctl exec)? */
static bool cpt_task_entered_ve(struct ve_struct *ve, struct task_struct *tsk)
{
	struct nsproxy *ns;
	bool entered = false;

	if (ve_owns_task(ve, tsk))
		return false;
	task_lock(tsk);
	ns = tsk->nsproxy;
	if (ns && (ns->mnt_ns == ve->ns->mnt_ns ||
		   ns->net_ns == ve->ns->net_ns ||
		   ns->ipc_ns == ve->ns->ipc_ns ||
		   ns->uts_ns == ve->ns->uts_ns ||
		   ns->pid_ns_for_children == ve->pid_ns))
		entered = true;
	task_unlock(tsk);
	return entered;
}

static int cpt_check_outsiders(struct cpt_context *ctx)
{
	struct task_struct *g, *t;
	char comm[TASK_COMM_LEN];
	pid_t pid = 0;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (cpt_task_entered_ve(ctx->ve, t)) {
			pid = task_pid_nr(t);
			get_task_comm(comm, t);
			break;
		}
	}
	rcu_read_unlock();
	if (!pid)
		return 0;
	cpt_err(ctx, "process %d (%s) entered the VE from outside (vzctl exec or enter still running?)",
		pid, comm);
	return -EBUSY;
}

static int cpt_grow(struct cpt_freezer *fz)
{
	unsigned int max = fz->max_tasks ? fz->max_tasks * 2 : 64;
	struct cpt_parker **p;

	p = kvcalloc(max, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (fz->nr_tasks)
		memcpy(p, fz->parkers, fz->nr_tasks * sizeof(*p));
	kvfree(fz->parkers);
	fz->parkers = p;
	fz->max_tasks = max;
	return 0;
}

/* Why a task of the VE cannot be frozen, or NULL if it can. */
static const char *cpt_task_unsupported(struct task_struct *t)
{
	if (t->flags & (PF_KTHREAD | PF_IO_WORKER))
		return "is a kernel or io_uring worker";
	if (t->ptrace)
		return "is being traced";
	return NULL;
}

/*
 * Add a parker for every task of the VE that has none yet (tasks may have
 * been forked since the last scan).  Returns how many were added.
 */
static int cpt_scan_tasks(struct cpt_context *ctx, struct cpt_freezer *fz)
{
	struct task_struct *g, *t;
	struct cpt_parker *pk;
	unsigned int first = fz->nr_tasks;
	char comm[TASK_COMM_LEN];
	const char *why = NULL;
	pid_t pid = 0;
	int err = 0;

again:
	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (!ve_owns_task(ctx->ve, t) || cpt_has_parker(fz, t))
			continue;
		if (t->exit_state)
			continue;	/* zombies and dying threads stay as they are */
		why = cpt_task_unsupported(t);
		if (why) {
			pid = task_pid_nr(t);
			get_task_comm(comm, t);
			err = -EOPNOTSUPP;
			break;
		}
		if (fz->nr_tasks == fz->max_tasks) {
			rcu_read_unlock();
			if (fz->max_tasks >= CPT_MAX_TASKS_FROZEN) {
				cpt_err(ctx, "more than %u tasks", CPT_MAX_TASKS_FROZEN);
				return -E2BIG;
			}
			err = cpt_grow(fz);
			if (err)
				return err;
			goto again;
		}
		pk = kzalloc(sizeof(*pk), GFP_ATOMIC);
		if (!pk) {
			err = -ENOMEM;
			break;
		}
		get_task_struct(t);
		pk->task = t;
		pk->freezer = fz;
		init_task_work(&pk->work, cpt_park);
		fz->parkers[fz->nr_tasks++] = pk;
	}
	rcu_read_unlock();
	if (why)
		cpt_err(ctx, "task %d (%s) %s: not supported", pid, comm, why);
	if (err)
		return err;

	for (; first < fz->nr_tasks; first++) {
		pk = fz->parkers[first];
		refcount_inc(&fz->refcount);
		__module_get(THIS_MODULE);
		if (task_work_add(pk->task, &pk->work, TWA_SIGNAL)) {
			/* The task is exiting: it will never park, nor matter. */
			module_put(THIS_MODULE);
			refcount_dec(&fz->refcount);
			continue;
		}
		pk->queued = true;
	}
	return fz->nr_tasks;
}

static unsigned int cpt_nr_live_unparked(struct cpt_freezer *fz)
{
	unsigned int i, n = 0;

	for (i = 0; i < fz->nr_tasks; i++) {
		struct cpt_parker *pk = fz->parkers[i];

		if (pk->queued && !READ_ONCE(pk->parked) &&
		    !(READ_ONCE(pk->task->flags) & PF_EXITING))
			n++;
	}
	return n;
}

/*
 * Tasks of the VE on their way out (exiting, not yet zombies) when the
 * freeze began: they never park, and a dump must not see them half gone.
 * With @ctx, report the first few.
 */
static unsigned int cpt_nr_exiting(struct cpt_context *ctx)
{
	struct task_struct *g, *t;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (!ve_owns_task(ctx->ve, t) || t->exit_state ||
		    !(READ_ONCE(t->flags) & PF_EXITING))
			continue;
		n++;
	}
	rcu_read_unlock();
	return n;
}

static void cpt_report_exiting(struct cpt_context *ctx)
{
	struct task_struct *g, *t;
	char comm[TASK_COMM_LEN];
	pid_t pid = 0;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (ve_owns_task(ctx->ve, t) && !t->exit_state &&
		    (READ_ONCE(t->flags) & PF_EXITING)) {
			pid = task_pid_nr(t);
			get_task_comm(comm, t);
			break;
		}
	}
	rcu_read_unlock();
	if (pid)
		cpt_err(ctx, "task %d (%s) is exiting and did not finish within %u s",
			pid, comm, suspend_timeout);
}

static void cpt_report_unfrozen(struct cpt_context *ctx, struct cpt_freezer *fz)
{
	unsigned int i, shown = 0;

	for (i = 0; i < fz->nr_tasks && shown < 8; i++) {
		struct cpt_parker *pk = fz->parkers[i];

		if (pk->queued && !READ_ONCE(pk->parked) &&
		    !(READ_ONCE(pk->task->flags) & PF_EXITING)) {
			cpt_err(ctx, "task %d (%s) did not freeze within %u s (state %c)",
				task_pid_nr(pk->task), pk->task->comm,
				suspend_timeout, task_state_to_char(pk->task));
			shown++;
		}
	}
}

static void cpt_release_freezer(struct cpt_freezer *fz)
{
	WRITE_ONCE(fz->phase, CPT_THAWING);
	wake_up_all(&fz->thaw_wq);
	cpt_freezer_put(fz);
}

/**
 * cpt_freeze_ve - CPT_SUSPEND: park every task of ctx->ve
 * @ctx: context with ctx->ve set
 *
 * On failure the VE is thawed again and the reason is in ctx's errors.
 */
int cpt_freeze_ve(struct cpt_context *ctx)
{
	unsigned long deadline = jiffies + suspend_timeout * HZ;
	struct cpt_freezer *fz;
	int err, added;

	/* From now on nobody enters; those already in are refused below. */
	ve_set_frozen(ctx->ve, true);
	err = cpt_check_outsiders(ctx);
	if (err) {
		ve_set_frozen(ctx->ve, false);
		return err;
	}

	fz = kzalloc(sizeof(*fz), GFP_KERNEL);
	if (!fz) {
		ve_set_frozen(ctx->ve, false);
		return -ENOMEM;
	}
	refcount_set(&fz->refcount, 1);
	fz->phase = CPT_FREEZING;
	init_waitqueue_head(&fz->parked_wq);
	init_waitqueue_head(&fz->thaw_wq);

	for (;;) {
		added = cpt_scan_tasks(ctx, fz);
		if (added < 0) {
			err = added;
			goto fail;
		}
		/* Wait for everyone we know of, then look for newborns. */
		wait_event_interruptible_timeout(fz->parked_wq,
						 !cpt_nr_live_unparked(fz),
						 max_t(long, deadline - jiffies, 1));
		if (signal_pending(current)) {
			err = -EINTR;
			goto fail;
		}
		if (cpt_nr_live_unparked(fz) || cpt_nr_exiting(ctx)) {
			if (time_after_eq(jiffies, deadline)) {
				cpt_report_unfrozen(ctx, fz);
				cpt_report_exiting(ctx);
				err = -EBUSY;
				goto fail;
			}
			/* Exiting tasks wake nobody: poll for them. */
			if (!cpt_nr_live_unparked(fz))
				schedule_timeout_interruptible(HZ / 50);
			continue;
		}
		/* All parked: a parked task cannot fork, so one more scan decides. */
		added = cpt_scan_tasks(ctx, fz);
		if (added < 0) {
			err = added;
			goto fail;
		}
		if (!cpt_nr_live_unparked(fz))
			break;
	}
	err = cpt_check_outsiders(ctx);
	if (err)
		goto fail;
	ctx->freezer = fz;
	return 0;

fail:
	cpt_release_freezer(fz);
	ve_set_frozen(ctx->ve, false);
	return err;
}

/* CPT_RESUME: let every parked task go back to user mode. */
void cpt_thaw_ve(struct cpt_context *ctx)
{
	if (!ctx->freezer)
		return;
	cpt_release_freezer(ctx->freezer);
	ctx->freezer = NULL;
	ve_set_frozen(ctx->ve, false);
}

/* Before a dump: still nobody from outside in the frozen VE? */
int cpt_check_frozen_ve(struct cpt_context *ctx)
{
	return cpt_check_outsiders(ctx);
}

/*
 * CPT_KILL: kill the VE and wait until it is gone from the registry, so
 * the caller can unmount its root at once.
 *
 * Every process gets SIGKILL before the parked tasks are let go: killing
 * only the init would leave the others a moment (until the init's exit
 * empties the pid namespace) to run on in user mode after the dump, and
 * what they did then (a line written to a file) would be done again after
 * the restore.
 */
int cpt_kill_ve(struct cpt_context *ctx)
{
	struct ve_struct *ve = ctx->ve;
	unsigned long deadline = jiffies + 30 * HZ;
	struct task_struct *p;

	if (!ve)
		return -ESRCH;
	rcu_read_lock();
	for_each_process(p)
		if (ve_owns_task(ve, p))
			send_sig_info(SIGKILL, SEND_SIG_PRIV, p);
	rcu_read_unlock();
	cpt_thaw_ve(ctx);	/* parked tasks see SIGKILL and exit */
	while (READ_ONCE(ve->registered)) {
		if (time_after(jiffies, deadline)) {
			cpt_err(ctx, "VE did not die within 30 s");
			return -ETIMEDOUT;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		msleep(20);
	}
	return 0;
}
