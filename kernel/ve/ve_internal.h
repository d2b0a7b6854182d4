/* SPDX-License-Identifier: GPL-2.0 */
/* Registry internals shared by kernel/ve/ files only. */
#ifndef _KERNEL_VE_INTERNAL_H
#define _KERNEL_VE_INTERNAL_H

#include <linux/ve.h>

struct ve_struct *ve_alloc(envid_t veid);
int ve_register(struct ve_struct *ve);
struct ve_struct *ve_next_rcu(struct ve_struct *prev);

#endif
