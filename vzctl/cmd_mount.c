// SPDX-License-Identifier: GPL-2.0
/* vzctl mount / umount: bind the private area onto VE_ROOT and back. */
#include <stdlib.h>

#include "vzctl.h"

int cmd_mount(int argc, char **argv)
{
	struct ve_conf vc;
	char *lock = NULL, *root, *priv;
	unsigned int veid;
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
	if (ve_is_mounted(root)) {
		vz_error("VE is already mounted");
		ret = VZ_FS_MOUNTED;
		goto out_unlock;
	}
	ret = ve_mount_root(priv, root);
	if (!ret)
		vz_msg("VE is mounted");
out_unlock:
	vz_unlock(lock);
out:
	free(root);
	free(priv);
	ve_conf_free(&vc);
	return ret;
}

int cmd_umount(int argc, char **argv)
{
	struct ve_conf vc;
	char *lock = NULL, *root, *priv;
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
		vz_error("VE is running -- stop it first");
		ret = VZ_VE_RUNNING;
		goto out_unlock;
	}
	if (!ve_is_mounted(root)) {
		vz_error("VE is not mounted");
		ret = VZ_FS_NOT_MOUNTED;
		goto out_unlock;
	}
	ret = ve_umount_root(root);
	if (!ret)
		vz_msg("VE is unmounted");
out_unlock:
	vz_unlock(lock);
out:
	free(root);
	free(priv);
	ve_conf_free(&vc);
	return ret;
}
