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
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <uapi/linux/vzcalluser.h>

struct pid;
struct pid_namespace;
struct nsproxy;

/* What a VE may do with one device, or every minor of a major. */
struct ve_devperm {
	u32		type;		/* S_IFCHR, S_IFBLK */
	u32		major, minor;
	bool		all_minors;
	u8		mask;		/* VE_DEV_* */
};

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

	/*
	 * Frozen by a checkpoint: nobody may enter it meanwhile (a task
	 * that did would be dumped half in, half out).  VE_ENTER holds
	 * enter_sem for reading from the check to its setns().
	 */
	struct rw_semaphore	enter_sem;
	bool			frozen;

	/* Devices granted beyond the defaults (VZCTL_SETDEVPERMS). */
	spinlock_t		devperms_lock;
	unsigned int		nr_devperms;
	struct ve_devperm	devperms[VE_DEV_MAX_GRANTS];

	struct rcu_work		free_work;
};

#ifdef CONFIG_VE

struct ve_struct *ve_lookup(envid_t veid);
struct ve_struct *ve_of_task(struct task_struct *tsk);
void ve_put(struct ve_struct *ve);
bool ve_owns_task(const struct ve_struct *ve, struct task_struct *tsk);
unsigned int ve_nr_processes(const struct ve_struct *ve);
bool ve_caller_is_host_admin(void);
void ve_set_frozen(struct ve_struct *ve, bool frozen);
int ve_enter_unfrozen(struct ve_struct *ve, int (*enter)(struct ve_struct *));
int ve_set_devperm(struct ve_struct *ve, const struct vzctl_setdevperms *p);
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
