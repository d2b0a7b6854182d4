// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl status: one line in the format scripts parse, with OpenVZ's
 * trailing "suspended" for a VE frozen by a checkpoint or restore
 * context.
 */
#include <stdlib.h>

#include "vzctl.h"

int cmd_status(int argc, char **argv)
{
	struct ve_conf vc;
	char *root, *priv;
	unsigned int veid;
	pid_t pid;
	int ret;

	ret = parse_veid_only(argc, argv, &veid);
	if (ret)
		return ret;
	ret = ve_load(veid, &vc, &root, &priv);
	if (ret)
		return ret;
	ret = ve_get_state(veid, &pid);
	if (!ret)
		printf("VEID %u %s %s %s%s\n", veid,
		       is_dir(priv) ? "exist" : "deleted",
		       ve_is_mounted(root) ? "mounted" : "unmounted",
		       pid > 0 ? "running" : "down",
		       pid > 0 && cpt_ve_suspended(veid) ? " suspended" : "");
	free(root);
	free(priv);
	ve_conf_free(&vc);
	return ret;
}
