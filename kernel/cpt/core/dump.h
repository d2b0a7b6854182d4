/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One dump in progress (CPT_DUMP): what the driver (dump.c) gives the
 * resources' dump steps.
 */
#ifndef _CPT_CORE_DUMP_H
#define _CPT_CORE_DUMP_H

#include <linux/path.h>
#include <linux/cpt_image.h>

#include "image/writer.h"
#include "lib/vepath.h"

struct cpt_context;
struct cpt_resource;
struct ve_struct;
struct task_struct;

struct cpt_dump {
	struct cpt_context	*ctx;
	struct ve_struct	*ve;
	struct cpt_writer	w;
	struct path		ve_root;	/* the VE init's root */
	char			*pathbuf;	/* 2 * PATH_MAX scratch */

	struct task_struct	**tasks;	/* parents before children */
	unsigned int		nr_tasks;
	unsigned int		nr_written;	/* TASK records so far */
	void			**state;	/* per resource */
};

/* The task being dumped, and its TASK record as the steps fill it in. */
struct cpt_dump_task {
	struct task_struct	*tsk;
	pid_t			pid;		/* in the VE */
	bool			zombie;
	struct cpt_task		rec;
};

/* CPT_DUMP: the image of the frozen VE of @ctx to its dump file. */
int cpt_dump_ve(struct cpt_context *ctx);

/* A resource's private state in this dump. */
void *cpt_dump_state(struct cpt_dump *d, const struct cpt_resource *res);

/* Whether the VE may hold capability @cap at all (its capability mask). */
bool cpt_ve_capable(struct cpt_dump *d, int cap);

/* The path of @path inside the VE, in d->pathbuf. */
static inline const char *cpt_dump_path(struct cpt_dump *d,
					const struct path *path, int *len)
{
	return cpt_ve_path(&d->ve_root, path, d->pathbuf, len);
}

#endif
