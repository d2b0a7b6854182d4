// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl status: one line in the format scripts parse, with OpenVZ's
 * trailing "suspended" for a VE frozen by a checkpoint or restore
 * context.
 */
#include <stdio.h>

#include "cmd.h"
#include "cpt_client.h"
#include "util.h"
#include "ve.h"

int cmd_status(struct cmd_ve *ve, void *opts)
{
	pid_t pid;
	int ret;

	(void)opts;
	ret = ve_get_state(ve->veid, &pid);
	if (!ret)
		printf("VEID %u %s %s %s%s\n", ve->veid,
		       is_dir(ve->priv) ? "exist" : "deleted",
		       ve_is_mounted(ve->root) ? "mounted" : "unmounted",
		       pid > 0 ? "running" : "down",
		       pid > 0 && cpt_ve_suspended(ve->veid) ? " suspended" : "");
	return ret;
}
