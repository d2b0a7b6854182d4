// SPDX-License-Identifier: GPL-2.0
/*
 * Confining root in a VE (include/linux/ve_confine.h).
 *
 * VEs share the host's user namespace, so root in a VE holds the host's
 * capabilities, less what its bounding set drops (vzctl drops OpenVZ's
 * defaults: CAP_SYS_MODULE, CAP_SYS_TIME, CAP_SYS_RAWIO, ... see
 * Documentation/ve-api.rst).  What it keeps, CAP_SYS_ADMIN above all, a
 * distribution needs inside its VE; these checks stop it where it would
 * reach the node:
 *
 *  - device nodes: only the VE's own (memory devices, tty, its ptys) and
 *    what the host granted (VZCTL_SETDEVPERMS), for open and mknod;
 *  - filesystems: new mounts of proc, sysfs (read-only), tmpfs, devpts
 *    and mqueue only (bind mounts inside its root are not mounts of a
 *    filesystem and stay allowed); no remount of anything else, such as
 *    the node's filesystem under the VE's root;
 *  - sysctls: writes only to those of its own namespaces (net, ipc,
 *    mqueue) and its host and domain name;
 *  - the kernel log, SysRq, swap, module loading, performance counters:
 *    refused where those paths ask (patch 0011).
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/kdev_t.h>
#include <linux/device_cgroup.h>
#include <linux/pid_namespace.h>
#include <linux/ve.h>
#include <linux/ve_confine.h>

bool ve_current_confined(void)
{
	struct ve_struct *ve;

	if (task_active_pid_ns(current) == &init_pid_ns)
		return false;
	ve = ve_of_task(current);
	ve_put(ve);
	return !!ve;
}
EXPORT_SYMBOL_GPL(ve_current_confined);

/* Every VE has these: the memory devices, tty, ptmx, its own ptys. */
static const struct ve_devperm ve_default_devices[] = {
	{ S_IFCHR, 1, 3, false, VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD },
	{ S_IFCHR, 1, 5, false, VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD },
	{ S_IFCHR, 1, 7, false, VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD },
	{ S_IFCHR, 1, 8, false, VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD },
	{ S_IFCHR, 1, 9, false, VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD },
	{ S_IFCHR, 5, 0, false, VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD },
	{ S_IFCHR, 5, 2, false, VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD },
	{ S_IFCHR, 136, 0, true, VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD },
};

static bool ve_devperm_match(const struct ve_devperm *p, umode_t type,
			     u32 major, u32 minor)
{
	return p->type == type && p->major == major &&
	       (p->all_minors || p->minor == minor);
}

/* The access (VE_DEV_*) @ve has to a device: a grant wins a default. */
static u8 ve_device_access(struct ve_struct *ve, umode_t type, dev_t dev)
{
	u32 major = MAJOR(dev), minor = MINOR(dev);
	unsigned int i;
	int found = -1;
	u8 mask = 0;

	spin_lock(&ve->devperms_lock);
	for (i = 0; i < ve->nr_devperms; i++)
		if (ve_devperm_match(&ve->devperms[i], type, major, minor))
			found = i;
	if (found >= 0)
		mask = ve->devperms[found].mask;
	spin_unlock(&ve->devperms_lock);
	if (found >= 0)
		return mask;
	for (i = 0; i < ARRAY_SIZE(ve_default_devices); i++)
		if (ve_devperm_match(&ve_default_devices[i], type, major, minor))
			return ve_default_devices[i].mask;
	return 0;
}

int ve_device_permission(umode_t mode, dev_t dev, short access)
{
	umode_t type = mode & S_IFMT;
	struct ve_struct *ve;
	u8 want = 0, have;

	if ((type != S_IFCHR && type != S_IFBLK) ||
	    task_active_pid_ns(current) == &init_pid_ns)
		return 0;
	if (type == S_IFCHR && dev == WHITEOUT_DEV)
		return 0;	/* overlayfs whiteouts are not devices */
	ve = ve_of_task(current);
	if (!ve)
		return 0;
	if (access & DEVCG_ACC_READ)
		want |= VE_DEV_READ;
	if (access & DEVCG_ACC_WRITE)
		want |= VE_DEV_WRITE;
	if (access & DEVCG_ACC_MKNOD)
		want |= VE_DEV_MKNOD;
	have = ve_device_access(ve, type, dev);
	ve_put(ve);
	return (want & ~have) ? -EPERM : 0;
}
EXPORT_SYMBOL_GPL(ve_device_permission);

/**
 * ve_set_devperm - grant (or take back) a device to a VE
 * @ve: the VE
 * @p: what, as VZCTL_SETDEVPERMS gives it
 */
int ve_set_devperm(struct ve_struct *ve, const struct vzctl_setdevperms *p)
{
	u32 type = p->type & S_IFMT, use = p->type & ~S_IFMT;
	struct ve_devperm g = {
		.type = type,
		.major = MAJOR(new_decode_dev(p->dev)),
		.minor = MINOR(new_decode_dev(p->dev)),
		.all_minors = use == VE_USE_MAJOR,
		.mask = p->mask,
	};
	unsigned int i;
	int err = 0;

	if ((type != S_IFCHR && type != S_IFBLK) ||
	    (use != VE_USE_MAJOR && use != VE_USE_MINOR) ||
	    (p->mask & ~(VE_DEV_READ | VE_DEV_WRITE | VE_DEV_MKNOD)))
		return -EINVAL;
	spin_lock(&ve->devperms_lock);
	for (i = 0; i < ve->nr_devperms; i++) {
		struct ve_devperm *o = &ve->devperms[i];

		if (o->type == g.type && o->major == g.major &&
		    o->all_minors == g.all_minors &&
		    (g.all_minors || o->minor == g.minor))
			break;
	}
	if (i < ve->nr_devperms)
		ve->devperms[i].mask = g.mask;
	else if (ve->nr_devperms < VE_DEV_MAX_GRANTS)
		ve->devperms[ve->nr_devperms++] = g;
	else
		err = -ENOSPC;
	spin_unlock(&ve->devperms_lock);
	return err;
}
EXPORT_SYMBOL_GPL(ve_set_devperm);

/* The filesystems a VE may mount: its own views, none of the node's. */
static const char *const ve_fstypes[] = {
	"proc", "sysfs", "tmpfs", "devpts", "mqueue",
};

static bool ve_fstype_allowed(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ve_fstypes); i++)
		if (!strcmp(name, ve_fstypes[i]))
			return true;
	return false;
}

int ve_fs_context_permission(struct fs_context *fc)
{
	const char *name = fc->fs_type->name;

	if (fc->purpose == FS_CONTEXT_FOR_SUBMOUNT || !ve_current_confined())
		return 0;
	if (!ve_fstype_allowed(name)) {
		pr_info_ratelimited("VE: %s of %s refused to a task in a VE\n",
				    fc->purpose == FS_CONTEXT_FOR_MOUNT ?
				    "mount" : "remount", name);
		return -EPERM;
	}
	/* sysfs shows the node's devices and knobs: read-only, always. */
	if (!strcmp(name, "sysfs")) {
		fc->sb_flags |= SB_RDONLY;
		fc->sb_flags_mask |= SB_RDONLY;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(ve_fs_context_permission);

bool ve_sysctl_writable(const char *procname, bool per_namespace)
{
	if (per_namespace || !ve_current_confined())
		return true;
	/* kernel.hostname and kernel.domainname are the VE's UTS names. */
	return !strcmp(procname, "hostname") || !strcmp(procname, "domainname");
}
EXPORT_SYMBOL_GPL(ve_sysctl_writable);
