// SPDX-License-Identifier: GPL-2.0
/*
 * Signalfds: FILE records of kind SIGNALFD, which carry the set of
 * signals the signalfd reads in the record itself (a signalfd has no
 * path, and no state but that set: the signals it reads are the reading
 * task's pending ones, which signal.c restores).  The restore makes a
 * new signalfd with that set before any task exists; every fd that held
 * the old one holds the new one (files.c shares the FILE).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/signalfd.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

/* What a signalfd keeps of its file flags. */
#define SIGNALFD_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)

int signalfd_dump_file(struct file *file, struct cpt_file *f,
		       const char **why)
{
	sigset_t mask;

	if (signalfd_get_mask(file, &mask))
		return 0;
	if (file->f_flags & ~SIGNALFD_FILE_FLAGS) {
		*why = "a signalfd with file flags other than O_NONBLOCK";
		return -EOPNOTSUPP;
	}
	f->kind = CPT_FILE_SIGNALFD;
	f->pos = 0;
	f->size = 0;
	/* x86_64: 64 signals, one word; never SIGKILL or SIGSTOP. */
	f->state = mask.sig[0];
	return 1;
}

struct file *signalfd_rst_file(struct rst_image *img, const struct cpt_file *f)
{
	sigset_t mask = { .sig = { f->state } };
	struct file *file;

	file = signalfd_file_create(&mask, f->flags & O_NONBLOCK);
	if (IS_ERR(file))
		cpt_err(img->ctx, "cannot make a signalfd again: %ld",
			PTR_ERR(file));
	return file;
}
