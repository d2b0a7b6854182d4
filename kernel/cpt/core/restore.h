/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One restore (CPT_UNDUMP .. CPT_RESUME): what the driver (restore.c)
 * gives the resources' parse and restore steps.
 *
 * The image is read and checked completely, except memory contents,
 * before any task is created; each record is parsed into its owner's
 * state (resource.h), and the tasks into img->tasks.
 */
#ifndef _CPT_CORE_RESTORE_H
#define _CPT_CORE_RESTORE_H

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/task_work.h>
#include <linux/wait.h>
#include <linux/cpt_image.h>

#include "image/reader.h"

struct cpt_context;
struct cpt_resource;

struct rst_task {
	struct cpt_task		t;		/* its TASK record */
	struct rst_image	*img;
	unsigned int		idx;		/* in img->tasks */

	/* While restoring. */
	struct task_struct	*task;		/* referenced */
	/*
	 * Parked and staying so: a parked task that wakes (to die) takes
	 * park_lock before it leaves, so CPT_RESUME, which holds it while
	 * it writes the task's registers, never touches a task on its way
	 * out (freed stack, live FPU state).
	 */
	struct mutex		park_lock;
	bool			parked;
	/* Its turn to join its session and group (task.c), after idx - 1. */
	struct completion	sid_turn;
	struct callback_head	fixup;		/* restart.c: before user mode */
};

struct rst_image {
	struct cpt_context	*ctx;
	struct rst_reader	rd;		/* the image, as far as read */
	/* Read ahead: the first record after the task state. */
	struct cpt_rec_view	*next;
	bool			has_next;

	/*
	 * The VE's capability mask: the bounding set of its new init when
	 * CPT_UNDUMP began, before the init took the image's credentials.
	 */
	kernel_cap_t		ve_caps;

	struct rst_task		*tasks;		/* as many as the VE record says */
	u32			nr_tasks;	/* TASK records so far */
	void			**state;	/* per resource */

	/* Task creation and parking. */
	atomic_t		nr_ready;	/* tasks restored, parked */
	atomic_t		nr_failed;
	wait_queue_head_t	ready_wq;	/* the coordinator waits */
	wait_queue_head_t	resume_wq;	/* parked tasks wait */
	int			phase;		/* RST_* below */
	refcount_t		refcount;
};

enum rst_phase {
	RST_BUILDING,	/* tasks being created and restored */
	RST_RESUMING,	/* registers set: go */
	RST_ABORTING,	/* something failed: die */
};

/* Reads and checks everything but the memory contents. */
struct rst_image *rst_image_read(struct cpt_context *ctx);
void rst_image_put(struct rst_image *img);
/* CPT_TEST_IMAGE: after rst_image_read(), check the rest up to END. */
int rst_image_check_contents(struct rst_image *img);
/* CPT_UNDUMP, in the VE's new init: every task built and parked. */
int rst_restore_tree(struct rst_image *img);
/* The init parks in its CPT_UNDUMP call until resumed; returns its rax. */
long rst_init_park(struct rst_image *img);
/* CPT_RESUME: set what a parked task needs, let every task go. */
int rst_resume_tasks(struct rst_image *img);
void rst_abort_tasks(struct rst_image *img);

/* For the resources. */
void *rst_state(struct rst_image *img, const struct cpt_resource *res);
/* Create @child with its old pid as a child (or thread, by @flags). */
int rst_spawn(struct rst_task *child, u64 flags);
/* Whether the VE may hold capability @cap at all (see ve_caps). */
static inline bool rst_ve_capable(const struct rst_image *img, int cap)
{
	return cap_raised(img->ve_caps, cap);
}

static inline bool rst_is_leader(const struct rst_task *rt)
{
	return rt->t.pid == rt->t.tgid;
}

#endif
