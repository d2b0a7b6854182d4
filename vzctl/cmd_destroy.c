// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl destroy: remove a stopped VE's private area and root directory.
 * Its config is kept as VEID.conf.destroyed, as OpenVZ did, so that a
 * mistake can at least be looked at.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vzctl.h"

int cmd_destroy(int argc, char **argv)
{
	struct ve_conf vc;
	char *lock = NULL, *root, *priv, *dest;
	unsigned int veid;
	pid_t pid;
	int ret;

	ret = parse_veid_only(argc, argv, &veid);
	if (ret)
		return ret;
	ret = ve_load(veid, &vc, &root, &priv);
	if (ret)
		return ret;
	ret = ve_lock(&vc, &lock);
	if (ret)
		goto out;
	ret = ve_get_state(veid, &pid);
	if (ret)
		goto out_unlock;
	if (pid > 0) {
		vz_error("VE is currently running. Stop it first.");
		ret = VZ_VE_RUNNING;
		goto out_unlock;
	}
	if (!vc.ve_exists && !path_exists(priv)) {
		vz_error("VE private area %s does not exist", priv);
		ret = VZ_FS_NOPRVT;
		goto out_unlock;
	}
	if (ve_is_mounted(root)) {
		ret = ve_umount_root(root);
		if (ret)
			goto out_unlock;
	}
	vz_msg("Destroying VE private area: %s", priv);
	if (remove_tree(priv)) {
		vz_error("Unable to remove %s: %s", priv, strerror(errno));
		ret = VZ_FS_DEL_PRVT;
		goto out_unlock;
	}
	if (rmdir(root) && errno != ENOENT)
		fprintf(stderr, "Warning: unable to remove %s: %s\n", root,
			strerror(errno));
	if (vc.ve_exists) {
		dest = xasprintf("%s.destroyed", vc.ve_conf_path);
		if (rename(vc.ve_conf_path, dest))
			fprintf(stderr, "Warning: unable to rename %s: %s\n",
				vc.ve_conf_path, strerror(errno));
		free(dest);
	}
	vz_msg("VE private area was destroyed");
out_unlock:
	vz_unlock(lock);
out:
	free(root);
	free(priv);
	ve_conf_free(&vc);
	return ret;
}
