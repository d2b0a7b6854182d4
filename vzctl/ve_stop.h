/* SPDX-License-Identifier: GPL-2.0 */
/* Stopping a VE, and what is left once its init is gone (ve_stop.c). */
#ifndef VZCTL_VE_STOP_H
#define VZCTL_VE_STOP_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

/* vzctl stop, with the VE locked. */
int ve_stop_locked(struct ve_conf *vc, bool fast);
/* Poll until the VE is gone; true if it is. */
bool ve_wait_stopped(int fd, unsigned int veid, int seconds);
int ve_stopped_cleanup(unsigned int veid, const char *root);
/* Kill a half-started VE and wait until the kernel has let it go. */
void ve_kill_init(int fd, unsigned int veid, pid_t pid);

#endif
