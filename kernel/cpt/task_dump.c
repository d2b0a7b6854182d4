// SPDX-License-Identifier: GPL-2.0
/*
 * Dumping a task: its shared objects on first use, then TASK, CREDS,
 * REGS, XSAVE, queued signals and, for thread group leaders, SIGNAL and
 * the POSIX timers.
 *
 * Registers come through the regset API that ptrace and core dumps use,
 * so they are in the user ABI layout (user_regs_struct, standard-format
 * XSAVE) whatever the kernel keeps internally.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/cred.h>
#include <linux/elf.h>
#include <linux/kallsyms.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/mm.h>
#include <linux/sched/task_stack.h>
#include <asm/syscall.h>
#include <linux/fs_struct.h>
#include <linux/posix-timers.h>
#include <linux/hrtimer.h>
#include <linux/time.h>
#include <linux/timekeeping.h>
#include <linux/restart_block.h>
#include <linux/uaccess.h>
#include <linux/seccomp.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/user_namespace.h>

#include "dump.h"
#include "regset.h"

static u64 cpt_cap(kernel_cap_t c)
{
	return c.cap[0] | ((u64)c.cap[1] << 32);
}

static int cpt_dump_creds(struct cpt_dump *d, struct task_struct *tsk)
{
	const struct cred *c = get_task_cred(tsk);
	struct group_info *gi = c->group_info;
	struct cpt_creds *cr;
	u32 *gids, len, i;
	int err;

	len = sizeof(*cr) + gi->ngroups * sizeof(u32);
	if (len > CPT_REC_MAX_LEN) {
		put_cred(c);
		return -E2BIG;
	}
	cr = kzalloc(len, GFP_KERNEL);
	if (!cr) {
		put_cred(c);
		return -ENOMEM;
	}
	cr->uid = from_kuid_munged(&init_user_ns, c->uid);
	cr->euid = from_kuid_munged(&init_user_ns, c->euid);
	cr->suid = from_kuid_munged(&init_user_ns, c->suid);
	cr->fsuid = from_kuid_munged(&init_user_ns, c->fsuid);
	cr->gid = from_kgid_munged(&init_user_ns, c->gid);
	cr->egid = from_kgid_munged(&init_user_ns, c->egid);
	cr->sgid = from_kgid_munged(&init_user_ns, c->sgid);
	cr->fsgid = from_kgid_munged(&init_user_ns, c->fsgid);
	cr->cap_inheritable = cpt_cap(c->cap_inheritable);
	cr->cap_permitted = cpt_cap(c->cap_permitted);
	cr->cap_effective = cpt_cap(c->cap_effective);
	cr->cap_bset = cpt_cap(c->cap_bset);
	cr->cap_ambient = cpt_cap(c->cap_ambient);
	cr->securebits = c->securebits;
	cr->ngroups = gi->ngroups;
	gids = (u32 *)(cr + 1);
	for (i = 0; i < gi->ngroups; i++)
		gids[i] = from_kgid_munged(&init_user_ns, gi->gid[i]);
	put_cred(c);
	err = cpt_write_record(&d->w, CPT_REC_CREDS, 0, cr, len);
	kfree(cr);
	return err;
}

static int cpt_dump_regs(struct cpt_dump *d, struct task_struct *tsk)
{
	const struct user_regset *rs = cpt_find_regset(tsk, NT_PRSTATUS);
	struct cpt_regs regs = {};
	int n;

	if (!rs || rs->n * rs->size != sizeof(regs))
		return -EINVAL;
	n = regset_get(tsk, rs, sizeof(regs), &regs);
	if (n < 0)
		return n;
	return cpt_write_record(&d->w, CPT_REC_REGS, 0, &regs, sizeof(regs));
}

static int cpt_dump_fpu(struct cpt_dump *d, struct task_struct *tsk)
{
	const struct user_regset *rs = cpt_find_regset(tsk, NT_X86_XSTATE);
	struct cpt_xsave hdr = { .format = CPT_FPU_XSAVE };
	void *area = NULL;
	int n, err;

	if (!rs || (rs->active && rs->active(tsk, rs) <= 0)) {
		rs = cpt_find_regset(tsk, NT_PRFPREG);
		hdr.format = CPT_FPU_FXSAVE;
	}
	if (!rs)
		return 0;
	n = regset_get_alloc(tsk, rs, rs->n * rs->size, &area);
	if (n < 0)
		return n;
	if (n > CPT_MAX_XSAVE) {
		kfree(area);
		cpt_err(d->ctx, "FPU state of %u bytes is larger than the image allows",
			n);
		return -E2BIG;
	}
	hdr.size = n;
	err = cpt_record_begin(&d->w, CPT_REC_XSAVE, 0, sizeof(hdr) + n);
	if (!err)
		err = cpt_record_add(&d->w, &hdr, sizeof(hdr));
	if (!err)
		err = cpt_record_add(&d->w, area, n);
	if (!err)
		err = cpt_record_end(&d->w);
	kfree(area);
	return err;
}

/* Queued signals of one list, copied under the lock, then written. */
static int cpt_dump_sigqueue(struct cpt_dump *d, struct task_struct *tsk,
			     struct sigpending *pending, bool shared)
{
	struct cpt_siginfo *infos;
	struct sigqueue *q;
	unsigned int n = 0, max = 0, i;
	int err = 0;

	spin_lock_irq(&tsk->sighand->siglock);
	list_for_each_entry(q, &pending->list, list)
		max++;
	spin_unlock_irq(&tsk->sighand->siglock);
	if (!max)
		return 0;
	infos = kvcalloc(max, sizeof(*infos), GFP_KERNEL);
	if (!infos)
		return -ENOMEM;
	spin_lock_irq(&tsk->sighand->siglock);
	list_for_each_entry(q, &pending->list, list) {
		if (n == max)
			break;
		infos[n].shared = shared;
		BUILD_BUG_ON(sizeof(q->info) > sizeof(infos[n].info));
		memcpy(infos[n].info, &q->info, sizeof(q->info));
		n++;
	}
	spin_unlock_irq(&tsk->sighand->siglock);
	for (i = 0; !err && i < n; i++)
		err = cpt_write_record(&d->w, CPT_REC_SIGPENDING, 0, &infos[i],
				       sizeof(infos[i]));
	kvfree(infos);
	return err;
}

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

static int cpt_dump_sighand(struct cpt_dump *d, struct sighand_struct *sh)
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
	err = cpt_write_record(&d->w, CPT_REC_SIGHAND, d->sighands.nr, out,
			       sizeof(*out));
	kfree(out);
	return err;
}

/*
 * Which restart a task interrupted in a system call needs.  The restart
 * function is a kernel text address, so it is recognised by name.
 */
static int cpt_restart_kind(struct cpt_dump *d, struct task_struct *tsk,
			    struct cpt_task *t)
{
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
		task_pid_nr_ns(tsk, d->ve->pid_ns), tsk->comm, name);
	return -EOPNOTSUPP;
}

/* Index of an object, writing it first if this is its first user. */
static int cpt_shared(struct cpt_dump *d, struct cpt_objtab *tab,
		      const void *obj, int (*dump)(struct cpt_dump *, void *),
		      u32 *idx)
{
	int i;

	*idx = CPT_NO_OBJ;
	if (!obj)
		return 0;
	i = cpt_obj_find(tab, obj);
	if (i < 0) {
		i = dump(d, (void *)obj);
		if (i < 0)
			return i;
	}
	*idx = i;
	return 0;
}

static int cpt_dump_mm_obj(struct cpt_dump *d, void *mm)
{
	return cpt_dump_mm(d, mm);
}

static int cpt_dump_fs_obj(struct cpt_dump *d, void *fs)
{
	return cpt_dump_fs(d, fs);
}

static int cpt_dump_sighand_obj(struct cpt_dump *d, void *sh)
{
	int err = cpt_dump_sighand(d, sh);

	return err ? err : cpt_obj_add(&d->sighands, sh);
}

/*
 * A namespace of @tsk other than the VE's (a process that unshared one):
 * the restore puts every task in the VE's own.
 */
static const char *cpt_own_namespace(struct cpt_dump *d,
				     struct task_struct *tsk)
{
	const struct nsproxy *ve_ns = d->ve->ns;
	const char *what = NULL;
	struct nsproxy *ns;

	if (task_active_pid_ns(tsk) != d->ve->pid_ns)
		return "its own pid namespace";
	if (task_cred_xxx(tsk, user_ns) != &init_user_ns)
		return "its own user namespace";
	task_lock(tsk);
	ns = tsk->nsproxy;
	if (!ns)
		what = NULL;
	else if (ns->mnt_ns != ve_ns->mnt_ns)
		what = "its own mount namespace";
	else if (ns->uts_ns != ve_ns->uts_ns)
		what = "its own UTS namespace";
	else if (ns->ipc_ns != ve_ns->ipc_ns)
		what = "its own IPC namespace";
	else if (ns->net_ns != ve_ns->net_ns)
		what = "its own network namespace";
	else if (ns->pid_ns_for_children != d->ve->pid_ns)
		what = "a pid namespace for its children";
	else if (ns->cgroup_ns != ve_ns->cgroup_ns)
		what = "its own cgroup namespace";
	else if (ns->time_ns != ve_ns->time_ns)
		what = "its own time namespace";
	task_unlock(tsk);
	return what;
}

/*
 * What the restore cannot rebuild yet: memory or fd tables shared between
 * processes (not threads), seccomp filters, namespaces of its own.
 * Refused with a name.
 */
static int cpt_check_sharing(struct cpt_dump *d, struct task_struct *tsk)
{
	pid_t pid = task_pid_nr_ns(tsk, d->ve->pid_ns);
	const char *what = NULL;
	unsigned int i;

	if (tsk->exit_state)
		return 0;
	if (tsk->seccomp.mode != SECCOMP_MODE_DISABLED)
		what = "seccomp filters";
	if (!what)
		what = cpt_own_namespace(d, tsk);
	for (i = 0; !what && i < d->nr_tasks; i++) {
		struct task_struct *o = d->tasks[i];

		if (o == tsk)
			break;
		if (o->exit_state || same_thread_group(o, tsk))
			continue;
		if (o->mm && o->mm == tsk->mm)
			what = "memory shared with another process (vfork or CLONE_VM)";
		else if (o->files && o->files == tsk->files)
			what = "an fd table shared with another process (CLONE_FILES)";
		else if (o->fs && o->fs == tsk->fs)
			what = "a root/cwd shared with another process (CLONE_FS)";
	}
	if (!what)
		return 0;
	cpt_err(d->ctx, "task %d (%s) has %s: not supported yet", pid,
		tsk->comm, what);
	return -EOPNOTSUPP;
}

int cpt_dump_task(struct cpt_dump *d, struct task_struct *tsk)
{
	struct pid_namespace *ns = d->ve->pid_ns;
	struct task_struct *parent;
	struct cpt_task *t;
	bool zombie = tsk->exit_state != 0;
	int i, err;

	err = cpt_check_sharing(d, tsk);
	if (err)
		return err;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;

	/* Shared objects first; zombies and exiting threads have none. */
	err = cpt_shared(d, &d->mms, zombie ? NULL : tsk->mm, cpt_dump_mm_obj,
			 &t->mm);
	if (!err && !zombie && tsk->files) {
		int fi = cpt_obj_find(&d->files, tsk->files);

		if (fi < 0)
			fi = cpt_dump_files(d, tsk);
		if (fi < 0)
			err = fi;
		else
			t->files = fi;
	} else {
		t->files = CPT_NO_OBJ;
	}
	if (!err)
		err = cpt_shared(d, &d->fss, zombie ? NULL : tsk->fs,
				 cpt_dump_fs_obj, &t->fs);
	if (!err)
		err = cpt_shared(d, &d->sighands, zombie ? NULL : tsk->sighand,
				 cpt_dump_sighand_obj, &t->sighand);
	if (err)
		goto out;

	t->pid = task_pid_nr_ns(tsk, ns);
	t->tgid = task_tgid_nr_ns(tsk, ns);
	rcu_read_lock();
	parent = rcu_dereference(tsk->real_parent);
	t->ppid = ve_owns_task(d->ve, parent) ? task_tgid_nr_ns(parent, ns) : 0;
	rcu_read_unlock();
	t->pgid = task_pgrp_nr_ns(tsk, ns);
	t->sid = task_session_nr_ns(tsk, ns);
	t->state = zombie ? CPT_TASK_ZOMBIE : CPT_TASK_RUNNING;
	t->exit_code = tsk->exit_code;
	t->exit_signal = tsk->exit_signal;
	t->personality = tsk->personality;
	t->blocked = tsk->blocked.sig[0];
	t->sas_ss_sp = tsk->sas_ss_sp;
	t->sas_ss_size = tsk->sas_ss_size;
	t->sas_ss_flags = tsk->sas_ss_flags;
	t->no_new_privs = task_no_new_privs(tsk);
	t->clear_child_tid = (unsigned long)tsk->clear_child_tid;
	t->set_child_tid = (unsigned long)tsk->set_child_tid;
	t->robust_list = (unsigned long)tsk->robust_list;
	t->pdeath_signal = tsk->pdeath_signal;
	get_task_comm(t->comm, tsk);
	for (i = 0; i < RLIM_NLIMITS && i < ARRAY_SIZE(t->rlim_cur); i++) {
		t->rlim_cur[i] = READ_ONCE(tsk->signal->rlim[i].rlim_cur);
		t->rlim_max[i] = READ_ONCE(tsk->signal->rlim[i].rlim_max);
	}
	if (!zombie)
		err = cpt_restart_kind(d, tsk, t);
	if (!err)
		err = cpt_write_record(&d->w, CPT_REC_TASK, d->nr_written++, t,
				       sizeof(*t));
	if (err || zombie)
		goto out;

	err = cpt_dump_creds(d, tsk);
	if (!err)
		err = cpt_dump_regs(d, tsk);
	if (!err)
		err = cpt_dump_fpu(d, tsk);
	if (!err)
		err = cpt_dump_sigqueue(d, tsk, &tsk->pending, false);
	if (!err && thread_group_leader(tsk)) {
		err = cpt_dump_sigqueue(d, tsk, &tsk->signal->shared_pending,
					true);
		if (!err)
			err = cpt_dump_signal(d, tsk);
		if (!err)
			err = cpt_dump_posix_timers(d, tsk);
	}
out:
	kfree(t);
	return err;
}
