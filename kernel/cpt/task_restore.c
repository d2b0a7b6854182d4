// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring tasks.
 *
 * The VE's new init (a fresh pid 1 that vzctl set up with the VE's root
 * and mounts) calls CPT_UNDUMP and becomes task 0 of the image.  Every
 * task rebuilds itself, in its own context, with the kernel's own
 * primitives: it first creates its child processes with their old pids
 * (kernel_clone() with set_tid, starting in rst_task_fn()), then restores
 * its memory, files, credentials and signal state, then creates its
 * threads, and parks.  When every task is parked the init writes the
 * memory contents.  CPT_RESUME (from the host) then sets each parked
 * task's registers and FPU state through the regset API that ptrace uses,
 * and lets them go back to user mode, where rst_fixup() restarts any
 * interrupted system call the way a signal without a handler would.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/cred.h>
#include <linux/elf.h>
#include <linux/syscalls.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/sched/mm.h>
#include <linux/fs_struct.h>
#include <linux/hrtimer.h>
#include <linux/futex.h>
#include <linux/poll.h>
#include <linux/personality.h>
#include <linux/securebits.h>
#include <linux/task_work.h>
#include <linux/utsname.h>
#include <asm/syscall.h>

#include "restore.h"
#include "regset.h"

#define RST_BUILD_TIMEOUT	(120 * HZ)

static void rst_failed(struct rst_task *rt, int err, const char *what)
{
	cpt_err(rt->img->ctx, "restoring task %u (%s): %s failed: %d",
		rt->t.pid, rt->t.comm, what, err);
	atomic_inc(&rt->img->nr_failed);
	wake_up_all(&rt->img->ready_wq);
}

/* Wait, killably and without counting as load, until the restore goes on. */
static void rst_park(struct rst_task *rt)
{
	struct rst_image *img = rt->img;
	DEFINE_WAIT(wait);

	WRITE_ONCE(rt->parked, true);
	atomic_inc(&img->nr_ready);
	wake_up_all(&img->ready_wq);
	for (;;) {
		prepare_to_wait(&img->resume_wq, &wait, TASK_KILLABLE | TASK_NOLOAD);
		if (READ_ONCE(img->phase) != RST_BUILDING ||
		    fatal_signal_pending(current))
			break;
		schedule();
	}
	finish_wait(&img->resume_wq, &wait);
}

static int rst_task_fn(void *arg);

/* Create @child with its old pid as a child (or thread) of current. */
static int rst_spawn(struct rst_task *child, u64 flags)
{
	pid_t tid = child->t.pid;
	struct kernel_clone_args args = {
		.flags = flags,
		.exit_signal = (flags & CLONE_THREAD) ? 0 : child->t.exit_signal,
		.set_tid = &tid,
		.set_tid_size = 1,
		.fn = rst_task_fn,
		.fn_arg = child,
	};
	pid_t nr;

	refcount_inc(&child->img->refcount);	/* the child's, see rst_task_fn() */
	nr = kernel_clone(&args);
	if (nr < 0) {
		rst_image_put(child->img);
		cpt_err(child->img->ctx, "cannot create task %u (%s): %d",
			child->t.pid, child->t.comm, nr);
		return nr;
	}
	return 0;
}

static kernel_cap_t rst_cap(u64 v)
{
	kernel_cap_t c;

	c.cap[0] = (u32)v;
	c.cap[1] = (u32)(v >> 32) & CAP_LAST_U32_VALID_MASK;
	return c;
}

static int rst_restore_creds(struct rst_task *rt)
{
	struct cpt_creds *c = &rt->creds;
	struct group_info *gi;
	struct cred *new;
	u32 i;

	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	new->uid = make_kuid(&init_user_ns, c->uid);
	new->euid = make_kuid(&init_user_ns, c->euid);
	new->suid = make_kuid(&init_user_ns, c->suid);
	new->fsuid = make_kuid(&init_user_ns, c->fsuid);
	new->gid = make_kgid(&init_user_ns, c->gid);
	new->egid = make_kgid(&init_user_ns, c->egid);
	new->sgid = make_kgid(&init_user_ns, c->sgid);
	new->fsgid = make_kgid(&init_user_ns, c->fsgid);
	if (!uid_valid(new->uid) || !uid_valid(new->euid) ||
	    !uid_valid(new->suid) || !uid_valid(new->fsuid) ||
	    !gid_valid(new->gid) || !gid_valid(new->egid) ||
	    !gid_valid(new->sgid) || !gid_valid(new->fsgid))
		goto inval;
	new->cap_inheritable = rst_cap(c->cap_inheritable);
	new->cap_permitted = rst_cap(c->cap_permitted);
	new->cap_effective = rst_cap(c->cap_effective);
	new->cap_bset = rst_cap(c->cap_bset);
	new->cap_ambient = rst_cap(c->cap_ambient);
	if (c->securebits & ~SECURE_ALL_BITS & ~SECURE_ALL_LOCKS)
		goto inval;
	new->securebits = c->securebits;

	gi = groups_alloc(c->ngroups);
	if (!gi) {
		abort_creds(new);
		return -ENOMEM;
	}
	for (i = 0; i < c->ngroups; i++) {
		gi->gid[i] = make_kgid(&init_user_ns, rt->groups[i]);
		if (!gid_valid(gi->gid[i])) {
			put_group_info(gi);
			goto inval;
		}
	}
	groups_sort(gi);
	set_groups(new, gi);
	put_group_info(gi);
	return commit_creds(new);
inval:
	abort_creds(new);
	return -EINVAL;
}

static int rst_restore_sighand(struct rst_task *rt)
{
	struct cpt_sighand *sh = &rt->img->sighands[rt->t.sighand];
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

/* Resource limits, kept in signal_struct. */
static int rst_restore_rlimits(struct rst_task *rt)
{
	struct signal_struct *sig = current->signal;
	int i;

	for (i = 0; i < RLIM_NLIMITS && i < ARRAY_SIZE(rt->t.rlim_cur); i++)
		if (rt->t.rlim_cur[i] > rt->t.rlim_max[i])
			return -EINVAL;
	task_lock(current->group_leader);
	for (i = 0; i < RLIM_NLIMITS && i < ARRAY_SIZE(rt->t.rlim_cur); i++) {
		sig->rlim[i].rlim_cur = rt->t.rlim_cur[i];
		sig->rlim[i].rlim_max = rt->t.rlim_max[i];
	}
	task_unlock(current->group_leader);
	return 0;
}

static void rst_restore_comm(struct rst_task *rt)
{
	task_lock(current);
	strscpy_pad(current->comm, rt->t.comm, sizeof(current->comm));
	task_unlock(current);
}

static int rst_restore_misc(struct rst_task *rt)
{
	struct cpt_task *t = &rt->t;

	if (t->sas_ss_flags & ~(SS_DISABLE | SS_FLAG_BITS) ||
	    t->sas_ss_size > (1ULL << 31))
		return -EINVAL;
	current->personality = t->personality;
	if (t->no_new_privs)
		task_set_no_new_privs(current);
	current->clear_child_tid = (int __user *)(unsigned long)t->clear_child_tid;
	current->set_child_tid = (int __user *)(unsigned long)t->set_child_tid;
	current->robust_list = (struct robust_list_head __user *)
			       (unsigned long)t->robust_list;
	current->pdeath_signal = t->pdeath_signal;
	current->sas_ss_sp = t->sas_ss_sp;
	current->sas_ss_size = t->sas_ss_size;
	current->sas_ss_flags = t->sas_ss_flags;
	return 0;
}

/*
 * Queued signals go last, and the task's mask after them: until then all
 * are blocked, see rst_build_task().
 */
static int rst_restore_sigpending(struct rst_task *rt)
{
	sigset_t blocked;
	u32 i;

	for (i = 0; i < rt->nr_sigs; i++) {
		kernel_siginfo_t info;
		int sig, err;

		memcpy(&info, rt->sigs[i].info, sizeof(info));
		/*
		 * A timer's signal comes back as a plain queued one; the
		 * kernel's rearm cookie would refer to the old timer.
		 */
		if (info.si_code == SI_TIMER)
			info.si_sys_private = 0;
		sig = info.si_signo;
		if (!valid_signal(sig) || !sig || sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		err = do_send_sig_info(sig, &info, current,
				       rt->sigs[i].shared ? PIDTYPE_TGID : PIDTYPE_PID);
		if (err)
			return err;
	}
	blocked.sig[0] = rt->t.blocked;
	set_current_blocked(&blocked);
	return 0;
}

/*
 * Sessions and process groups, one task at a time in image order: a
 * group or session must exist before a later task can join it.
 */
static int rst_restore_sid_pgid(struct rst_task *rt)
{
	struct rst_image *img = rt->img;
	struct cpt_task *t = &rt->t;
	long err = 0;

	wait_event_killable(img->ready_wq,
			    atomic_read(&img->sid_turn) == rt->idx ||
			    atomic_read(&img->nr_failed));
	if (atomic_read(&img->sid_turn) != rt->idx)
		return -EINTR;
	if (t->pid == t->tgid) {
		if (t->sid == t->pid && task_session_vnr(current) != t->sid)
			err = ksys_setsid();
		if (err >= 0 && task_session_vnr(current) != t->sid) {
			cpt_err(img->ctx, "session %u of task %u (%s) has no leader in the VE: not supported yet",
				t->sid, t->pid, t->comm);
			err = -EOPNOTSUPP;
		}
		if (err >= 0 && task_pgrp_vnr(current) != t->pgid)
			err = ksys_setpgid(0, t->pgid);
	}
	atomic_inc(&img->sid_turn);
	wake_up_all(&img->ready_wq);
	return err < 0 ? err : 0;
}

static bool rst_is_child_process(struct rst_task *parent, struct rst_task *c)
{
	return c->t.ppid == parent->t.pid && c->t.pid == c->t.tgid;
}

static bool rst_task_exited(pid_t nr)
{
	struct task_struct *t;
	bool exited;

	rcu_read_lock();
	t = pid_task(find_vpid(nr), PIDTYPE_PID);
	exited = !t || READ_ONCE(t->exit_state);
	rcu_read_unlock();
	return exited;
}

/*
 * A zombie child exits as soon as it is built, and once this process has
 * its handlers back that queues a SIGCHLD the process never had.  Wait
 * for those exits, then drop SIGCHLD: the image's pending signals, which
 * come next, have it if the process had it.
 */
static int rst_settle_zombie_children(struct rst_task *rt)
{
	struct rst_image *img = rt->img;
	kernel_siginfo_t info;
	enum pid_type type;
	sigset_t others;
	bool any = false;
	u32 i;

	for (i = rt->idx + 1; i < img->nr_tasks; i++) {
		struct rst_task *c = &img->tasks[i];

		if (!rst_is_child_process(rt, c) || c->t.state != CPT_TASK_ZOMBIE)
			continue;
		any = true;
		while (!rst_task_exited(c->t.pid)) {
			if (atomic_read(&img->nr_failed) ||
			    fatal_signal_pending(current))
				return -EINTR;
			schedule_timeout_killable(1);
		}
	}
	if (!any)
		return 0;
	siginitsetinv(&others, sigmask(SIGCHLD));
	spin_lock_irq(&current->sighand->siglock);
	while (dequeue_signal(current, &others, &info, &type))
		;
	spin_unlock_irq(&current->sighand->siglock);
	return 0;
}

/* Everything a task restores in its own context, before it parks. */
static int rst_build_task(struct rst_task *rt)
{
	struct rst_image *img = rt->img;
	bool leader = rt->t.pid == rt->t.tgid;
	bool zombie = rt->t.state == CPT_TASK_ZOMBIE;
	sigset_t all;
	u32 i;
	int err;

	/*
	 * Nothing may interrupt the rebuild: a pending signal would make
	 * creating a task fail, and one whose default action kills would
	 * end the process before its handlers are back.  Blocked, signals
	 * (from timers, children) just queue; the task's own mask is set
	 * last.  SIGKILL, which aborts a restore, cannot be blocked.
	 */
	sigfillset(&all);
	set_current_blocked(&all);
	get_task_struct(current);
	rt->task = current;
	if (task_pid_vnr(current) != rt->t.pid) {
		rst_failed(rt, -EINVAL, "pid");
		return -EINVAL;
	}
	/*
	 * Session and group first: children inherit them, so a child of a
	 * process that called setsid() is born in the new session.
	 */
	err = rst_restore_sid_pgid(rt);
	if (err) {
		rst_failed(rt, err, "session or process group");
		return err;
	}
	rst_restore_comm(rt);
	if (leader) {
		for (i = rt->idx + 1; i < img->nr_tasks; i++) {
			if (!rst_is_child_process(rt, &img->tasks[i]))
				continue;
			err = rst_spawn(&img->tasks[i], 0);
			if (err) {
				rst_failed(rt, err, "creating a child");
				return err;
			}
		}
	}
	if (zombie)
		return 0;
	if (leader) {
		err = rst_restore_rlimits(rt);
		if (err) {
			rst_failed(rt, err, "resource limits");
			return err;
		}
		err = rst_restore_mm(img, &img->mms[rt->t.mm]);
		if (err) {
			rst_failed(rt, err, "memory");
			return err;
		}
		err = rst_restore_fdtable(img, &img->fdtables[rt->t.files]);
		if (err) {
			rst_failed(rt, err, "open files");
			return err;
		}
		err = rst_restore_fs(img, &img->fss[rt->t.fs]);
		if (err) {
			rst_failed(rt, err, "root and working directory");
			return err;
		}
		err = rst_restore_sighand(rt);
		if (err) {
			rst_failed(rt, err, "signal handlers");
			return err;
		}
	}
	err = rst_restore_creds(rt);
	if (err) {
		rst_failed(rt, err, "credentials");
		return err;
	}
	err = rst_restore_misc(rt);
	if (err) {
		rst_failed(rt, err, "task attributes");
		return err;
	}
	if (leader) {
		for (i = rt->idx + 1; i < img->nr_tasks; i++) {
			struct rst_task *th = &img->tasks[i];

			if (th->t.tgid != rt->t.pid || th->t.pid == th->t.tgid)
				continue;
			if (th->t.files != rt->t.files || th->t.fs != rt->t.fs) {
				cpt_err(img->ctx, "thread %u does not share files and fs with its process: not supported yet",
					th->t.pid);
				rst_failed(rt, -EOPNOTSUPP, "threads");
				return -EOPNOTSUPP;
			}
			err = rst_spawn(th, CLONE_VM | CLONE_FS | CLONE_FILES |
					    CLONE_SIGHAND | CLONE_THREAD |
					    CLONE_SYSVSEM);
			if (err) {
				rst_failed(rt, err, "creating a thread");
				return err;
			}
		}
		/*
		 * Timers last: a signal they queue would make creating a
		 * thread fail, and one of a default action would kill the
		 * process before its handlers are back.
		 */
		err = rst_restore_timers(rt);
		if (err) {
			rst_failed(rt, err, "timers");
			return err;
		}
		err = rst_settle_zombie_children(rt);
		if (err) {
			rst_failed(rt, err, "zombie children");
			return err;
		}
	}
	err = rst_restore_sigpending(rt);
	if (err)
		rst_failed(rt, err, "pending signals");
	return err;
}

/* kernel/futex/futex.h: the flags a futex restart block may hold */
#define RST_FUTEX_SHARED	0x01
#define RST_FUTEX_CLOCKRT	0x02
#define RST_FUTEX_HAS_TIMEOUT	0x04

/*
 * A futex wait or poll with a timeout, interrupted by the checkpoint:
 * the restart block it left held its end time on the old machine's
 * monotonic clock.  Build it again with the time that was left, on this
 * machine's clock (a CLOCK_REALTIME futex deadline stays as it was).
 * False for any other kind (only a crafted image has one: the dump
 * refuses them); the call then fails with EINTR.
 */
static bool rst_timed_wait_restart(struct rst_task *rt)
{
	struct restart_block *rb = &current->restart_block;
	const u64 *a = rt->t.restart_block;
	ktime_t left = ns_to_ktime(min_t(u64, a[4], KTIME_MAX));
	struct timespec64 end;

	switch (rt->t.restart_fn) {
	case CPT_RESTART_FUTEX:
		rb->futex.uaddr = (u32 __user *)(unsigned long)a[0];
		rb->futex.val = a[1];
		rb->futex.flags = a[2] & (RST_FUTEX_SHARED | RST_FUTEX_CLOCKRT |
					  RST_FUTEX_HAS_TIMEOUT);
		rb->futex.bitset = a[3];
		if (rb->futex.flags & RST_FUTEX_CLOCKRT)
			rb->futex.time = left;	/* the deadline */
		else
			rb->futex.time = ktime_add_safe(ktime_get(), left);
		set_restart_fn(rb, futex_wait_restart);
		break;
	case CPT_RESTART_POLL:
		rb->poll.ufds = (struct pollfd __user *)(unsigned long)a[0];
		rb->poll.nfds = a[1];
		rb->poll.has_timeout = !!a[2];
		left = ns_to_ktime(min_t(u64, a[3], KTIME_MAX));
		end = ktime_to_timespec64(ktime_add_safe(ktime_get(), left));
		rb->poll.tv_sec = end.tv_sec;
		rb->poll.tv_nsec = end.tv_nsec;
		set_restart_fn(rb, do_restart_poll);
		break;
	default:
		return false;
	}
	return true;
}

/*
 * Runs in the task on its way to user mode, after CPT_RESUME set its
 * registers: put back what the way out clobbered and restart an
 * interrupted system call exactly as a signal without handler would.
 */
static void rst_fixup(struct callback_head *head)
{
	struct rst_task *rt = container_of(head, struct rst_task, fixup);
	struct pt_regs *regs = current_pt_regs();
	struct rst_image *img = rt->img;
	long ax = (long)rt->regs.ax;
	ktime_t left;

	regs->ax = ax;
	if (syscall_get_nr(current, regs) >= 0) {
		switch (ax) {
		case -ERESTART_RESTARTBLOCK:
			if (rt->t.restart_fn == CPT_RESTART_NANOSLEEP) {
				struct restart_block *rb = &current->restart_block;

				/* As nanosleep(2) sets it up before sleeping. */
				rb->nanosleep.type = rt->t.restart_block[2] ?
						     TT_NATIVE : TT_NONE;
				rb->nanosleep.rmtp = (void __user *)(unsigned long)
						     rt->t.restart_block[2];
				left = ns_to_ktime(rt->t.restart_block[3]);
				regs->ax = hrtimer_nanosleep(left, HRTIMER_MODE_REL,
							     rt->t.restart_block[0]);
				break;
			}
			if (!rst_timed_wait_restart(rt)) {
				regs->ax = -EINTR;
				break;
			}
			fallthrough;
		case -ERESTARTSYS:
		case -ERESTARTNOINTR:
		case -ERESTARTNOHAND:
			/* Let arch_do_signal_or_restart() apply the restart. */
			set_thread_flag(TIF_SIGPENDING);
			break;
		}
	}
	rst_image_put(img);
}

/* Queued before the task returns to user mode; takes over an image ref. */
static void rst_queue_fixup(struct rst_task *rt)
{
	init_task_work(&rt->fixup, rst_fixup);
	if (task_work_add(current, &rt->fixup, TWA_RESUME))
		rst_image_put(rt->img);
}

/*
 * Entry of every restored task but the init, in the new task.  It holds
 * an image reference from rst_spawn() until it dies or its fixup ran.
 */
static int rst_task_fn(void *arg)
{
	struct rst_task *rt = arg;
	struct rst_image *img = rt->img;
	int err;

	err = rst_build_task(rt);
	if (err) {
		rst_image_put(img);
		do_exit(SIGKILL);
	}
	if (rt->t.state == CPT_TASK_ZOMBIE) {
		long code = rt->t.exit_code;

		atomic_inc(&img->nr_ready);
		wake_up_all(&img->ready_wq);
		rst_image_put(img);
		do_exit(code);
	}
	rst_park(rt);
	if (READ_ONCE(img->phase) != RST_RESUMING ||
	    fatal_signal_pending(current)) {
		rst_image_put(img);
		do_exit(SIGKILL);
	}
	rst_queue_fixup(rt);
	return 0;	/* ret_from_fork goes to user mode */
}

static void rst_set_uts(struct rst_image *img)
{
	struct new_utsname *u = utsname();

	if (!img->has_uts)
		return;
	/* Only this task lives in the VE's new UTS namespace so far. */
	strscpy_pad(u->nodename, img->uts.nodename, sizeof(u->nodename));
	strscpy_pad(u->domainname, img->uts.domainname, sizeof(u->domainname));
}

static bool rst_all_built(struct rst_image *img)
{
	return atomic_read(&img->nr_ready) == img->nr_tasks - 1 ||
	       atomic_read(&img->nr_failed);
}

/**
 * rst_restore_tree - CPT_UNDUMP, in the VE's new init
 * @img: the image, read and checked up to its memory contents
 *
 * Returns with every other task parked (or an error, in which case the
 * caller exits and the VE dies with all it made).
 */
int rst_restore_tree(struct rst_image *img)
{
	struct rst_task *init = &img->tasks[0];
	long left;
	int err;

	rst_set_uts(img);
	err = rst_open_files(img);
	if (err)
		return err;
	err = rst_build_task(init);
	if (err)
		return err;
	/* Everyone else parks or fails; init is not counted. */
	left = wait_event_killable_timeout(img->ready_wq, rst_all_built(img),
					   RST_BUILD_TIMEOUT);
	if (atomic_read(&img->nr_failed))
		return -EINVAL;
	if (left <= 0) {
		cpt_err(img->ctx, "tasks did not finish restoring in time");
		return left ? left : -ETIMEDOUT;
	}
	return rst_read_pages(img);
}

/*
 * The init parks in its CPT_UNDUMP call; returns its return value.  The
 * caller holds an image reference for us.
 */
long rst_init_park(struct rst_image *img)
{
	struct rst_task *init = &img->tasks[0];

	rst_park(init);
	if (READ_ONCE(img->phase) != RST_RESUMING ||
	    fatal_signal_pending(current))
		return -EINTR;	/* dying anyway: SIGKILL is pending */
	refcount_inc(&img->refcount);
	rst_queue_fixup(init);
	/* The system call returns the restored task's rax. */
	return (long)init->regs.ax;
}

static int rst_set_fpu(struct rst_task *rt)
{
	unsigned int note = rt->xsave_hdr.format == CPT_FPU_XSAVE ?
			    NT_X86_XSTATE : NT_PRFPREG;
	const struct user_regset *rs = cpt_find_regset(rt->task, note);
	unsigned int size;
	void *buf;
	int err;

	if (!rt->xsave)
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
	memcpy(buf, rt->xsave, min(size, rt->xsave_hdr.size));
	err = rs->set(rt->task, rs, 0, size, buf, NULL);
	kfree(buf);
	if (err)
		cpt_err(rt->img->ctx, "FPU state of task %u refused (%d): CPU features differ?",
			rt->t.pid, err);
	return err;
}

/*
 * CPT_RESUME: every task is parked in the kernel, so its registers can be
 * set the way a debugger sets a stopped tracee's.  Then let them run.
 */
int rst_resume_tasks(struct rst_image *img)
{
	u32 i;
	int err;

	for (i = 0; i < img->nr_tasks; i++) {
		struct rst_task *rt = &img->tasks[i];
		const struct user_regset *rs;

		if (rt->t.state == CPT_TASK_ZOMBIE)
			continue;
		/* The init marks itself parked just after CPT_UNDUMP ends. */
		if (!wait_event_timeout(img->ready_wq,
					rt->task && READ_ONCE(rt->parked), 10 * HZ))
			return -ESRCH;
		rs = cpt_find_regset(rt->task, NT_PRSTATUS);
		if (!rs || rs->n * rs->size != sizeof(rt->regs))
			return -EINVAL;
		err = rs->set(rt->task, rs, 0, sizeof(rt->regs), &rt->regs, NULL);
		if (err) {
			cpt_err(img->ctx, "registers of task %u refused: %d",
				rt->t.pid, err);
			return err;
		}
		err = rst_set_fpu(rt);
		if (err)
			return err;
	}
	WRITE_ONCE(img->phase, RST_RESUMING);
	wake_up_all(&img->resume_wq);
	return 0;
}

void rst_abort_tasks(struct rst_image *img)
{
	WRITE_ONCE(img->phase, RST_ABORTING);
	wake_up_all(&img->resume_wq);
	wake_up_all(&img->ready_wq);
}
