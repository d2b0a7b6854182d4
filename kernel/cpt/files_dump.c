// SPDX-License-Identifier: GPL-2.0
/*
 * Dumping open files, fd tables and fs (root, cwd, umask).
 *
 * Files are written by path relative to the VE's root, which the restore
 * side reopens in the restored VE's root.  What a path cannot bring back
 * (pipes, sockets, deleted files, anonymous inodes, most devices) is
 * refused with an error naming it, until the image can express it.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/kdev_t.h>

#include "dump.h"

/* Character devices a VE may hold open: they are the same everywhere. */
static bool cpt_chrdev_ok(dev_t rdev)
{
	if (MAJOR(rdev) != 1)
		return false;
	switch (MINOR(rdev)) {
	case 3:	/* null */
	case 5:	/* zero */
	case 7:	/* full */
	case 8:	/* random */
	case 9:	/* urandom */
		return true;
	}
	return false;
}

/* Writes a FILE record for @file; returns its index. */
static int cpt_dump_file(struct cpt_dump *d, struct task_struct *tsk,
			 unsigned int fd, struct file *file)
{
	struct inode *inode = file_inode(file);
	struct cpt_file f = {
		.flags = file->f_flags,
		.pos = file->f_pos,
		.mode = inode->i_mode,
		.size = i_size_read(inode),
	};
	const char *path = NULL;
	int len = 0, err;

	if (S_ISREG(inode->i_mode))
		f.kind = CPT_FILE_REG;
	else if (S_ISDIR(inode->i_mode))
		f.kind = CPT_FILE_DIR;
	else if (S_ISCHR(inode->i_mode) && cpt_chrdev_ok(inode->i_rdev))
		f.kind = CPT_FILE_CHR;

	if (f.kind && d_unlinked(file->f_path.dentry))
		f.kind = 0;
	if (f.kind)
		path = cpt_ve_path(d, &file->f_path, &len);
	if (!f.kind || IS_ERR(path)) {
		char *name = d_path(&file->f_path, d->pathbuf, PATH_MAX);

		cpt_err(d->ctx, "task %d (%s) fd %u: %s: not supported yet",
			task_pid_nr_ns(tsk, d->ve->pid_ns), tsk->comm, fd,
			IS_ERR(name) ? "unnamed file" : name);
		return -EOPNOTSUPP;
	}
	if (f.kind == CPT_FILE_CHR)
		f.rdev = new_encode_dev(inode->i_rdev);
	f.path_len = len;
	err = cpt_record_begin(&d->w, CPT_REC_FILE, d->filps.nr, sizeof(f) + len);
	if (!err)
		err = cpt_record_add(&d->w, &f, sizeof(f));
	if (!err)
		err = cpt_record_add(&d->w, path, len);
	if (!err)
		err = cpt_record_end(&d->w);
	return err ? err : cpt_obj_add(&d->filps, file);
}

struct cpt_fd_ent {
	unsigned int	fd;
	bool		cloexec;
	struct file	*file;
};

/* Writes the FILE records it needs, then FILES and FDs; returns index. */
int cpt_dump_files(struct cpt_dump *d, struct task_struct *tsk)
{
	struct files_struct *files = tsk->files;
	struct cpt_fd_ent *ents = NULL;
	unsigned int n = 0, max = 0, fd = 0, i;
	struct cpt_files fr = {};
	int err = 0, idx;

	for (;;) {
		struct file *file;

		rcu_read_lock();
		file = task_lookup_next_fd_rcu(tsk, &fd);
		if (file && !get_file_rcu(file))
			file = NULL;
		if (file) {
			struct fdtable *fdt = files_fdtable(files);

			if (n == max) {
				struct cpt_fd_ent *p;

				rcu_read_unlock();
				if (max >= CPT_MAX_FDS) {
					fput(file);
					err = -E2BIG;
					break;
				}
				max = max ? max * 2 : 32;
				p = kvrealloc(ents, n * sizeof(*ents),
					      max * sizeof(*ents), GFP_KERNEL);
				if (!p) {
					fput(file);
					err = -ENOMEM;
					break;
				}
				ents = p;
				rcu_read_lock();
				fdt = files_fdtable(files);
			}
			ents[n].fd = fd;
			ents[n].cloexec = close_on_exec(fd, fdt);
			ents[n].file = file;
			n++;
		}
		rcu_read_unlock();
		if (!file)
			break;
		fd++;
	}

	for (i = 0; !err && i < n; i++)
		if (cpt_obj_find(&d->filps, ents[i].file) < 0) {
			idx = cpt_dump_file(d, tsk, ents[i].fd, ents[i].file);
			if (idx < 0)
				err = idx;
		}
	if (!err) {
		fr.max_fds = rlimit(RLIMIT_NOFILE);
		fr.nr_fds = n;
		err = cpt_write_record(&d->w, CPT_REC_FILES, d->files.nr,
				       &fr, sizeof(fr));
	}
	for (i = 0; !err && i < n; i++) {
		struct cpt_fd e = {
			.fd = ents[i].fd,
			.file = cpt_obj_find(&d->filps, ents[i].file),
			.cloexec = ents[i].cloexec,
		};

		err = cpt_write_record(&d->w, CPT_REC_FD, 0, &e, sizeof(e));
	}
	for (i = 0; i < n; i++)
		fput(ents[i].file);
	kvfree(ents);
	return err ? err : cpt_obj_add(&d->files, files);
}

/* Writes an FS record; returns its index. */
int cpt_dump_fs(struct cpt_dump *d, struct fs_struct *fs)
{
	struct path root, pwd;
	struct cpt_fs f = {};
	const char *p;
	char *paths;
	int len, err;

	get_fs_root(fs, &root);
	get_fs_pwd(fs, &pwd);
	paths = kmalloc(2 * PATH_MAX, GFP_KERNEL);
	err = paths ? 0 : -ENOMEM;
	if (!err) {
		p = cpt_ve_path(d, &root, &len);
		err = PTR_ERR_OR_ZERO(p);
		if (!err) {
			memcpy(paths, p, len);
			f.root_len = len;
			p = cpt_ve_path(d, &pwd, &len);
			err = PTR_ERR_OR_ZERO(p);
		}
		if (!err) {
			memcpy(paths + f.root_len, p, len);
			f.cwd_len = len;
		} else {
			cpt_err(d->ctx, "root or working directory outside the VE");
		}
	}
	path_put(&root);
	path_put(&pwd);
	f.umask = fs->umask;
	if (!err)
		err = cpt_record_begin(&d->w, CPT_REC_FS, d->fss.nr,
				       sizeof(f) + f.root_len + f.cwd_len);
	if (!err)
		err = cpt_record_add(&d->w, &f, sizeof(f));
	if (!err)
		err = cpt_record_add(&d->w, paths, f.root_len + f.cwd_len);
	if (!err)
		err = cpt_record_end(&d->w);
	kfree(paths);
	return err ? err : cpt_obj_add(&d->fss, fs);
}
