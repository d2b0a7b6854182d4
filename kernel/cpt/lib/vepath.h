/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths as the image holds them: relative to the VE's root, written as
 * absolute paths.
 */
#ifndef _CPT_LIB_VEPATH_H
#define _CPT_LIB_VEPATH_H

#include <linux/path.h>

/*
 * The path of @path inside the VE whose root is @ve_root, built in @buf
 * (2 * PATH_MAX bytes); its length in *len.  ERR_PTR(-EXDEV) if it is
 * outside the VE's root.
 */
const char *cpt_ve_path(const struct path *ve_root, const struct path *path,
			char *buf, int *len);

#endif
