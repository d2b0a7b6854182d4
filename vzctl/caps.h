/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VE's capabilities (caps.c), as OpenVZ's vzctl names and sets them:
 * CAPABILITY="NAME:on NAME:off ..." in the VE's config over OpenVZ's
 * defaults, "vzctl set --capability name:on|off".  The VE's init drops
 * every capability that is off from its bounding set before it runs
 * anything of the VE (or undumps it), so no task of the VE can ever have
 * it; the kernel keeps what enters the VE (vzctl exec) to the same set.
 */
#ifndef VZCTL_CAPS_H
#define VZCTL_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* "name:on" or "name:off" (any case); 0, or -1 if not one. */
int cap_setting_parse(const char *s, unsigned int *cap, bool *on);
/* The capabilities the VE's tasks may have, as a bit mask. */
uint64_t ve_caps(const struct ve_conf *vc);
/* CAPABILITY's value with the setting s applied; malloc'ed. */
char *caps_setting_apply(const char *cur, const char *s);
/* In the VE's init: drop every capability not in keep from the bset. */
int caps_drop_bset(uint64_t keep);

#endif
