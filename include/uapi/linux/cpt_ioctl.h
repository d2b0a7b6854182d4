/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checkpoint/restore control interface: ioctls on an open /proc/cpt
 * (vzcpt module) or /proc/rst (vzrst module).
 *
 * Names and numbers follow OpenVZ so that its users and scripts find what
 * they know.  As in OpenVZ, integer arguments are passed by value (the
 * ioctl's third argument is the fd or number itself, not a pointer).
 * Semantics: Documentation/cpt-api.rst.
 */
#ifndef _UAPI_LINUX_CPT_IOCTL_H
#define _UAPI_LINUX_CPT_IOCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define CPT_PROC_PATH		"/proc/cpt"
#define RST_PROC_PATH		"/proc/rst"

#define CPTCTLTYPE		'-'

#define CPT_SET_DUMPFD		_IOW(CPTCTLTYPE, 1, int)
#define CPT_SET_STATUSFD	_IOW(CPTCTLTYPE, 2, int)
#define CPT_SET_LOCKFD		_IOW(CPTCTLTYPE, 3, int)
#define CPT_SET_VEID		_IOW(CPTCTLTYPE, 4, int)
#define CPT_SUSPEND		_IO(CPTCTLTYPE, 5)
#define CPT_DUMP		_IO(CPTCTLTYPE, 6)
#define CPT_UNDUMP		_IO(CPTCTLTYPE, 7)
#define CPT_RESUME		_IO(CPTCTLTYPE, 8)
#define CPT_KILL		_IO(CPTCTLTYPE, 9)
#define CPT_JOIN_CONTEXT	_IO(CPTCTLTYPE, 10)
#define CPT_GET_CONTEXT		_IOW(CPTCTLTYPE, 11, unsigned int)
#define CPT_PUT_CONTEXT		_IO(CPTCTLTYPE, 12)
#define CPT_SET_PAGEINFDIN	_IOW(CPTCTLTYPE, 13, int)
#define CPT_SET_PAGEINFDOUT	_IOW(CPTCTLTYPE, 14, int)
#define CPT_PAGEIND		_IO(CPTCTLTYPE, 15)
#define CPT_VMPREP		_IOW(CPTCTLTYPE, 16, int)
#define CPT_SET_CPU_FLAGS	_IOW(CPTCTLTYPE, 18, int)
#define CPT_TEST_CAPS		_IOW(CPTCTLTYPE, 19, unsigned int)
#define CPT_TEST_VECAPS		_IOW(CPTCTLTYPE, 20, unsigned int)
#define CPT_SET_ERRORFD		_IOW(CPTCTLTYPE, 21, int)
#define CPT_ITER		_IOW(CPTCTLTYPE, 23, int)
#define CPT_LINKDIR_ADD		_IOW(CPTCTLTYPE, 24, int)
#define CPT_HARDLNK_ON		_IOW(CPTCTLTYPE, 25, int)
#define CPT_TEST_VERSION	_IOW(CPTCTLTYPE, 26, int)
#define CPT_SET_LOCKFD2		_IOW(CPTCTLTYPE, 27, int)
#define CPT_STOP_TRACKER	_IOW(CPTCTLTYPE, 29, int)
/* Ours, not OpenVZ's: check an image on the host without restoring it. */
#define CPT_TEST_IMAGE		_IO(CPTCTLTYPE, 30)

/* Context states, as listed by reading /proc/cpt and /proc/rst. */
enum cpt_context_state {
	CPT_CTX_ERROR = -1,
	CPT_CTX_IDLE = 0,
	CPT_CTX_SUSPENDING,
	CPT_CTX_SUSPENDED,
	CPT_CTX_DUMPING,
	CPT_CTX_DUMPED,
	CPT_CTX_UNDUMPING,
	CPT_CTX_UNDUMPED,
};

#endif /* _UAPI_LINUX_CPT_IOCTL_H */
