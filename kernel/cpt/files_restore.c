// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring open files, fd tables and fs.  Paths are resolved in the
 * restoring task, whose root is the VE's root, so they cannot name
 * anything outside the VE.  Each FILE object is opened once and shared by
 * every fd that referred to it, so shared offsets stay shared.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/kdev_t.h>

#include "restore.h"

/* Open flags worth keeping; creating or truncating is never wanted. */
#define RST_OPEN_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | \
			 O_NOATIME | O_SYNC | O_PATH)

static int rst_open_file(struct rst_image *img, struct rst_file *rf)
{
	struct cpt_file *f = &rf->f;
	struct file *filp;
	struct inode *inode;
	loff_t pos;

	filp = filp_open(rf->path, (f->flags & RST_OPEN_FLAGS) | O_NOCTTY, 0);
	if (IS_ERR(filp)) {
		cpt_err(img->ctx, "cannot reopen %s: %ld", rf->path, PTR_ERR(filp));
		return PTR_ERR(filp);
	}
	inode = file_inode(filp);
	if ((f->kind == CPT_FILE_REG && !S_ISREG(inode->i_mode)) ||
	    (f->kind == CPT_FILE_DIR && !S_ISDIR(inode->i_mode)) ||
	    (f->kind == CPT_FILE_CHR && (!S_ISCHR(inode->i_mode) ||
	     new_encode_dev(inode->i_rdev) != f->rdev))) {
		cpt_err(img->ctx, "%s is not the same kind of file as at checkpoint",
			rf->path);
		fput(filp);
		return -ESTALE;
	}
	if (f->kind == CPT_FILE_REG && i_size_read(inode) != f->size)
		cpt_warn(img->ctx, "%s changed size since the checkpoint (%lld, was %llu)",
			 rf->path, i_size_read(inode), f->size);
	if (f->pos && !(filp->f_mode & FMODE_PATH)) {
		pos = vfs_llseek(filp, f->pos, SEEK_SET);
		if (pos != f->pos && f->kind != CPT_FILE_CHR) {
			cpt_err(img->ctx, "cannot seek %s to %llu", rf->path, f->pos);
			fput(filp);
			return pos < 0 ? pos : -EINVAL;
		}
	}
	rf->filp = filp;
	return 0;
}

int rst_open_files(struct rst_image *img)
{
	u32 i;
	int err;

	for (i = 0; i < img->nr_files; i++) {
		err = rst_open_file(img, &img->files[i]);
		if (err)
			return err;
	}
	return 0;
}

int rst_restore_fdtable(struct rst_image *img, struct rst_fdtable *ft)
{
	unsigned int fd = 0;
	u32 i;
	int err;

	/* Whatever the task inherited goes; the image's fds come in. */
	for (;;) {
		struct file *file;

		rcu_read_lock();
		file = task_lookup_next_fd_rcu(current, &fd);
		rcu_read_unlock();
		if (!file)
			break;
		close_fd(fd);
		fd++;
	}
	for (i = 0; i < ft->nr; i++) {
		struct cpt_fd *e = &ft->fds[i];

		err = replace_fd(e->fd, img->files[e->file].filp,
				 e->cloexec ? O_CLOEXEC : 0);
		if (err < 0) {
			cpt_err(img->ctx, "cannot install fd %u: %d", e->fd, err);
			return err;
		}
	}
	return 0;
}

static int rst_lookup_dir(struct rst_image *img, const char *name,
			  struct path *path)
{
	int err = kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, path);

	if (err)
		cpt_err(img->ctx, "directory %s: %d", name, err);
	return err;
}

int rst_restore_fs(struct rst_image *img, struct rst_fs *fs)
{
	struct path root, pwd;
	int err;

	/* cwd first: it is looked up from the root the task has now. */
	err = rst_lookup_dir(img, fs->cwd, &pwd);
	if (err)
		return err;
	err = rst_lookup_dir(img, fs->root, &root);
	if (err) {
		path_put(&pwd);
		return err;
	}
	set_fs_pwd(current->fs, &pwd);
	set_fs_root(current->fs, &root);
	path_put(&pwd);
	path_put(&root);
	current->fs->umask = fs->f.umask;
	return 0;
}
