// SPDX-License-Identifier: GPL-2.0
/*
 * The table: every resource, and every step of a checkpoint and of a
 * restore, in the order the drivers (dump.c, restore.c) run them.  The
 * order is the data path; the reasons for it are written next to it.
 * A new kind of object is one file in res/, its records in the record
 * table (cpt_records.h), and its lines here.
 */
#include <linux/kernel.h>
#include <linux/cpt_records.h>

#include "core/resource.h"

/* END belongs to the image itself: nothing to restore. */
static const struct cpt_resource cpt_res_image = { .name = "image" };

const struct cpt_resource *const cpt_resources[] = {
	&cpt_res_image,
	&cpt_res_ve,
	&cpt_res_task,
	&cpt_res_mm,
	&cpt_res_pages,
	&cpt_res_pipe,
	&cpt_res_unix,
	&cpt_res_files,
	&cpt_res_epoll,
	&cpt_res_locks,
	&cpt_res_fs,
	&cpt_res_signal,
	&cpt_res_creds,
	&cpt_res_sched,
	&cpt_res_rseq,
	&cpt_res_regs,
	&cpt_res_timers,
};

const unsigned int cpt_nr_resources = ARRAY_SIZE(cpt_resources);

#define CPT_OWNER(id, type, kind, parent, owner, var, limit) \
	[CPT_REC_##id] = &cpt_res_##owner,
static const struct cpt_resource *const cpt_owners[CPT_REC_TYPE_MAX] = {
	CPT_RECORDS(CPT_OWNER)
};

#undef CPT_OWNER

const struct cpt_resource *cpt_record_owner(u32 type)
{
	/* The checker let only known types through. */
	return type < CPT_REC_TYPE_MAX && cpt_owners[type] ?
		cpt_owners[type] : &cpt_res_image;
}

unsigned int cpt_resource_slot(const struct cpt_resource *res)
{
	unsigned int i;

	for (i = 0; i < cpt_nr_resources; i++)
		if (cpt_resources[i] == res)
			return i;
	WARN_ONCE(1, "CPT: resource %s not in cpt_resources[]\n", res->name);
	return 0;
}

#define DUMP_VE(fn, desc)	{ CPT_DUMP_VE, CPT_ALL, desc, .dump_ve = fn }
#define DUMP_TASK(fn, who, desc) { CPT_DUMP_TASK, who, desc, .dump_task = fn }
#define DUMP_LATE(fn, desc)	{ CPT_DUMP_LATE, CPT_ALL, desc, .dump_ve = fn }
#define DUMP_CONTENTS(fn, desc)	{ CPT_DUMP_CONTENTS, CPT_ALL, desc, .dump_ve = fn }
#define RST_VE(fn, desc)	{ RST_OPEN, CPT_ALL, desc, .rst_ve = fn }
#define RST_LAST(fn, desc)	{ RST_FINISH, CPT_ALL, desc, .rst_ve = fn }
#define RST_TASK(phase, fn, who, desc) { phase, who, desc, .rst_task = fn }

const struct cpt_step cpt_steps[] = {
	/*
	 * Checkpoint.  The image is one stream in which every object comes
	 * before anything that refers to it, and memory contents come last,
	 * so that a restore can check everything else before it creates a
	 * single task.
	 *
	 * VE-wide first: the VE record (how many tasks follow) and what
	 * belongs to the VE rather than to a task; and what the image cannot
	 * hold yet is refused before any task is written.
	 */
	DUMP_VE(ve_dump, "the VE and its host name"),
	DUMP_VE(ipc_dump, "IPC objects"),
	/*
	 * Then each task, parents first.  A task may refuse to be dumped
	 * before anything of it is written.  The objects it shares with
	 * other tasks are written when their first user is, since TASK
	 * refers to them by index; the restart of an interrupted system
	 * call goes into the TASK record itself; the task's own parts
	 * follow its TASK record.
	 */
	DUMP_TASK(task_dump_check, CPT_ALL, "what cannot be restored"),
	DUMP_TASK(mm_dump, CPT_ALL, "memory maps"),
	DUMP_TASK(files_dump, CPT_ALL, "open files"),
	DUMP_TASK(fs_dump, CPT_ALL, "root and working directory"),
	DUMP_TASK(signal_dump_handlers, CPT_ALL, "signal handlers"),
	DUMP_TASK(restart_dump, CPT_LIVE, "interrupted system call"),
	DUMP_TASK(task_dump, CPT_ALL, "task"),
	DUMP_TASK(creds_dump, CPT_LIVE, "credentials"),
	DUMP_TASK(sched_dump, CPT_LIVE, "scheduling attributes"),
	DUMP_TASK(rseq_dump, CPT_LIVE, "rseq area"),
	DUMP_TASK(regs_dump, CPT_LIVE, "registers"),
	DUMP_TASK(signal_dump_pending, CPT_LIVE, "queued signals"),
	DUMP_TASK(timers_dump, CPT_LEADER, "timers"),
	/*
	 * Then what refers to the objects of any task: the watches of epoll
	 * instances, on files any task may hold.
	 */
	DUMP_LATE(epoll_dump_watches, "epoll watches"),
	/*
	 * Then what unix sockets have queued, which may come from any of
	 * them and names processes by pid (with the contents, so that the
	 * restore applies it when every socket and every task exists);
	 * first, so that a socket held from outside the VE is refused
	 * before the bulk is written.  Memory contents last.
	 */
	DUMP_CONTENTS(unix_dump_queues, "unix socket queues"),
	DUMP_CONTENTS(pages_dump, "memory contents"),

	/*
	 * Restore, in the VE's new init, before any task is made: VE-wide
	 * state, and files opened once so that every task sharing a file
	 * shares its offset.
	 */
	RST_VE(ve_rst_open, "CPU features and host name"),
	/*
	 * Unix sockets before the files that are them: every one at once,
	 * in image order, since a connection is two and a listener holds
	 * its waiting connections.
	 */
	RST_VE(unix_rst_open, "unix sockets"),
	RST_VE(files_rst_open, "opening files"),
	/*
	 * Then what no file took goes: a FIFO's read-write helper and an
	 * unnamed pipe's end nobody held, so that readers see end of file
	 * and writers EPIPE as they did.
	 */
	RST_VE(pipe_rst_opened, "closing spare pipe ends"),
	/*
	 * Then the flock and OFD locks whose process is gone: the init
	 * takes them, as no task would; the others are their takers'
	 * (below), so that /proc/locks shows who took them.
	 */
	RST_VE(locks_rst_open, "file locks of no process"),
	/*
	 * Then the watches of epoll instances, once every file they watch
	 * is open: before any task, which may hold one of them.
	 */
	RST_VE(epoll_rst_open, "epoll watches"),
	/*
	 * Then each task in its own context.  Session and process group
	 * come first, since children inherit them; then the children are
	 * created, and build themselves while this task goes on.  A zombie
	 * stops there.  What a process shares with its threads (memory,
	 * files, root, handlers) comes before the threads are created, and
	 * the threads before any credentials; a process's POSIX locks, the
	 * locks of its fd table, as soon as its fds are in; creating a task with a given
	 * pid takes the restorer's privileges, which a non-root process's
	 * leader no longer has once its own are committed.  Memory too
	 * comes before them, so its locked maps pass the kernel's
	 * RLIMIT_MEMLOCK check with the restorer's CAP_IPC_LOCK (mm.c).
	 * Credentials are each task's own, and so are scheduling
	 * attributes, set just before them, while the task still has the
	 * restorer's privileges: what a non-root task holds (a nice below
	 * 0 within its RLIMIT_NICE, say) it could not set again once its
	 * own are committed.  sched.c applies its own test, the dump's (the
	 * VE's mask and the image's limits).  They come after the task made
	 * its children and threads, which so build themselves at the
	 * restorer's priority rather than at an inherited real-time one.
	 * Timers come after the threads (a timer may signal one of them)
	 * and after the handlers (its signal may be one whose default
	 * action kills).  Queued signals,
	 * and with them the task's own signal mask, come last: until then
	 * every signal is blocked.
	 */
	RST_TASK(RST_BUILD, task_rst_session, CPT_ALL, "session or process group"),
	RST_TASK(RST_BUILD, task_rst_comm, CPT_ALL, "name"),
	RST_TASK(RST_BUILD, task_rst_children, CPT_ALL, "creating children"),
	RST_TASK(RST_BUILD, task_rst_rlimits, CPT_LEADER, "resource limits"),
	RST_TASK(RST_BUILD, mm_rst_build, CPT_LEADER, "memory"),
	RST_TASK(RST_BUILD, files_rst_build, CPT_LEADER, "open files"),
	RST_TASK(RST_BUILD, locks_rst_build, CPT_LEADER, "file locks"),
	RST_TASK(RST_BUILD, fs_rst_build, CPT_LEADER, "root and working directory"),
	RST_TASK(RST_BUILD, signal_rst_handlers, CPT_LEADER, "signal handlers"),
	RST_TASK(RST_BUILD, task_rst_threads, CPT_LEADER, "creating threads"),
	RST_TASK(RST_BUILD, sched_rst_build, CPT_LIVE, "scheduling attributes"),
	RST_TASK(RST_BUILD, creds_rst_build, CPT_LIVE, "credentials"),
	RST_TASK(RST_BUILD, task_rst_attrs, CPT_LIVE, "task attributes"),
	RST_TASK(RST_BUILD, timers_rst_build, CPT_LEADER, "timers"),
	RST_TASK(RST_BUILD, task_rst_zombies, CPT_LEADER, "zombie children"),
	RST_TASK(RST_BUILD, signal_rst_pending, CPT_LIVE, "pending signals"),
	/*
	 * Memory contents are written by the init once every task is
	 * parked (pages.c, as the records arrive).  CPT_RESUME then sets
	 * what can only be set on a stopped task.
	 */
	RST_TASK(RST_RESUME, regs_rst_resume, CPT_LIVE, "registers"),
	/*
	 * The init, once the contents (memory, socket queues) are in and
	 * every task exists: what names processes by pid (SO_PEERCRED),
	 * then the stand-ins of closed peers go, so that their sockets
	 * see end of file after their data, as before.
	 */
	RST_LAST(unix_rst_finish, "unix socket credentials and closed peers"),
	/*
	 * Each task itself, on its way back to user mode: the restart of
	 * its system call, and its rseq area, which the kernel updates from
	 * the registers set above before the task runs.
	 */
	RST_TASK(RST_RUN, restart_rst_run, CPT_LIVE, "system call restart"),
	RST_TASK(RST_RUN, rseq_rst_run, CPT_LIVE, "rseq area"),
};

const unsigned int cpt_nr_steps = ARRAY_SIZE(cpt_steps);
