// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks (TASK records): the process tree with its pids, sessions and
 * process groups, zombies, threads, resource limits and the attributes a
 * task carries (name, personality, alternate signal stack, tid
 * addresses, robust list, parent-death signal).
 *
 * On restore every task is created by its parent with its old pid (its
 * thread group leader, for a thread) through rst_spawn(), and builds
 * itself (restore.c); sessions and groups are made one task at a time in
 * image order, since a group must exist before a later task can join it.
 */
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/personality.h>
#include <linux/resource.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seccomp.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/user_namespace.h>
#include <linux/ve.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

/*
 * A namespace of @tsk other than the VE's (a process that unshared one):
 * the restore puts every task in the VE's own.
 */
static const char *task_own_namespace(struct cpt_dump *d,
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

/* Whether one of the dump's first @idx tasks satisfies @match. */
static bool task_dumped_before(struct cpt_dump *d, unsigned int idx,
			       bool (*match)(struct task_struct *t, pid_t nr,
					     struct pid_namespace *ns),
			       pid_t nr)
{
	unsigned int i;

	for (i = 0; i < idx && i < d->nr_tasks; i++)
		if (thread_group_leader(d->tasks[i]) &&
		    match(d->tasks[i], nr, d->ve->pid_ns))
			return true;
	return false;
}

static bool task_is_pid(struct task_struct *t, pid_t nr,
			struct pid_namespace *ns)
{
	return task_tgid_nr_ns(t, ns) == nr;
}

static bool task_in_group(struct task_struct *t, pid_t nr,
			  struct pid_namespace *ns)
{
	return task_pgrp_nr_ns(t, ns) == nr;
}

/*
 * Whether the restore can put process @tsk, the dump's task @idx, in its
 * session and process group, as task_rst_session() does.  A process
 * leads its session, inherits it from its parent, or joins it
 * (ksys_join_session()); a session whose leader has exited (a daemon
 * that forked twice) is made again by its first member.  A session whose
 * leader is in the VE must have been restored before: the leader comes
 * first.  A process leads its group, inherits it, joins its session's
 * own group with the session, or joins a group that a task restored
 * before it is in.
 */
static int task_dump_session(struct cpt_dump *d, struct task_struct *tsk,
			     unsigned int idx)
{
	struct pid_namespace *ns = d->ve->pid_ns;
	pid_t pid = task_tgid_nr_ns(tsk, ns);
	pid_t sid = task_session_nr_ns(tsk, ns);
	pid_t pgid = task_pgrp_nr_ns(tsk, ns);
	pid_t psid = 0, ppgid = 0, ppid = 0;
	bool sid_leader;
	struct task_struct *parent;

	rcu_read_lock();
	parent = rcu_dereference(tsk->real_parent);
	if (ve_owns_task(d->ve, parent)) {
		ppid = task_tgid_nr_ns(parent, ns);
		psid = task_session_nr_ns(parent, ns);
		ppgid = task_pgrp_nr_ns(parent, ns);
	}
	sid_leader = sid && pid_task(find_pid_ns(sid, ns), PIDTYPE_PID);
	rcu_read_unlock();
	/* The VE's init is given its session and group by the restore. */
	if (!ppid)
		return 0;
	if (sid != pid && sid != psid) {
		if (!sid) {
			cpt_err(d->ctx, "task %d (%s) is in a session outside the VE: not supported",
				pid, tsk->comm);
			return -EOPNOTSUPP;
		}
		if (sid_leader && !task_dumped_before(d, idx, task_is_pid, sid)) {
			cpt_err(d->ctx, "task %d (%s) is in session %d, whose leader comes after it: not supported yet",
				pid, tsk->comm, sid);
			return -EOPNOTSUPP;
		}
		/* Joining the session, it joins the session's group too. */
		if (pgid == sid)
			return 0;
	}
	if (pgid == pid || pgid == ppgid ||
	    task_dumped_before(d, idx, task_in_group, pgid))
		return 0;
	cpt_err(d->ctx, "task %d (%s) is in process group %d, which no task before it is in: not supported yet",
		pid, tsk->comm, pgid);
	return -EOPNOTSUPP;
}

/*
 * What the restore cannot rebuild yet, refused by name, so that the VE
 * runs on instead of a dump that cannot be restored.
 */
int task_dump_check(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct task_struct *tsk = dt->tsk;
	const char *what = NULL;
	int err;

	if (thread_group_leader(tsk)) {
		err = task_dump_session(d, tsk, d->nr_written);
		if (err)
			return err;
	}
	if (dt->zombie)
		return 0;
	if (tsk->seccomp.mode != SECCOMP_MODE_DISABLED)
		what = "seccomp filters";
	else if (!thread_group_leader(tsk) && tsk->group_leader->exit_state)
		what = "a thread group leader that has exited (pthread_exit() in main)";
	if (!what)
		what = task_own_namespace(d, tsk);
	if (!what)
		return 0;
	cpt_err(d->ctx, "task %d (%s) has %s: not supported yet", dt->pid,
		tsk->comm, what);
	return -EOPNOTSUPP;
}

int task_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct pid_namespace *ns = d->ve->pid_ns;
	struct task_struct *tsk = dt->tsk, *parent;
	struct cpt_task *t = &dt->rec;
	int i;

	t->pid = dt->pid;
	t->tgid = task_tgid_nr_ns(tsk, ns);
	rcu_read_lock();
	parent = rcu_dereference(tsk->real_parent);
	t->ppid = ve_owns_task(d->ve, parent) ? task_tgid_nr_ns(parent, ns) : 0;
	rcu_read_unlock();
	t->pgid = task_pgrp_nr_ns(tsk, ns);
	t->sid = task_session_nr_ns(tsk, ns);
	t->state = dt->zombie ? CPT_TASK_ZOMBIE : CPT_TASK_RUNNING;
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
	return cpt_write_record(&d->w, CPT_REC_TASK, d->nr_written++, t,
				sizeof(*t));
}

static int task_parse(struct rst_image *img, void *state,
		      const struct cpt_rec_view *v)
{
	u32 n = img->rd.ck.ve.nr_tasks;
	struct rst_task *rt;

	if (!img->tasks) {
		img->tasks = kvcalloc(n, sizeof(*img->tasks), GFP_KERNEL);
		if (!img->tasks)
			return -ENOMEM;
	}
	/* The checker allows no more TASKs than the VE record said. */
	rt = &img->tasks[img->nr_tasks];
	rt->t = v->u.cpt_task;
	rt->img = img;
	mutex_init(&rt->park_lock);
	init_completion(&rt->sid_turn);
	if (!img->nr_tasks)
		complete(&rt->sid_turn);	/* the init goes first */
	rt->idx = img->nr_tasks++;
	return 0;
}

const struct cpt_resource cpt_res_task = {
	.name	= "task",
	.parse	= task_parse,
};

/*
 * Sessions and process groups, one task at a time in image order: a
 * group or session must exist before a later task can join it.  Each
 * task waits for its own turn, so that passing it on wakes one task.
 */
int task_rst_session(struct rst_task *rt)
{
	struct rst_image *img = rt->img;
	struct cpt_task *t = &rt->t;
	long err = 0;

	if (wait_for_completion_killable(&rt->sid_turn) ||
	    atomic_read(&img->nr_failed))
		return -EINTR;
	if (rst_is_leader(rt)) {
		if (t->sid == t->pid && task_session_vnr(current) != t->sid)
			err = ksys_setsid();
		else if (task_session_vnr(current) != t->sid)
			err = ksys_join_session(t->sid, t->pgid == t->sid);
		if (err < 0 || task_session_vnr(current) != t->sid) {
			cpt_err(img->ctx, "task %u (%s) cannot join session %u: %ld",
				t->pid, t->comm, t->sid, err);
			err = err < 0 ? err : -EINVAL;
		}
		if (err >= 0 && task_pgrp_vnr(current) != t->pgid)
			err = ksys_setpgid(0, t->pgid);
	}
	if (rt->idx + 1 < img->nr_tasks)
		complete(&img->tasks[rt->idx + 1].sid_turn);
	return err < 0 ? err : 0;
}

int task_rst_comm(struct rst_task *rt)
{
	task_lock(current);
	strscpy_pad(current->comm, rt->t.comm, sizeof(current->comm));
	task_unlock(current);
	return 0;
}

static bool task_is_child_process(struct rst_task *parent, struct rst_task *c)
{
	return c->t.ppid == parent->t.pid && rst_is_leader(c);
}

/* The processes whose parent this is: they build themselves meanwhile. */
int task_rst_children(struct rst_task *rt)
{
	struct rst_image *img = rt->img;
	u32 i;
	int err;

	if (!rst_is_leader(rt))
		return 0;
	for (i = rt->idx + 1; i < img->nr_tasks; i++) {
		if (!task_is_child_process(rt, &img->tasks[i]))
			continue;
		err = rst_spawn(&img->tasks[i], 0);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Resource limits, once per process, as setrlimit() sets them: with its
 * checks (RLIMIT_NOFILE at most fs.nr_open here) and effects (a CPU-time
 * limit armed).  The restoring task may raise hard limits: it is root.
 */
int task_rst_rlimits(struct rst_task *rt)
{
	struct rlimit r;
	int i, err;

	for (i = 0; i < RLIM_NLIMITS && i < ARRAY_SIZE(rt->t.rlim_cur); i++) {
		r.rlim_cur = rt->t.rlim_cur[i];
		r.rlim_max = rt->t.rlim_max[i];
		err = do_prlimit(current, i, &r, NULL);
		if (err) {
			cpt_err(rt->img->ctx, "process %u: resource limit %d (%llu/%llu) refused: %d",
				rt->t.pid, i, rt->t.rlim_cur[i],
				rt->t.rlim_max[i], err);
			return err;
		}
	}
	return 0;
}

int task_rst_attrs(struct rst_task *rt)
{
	struct cpt_task *t = &rt->t;

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

/* The threads of this process, sharing what it restored so far. */
int task_rst_threads(struct rst_task *rt)
{
	struct rst_image *img = rt->img;
	u32 i;
	int err;

	for (i = rt->idx + 1; i < img->nr_tasks; i++) {
		struct rst_task *th = &img->tasks[i];

		if (th->t.tgid != rt->t.pid || rst_is_leader(th))
			continue;
		if (th->t.files != rt->t.files || th->t.fs != rt->t.fs) {
			cpt_err(img->ctx, "thread %u does not share files and fs with its process: not supported yet",
				th->t.pid);
			return -EOPNOTSUPP;
		}
		err = rst_spawn(th, CLONE_VM | CLONE_FS | CLONE_FILES |
				    CLONE_SIGHAND | CLONE_THREAD |
				    CLONE_SYSVSEM);
		if (err)
			return err;
	}
	return 0;
}

static bool task_exited(pid_t nr)
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
#define RST_ZOMBIE_TIMEOUT	(30 * HZ)

int task_rst_zombies(struct rst_task *rt)
{
	unsigned long deadline = jiffies + RST_ZOMBIE_TIMEOUT;
	struct rst_image *img = rt->img;
	kernel_siginfo_t info;
	enum pid_type type;
	sigset_t others;
	bool any = false;
	u32 i;

	for (i = rt->idx + 1; i < img->nr_tasks; i++) {
		struct rst_task *c = &img->tasks[i];

		if (!task_is_child_process(rt, c) ||
		    c->t.state != CPT_TASK_ZOMBIE)
			continue;
		any = true;
		while (!task_exited(c->t.pid)) {
			if (atomic_read(&img->nr_failed) ||
			    fatal_signal_pending(current))
				return -EINTR;
			if (time_after(jiffies, deadline))
				return -ETIMEDOUT;
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
