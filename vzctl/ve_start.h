/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting a VE (ve_start.c): booting it, or creating it around an image
 * that its new init undumps.  Whether a start boots or restores is
 * decided above both, by ve_start_locked() (cr.h).
 */
#ifndef VZCTL_VE_START_H
#define VZCTL_VE_START_H

#include <sys/types.h>

#include "config.h"

/*
 * Boot the VE (its /sbin/init), with the VE locked: mounts VE_ROOT if
 * needed and writes its hostname and resolv.conf first.  On failure
 * nothing is left running or mounted by it.
 */
int ve_start_fresh(struct ve_conf *vc);

/*
 * Restore's half of start: create the VE and its network as a boot does,
 * but have the new init, once in VE_ROOT with its /proc and /dev, become
 * the image's init through CPT_UNDUMP on rstfd (whose VEID and dump fd
 * are set, and whose status fd writes to status_rd).  Returns 0 when the
 * kernel reports the VE undumped, its tasks parked until CPT_RESUME, with
 * *init_pid set; otherwise an exit code, with the VE killed and its veth
 * pair removed.  VE_ROOT must be mounted.
 */
int ve_start_undump(struct ve_conf *vc, int vzfd, int rstfd, int status_rd,
		    pid_t *init_pid);

#endif
