// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl destroy: remove a stopped VE's private area and root directory.
 * Its config is kept as VEID.conf.destroyed, as OpenVZ did, so that a
 * mistake can at least be looked at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "util.h"
#include "ve.h"

int cmd_destroy(struct cmd_ve *ve, void *opts)
{
	const struct ve_conf *vc = &ve->vc;
	int ret;

	(void)opts;
	ret = ve_check_stopped(ve->veid, "VE is currently running. Stop it first.");
	if (ret)
		return ret;
	if (!vc->ve_exists && !path_exists(ve->priv)) {
		vz_error("VE private area %s does not exist", ve->priv);
		return VZ_FS_NOPRVT;
	}
	if (ve_is_mounted(ve->root)) {
		ret = ve_umount_root(ve->root);
		if (ret)
			return ret;
	}
	vz_msg("Destroying VE private area: %s", ve->priv);
	if (remove_tree(ve->priv)) {
		vz_error("Unable to remove %s: %s", ve->priv, strerror(errno));
		return VZ_FS_DEL_PRVT;
	}
	if (rmdir(ve->root) && errno != ENOENT)
		fprintf(stderr, "Warning: unable to remove %s: %s\n", ve->root,
			strerror(errno));
	if (vc->ve_exists) {
		char *dest = xasprintf("%s.destroyed", vc->ve_conf_path);

		if (rename(vc->ve_conf_path, dest))
			fprintf(stderr, "Warning: unable to rename %s: %s\n",
				vc->ve_conf_path, strerror(errno));
		free(dest);
	}
	vz_msg("VE private area was destroyed");
	return 0;
}
