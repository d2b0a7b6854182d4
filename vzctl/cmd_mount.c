// SPDX-License-Identifier: GPL-2.0
/* vzctl mount / umount: bind the private area onto VE_ROOT and back. */
#include "cmd.h"
#include "util.h"
#include "ve.h"

int cmd_mount(struct cmd_ve *ve, void *opts)
{
	int ret;

	(void)opts;
	if (ve_is_mounted(ve->root)) {
		vz_error("VE is already mounted");
		return VZ_FS_MOUNTED;
	}
	ret = ve_mount_root(ve->priv, ve->root);
	if (!ret)
		vz_msg("VE is mounted");
	return ret;
}

int cmd_umount(struct cmd_ve *ve, void *opts)
{
	int ret;

	(void)opts;
	ret = ve_check_stopped(ve->veid, "VE is running -- stop it first");
	if (ret)
		return ret;
	if (!ve_is_mounted(ve->root)) {
		vz_error("VE is not mounted");
		return VZ_FS_NOT_MOUNTED;
	}
	ret = ve_umount_root(ve->root);
	if (!ret)
		vz_msg("VE is unmounted");
	return ret;
}
