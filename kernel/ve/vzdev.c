// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vzctl: create, enter and test VEs (VZCTL_ENV_CREATE).
 *
 * Creating a VE forks the caller the way fork() does, with new pid, mount,
 * UTS, IPC and network namespaces: the child, which is pid 1 of its pid
 * namespace, returns 0 from the ioctl and goes on to set up its root and
 * exec the VE's init; the caller gets the child's pid.  Forking inside the
 * ioctl means the VE is registered with its real init from the first
 * moment, so there is never a VE without an init, nor an init without a VE.
 */
#include <linux/cred.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>

#include "ve_internal.h"

#define VE_NAMESPACES (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | \
		       CLONE_NEWIPC | CLONE_NEWNET)

/* Serialises creations so that "does it exist" and "register" are atomic. */
static DEFINE_MUTEX(ve_create_mutex);

/*
 * What enters a VE gets no capability the VE's init may not have: its
 * bounding set is the VE's (vzctl sets it when it starts the VE), so a
 * command run with vzctl exec is as confined as the VE's own processes.
 */
static int ve_limit_caps(struct ve_struct *ve)
{
	kernel_cap_t bset;
	struct cred *new;

	rcu_read_lock();
	bset = __task_cred(ve->init_task)->cap_bset;
	rcu_read_unlock();
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	new->cap_bset = cap_intersect(new->cap_bset, bset);
	new->cap_permitted = cap_intersect(new->cap_permitted, bset);
	new->cap_effective = cap_intersect(new->cap_effective, bset);
	new->cap_inheritable = cap_intersect(new->cap_inheritable, bset);
	new->cap_ambient = cap_intersect(new->cap_ambient, bset);
	return commit_creds(new);
}

static int ve_setns(struct ve_struct *ve)
{
	int err = setns_to_pid(ve->init_pid, VE_NAMESPACES);

	return err ? err : ve_limit_caps(ve);
}

/* Into a running VE: not while a checkpoint has it frozen (EBUSY). */
static long ve_enter(struct ve_struct *ve)
{
	/* setns() of a mount namespace needs an unshared fs_struct. */
	if (!thread_group_empty(current))
		return -EBUSY;
	return ve_enter_unfrozen(ve, ve_setns);
}

/* Find the child kernel_clone() just made, before anyone can reap it. */
static struct task_struct *ve_get_new_child(pid_t nr)
{
	struct task_struct *child;

	rcu_read_lock();
	child = find_task_by_vpid(nr);
	/*
	 * Only we can wait for our child and we are busy here, so a task
	 * with this pid whose parent is not us means the child was autoreaped
	 * (SIGCHLD ignored) and the pid reused.
	 */
	if (child && child->real_parent == current)
		get_task_struct(child);
	else
		child = NULL;
	rcu_read_unlock();
	return child;
}

static long ve_create(envid_t veid, unsigned int flags)
{
	struct kernel_clone_args args = {
		.flags = VE_NAMESPACES,
		.exit_signal = SIGCHLD,
	};
	struct ve_struct *ve, *old;
	struct task_struct *init;
	pid_t nr;
	long err;

	ve = ve_alloc(veid);
	if (!ve)
		return -ENOMEM;

	mutex_lock(&ve_create_mutex);
	old = ve_lookup(veid);
	if (old) {
		mutex_unlock(&ve_create_mutex);
		ve_put(ve);
		err = (flags & VE_EXCLUSIVE) ? -EEXIST : ve_enter(old);
		ve_put(old);
		return err;
	}

	nr = kernel_clone(&args);
	if (nr < 0) {
		err = nr;
		goto fail;
	}
	/* From here on the child runs; it cannot be reaped while we look. */
	init = ve_get_new_child(nr);
	if (!init) {
		err = -ESRCH;
		goto fail;
	}
	ve->init_task = init;
	ve->init_pid = get_task_pid(init, PIDTYPE_PID);
	ve->start_boottime = ktime_get_boottime_ns();

	task_lock(init);
	if (init->nsproxy) {
		ve->ns = init->nsproxy;
		get_nsproxy(ve->ns);
	}
	task_unlock(init);

	rcu_read_lock();
	ve->pid_ns = task_active_pid_ns(init);
	if (ve->pid_ns)
		get_pid_ns(ve->pid_ns);
	rcu_read_unlock();

	if (!ve->ns || !ve->pid_ns || !ve->init_pid) {
		err = -ESRCH;	/* the child has already exited */
		goto fail;
	}
	err = ve_register(ve);
	if (err)
		goto fail;
	mutex_unlock(&ve_create_mutex);
	pr_info("VE %u started, init pid %d\n", veid, nr);
	return nr;

fail:
	mutex_unlock(&ve_create_mutex);
	ve_put(ve);
	return err;
}

static long ve_setdevperms(unsigned long arg)
{
	struct vzctl_setdevperms req;
	struct ve_struct *ve;
	long ret;

	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	ve = ve_lookup(req.veid);
	if (!ve)
		return -ESRCH;
	ret = ve_set_devperm(ve, &req);
	ve_put(ve);
	return ret;
}

static long vzctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vzctl_env_create req;
	struct ve_struct *ve;
	long ret;

	if (cmd != VZCTL_ENV_CREATE && cmd != VZCTL_SETDEVPERMS)
		return -ENOTTY;
	if (!ve_caller_is_host_admin())
		return -EPERM;
	if (cmd == VZCTL_SETDEVPERMS)
		return ve_setdevperms(arg);
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	if (req.veid == VEID_HOST || req.class_id ||
	    (req.flags & ~VE_FLAGS_KNOWN) || !req.flags)
		return -EINVAL;

	if (req.flags & VE_TEST) {
		if (req.flags != VE_TEST)
			return -EINVAL;
		ve = ve_lookup(req.veid);
		if (!ve)
			return -ESRCH;
		ret = pid_vnr(ve->init_pid);
		ve_put(ve);
		/* Zero means the init died between lookup and here. */
		return ret > 0 ? ret : -ESRCH;
	}

	if (req.flags & VE_CREATE)
		return ve_create(req.veid, req.flags);

	if (req.flags & VE_EXCLUSIVE)
		return -EINVAL;
	ve = ve_lookup(req.veid);
	if (!ve)
		return -ESRCH;
	ret = ve_enter(ve);
	ve_put(ve);
	return ret;
}

static int vzctl_open(struct inode *inode, struct file *file)
{
	return ve_caller_is_host_admin() ? 0 : -EPERM;
}

static const struct file_operations vzctl_fops = {
	.owner		= THIS_MODULE,
	.open		= vzctl_open,
	.unlocked_ioctl	= vzctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vzctl_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vzctl",
	.fops	= &vzctl_fops,
	.mode	= 0600,
};

static int __init vzctl_dev_init(void)
{
	return misc_register(&vzctl_misc);
}
device_initcall(vzctl_dev_init);
