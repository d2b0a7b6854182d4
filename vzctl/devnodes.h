/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device nodes granted to a VE (devnodes.c), as OpenVZ's vzctl has them:
 * DEVNODES="ttyS0:rw net/tun:rw" in the VE's config, "vzctl set
 * --devnodes name:r|w|rw|none".  Each is the host's /dev/NAME: the VE
 * gets permission to use that device (VZCTL_SETDEVPERMS) and a node of
 * it in its /dev.  Any other device is refused to the VE by the kernel.
 */
#ifndef VZCTL_DEVNODES_H
#define VZCTL_DEVNODES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

struct devnode {
	char name[64];		/* below /dev */
	mode_t mode;		/* S_IFCHR/S_IFBLK and the host node's perms */
	dev_t rdev;
	unsigned int mask;	/* VE_DEV_* */
};

/* "name:perm" (r, w, rw or none); 0, or an exit code with a message. */
int devnode_parse(const char *s, struct devnode *d);
/*
 * Every DEVNODES entry of the VE's config, looked up in the host's /dev.
 * 0 with *out (malloc'ed) and *n, or an exit code.
 */
int ve_devnodes(const struct ve_conf *vc, struct devnode **out, size_t *n);
/* From the host: give the running VE its permissions on them. */
int devnodes_grant(int vzfd, unsigned int veid, const struct devnode *d,
		   size_t n);
/* In the VE (its /dev): make the nodes granted, remove the others. */
int devnodes_make(const struct devnode *d, size_t n);
/* DEVNODES's value with d set (replacing an entry of the same name). */
char *devnodes_setting_apply(const char *cur, const char *s);

#endif
