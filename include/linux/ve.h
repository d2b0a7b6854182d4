/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual Environments: the registry of running VEs by VEID.
 *
 * A VE is an init task in its own pid, mount, UTS, IPC and network
 * namespaces, registered under a numeric VEID.  It lives exactly as long
 * as its init's thread group.  The checkpoint and restore modules find a
 * VE's tasks and namespaces through this interface.
 */
#ifndef _LINUX_VE_H
#define _LINUX_VE_H

#include <linux/types.h>
#include <linux/refcount.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/pid.h>
#include <linux/workqueue.h>
#include <uapi/linux/vzcalluser.h>

struct pid;
struct pid_namespace;
struct nsproxy;

struct ve_struct {
	envid_t			veid;
	refcount_t		refcount;
	struct list_head	list;		/* on ve_list, under ve_list_lock */
	bool			registered;	/* on ve_list */

	/* Fixed from creation until the last reference is dropped. */
	struct task_struct	*init_task;
	struct pid		*init_pid;
	struct pid_namespace	*pid_ns;
	struct nsproxy		*ns;		/* init's namespaces at creation */
	u64			start_boottime;	/* ns since boot */

	struct rcu_work		free_work;
};

#ifdef CONFIG_VE

struct ve_struct *ve_lookup(envid_t veid);
struct ve_struct *ve_of_task(struct task_struct *tsk);
void ve_put(struct ve_struct *ve);
bool ve_owns_task(const struct ve_struct *ve, struct task_struct *tsk);
unsigned int ve_nr_processes(const struct ve_struct *ve);
bool ve_caller_is_host_admin(void);
void __ve_exit_notify(struct task_struct *tsk);

static inline struct ve_struct *ve_get(struct ve_struct *ve)
{
	refcount_inc(&ve->refcount);
	return ve;
}

/*
 * Called by do_exit() before exit_notify(): is @tsk the last thread of the
 * init of a pid namespace (possibly a VE's)?  Other tasks pay two tests.
 */
static inline bool ve_task_is_ns_init(struct task_struct *tsk, int group_dead)
{
	struct pid *tgid = task_tgid(tsk);

	return group_dead && tgid && tgid->level && is_child_reaper(tgid);
}

/* Called by do_exit() after exit_notify() when ve_task_is_ns_init(). */
static inline void ve_exit_notify(struct task_struct *tsk)
{
	__ve_exit_notify(tsk);
}

#else

static inline bool ve_task_is_ns_init(struct task_struct *tsk, int group_dead)
{
	return false;
}

static inline void ve_exit_notify(struct task_struct *tsk) {}

#endif /* CONFIG_VE */
#endif /* _LINUX_VE_H */
