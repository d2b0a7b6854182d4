/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Virtual Environment (VE) management interface: /dev/vzctl.
 *
 * Shared by the kernel (kernel/ve/) and userspace (vzctl).  The ioctl
 * names, numbers and flag values follow OpenVZ so that its users and
 * scripts find what they know; the semantics are documented in
 * Documentation/ve-api.rst.
 */
#ifndef _UAPI_LINUX_VZCALLUSER_H
#define _UAPI_LINUX_VZCALLUSER_H

#include <linux/types.h>
#include <linux/ioctl.h>

#ifndef __ENVID_T_DEFINED__
#define __ENVID_T_DEFINED__
typedef unsigned int envid_t;
#endif

/* VEID 0 is the host itself and can never be created or entered. */
#define VEID_HOST		0

#define VZCTL_DEVICE		"/dev/vzctl"
#define VZCTLTYPE		'.'

/* Flags of struct vzctl_env_create. */
#define VE_CREATE		1	/* create; VE_ENTER is implied */
#define VE_EXCLUSIVE		2	/* with VE_CREATE: fail if it exists */
#define VE_ENTER		4	/* join a running VE */
#define VE_TEST			8	/* does it run? returns its init's pid */
#define VE_FLAGS_KNOWN		(VE_CREATE | VE_EXCLUSIVE | VE_ENTER | VE_TEST)

struct vzctl_env_create {
	envid_t	veid;
	__u32	flags;
	__u32	class_id;	/* must be 0 (no CPU classes here) */
};

/*
 * VZCTL_ENV_CREATE returns, depending on flags:
 *  VE_CREATE    in the caller: the host pid (> 0) of the new VE's init;
 *               in the new init, which continues from the ioctl like the
 *               child of fork(): 0.  The init is pid 1 of new pid, mount,
 *               UTS, IPC and network namespaces.  If the VE exists:
 *               -EEXIST with VE_EXCLUSIVE, otherwise it is entered (0).
 *  VE_ENTER     0, the caller now lives in the VE's mount, UTS, IPC and
 *               network namespaces, with the VE's root as its root, and its
 *               next children are born in the VE's pid namespace.
 *  VE_TEST      the host pid (> 0) of the VE's init.
 * Errors: -ESRCH no such VE, -EPERM not CAP_SYS_ADMIN in the initial user
 * namespace or called from inside a VE, -EINVAL bad flags or VEID 0,
 * -EBUSY entering from a multi-threaded process.
 */
#define VZCTL_ENV_CREATE	_IOW(VZCTLTYPE, 5, struct vzctl_env_create)

/*
 * Device permissions of a VE (OpenVZ's VZCTL_SETDEVPERMS): what root in
 * the VE may do with device nodes beyond the VE's own (null, zero, full,
 * random, urandom, tty, ptmx, its ptys).  type is S_IFCHR or S_IFBLK,
 * with VE_USE_MINOR for the one device dev (new_encode_dev()) or
 * VE_USE_MAJOR for every minor of its major; mask is VE_DEV_* bits, 0
 * to take a grant back.  The VE must be running.
 */
#define VE_USE_MAJOR		010
#define VE_USE_MINOR		030
#define VE_DEV_READ		4	/* S_IROTH */
#define VE_DEV_WRITE		2	/* S_IWOTH */
#define VE_DEV_MKNOD		1
#define VE_DEV_MAX_GRANTS	64

struct vzctl_setdevperms {
	envid_t	veid;
	__u32	type;
	__u32	dev;
	__u32	mask;
};

#define VZCTL_SETDEVPERMS	_IOW(VZCTLTYPE, 2, struct vzctl_setdevperms)

#endif /* _UAPI_LINUX_VZCALLUSER_H */
