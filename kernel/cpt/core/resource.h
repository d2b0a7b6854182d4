/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resources and steps: how the drivers (dump.c, restore.c) reach the
 * code of each kind of kernel object without knowing any of them.
 *
 * A resource (res/<name>.c) is one kind of object with both halves of
 * its life side by side: its records (cpt_records.h names each record's
 * owner), how it dumps them, parses them back, restores them and frees
 * what it kept.  It exposes one descriptor, struct cpt_resource, for its
 * records and private state, and its steps, which resources.c puts in
 * the one table (cpt_steps[]) that says in which order everything
 * happens, and why.
 */
#ifndef _CPT_CORE_RESOURCE_H
#define _CPT_CORE_RESOURCE_H

#include <linux/types.h>

struct cpt_dump;
struct cpt_dump_task;
struct cpt_rec_view;
struct rst_image;
struct rst_task;
struct task_struct;
struct file;
struct vm_area_struct;

struct cpt_resource {
	const char	*name;
	/* Private state of a dump: dump_size bytes, zeroed, then released. */
	size_t		dump_size;
	void		(*dump_release)(struct cpt_dump *d, void *state);
	/*
	 * Private state of a restore: rst_size bytes, zeroed.  parse() takes
	 * one of the resource's records, already checked against every rule
	 * of the format (image/check.c); release() frees what it kept.
	 */
	size_t		rst_size;
	int		(*parse)(struct rst_image *img, void *state,
				 const struct cpt_rec_view *v);
	void		(*release)(struct rst_image *img, void *state);
	/*
	 * For a record read after the metadata (CPT_RK_CONTENTS): whether
	 * parse() would accept it, without applying it (CPT_TEST_IMAGE,
	 * when no task exists).  NULL: any record the checker passed.
	 */
	int		(*check)(struct rst_image *img, void *state,
				 const struct cpt_rec_view *v);
};

enum cpt_phase {
	CPT_DUMP_VE,		/* checkpoint: VE-wide state, before tasks */
	CPT_DUMP_TASK,		/* per task, parents first */
	CPT_DUMP_LATE,		/* after every task: what refers to any */
	CPT_DUMP_CONTENTS,	/* after every task: memory contents */
	RST_OPEN,		/* in the VE's new init, before any task */
	RST_BUILD,		/* in each restored task, in its own context */
	RST_FINISH,		/* in the new init, after the contents */
	RST_RESUME,		/* CPT_RESUME, from the host, tasks parked */
	RST_RUN,		/* in each task, on its way back to user mode */
};

/* Which tasks a per-task step is for. */
#define CPT_ALL		0	/* every task, zombies too */
#define CPT_LIVE	1	/* tasks that are not zombies */
#define CPT_LEADER	2	/* live thread group leaders: processes */

struct cpt_step {
	enum cpt_phase	phase;
	unsigned int	who;		/* per-task phases: CPT_ALL, ... */
	const char	*what;		/* "restoring task N (comm): <what>" */
	union {
		int	(*dump_ve)(struct cpt_dump *d);
		int	(*dump_task)(struct cpt_dump *d,
				     struct cpt_dump_task *dt);
		int	(*rst_ve)(struct rst_image *img);
		int	(*rst_task)(struct rst_task *rt);
	};
};

/* resources.c: every resource, and the steps in phase order. */
extern const struct cpt_resource *const cpt_resources[];
extern const unsigned int cpt_nr_resources;
extern const struct cpt_step cpt_steps[];
extern const unsigned int cpt_nr_steps;
/* The resource that owns records of @type (the record table's owner). */
const struct cpt_resource *cpt_record_owner(u32 type);
/* Index of @res in cpt_resources[], for its state slot. */
unsigned int cpt_resource_slot(const struct cpt_resource *res);

/* The resources, their steps, and what they offer each other. */

/* res/ve.c: the VE record, its host name (UTS) */
extern const struct cpt_resource cpt_res_ve;
int ve_dump(struct cpt_dump *d);
int ve_rst_open(struct rst_image *img);

/* res/ipc.c: SysV IPC and POSIX message queues (refused) */
int ipc_dump(struct cpt_dump *d);

/* res/task.c: TASK: the process tree, ids, limits, attributes */
extern const struct cpt_resource cpt_res_task;
int task_dump_check(struct cpt_dump *d, struct cpt_dump_task *dt);
int task_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int task_rst_session(struct rst_task *rt);
int task_rst_comm(struct rst_task *rt);
int task_rst_children(struct rst_task *rt);
int task_rst_rlimits(struct rst_task *rt);
int task_rst_attrs(struct rst_task *rt);
int task_rst_threads(struct rst_task *rt);
int task_rst_zombies(struct rst_task *rt);

/* res/mm.c: MM and VMA: address spaces and their maps */
extern const struct cpt_resource cpt_res_mm;
int mm_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int mm_rst_build(struct rst_task *rt);
/* For pages.c: a map's CPT_VMA_* kind, or -EOPNOTSUPP. */
int mm_vma_kind(struct vm_area_struct *vma);
/* For pages.c: the address spaces the dump wrote, in index order. */
unsigned int mm_dump_count(struct cpt_dump *d);
struct mm_struct *mm_dump_get(struct cpt_dump *d, unsigned int idx);
/*
 * For pages.c: the restored task owning mm @idx, and whether @start,
 * @len lies inside one of its maps that holds page data.
 */
struct task_struct *mm_rst_owner(struct rst_image *img, u32 idx);
bool mm_rst_holds_pages(struct rst_image *img, u32 idx, u64 start, u64 len);

/* res/pages.c: PAGES: memory contents */
extern const struct cpt_resource cpt_res_pages;
int pages_dump(struct cpt_dump *d);

/* res/files.c: FILE, FILES, FD: open files and fd tables */
extern const struct cpt_resource cpt_res_files;
int files_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int files_rst_open(struct rst_image *img);
int files_rst_build(struct rst_task *rt);
/* For locks.c: the FILE index of @file in the dump, or -1. */
int files_dump_index(struct cpt_dump *d, struct file *file);
/* For locks.c: the open file FILE @idx is, once files_rst_open() ran. */
struct file *files_rst_filp(struct rst_image *img, u32 idx);

/* res/locks.c: LOCK: flock, POSIX and OFD locks held through FILEs */
extern const struct cpt_resource cpt_res_locks;
/*
 * For files.c: the locks held through the @n open files of fd table
 * @table of @tsk, after its FDs; FILEs from @first_new on are new here.
 */
int locks_dump_table(struct cpt_dump *d, struct task_struct *tsk,
		     u32 table, struct file *const *files, unsigned int n,
		     u32 first_new);
/* For files.c: whether @file holds a lease (which sets O_ASYNC). */
bool locks_has_lease(struct file *file);
int locks_rst_open(struct rst_image *img);
int locks_rst_build(struct rst_task *rt);

/* res/pipe.c: PIPE, PIPE_BUF: pipes and FIFOs behind FILE records */
extern const struct cpt_resource cpt_res_pipe;
struct cpt_file;
/*
 * For files.c: the kind (PIPE or FIFO) and pipe of FILE @f for @file,
 * writing the PIPE first if this is its first file; or -EOPNOTSUPP and
 * why in *@why.
 */
int pipe_dump_file(struct cpt_dump *d, struct file *file,
		   struct cpt_file *f, const char **why);
/* For files.c: the open file FILE @f (a PIPE or FIFO) is, at @path. */
struct file *pipe_rst_file(struct rst_image *img, const struct cpt_file *f,
			   const char *path);
int pipe_rst_opened(struct rst_image *img);

/* res/unix.c, unix_queue.c: UNIX_SOCK, UNIX_SKB: unix sockets and queues */
extern const struct cpt_resource cpt_res_unix;
/*
 * For files.c: FILE @f for socket @file, writing its UNIX_SOCK (and
 * those it needs) first; or -EOPNOTSUPP and why in *@why.
 */
int unix_dump_file(struct cpt_dump *d, struct file *file, struct cpt_file *f,
		   const char **why);
/* unix_queue.c: after every task, the queues of every socket written. */
int unix_dump_queues(struct cpt_dump *d);
int unix_rst_open(struct rst_image *img);
/* For files.c: the open file FILE @f (of kind UNIX) is. */
struct file *unix_rst_file(struct rst_image *img, const struct cpt_file *f);
int unix_rst_finish(struct rst_image *img);

/* res/eventfd.c: FILE records of kind EVENTFD */
/*
 * For files.c: if @file is an eventfd, fill in FILE @f and return 1;
 * 0 if it is not one; -EOPNOTSUPP and why in *@why if it cannot be
 * dumped.
 */
int eventfd_dump_file(struct file *file, struct cpt_file *f,
		      const char **why);
/* For files.c: a new eventfd with the state of FILE @f. */
struct file *eventfd_rst_file(struct rst_image *img, const struct cpt_file *f);

/* res/signalfd.c: FILE records of kind SIGNALFD */
/* For files.c: as eventfd_dump_file(), for a signalfd. */
int signalfd_dump_file(struct file *file, struct cpt_file *f,
		       const char **why);
/* For files.c: a new signalfd with the mask of FILE @f. */
struct file *signalfd_rst_file(struct rst_image *img, const struct cpt_file *f);

/* res/timerfd.c: FILE records of kind TIMERFD */
/* For files.c: as eventfd_dump_file(), for a timerfd. */
int timerfd_dump_file(struct cpt_dump *d, struct file *file,
		      struct cpt_file *f, const char **why);
/* For files.c: a new timerfd with the timer of FILE @f. */
struct file *timerfd_rst_file(struct rst_image *img, const struct cpt_file *f);

/* res/epoll.c: FILE records of kind EPOLL, EPOLL_WATCH */
extern const struct cpt_resource cpt_res_epoll;
/*
 * For files.c: as eventfd_dump_file(), for an epoll instance, held as fd
 * @fd by @tsk (its watches come later, from epoll_dump_watches()).
 */
int epoll_dump_file(struct cpt_dump *d, struct task_struct *tsk,
		    unsigned int fd, struct file *file, struct cpt_file *f,
		    const char **why);
int epoll_dump_watches(struct cpt_dump *d);
/* For files.c: a new epoll instance for FILE @f, with no watches yet. */
struct file *epoll_rst_file(struct rst_image *img, const struct cpt_file *f);
int epoll_rst_open(struct rst_image *img);

/* res/fs.c: FS: root, working directory, umask */
extern const struct cpt_resource cpt_res_fs;
int fs_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int fs_rst_build(struct rst_task *rt);

/* res/signal.c: SIGHAND, SIGPENDING: handlers and queued signals */
extern const struct cpt_resource cpt_res_signal;
int signal_dump_handlers(struct cpt_dump *d, struct cpt_dump_task *dt);
int signal_dump_pending(struct cpt_dump *d, struct cpt_dump_task *dt);
int signal_rst_handlers(struct rst_task *rt);
int signal_rst_pending(struct rst_task *rt);

/* res/restart.c: interrupted system calls (in the TASK record) */
int restart_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int restart_rst_run(struct rst_task *rt);

/* res/creds.c: CREDS */
extern const struct cpt_resource cpt_res_creds;
int creds_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int creds_rst_build(struct rst_task *rt);

/* res/sched.c: SCHED: nice value, policy, real-time priority */
extern const struct cpt_resource cpt_res_sched;
int sched_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int sched_rst_build(struct rst_task *rt);

/* res/rseq.c: RSEQ: the registered restartable sequences area */
extern const struct cpt_resource cpt_res_rseq;
int rseq_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int rseq_rst_run(struct rst_task *rt);

/* res/regs.c: REGS, XSAVE: registers and FPU state */
extern const struct cpt_resource cpt_res_regs;
int regs_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int regs_rst_resume(struct rst_task *rt);
/* For restart.c: the task's saved rax (a system call's return value). */
u64 regs_rst_ax(struct rst_task *rt);

/* res/timers.c: SIGNAL, POSIX_TIMER: interval and POSIX timers */
extern const struct cpt_resource cpt_res_timers;
int timers_dump(struct cpt_dump *d, struct cpt_dump_task *dt);
int timers_rst_build(struct rst_task *rt);

#endif
