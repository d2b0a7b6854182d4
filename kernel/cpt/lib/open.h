/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening what an image names, by path, without trusting the path: the
 * kind of file is checked before it is opened, so that a name that turned
 * into a FIFO or a device cannot make a restore block in open() or open
 * something else than what was dumped.
 */
#ifndef _CPT_LIB_OPEN_H
#define _CPT_LIB_OPEN_H

#include <linux/types.h>

struct file;

/*
 * @path (looked up from the caller's root and cwd, following links) if it
 * is of @kind (S_IFREG, S_IFDIR, or S_IFCHR with device @rdev, encoded as
 * new_encode_dev()), opened with @flags.  ERR_PTR(-ESTALE) for another
 * kind, or the lookup's or open's error.
 */
struct file *cpt_open_kind(const char *path, int flags, umode_t kind,
			   u32 rdev);

#endif
