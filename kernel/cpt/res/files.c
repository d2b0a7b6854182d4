// SPDX-License-Identifier: GPL-2.0
/*
 * Open files (FILE records: open file descriptions) and fd tables
 * (FILES, with their FD entries).
 *
 * Files are written by path relative to the VE's root, which the restore
 * reopens in the restored VE's root: the restoring task's root is the
 * VE's, so a path cannot name anything outside it.  Each FILE is opened
 * once, before any task exists, and shared by every fd that referred to
 * it, so shared offsets stay shared.  Pipes and FIFOs are pipe.c's,
 * unix sockets unix.c's, eventfds, signalfds, timerfds and epoll
 * instances eventfd.c's, signalfd.c's, timerfd.c's and epoll.c's, the
 * locks held through the files locks.c's.  What a path cannot bring back (other sockets, deleted
 * files, other anonymous inodes, most devices) is refused
 * with an error naming it, until the image can express it; so is signal-driven I/O
 * (O_ASYNC), whose owner the image does not carry, and a lease.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/namei.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/ve.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"
#include "lib/objtab.h"
#include "lib/open.h"

struct files_dump {
	struct cpt_objtab	filps;		/* struct file */
	struct cpt_objtab	tables;		/* struct files_struct */
};

struct rst_file {
	struct cpt_file		f;
	char			*path;
	struct file		*filp;		/* opened before tasks exist */
};

struct rst_fdtable {
	struct cpt_files	hdr;
	struct cpt_fd		*fds;
	u32			nr;		/* read so far */
};

struct files_rst {
	struct rst_file		*files;
	u32			nr_files;
	struct rst_fdtable	*tables;
	u32			nr_tables;
};

/* --- checkpoint ------------------------------------------------------- */

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
static int cpt_dump_file(struct cpt_dump *d, struct files_dump *st,
			 struct task_struct *tsk, unsigned int fd,
			 struct file *file)
{
	struct inode *inode = file_inode(file);
	struct cpt_file f = {
		.flags = file->f_flags,
		.pos = file->f_pos,
		.mode = inode->i_mode,
		.size = i_size_read(inode),
	};
	const char *path = NULL, *why = NULL;
	int len = 0, err;
	bool named;

	err = eventfd_dump_file(file, &f, &why);
	if (!err)
		err = signalfd_dump_file(file, &f, &why);
	if (!err)
		err = timerfd_dump_file(d, file, &f, &why);
	if (!err)
		err = epoll_dump_file(d, tsk, fd, file, &f, &why);
	if (err < 0 && !why)
		return err;
	if (err) {
		/* An eventfd, signalfd, timerfd or epoll instance. */
	} else if (S_ISREG(inode->i_mode)) {
		f.kind = CPT_FILE_REG;
	} else if (S_ISDIR(inode->i_mode)) {
		f.kind = CPT_FILE_DIR;
	} else if (S_ISCHR(inode->i_mode) && cpt_chrdev_ok(inode->i_rdev)) {
		f.kind = CPT_FILE_CHR;
	} else if (S_ISFIFO(inode->i_mode)) {
		f.pos = 0;	/* a stream */
		err = pipe_dump_file(d, file, &f, &why);
		if (err && !why)
			return err;
	} else if (S_ISSOCK(inode->i_mode)) {
		err = unix_dump_file(d, file, &f, &why);
		if (err && !why)
			return err;
	}

	if (file->f_flags & FASYNC)
		why = locks_has_lease(file) ? "a lease (F_SETLEASE)" :
					      "signal-driven I/O (O_ASYNC)";
	/*
	 * An unnamed pipe has no path: it is where the PIPE record says, a
	 * socket where its UNIX_SOCK says; an eventfd, signalfd, timerfd or
	 * epoll instance has none either.  Any other file is its path.
	 */
	named = f.kind != CPT_FILE_PIPE && f.kind != CPT_FILE_EVENTFD &&
		f.kind != CPT_FILE_SIGNALFD && f.kind != CPT_FILE_UNIX &&
		f.kind != CPT_FILE_TIMERFD && f.kind != CPT_FILE_EPOLL;
	if (f.kind && named && d_unlinked(file->f_path.dentry))
		f.kind = 0;
	if (f.kind && named)
		path = cpt_dump_path(d, &file->f_path, &len);
	if (!f.kind || why || IS_ERR(path)) {
		char *name = d_path(&file->f_path, d->pathbuf, PATH_MAX);

		cpt_err(d->ctx, "task %d (%s) fd %u: %s: %s",
			task_pid_nr_ns(tsk, d->ve->pid_ns), tsk->comm, fd,
			IS_ERR(name) ? "unnamed file" : name,
			why ? why : "not supported yet");
		return -EOPNOTSUPP;
	}
	if (f.kind == CPT_FILE_CHR)
		f.rdev = new_encode_dev(inode->i_rdev);
	f.path_len = len;
	err = cpt_record_begin(&d->w, CPT_REC_FILE, st->filps.nr,
			       sizeof(f) + len);
	if (!err)
		err = cpt_record_add(&d->w, &f, sizeof(f));
	if (!err)
		err = cpt_record_add(&d->w, path, len);
	if (!err)
		err = cpt_record_end(&d->w);
	return err ? err : cpt_obj_add(&st->filps, file);
}

struct cpt_fd_ent {
	unsigned int	fd;
	bool		cloexec;
	struct file	*file;
};

/* The locks held through the table's files, after its FDs (locks.c). */
static int files_dump_locks(struct cpt_dump *d, struct task_struct *tsk,
			    const struct cpt_fd_ent *ents, unsigned int n,
			    u32 table, u32 first_new)
{
	struct file **filps;
	unsigned int i;
	int err;

	if (!n)
		return 0;
	filps = kvmalloc_array(n, sizeof(*filps), GFP_KERNEL);
	if (!filps)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		filps[i] = ents[i].file;
	err = locks_dump_table(d, tsk, table, filps, n, first_new);
	kvfree(filps);
	return err;
}

int files_dump_index(struct cpt_dump *d, struct file *file)
{
	struct files_dump *st = cpt_dump_state(d, &cpt_res_files);

	return cpt_obj_find(&st->filps, file);
}

/* Writes the FILE records it needs, then FILES and FDs; returns index. */
static int cpt_dump_files(struct cpt_dump *d, struct files_dump *st,
			  struct task_struct *tsk)
{
	struct files_struct *files = tsk->files;
	struct cpt_fd_ent *ents = NULL;
	unsigned int n = 0, max = 0, fd = 0, i;
	struct cpt_files fr = {};
	unsigned int table_size;
	u32 first_new = st->filps.nr;
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

	rcu_read_lock();
	table_size = files_fdtable(files)->max_fds;
	rcu_read_unlock();
	if (!err && n && ents[n - 1].fd >= CPT_MAX_FDS) {
		cpt_err(d->ctx, "task %d (%s) fd %u: above the %u fds the image allows",
			task_pid_nr_ns(tsk, d->ve->pid_ns), tsk->comm,
			ents[n - 1].fd, CPT_MAX_FDS);
		err = -E2BIG;
	}
	for (i = 0; !err && i < n; i++)
		if (cpt_obj_find(&st->filps, ents[i].file) < 0) {
			idx = cpt_dump_file(d, st, tsk, ents[i].fd,
					    ents[i].file);
			if (idx < 0)
				err = idx;
		}
	if (!err) {
		/*
		 * The size of the task's fd table (not anyone's limit: the
		 * task may have lowered its RLIMIT_NOFILE below an fd it
		 * holds), above every fd it has open.
		 */
		fr.max_fds = min_t(unsigned int, table_size, CPT_MAX_FDS);
		if (n)
			fr.max_fds = max(fr.max_fds, ents[n - 1].fd + 1);
		fr.nr_fds = n;
		err = cpt_write_record(&d->w, CPT_REC_FILES, st->tables.nr,
				       &fr, sizeof(fr));
	}
	for (i = 0; !err && i < n; i++) {
		struct cpt_fd e = {
			.fd = ents[i].fd,
			.file = cpt_obj_find(&st->filps, ents[i].file),
			.cloexec = ents[i].cloexec,
		};

		err = cpt_write_record(&d->w, CPT_REC_FD, 0, &e, sizeof(e));
	}
	if (!err)
		err = files_dump_locks(d, tsk, ents, n, st->tables.nr, first_new);
	for (i = 0; i < n; i++)
		fput(ents[i].file);
	kvfree(ents);
	return err ? err : cpt_obj_add(&st->tables, files);
}

/*
 * Whether the fd table of @tsk is another process's too (CLONE_FILES
 * without CLONE_THREAD), or a thread's is not its process's: the image
 * cannot say either yet.
 */
static const char *files_sharing(struct cpt_dump *d, struct task_struct *tsk)
{
	unsigned int i;

	if (!thread_group_leader(tsk) && tsk->files != tsk->group_leader->files)
		return "an fd table of its own, not its process's";
	for (i = 0; i < d->nr_tasks && d->tasks[i] != tsk; i++) {
		struct task_struct *o = d->tasks[i];

		if (!o->exit_state && !same_thread_group(o, tsk) &&
		    o->files == tsk->files)
			return "an fd table shared with another process (CLONE_FILES)";
	}
	return NULL;
}

int files_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct files_dump *st = cpt_dump_state(d, &cpt_res_files);
	struct task_struct *tsk = dt->tsk;
	const char *why;
	int idx;

	dt->rec.files = CPT_NO_OBJ;
	if (dt->zombie || !tsk->files)
		return 0;
	why = files_sharing(d, tsk);
	if (why) {
		cpt_err(d->ctx, "task %d (%s) has %s: not supported yet",
			dt->pid, tsk->comm, why);
		return -EOPNOTSUPP;
	}
	idx = cpt_obj_find(&st->tables, tsk->files);
	if (idx < 0)
		idx = cpt_dump_files(d, st, tsk);
	if (idx < 0)
		return idx;
	dt->rec.files = idx;
	return 0;
}

static void files_dump_release(struct cpt_dump *d, void *state)
{
	struct files_dump *st = state;

	cpt_obj_free(&st->filps);
	cpt_obj_free(&st->tables);
}

/* --- restore -------------------------------------------------------- */

static int files_parse(struct rst_image *img, void *state,
		       const struct cpt_rec_view *v)
{
	struct files_rst *st = state;
	struct rst_fdtable *ft;
	struct rst_file *f;
	int err;

	switch (v->h.type) {
	case CPT_REC_FILE:
		err = cpt_grow((void **)&st->files, st->nr_files,
			       sizeof(*st->files));
		if (err)
			return err;
		f = &st->files[st->nr_files++];
		f->f = v->u.cpt_file;
		f->path = kmemdup_nul(v->var, v->var_len, GFP_KERNEL);
		return f->path ? 0 : -ENOMEM;
	case CPT_REC_FILES:
		err = cpt_grow((void **)&st->tables, st->nr_tables,
			       sizeof(*st->tables));
		if (err)
			return err;
		/* fds grow as FD records come: memory follows the image. */
		st->tables[st->nr_tables++].hdr = v->u.cpt_files;
		return 0;
	}
	/* FD: of the last FILES (checked: in order, below max_fds). */
	ft = &st->tables[v->parent];
	err = cpt_grow((void **)&ft->fds, ft->nr, sizeof(*ft->fds));
	if (err)
		return err;
	ft->fds[ft->nr++] = v->u.cpt_fd;
	return 0;
}

static void files_release(struct rst_image *img, void *state)
{
	struct files_rst *st = state;
	u32 i;

	for (i = 0; i < st->nr_files; i++) {
		kfree(st->files[i].path);
		if (st->files[i].filp)
			fput(st->files[i].filp);
	}
	kvfree(st->files);
	for (i = 0; i < st->nr_tables; i++)
		kvfree(st->tables[i].fds);
	kvfree(st->tables);
}

/* Open flags worth keeping; creating or truncating is never wanted. */
#define RST_OPEN_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | \
			 O_NOATIME | O_SYNC | O_PATH)

static const umode_t rst_file_kinds[] = {
	[CPT_FILE_REG]	= S_IFREG,
	[CPT_FILE_CHR]	= S_IFCHR,
	[CPT_FILE_DIR]	= S_IFDIR,
};

static int rst_open_file(struct rst_image *img, struct rst_file *rf)
{
	struct cpt_file *f = &rf->f;
	struct file *filp;
	struct inode *inode;
	loff_t pos;

	switch (f->kind) {
	case CPT_FILE_EVENTFD:
		filp = eventfd_rst_file(img, f);
		break;
	case CPT_FILE_SIGNALFD:
		filp = signalfd_rst_file(img, f);
		break;
	case CPT_FILE_TIMERFD:
		filp = timerfd_rst_file(img, f);
		break;
	case CPT_FILE_EPOLL:
		filp = epoll_rst_file(img, f);
		break;
	case CPT_FILE_UNIX:
		filp = unix_rst_file(img, f);
		break;
	case CPT_FILE_PIPE:
	case CPT_FILE_FIFO:
		filp = pipe_rst_file(img, f, rf->path);
		break;
	default:
		filp = NULL;
	}
	if (filp) {
		if (IS_ERR(filp))
			return PTR_ERR(filp);
		rf->filp = filp;
		return 0;
	}
	/* The checker let only the kinds above through. */
	filp = cpt_open_kind(rf->path, (f->flags & RST_OPEN_FLAGS) | O_NOCTTY,
			     rst_file_kinds[f->kind], f->rdev);
	if (PTR_ERR_OR_ZERO(filp) == -ESTALE) {
		cpt_err(img->ctx, "%s is not the same kind of file as at checkpoint",
			rf->path);
		return -ESTALE;
	}
	if (IS_ERR(filp)) {
		cpt_err(img->ctx, "cannot reopen %s: %ld", rf->path, PTR_ERR(filp));
		return PTR_ERR(filp);
	}
	inode = file_inode(filp);
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

struct file *files_rst_filp(struct rst_image *img, u32 idx)
{
	struct files_rst *st = rst_state(img, &cpt_res_files);

	/* The checker let only FILEs defined before through. */
	return st->files[idx].filp;
}

int files_rst_open(struct rst_image *img)
{
	struct files_rst *st = rst_state(img, &cpt_res_files);
	u32 i;
	int err;

	for (i = 0; i < st->nr_files; i++) {
		err = rst_open_file(img, &st->files[i]);
		if (err)
			return err;
	}
	return 0;
}

int files_rst_build(struct rst_task *rt)
{
	struct files_rst *st = rst_state(rt->img, &cpt_res_files);
	struct rst_fdtable *ft = &st->tables[rt->t.files];
	struct rlimit *nofile = &current->signal->rlim[RLIMIT_NOFILE];
	unsigned long limit;
	unsigned int fd = 0;
	u32 i;
	int err = 0;

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
	/*
	 * replace_fd() takes fds below RLIMIT_NOFILE only, and the process
	 * may hold fds above the limit it set itself: lift it meanwhile.
	 */
	task_lock(current->group_leader);
	limit = nofile->rlim_cur;
	nofile->rlim_cur = max_t(unsigned long, limit, ft->hdr.max_fds);
	task_unlock(current->group_leader);
	for (i = 0; i < ft->nr; i++) {
		struct cpt_fd *e = &ft->fds[i];

		err = replace_fd(e->fd, st->files[e->file].filp,
				 e->cloexec ? O_CLOEXEC : 0);
		if (err < 0) {
			cpt_err(rt->img->ctx, "cannot install fd %u: %d", e->fd,
				err);
			break;
		}
		err = 0;
	}
	task_lock(current->group_leader);
	nofile->rlim_cur = limit;
	task_unlock(current->group_leader);
	return err;
}

const struct cpt_resource cpt_res_files = {
	.name		= "files",
	.dump_size	= sizeof(struct files_dump),
	.dump_release	= files_dump_release,
	.rst_size	= sizeof(struct files_rst),
	.parse		= files_parse,
	.release	= files_release,
};
