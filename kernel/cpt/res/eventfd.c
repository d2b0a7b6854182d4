// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfds: FILE records of kind EVENTFD, which carry the eventfd's
 * state in the record itself (its counter and semaphore flag), since an
 * eventfd has no path to open again.  The restore makes a new eventfd
 * with that state before any task exists; every fd that held the old
 * one holds the new one (files.c shares the FILE), so processes that
 * shared an eventfd share it again.  A read or poll waiting on it is an
 * interrupted system call, which restarts.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

/* What fcntl(F_SETFL) may have added that an eventfd keeps. */
#define EVENTFD_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)

int eventfd_dump_file(struct file *file, struct cpt_file *f,
		      const char **why)
{
	struct eventfd_ctx *ctx = eventfd_ctx_fileget(file);
	unsigned int flags;
	u64 count;

	if (IS_ERR(ctx))
		return 0;
	eventfd_ctx_get_state(ctx, &count, &flags);
	eventfd_ctx_put(ctx);
	if (file->f_flags & ~EVENTFD_FILE_FLAGS) {
		*why = "an eventfd with file flags other than O_NONBLOCK";
		return -EOPNOTSUPP;
	}
	f->kind = CPT_FILE_EVENTFD;
	f->pos = 0;
	f->size = 0;
	f->state = count;
	f->state_flags = flags & EFD_SEMAPHORE ? CPT_EFD_SEMAPHORE : 0;
	return 1;
}

struct file *eventfd_rst_file(struct rst_image *img, const struct cpt_file *f)
{
	struct file *file;

	/* The checker let only a counter below 2^64 - 1 and known flags in. */
	file = eventfd_file_create(f->state,
				   (f->state_flags & CPT_EFD_SEMAPHORE ?
				    EFD_SEMAPHORE : 0) |
				   (f->flags & O_NONBLOCK));
	if (IS_ERR(file))
		cpt_err(img->ctx, "cannot make an eventfd again: %ld",
			PTR_ERR(file));
	return file;
}
