/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Confining root in a VE: the checks that core kernel paths make for a
 * task that lives in a VE (kernel/ve/contain.c, Documentation/ve-api.rst
 * "Containment").  A VE shares the host's user namespace, so its root
 * holds the host's capabilities (less those its bounding set drops):
 * these are the places where such a capability would reach beyond the
 * VE.  Host tasks pay one comparison.
 */
#ifndef _LINUX_VE_CONFINE_H
#define _LINUX_VE_CONFINE_H

#include <linux/types.h>

struct fs_context;

#ifdef CONFIG_VE

/* Does the current task live in a VE? */
bool ve_current_confined(void);
/* May it open (DEVCG_ACC_READ/WRITE) or make (MKNOD) this device? */
int ve_device_permission(umode_t mode, dev_t dev, short access);
/*
 * May it mount or reconfigure this filesystem (vfs_get_tree() and
 * reconfigure_super())?  May adjust fc (sysfs stays read-only).
 */
int ve_fs_context_permission(struct fs_context *fc);
/* May it write this sysctl (of a per-namespace set or not)? */
bool ve_sysctl_writable(const char *procname, bool per_namespace);

#else

static inline bool ve_current_confined(void)
{
	return false;
}

static inline int ve_device_permission(umode_t mode, dev_t dev, short access)
{
	return 0;
}

static inline int ve_fs_context_permission(struct fs_context *fc)
{
	return 0;
}

static inline bool ve_sysctl_writable(const char *procname,
				      bool per_namespace)
{
	return true;
}

#endif /* CONFIG_VE */
#endif /* _LINUX_VE_CONFINE_H */
