// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupted system calls.  A frozen task is parked where a signal
 * without a handler would be delivered (core/freeze.c): a system call it
 * was in returned -ERESTART*, or set up a restart block to keep the time
 * it had left.  The kind of restart and its arguments go into the TASK
 * record (restart_fn, restart_block); on the way back to user mode after
 * a restore, the task restarts the call exactly as that signal would
 * have, with the time that was left, on this machine's clocks.
 */
#include <linux/futex.h>
#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/ptrace.h>
#include <linux/restart_block.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/task_work.h>
#include <linux/time.h>
#include <linux/timekeeping.h>
#include <asm/syscall.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

/*
 * Which restart a task interrupted in a system call needs.  The restart
 * function is a kernel text address, so it is recognised by name.
 */
int restart_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct task_struct *tsk = dt->tsk;
	struct cpt_task *t = &dt->rec;
	struct restart_block *rb = &tsk->restart_block;
	struct pt_regs *regs = task_pt_regs(tsk);
	char name[KSYM_NAME_LEN];
	s64 left;

	if (syscall_get_nr(tsk, regs) < 0 ||
	    regs->ax != (unsigned long)-ERESTART_RESTARTBLOCK)
		return 0;
	sprint_symbol_no_offset(name, (unsigned long)rb->fn);
	if (!strcmp(name, "hrtimer_nanosleep_restart")) {
		t->restart_fn = CPT_RESTART_NANOSLEEP;
		t->restart_block[0] = rb->nanosleep.clockid;
		t->restart_block[1] = rb->nanosleep.type;
		t->restart_block[2] = (unsigned long)rb->nanosleep.rmtp;
		switch (rb->nanosleep.clockid) {
		case CLOCK_MONOTONIC:
			left = rb->nanosleep.expires - ktime_get_ns();
			break;
		case CLOCK_REALTIME:
			left = rb->nanosleep.expires - ktime_get_real_ns();
			break;
		case CLOCK_BOOTTIME:
			left = rb->nanosleep.expires - ktime_get_boottime_ns();
			break;
		default:
			goto unsupported;
		}
		t->restart_block[3] = left > 0 ? left : 0;
		return 0;
	}
	if (!strcmp(name, "futex_wait_restart")) {
		t->restart_fn = CPT_RESTART_FUTEX;
		t->restart_block[0] = (unsigned long)rb->futex.uaddr;
		t->restart_block[1] = rb->futex.val;
		t->restart_block[2] = rb->futex.flags;
		t->restart_block[3] = rb->futex.bitset;
		/*
		 * kernel/futex/futex.h: FLAGS_CLOCKRT 2, FLAGS_HAS_TIMEOUT 4.
		 * A CLOCK_REALTIME deadline is absolute (FUTEX_WAIT_BITSET)
		 * and means the same on any machine; a monotonic one does not.
		 */
		left = rb->futex.time - ktime_get_ns();
		if (rb->futex.flags & 2)
			t->restart_block[4] = rb->futex.time;
		else
			t->restart_block[4] = left > 0 ? left : 0;
		t->restart_block[5] = !!(rb->futex.flags & 4);
		return 0;
	}
	if (!strcmp(name, "do_restart_poll")) {
		t->restart_fn = CPT_RESTART_POLL;
		t->restart_block[0] = (unsigned long)rb->poll.ufds;
		t->restart_block[1] = rb->poll.nfds;
		t->restart_block[2] = rb->poll.has_timeout;
		left = timespec64_to_ns(&(struct timespec64){
			.tv_sec = rb->poll.tv_sec, .tv_nsec = rb->poll.tv_nsec })
			- ktime_get_ns();
		t->restart_block[3] = left > 0 ? left : 0;
		return 0;
	}
unsupported:
	cpt_err(d->ctx, "task %d (%s) is in a system call restarted by %s: not supported yet",
		dt->pid, tsk->comm, name);
	return -EOPNOTSUPP;
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
	long ax = (long)regs_rst_ax(rt);
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
	module_put(THIS_MODULE);	/* taken when queued; see cpt_park() */
}

/*
 * Queued before the task returns to user mode, with an image reference
 * of its own: the fixup reads the task's registers and restart block.
 */
int restart_rst_run(struct rst_task *rt)
{
	refcount_inc(&rt->img->refcount);
	__module_get(THIS_MODULE);
	init_task_work(&rt->fixup, rst_fixup);
	if (task_work_add(current, &rt->fixup, TWA_RESUME)) {
		module_put(THIS_MODULE);
		rst_image_put(rt->img);
		return -ESRCH;
	}
	return 0;
}

