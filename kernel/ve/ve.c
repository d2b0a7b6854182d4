// SPDX-License-Identifier: GPL-2.0
/*
 * The VE registry: running Virtual Environments by VEID.
 *
 * Entries are added by VZCTL_ENV_CREATE (vzdev.c) and removed when the VE's
 * init thread group has exited (ve_exit_notify(), called from do_exit()).
 * Lookups take a reference; the references to the init task and the
 * namespaces are dropped, in process context, after the last ve_put().
 */
#include <linux/ve.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rculist.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/capability.h>
#include <linux/module.h>

#include "ve_internal.h"

static LIST_HEAD(ve_list);
/* Taken in do_exit(), hence a spinlock; lookups walk the list under RCU. */
static DEFINE_SPINLOCK(ve_list_lock);

static void ve_free_work(struct work_struct *work)
{
	struct ve_struct *ve = container_of(to_rcu_work(work),
					    struct ve_struct, free_work);

	if (ve->ns)
		put_nsproxy(ve->ns);
	if (ve->pid_ns)
		put_pid_ns(ve->pid_ns);
	put_pid(ve->init_pid);
	if (ve->init_task)
		put_task_struct(ve->init_task);
	kfree(ve);
}

void ve_put(struct ve_struct *ve)
{
	/*
	 * The last put may come from do_exit() or under RCU; the namespace
	 * puts below may sleep, so free after a grace period from a worker.
	 */
	if (ve && refcount_dec_and_test(&ve->refcount))
		queue_rcu_work(system_wq, &ve->free_work);
}
EXPORT_SYMBOL_GPL(ve_put);

struct ve_struct *ve_alloc(envid_t veid)
{
	struct ve_struct *ve = kzalloc(sizeof(*ve), GFP_KERNEL);

	if (!ve)
		return NULL;
	ve->veid = veid;
	refcount_set(&ve->refcount, 1);
	init_rwsem(&ve->enter_sem);
	spin_lock_init(&ve->devperms_lock);
	INIT_LIST_HEAD(&ve->list);
	INIT_RCU_WORK(&ve->free_work, ve_free_work);
	return ve;
}

static struct ve_struct *__ve_find(envid_t veid)
{
	struct ve_struct *ve;

	list_for_each_entry_rcu(ve, &ve_list, list,
				lockdep_is_held(&ve_list_lock))
		if (ve->veid == veid)
			return ve;
	return NULL;
}

/**
 * ve_lookup - find a running VE
 * @veid: its VEID
 *
 * Return: the VE with a reference held (drop it with ve_put()), or NULL.
 */
struct ve_struct *ve_lookup(envid_t veid)
{
	struct ve_struct *ve;

	rcu_read_lock();
	ve = __ve_find(veid);
	if (ve && !refcount_inc_not_zero(&ve->refcount))
		ve = NULL;
	rcu_read_unlock();
	return ve;
}
EXPORT_SYMBOL_GPL(ve_lookup);

/*
 * ve_register - make a fully set up VE visible
 *
 * The registry takes over the caller's reference.  Fails with -EEXIST if
 * the VEID is taken and with -ESRCH if the init has already died (then
 * ve_exit_notify() ran before the entry existed and could not remove it).
 */
int ve_register(struct ve_struct *ve)
{
	int err = 0;

	spin_lock(&ve_list_lock);
	if (__ve_find(ve->veid))
		err = -EEXIST;
	else if (!atomic_read(&ve->init_task->signal->live))
		err = -ESRCH;
	if (!err) {
		ve->registered = true;
		list_add_tail_rcu(&ve->list, &ve_list);
	}
	spin_unlock(&ve_list_lock);
	return err;
}

void __ve_exit_notify(struct task_struct *tsk)
{
	struct ve_struct *ve, *found = NULL;

	spin_lock(&ve_list_lock);
	list_for_each_entry(ve, &ve_list, list) {
		if (ve->init_task->signal == tsk->signal) {
			list_del_rcu(&ve->list);
			ve->registered = false;
			found = ve;
			break;
		}
	}
	spin_unlock(&ve_list_lock);
	if (found) {
		pr_info("VE %u stopped\n", found->veid);
		ve_put(found);
	}
}

static bool pid_ns_within(struct pid_namespace *ns, struct pid_namespace *top)
{
	if (!ns || ns->level < top->level)
		return false;
	while (ns->level > top->level)
		ns = ns->parent;
	return ns == top;
}

/**
 * ve_owns_task - does @tsk live in @ve (its pid namespace or below)?
 * @ve: the VE
 * @tsk: any task; the caller keeps it from being freed
 */
bool ve_owns_task(const struct ve_struct *ve, struct task_struct *tsk)
{
	bool owns;

	rcu_read_lock();
	owns = pid_ns_within(task_active_pid_ns(tsk), ve->pid_ns);
	rcu_read_unlock();
	return owns;
}
EXPORT_SYMBOL_GPL(ve_owns_task);

/**
 * ve_of_task - the VE a task lives in
 * @tsk: the task
 *
 * Return: the VE with a reference held, or NULL for host tasks.
 */
struct ve_struct *ve_of_task(struct task_struct *tsk)
{
	struct ve_struct *ve, *found = NULL;

	rcu_read_lock();
	if (task_active_pid_ns(tsk) != &init_pid_ns) {
		list_for_each_entry_rcu(ve, &ve_list, list) {
			if (ve_owns_task(ve, tsk) &&
			    refcount_inc_not_zero(&ve->refcount)) {
				found = ve;
				break;
			}
		}
	}
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_GPL(ve_of_task);

/**
 * ve_nr_processes - number of processes (thread groups) in a VE
 * @ve: the VE
 */
unsigned int ve_nr_processes(const struct ve_struct *ve)
{
	struct task_struct *p;
	unsigned int nr = 0;

	rcu_read_lock();
	for_each_process(p)
		if (pid_ns_within(task_active_pid_ns(p), ve->pid_ns))
			nr++;
	rcu_read_unlock();
	return nr;
}
EXPORT_SYMBOL_GPL(ve_nr_processes);

/*
 * VEs are managed from the host only.  Root inside a VE has
 * CAP_SYS_ADMIN in the initial user namespace too (VEs share it), so the
 * capability alone is not enough: the caller must also live in the
 * host's pid namespace.
 */
bool ve_caller_is_host_admin(void)
{
	return capable(CAP_SYS_ADMIN) &&
	       task_active_pid_ns(current) == &init_pid_ns;
}
EXPORT_SYMBOL_GPL(ve_caller_is_host_admin);

/**
 * ve_set_frozen - mark a VE frozen by a checkpoint, or thawed
 * @ve: the VE
 * @frozen: whether tasks may enter it from outside
 *
 * Once this returns with @frozen true, no VE_ENTER is between its check
 * and its setns(), and none starts: the freezer's check for tasks that
 * entered from outside then sees all of them.
 */
void ve_set_frozen(struct ve_struct *ve, bool frozen)
{
	down_write(&ve->enter_sem);
	WRITE_ONCE(ve->frozen, frozen);
	up_write(&ve->enter_sem);
}
EXPORT_SYMBOL_GPL(ve_set_frozen);

/**
 * ve_enter_unfrozen - enter a VE unless it is frozen
 * @ve: the VE
 * @enter: moves the caller into @ve's namespaces
 *
 * Returns -EBUSY for a frozen VE, else what @enter returns.
 */
int ve_enter_unfrozen(struct ve_struct *ve, int (*enter)(struct ve_struct *))
{
	int err = -EBUSY;

	down_read(&ve->enter_sem);
	if (!READ_ONCE(ve->frozen))
		err = enter(ve);
	up_read(&ve->enter_sem);
	return err;
}

/**
 * ve_next_rcu - walk the registered VEs in creation order
 * @prev: the previous VE, or NULL to start
 *
 * Caller holds rcu_read_lock().  No references are taken.
 */
struct ve_struct *ve_next_rcu(struct ve_struct *prev)
{
	struct list_head *next = prev ? rcu_dereference(list_next_rcu(&prev->list))
				      : rcu_dereference(list_next_rcu(&ve_list));

	return next == &ve_list ? NULL : list_entry(next, struct ve_struct, list);
}
