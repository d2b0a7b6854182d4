/* SPDX-License-Identifier: GPL-2.0 */
/* Per-VE lock files (lock.c). */
#ifndef VZCTL_LOCK_H
#define VZCTL_LOCK_H

#include "config.h"

int vz_lock(const char *lockdir, unsigned int veid, char **lockpath);
void vz_unlock(char *lockpath);
/* vz_lock() in the VE's LOCKDIR. */
int ve_lock(const struct ve_conf *vc, char **lockpath);

#endif
