/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State of one dump in progress, shared by the *_dump.c files.
 */
#ifndef _CPT_DUMP_H
#define _CPT_DUMP_H

#include <linux/path.h>
#include "cpt_context.h"
#include "image.h"

/* Objects shared between tasks get one index each, in order of writing. */
struct cpt_objtab {
	const void	**ptr;
	unsigned int	nr;
	unsigned int	max;
};

struct cpt_dump {
	struct cpt_context	*ctx;
	struct ve_struct	*ve;
	struct cpt_writer	w;
	struct path		ve_root;	/* the VE init's root */
	char			*pathbuf;	/* PATH_MAX scratch */

	struct task_struct	**tasks;	/* parents before children */
	unsigned int		nr_tasks;

	struct cpt_objtab	mms;
	struct cpt_objtab	files;		/* struct files_struct */
	struct cpt_objtab	fss;
	struct cpt_objtab	sighands;
	struct cpt_objtab	filps;		/* struct file */
	struct cpt_objtab	shmems;		/* shared anon memory */
	unsigned int		nr_written;	/* TASK records so far */
};

/* Index of @ptr in @tab, or -1. */
int cpt_obj_find(const struct cpt_objtab *tab, const void *ptr);
/* Adds @ptr; returns its index or a negative error. */
int cpt_obj_add(struct cpt_objtab *tab, const void *ptr);

/* The path of @path relative to the VE's root, in d->pathbuf. */
const char *cpt_ve_path(struct cpt_dump *d, const struct path *path,
			int *len);

int cpt_dump_ve(struct cpt_context *ctx);
long cpt_cpu_caps(void);

/* task_dump.c */
int cpt_dump_task(struct cpt_dump *d, struct task_struct *tsk);
/* timer_dump.c */
int cpt_dump_posix_timers(struct cpt_dump *d, struct task_struct *tsk);
/* mm_dump.c */
int cpt_dump_mm(struct cpt_dump *d, struct mm_struct *mm);
int cpt_dump_pages(struct cpt_dump *d);
void cpt_dump_put_mms(struct cpt_dump *d);
/* files_dump.c */
int cpt_dump_files(struct cpt_dump *d, struct task_struct *tsk);
int cpt_dump_fs(struct cpt_dump *d, struct fs_struct *fs);

#endif
