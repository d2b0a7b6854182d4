// SPDX-License-Identifier: GPL-2.0
/*
 * File locks (LOCK records): flock(2) locks and open file description
 * (OFD) locks, owned by an open file, and POSIX record locks, owned by a
 * process's fd table.
 *
 * Locks are written after the fd table that holds them (FILES and its
 * FDs), so a LOCK refers to its FILE and, for a POSIX lock, to its
 * owner's FILES by index.  A flock or OFD lock is written with its FILE's
 * first table, a POSIX lock with its owner's, through the open file it
 * was set with.  The restore takes every lock again without waiting:
 * what held together at the checkpoint holds together again, and a
 * conflict means someone outside the VE took a lock on its files since,
 * which fails the restore by name.  A POSIX lock is the lock of the
 * process that owns the fd table, taken in that process once its fds are
 * in; a flock or OFD lock is taken by the process that took it (the pid
 * /proc/locks shows), or by the VE's init when that process is gone.
 * Requests still waiting for a lock are not locks: the waiter is in an
 * interrupted system call, which restarts after the restore.  Leases
 * are refused by name.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/ve.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"

/* Locks one open file may hold in one fd table, in a dump. */
#define LOCKS_PER_FILE	1024

/* --- checkpoint ------------------------------------------------------- */

struct lock_seen {
	u16		kind;		/* CPT_LOCK_* */
	u16		type;
	pid_t		pid;		/* fl_pid: the host's number */
	loff_t		start, end;
};

struct locks_dump {
	struct lock_seen	*seen;		/* LOCKS_PER_FILE of them */
	u32			nr;		/* LOCK records written */
};

static bool locks_file_in(struct file *file, struct file *const *files,
			  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (files[i] == file)
			return true;
	return false;
}

/* Whether @inode has any lock at all (a hint, without the lock). */
static bool locks_inode_may_hold(struct inode *inode)
{
	struct file_lock_context *ctx = locks_inode_context(inode);

	return ctx && (!list_empty_careful(&ctx->flc_flock) ||
		       !list_empty_careful(&ctx->flc_posix) ||
		       !list_empty_careful(&ctx->flc_lease));
}

/*
 * What of the locks on @file's inode belongs in the image, @file held in
 * fd table @owner (whose files are @files): the flock and OFD locks of
 * @file if @with_file, and @owner's POSIX locks set through @file.
 * Returns how many it copied into st->seen, or a negative error with
 * *@why saying what cannot be dumped.
 */
static int locks_collect(struct locks_dump *st, struct file *file,
			 bool with_file, struct files_struct *owner,
			 struct file *const *files, unsigned int n,
			 const char **why)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(file));
	struct file_lock *fl;
	int nr = 0;

	if (!ctx)
		return 0;
	spin_lock(&ctx->flc_lock);
	list_for_each_entry(fl, &ctx->flc_lease, fl_list)
		if (fl->fl_file == file)
			*why = "a lease (F_SETLEASE)";
	list_for_each_entry(fl, &ctx->flc_flock, fl_list) {
		if (*why || fl->fl_file != file || !with_file)
			continue;
		if (nr == LOCKS_PER_FILE) {
			*why = "more flock locks than the dump can hold";
			break;
		}
		st->seen[nr++] = (struct lock_seen){
			.kind = CPT_LOCK_FLOCK, .type = fl->fl_type,
			.pid = fl->fl_pid, .start = 0, .end = OFFSET_MAX,
		};
	}
	list_for_each_entry(fl, &ctx->flc_posix, fl_list) {
		u16 kind;

		if (*why)
			break;
		if (fl->fl_flags & FL_OFDLCK) {
			if (fl->fl_file != file || !with_file)
				continue;
			kind = CPT_LOCK_OFD;
		} else {
			if (fl->fl_owner != owner)
				continue;
			/* Taken through a file the table no longer holds? */
			if (fl->fl_file != file) {
				if (!locks_file_in(fl->fl_file, files, n))
					*why = "a POSIX lock through a closed file";
				continue;
			}
			kind = CPT_LOCK_POSIX;
		}
		if (nr == LOCKS_PER_FILE) {
			*why = "more record locks than the dump can hold";
			break;
		}
		st->seen[nr++] = (struct lock_seen){
			.kind = kind, .type = fl->fl_type, .pid = fl->fl_pid,
			.start = fl->fl_start, .end = fl->fl_end,
		};
	}
	spin_unlock(&ctx->flc_lock);
	return *why ? -EOPNOTSUPP : nr;
}

bool locks_has_lease(struct file *file)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(file));
	struct file_lock *fl;
	bool found = false;

	if (!ctx)
		return false;
	spin_lock(&ctx->flc_lock);
	list_for_each_entry(fl, &ctx->flc_lease, fl_list)
		if (fl->fl_file == file)
			found = true;
	spin_unlock(&ctx->flc_lock);
	return found;
}

/* The VE's number for the host's pid @nr, or 0 if it is not the VE's. */
static s32 locks_ve_pid(struct cpt_dump *d, pid_t nr)
{
	struct pid *pid;
	s32 vnr = 0;

	rcu_read_lock();
	pid = find_pid_ns(nr, &init_pid_ns);
	if (pid)
		vnr = pid_nr_ns(pid, d->ve->pid_ns);
	rcu_read_unlock();
	return vnr;
}

int locks_dump_table(struct cpt_dump *d, struct task_struct *tsk,
		     u32 table, struct file *const *files, unsigned int n,
		     u32 first_new)
{
	struct locks_dump *st = cpt_dump_state(d, &cpt_res_locks);
	unsigned int i;
	int j, nr, err = 0;

	if (!st->seen) {
		st->seen = kvmalloc_array(LOCKS_PER_FILE, sizeof(*st->seen),
					  GFP_KERNEL);
		if (!st->seen)
			return -ENOMEM;
	}
	for (i = 0; !err && i < n; i++) {
		int idx = files_dump_index(d, files[i]);
		const char *why = NULL;

		/*
		 * Each open file once, however many fds it has here; most
		 * files never held a lock, and cost no search.
		 */
		if (!locks_inode_may_hold(file_inode(files[i])) ||
		    locks_file_in(files[i], files, i))
			continue;
		nr = locks_collect(st, files[i], idx >= first_new, tsk->files,
				   files, n, &why);
		if (nr < 0) {
			char *name = d_path(&files[i]->f_path, d->pathbuf,
					    PATH_MAX);

			cpt_err(d->ctx, "task %d (%s): %s on %s: not supported yet",
				task_pid_nr_ns(tsk, d->ve->pid_ns), tsk->comm,
				why, IS_ERR(name) ? "a file" : name);
			return nr;
		}
		for (j = 0; !err && j < nr; j++) {
			struct lock_seen *s = &st->seen[j];
			struct cpt_lock l = {
				.file = idx,
				.owner = s->kind == CPT_LOCK_POSIX ?
					 table : CPT_NO_OBJ,
				.kind = s->kind,
				.type = s->type == F_WRLCK ?
					CPT_LOCK_WRITE : CPT_LOCK_READ,
				.pid = locks_ve_pid(d, s->pid),
				.start = s->start,
				.end = s->end,
			};

			if (st->nr == CPT_MAX_LOCKS) {
				cpt_err(d->ctx, "more than %u file locks in the VE",
					CPT_MAX_LOCKS);
				return -E2BIG;
			}
			err = cpt_write_record(&d->w, CPT_REC_LOCK, st->nr++,
					       &l, sizeof(l));
		}
	}
	return err;
}

static void locks_dump_release(struct cpt_dump *d, void *state)
{
	struct locks_dump *st = state;

	kvfree(st->seen);
}

/* --- restore -------------------------------------------------------- */

struct locks_rst {
	struct cpt_lock		*locks;
	u32			nr;
};

static int locks_parse(struct rst_image *img, void *state,
		       const struct cpt_rec_view *v)
{
	struct locks_rst *st = state;
	int err;

	err = cpt_grow((void **)&st->locks, st->nr, sizeof(*st->locks));
	if (err)
		return err;
	st->locks[st->nr++] = v->u.cpt_lock;
	return 0;
}

static void locks_release(struct rst_image *img, void *state)
{
	struct locks_rst *st = state;

	kvfree(st->locks);
}

/* A live process of the image: pid @pid, or the first with fd table @files. */
static struct rst_task *locks_process(struct rst_image *img, u32 pid,
				      u32 files)
{
	u32 i;

	for (i = 0; i < img->nr_tasks; i++) {
		struct rst_task *rt = &img->tasks[i];

		if (rst_is_leader(rt) && rt->t.state == CPT_TASK_RUNNING &&
		    (pid ? rt->t.pid == pid : rt->t.files == files))
			return rt;
	}
	return NULL;
}

/*
 * The process that takes @l again: a POSIX lock's owner, the process
 * that took a flock or OFD lock; NULL for the VE's init, before any task.
 */
static struct rst_task *locks_taker(struct rst_image *img,
				    const struct cpt_lock *l)
{
	if (l->kind == CPT_LOCK_POSIX)
		return locks_process(img, 0, l->owner);
	return l->pid ? locks_process(img, l->pid, 0) : NULL;
}

static int locks_take(struct rst_image *img, const struct cpt_lock *l)
{
	struct file *filp = files_rst_filp(img, l->file);
	struct file_lock fl;
	int err;

	/* What the system calls would have refused to take. */
	if ((filp->f_mode & FMODE_PATH) ||
	    !(filp->f_mode & (l->kind == CPT_LOCK_FLOCK ?
			      FMODE_READ | FMODE_WRITE :
			      l->type == CPT_LOCK_WRITE ?
			      FMODE_WRITE : FMODE_READ))) {
		cpt_err(img->ctx, "file lock on FILE %u: not open for %s",
			l->file, l->type == CPT_LOCK_WRITE ? "writing" : "reading");
		return -EBADF;
	}
	locks_init_lock(&fl);
	fl.fl_file = filp;
	fl.fl_pid = current->tgid;
	fl.fl_type = l->type == CPT_LOCK_WRITE ? F_WRLCK : F_RDLCK;
	fl.fl_start = l->start;
	fl.fl_end = l->end;
	if (l->kind == CPT_LOCK_FLOCK) {
		fl.fl_owner = filp;
		fl.fl_flags = FL_FLOCK;
		err = filp->f_op->flock ?
			filp->f_op->flock(filp, F_SETLK, &fl) :
			locks_lock_file_wait(filp, &fl);
	} else {
		fl.fl_owner = l->kind == CPT_LOCK_OFD ? (fl_owner_t)filp :
							 (fl_owner_t)current->files;
		fl.fl_flags = FL_POSIX |
			      (l->kind == CPT_LOCK_OFD ? FL_OFDLCK : 0);
		err = vfs_lock_file(filp, F_SETLK, &fl, NULL);
	}
	locks_release_private(&fl);
	if (err) {
		char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
		char *name = buf ? d_path(&filp->f_path, buf, PATH_MAX) :
				   ERR_PTR(-ENOMEM);

		cpt_err(img->ctx, "cannot lock %s again (%s lock): %d",
			IS_ERR(name) ? "a file" : name,
			l->kind == CPT_LOCK_FLOCK ? "flock" :
			l->kind == CPT_LOCK_OFD ? "OFD" : "POSIX", err);
		kfree(buf);
	}
	return err;
}

static int locks_take_for(struct rst_image *img, const struct rst_task *rt)
{
	struct locks_rst *st = rst_state(img, &cpt_res_locks);
	u32 i;
	int err;

	for (i = 0; i < st->nr; i++) {
		if (locks_taker(img, &st->locks[i]) != rt)
			continue;
		err = locks_take(img, &st->locks[i]);
		if (err)
			return err;
	}
	return 0;
}

int locks_rst_open(struct rst_image *img)
{
	struct locks_rst *st = rst_state(img, &cpt_res_locks);
	u32 i;

	/* A POSIX lock's owner is an fd table some process holds. */
	for (i = 0; i < st->nr; i++)
		if (st->locks[i].kind == CPT_LOCK_POSIX &&
		    !locks_taker(img, &st->locks[i])) {
			cpt_err(img->ctx, "POSIX lock %u: no process holds FILES %u",
				i, st->locks[i].owner);
			return -EINVAL;
		}
	return locks_take_for(img, NULL);
}

int locks_rst_build(struct rst_task *rt)
{
	return locks_take_for(rt->img, rt);
}

const struct cpt_resource cpt_res_locks = {
	.name		= "locks",
	.dump_size	= sizeof(struct locks_dump),
	.dump_release	= locks_dump_release,
	.rst_size	= sizeof(struct locks_rst),
	.parse		= locks_parse,
	.release	= locks_release,
};
