// SPDX-License-Identifier: GPL-2.0
/*
 * Epoll instances: FILE records of kind EPOLL, and their watches
 * (EPOLL_WATCH records).
 *
 * An instance is a FILE like any other, shared by the fds that hold it;
 * its watches name the files they watch, which any task may hold, and
 * come after every task, when every FILE is written.  A watch is the
 * watched file with the fd number it was added as (the key of the watch
 * set, with the file: the fd may have been closed or reused since, and
 * the watch stays while the file is open), and its events and data as
 * they are now: a fired EPOLLONESHOT watch is disarmed, and stays so.
 *
 * The restore makes each instance with its FILE, before any task, and
 * adds its watches once every file is open, through the path of
 * epoll_ctl(EPOLL_CTL_ADD), whose checks (loops and depth of nested
 * instances, max_user_watches) hold for an image too.  What is ready is
 * what the watched files report when polled again; data that arrives
 * later with the contents (a unix socket's queue) wakes the instance as
 * it is queued.  An edge-triggered watch on a file that is ready
 * reports that edge once more after a restore: a spurious wakeup, which
 * edge-triggered readers handle (they read until EAGAIN).
 *
 * A watch on a file no process of the VE holds (only a process outside
 * it) is refused, by name.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
/* After fs.h and uaccess.h, which it needs and does not include. */
#include <linux/eventpoll.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"

/* What fcntl(F_SETFL) may have added that an epoll instance keeps. */
#define EPOLL_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)

/* An instance to write the watches of: who held it first, for errors. */
struct epoll_dumped {
	struct file	*file;
	pid_t		pid;
	unsigned int	fd;
	char		comm[TASK_COMM_LEN];
};

struct epoll_dump {
	struct epoll_dumped	*eps;
	u32			nr;
	u32			nr_watches;	/* EPOLL_WATCH records so far */
};

struct epoll_rst {
	struct cpt_epoll_watch	*watches;
	u32			nr;
};

/* --- checkpoint ------------------------------------------------------- */

int epoll_dump_file(struct cpt_dump *d, struct task_struct *tsk,
		    unsigned int fd, struct file *file, struct cpt_file *f,
		    const char **why)
{
	struct epoll_dump *st = cpt_dump_state(d, &cpt_res_epoll);
	struct epoll_dumped *e;
	int err;

	if (epoll_get_watches(file, NULL, 0) < 0)
		return 0;
	if (file->f_flags & ~EPOLL_FILE_FLAGS) {
		*why = "an epoll instance with file flags other than O_NONBLOCK";
		return -EOPNOTSUPP;
	}
	err = cpt_grow((void **)&st->eps, st->nr, sizeof(*st->eps));
	if (err)
		return err;
	e = &st->eps[st->nr++];
	e->file = get_file(file);
	e->pid = task_pid_nr_ns(tsk, d->ve->pid_ns);
	e->fd = fd;
	get_task_comm(e->comm, tsk);
	f->kind = CPT_FILE_EPOLL;
	f->pos = 0;
	f->size = 0;
	return 1;
}

static int epoll_dump_one(struct cpt_dump *d, struct epoll_dump *st,
			  const struct epoll_dumped *e)
{
	struct epoll_watch *w;
	int n, got, i, err = 0;

	n = epoll_get_watches(e->file, NULL, 0);
	if (n <= 0)
		return n;
	w = kvmalloc_array(n, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	/* The VE is frozen; a process outside it may still change the set. */
	got = min(epoll_get_watches(e->file, w, n), n);
	for (i = 0; i < got && !err; i++) {
		struct cpt_epoll_watch r = {
			.epoll = files_dump_index(d, e->file),
			.fd = w[i].fd,
			.events = w[i].event.events,
			.data = w[i].event.data,
		};
		int target = files_dump_index(d, w[i].file);

		if (target < 0) {
			cpt_err(d->ctx, "task %d (%s) fd %u: an epoll instance watching fd %d, a file no process of the VE holds: not supported",
				e->pid, e->comm, e->fd, w[i].fd);
			err = -EOPNOTSUPP;
			break;
		}
		r.file = target;
		err = cpt_write_record(&d->w, CPT_REC_EPOLL_WATCH,
				       st->nr_watches++, &r, sizeof(r));
	}
	for (i = 0; i < got; i++)
		fput(w[i].file);
	kvfree(w);
	return err;
}

int epoll_dump_watches(struct cpt_dump *d)
{
	struct epoll_dump *st = cpt_dump_state(d, &cpt_res_epoll);
	u32 i;
	int err;

	for (i = 0; i < st->nr; i++) {
		err = epoll_dump_one(d, st, &st->eps[i]);
		if (err)
			return err;
	}
	return 0;
}

static void epoll_dump_release(struct cpt_dump *d, void *state)
{
	struct epoll_dump *st = state;
	u32 i;

	for (i = 0; i < st->nr; i++)
		fput(st->eps[i].file);
	kvfree(st->eps);
}

/* --- restore -------------------------------------------------------- */

static int epoll_parse(struct rst_image *img, void *state,
		       const struct cpt_rec_view *v)
{
	struct epoll_rst *st = state;
	int err;

	err = cpt_grow((void **)&st->watches, st->nr, sizeof(*st->watches));
	if (err)
		return err;
	st->watches[st->nr++] = v->u.cpt_epoll_watch;
	return 0;
}

static void epoll_release(struct rst_image *img, void *state)
{
	struct epoll_rst *st = state;

	kvfree(st->watches);
}

struct file *epoll_rst_file(struct rst_image *img, const struct cpt_file *f)
{
	struct file *file = epoll_file_create();

	if (IS_ERR(file)) {
		cpt_err(img->ctx, "cannot make an epoll instance again: %ld",
			PTR_ERR(file));
		return file;
	}
	/* The checker let O_NONBLOCK at most through, as fcntl() sets it. */
	if (f->flags & O_NONBLOCK) {
		spin_lock(&file->f_lock);
		file->f_flags |= O_NONBLOCK;
		spin_unlock(&file->f_lock);
	}
	return file;
}

int epoll_rst_open(struct rst_image *img)
{
	struct epoll_rst *st = rst_state(img, &cpt_res_epoll);
	u32 i;
	int err;

	for (i = 0; i < st->nr; i++) {
		const struct cpt_epoll_watch *w = &st->watches[i];
		struct epoll_event ev = {
			.events = w->events,
			.data = w->data,
		};

		/* As epoll_ctl() drops it for a caller without the right. */
		if (!rst_ve_capable(img, CAP_BLOCK_SUSPEND))
			ev.events &= ~EPOLLWAKEUP;
		/* The checker let only FILEs, the first an epoll, through. */
		err = epoll_add_watch(files_rst_filp(img, w->epoll),
				      files_rst_filp(img, w->file), w->fd, &ev);
		if (err) {
			cpt_err(img->ctx, "cannot add watch %u (FILE %u as fd %u) to epoll FILE %u again: %d",
				i, w->file, w->fd, w->epoll, err);
			return err;
		}
	}
	return 0;
}

const struct cpt_resource cpt_res_epoll = {
	.name		= "epoll",
	.dump_size	= sizeof(struct epoll_dump),
	.dump_release	= epoll_dump_release,
	.rst_size	= sizeof(struct epoll_rst),
	.parse		= epoll_parse,
	.release	= epoll_release,
};
