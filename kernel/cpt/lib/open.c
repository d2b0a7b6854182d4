// SPDX-License-Identifier: GPL-2.0
/* Opening files of a known kind (open.h). */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/namei.h>

#include "lib/open.h"

static bool cpt_is_kind(const struct inode *inode, umode_t kind, u32 rdev)
{
	return (inode->i_mode & S_IFMT) == kind &&
	       (kind != S_IFCHR || new_encode_dev(inode->i_rdev) == rdev);
}

struct file *cpt_open_kind(const char *name, int flags, umode_t kind,
			   u32 rdev)
{
	struct inode *inode;
	struct file *file;
	struct path path;
	int err;

	/* A look first: open() of a FIFO or a device may block, or act. */
	err = kern_path(name, LOOKUP_FOLLOW, &path);
	if (err)
		return ERR_PTR(err);
	inode = d_backing_inode(path.dentry);
	if (!cpt_is_kind(inode, kind, rdev)) {
		path_put(&path);
		return ERR_PTR(-ESTALE);
	}
	/*
	 * Then the real open, with all its checks, of that same inode.
	 * O_LARGEFILE as open(2) forces it on 64-bit: else a map of a file
	 * over 2 GB fails with EOVERFLOW.
	 */
	file = filp_open(name, flags | O_LARGEFILE, 0);
	if (!IS_ERR(file) && file_inode(file) != inode) {
		fput(file);
		file = ERR_PTR(-ESTALE);
	}
	path_put(&path);
	return file;
}
