// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl start: restore the VE from its dump file if it has one, else
 * boot it (ve_start_locked() in cr.c, ve_start.c).
 */
#include "cmd.h"
#include "cr.h"

int cmd_start(struct cmd_ve *ve, void *opts)
{
	(void)opts;
	return ve_start_locked(&ve->vc);
}
