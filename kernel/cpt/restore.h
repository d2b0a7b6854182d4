/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State of one restore, shared by the *_restore.c files of vzrst.
 *
 * The image is read and checked completely (except memory contents)
 * before any task is created; the parsed records live here.
 */
#ifndef _CPT_RESTORE_H
#define _CPT_RESTORE_H

#include <linux/completion.h>
#include <linux/task_work.h>
#include "cpt_context.h"
#include "image.h"

struct rst_vma {
	struct cpt_vma		v;
	char			*path;		/* FILE_*: NUL-terminated */
};

struct rst_mm {
	struct cpt_mm		m;
	struct rst_vma		*vmas;
	u32			nr_vmas;	/* read so far */
	char			*exe;		/* /proc/PID/exe, or NULL */
	struct task_struct	*owner;		/* restored task using it */
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

struct rst_fs {
	struct cpt_fs		f;
	char			*root;
	char			*cwd;
};

struct rst_image;

struct rst_task {
	struct cpt_task		t;
	struct cpt_creds	creds;
	u32			*groups;
	bool			has_creds;
	struct cpt_regs		regs;
	bool			has_regs;
	struct cpt_xsave	xsave_hdr;
	void			*xsave;
	struct cpt_siginfo	*sigs;
	u32			nr_sigs;
	struct cpt_signal	signal;
	bool			has_signal;
	struct cpt_posix_timer	*timers;	/* increasing ids */
	u32			nr_timers;

	/* While restoring. */
	struct rst_image	*img;
	unsigned int		idx;
	struct task_struct	*task;		/* referenced */
	bool			parked;
	struct callback_head	fixup;		/* runs before user mode */
};

struct rst_image {
	struct cpt_context	*ctx;
	struct file		*file;
	loff_t			pos;
	u32			crc_of_crcs;	/* running */
	u32			crc_before_end;	/* before the last record */
	u64			nr_records;

	struct cpt_image_header	hdr;
	struct cpt_ve		ve;
	struct cpt_uts		uts;
	bool			has_ve, has_uts;

	struct rst_file		*files;
	u32			nr_files;
	struct rst_fdtable	*fdtables;
	u32			nr_fdtables;
	struct rst_fs		*fss;
	u32			nr_fss;
	struct rst_mm		*mms;
	u32			nr_mms;
	struct cpt_sighand	*sighands;
	u32			nr_sighands;
	struct rst_task		*tasks;
	u32			nr_tasks;

	struct file		**shmem;	/* by cpt_vma.shared_id */
	u32			nr_shmem;

	/* The first PAGES record, read when the metadata ended. */
	struct cpt_rec_header	next;
	void			*next_payload;

	/* Task creation and parking. */
	atomic_t		nr_ready;	/* tasks restored, parked */
	atomic_t		nr_failed;
	atomic_t		sid_turn;	/* task index whose turn it is */
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

/* image_reader.c */
struct rst_image *rst_read_image(struct cpt_context *ctx);
int rst_read_pages(struct rst_image *img);
void rst_image_put(struct rst_image *img);

/* task_restore.c */
int rst_restore_tree(struct rst_image *img);
int rst_resume_tasks(struct rst_image *img);
long rst_init_park(struct rst_image *img);
void rst_abort_tasks(struct rst_image *img);
/* timer_restore.c */
int rst_restore_timers(struct rst_task *rt);
/* mm_restore.c */
int rst_restore_mm(struct rst_image *img, struct rst_mm *mm);
int rst_write_pages(struct rst_image *img, struct cpt_pages *p, void *data);
/* files_restore.c */
int rst_open_files(struct rst_image *img);
int rst_restore_fdtable(struct rst_image *img, struct rst_fdtable *ft);
int rst_restore_fs(struct rst_image *img, struct rst_fs *fs);

#endif
