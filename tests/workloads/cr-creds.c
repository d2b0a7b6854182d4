// SPDX-License-Identifier: GPL-2.0
/*
 * cr-creds: a non-root, multi-threaded process and its accounting.  The
 * init (root) forks a worker that becomes uid/gid 4242 with groups 4242
 * and 4343 and starts a thread; the worker answers the rounds.  On
 * "check":
 *   ids     its real, effective and saved uids and gids, its groups, and
 *           the thread's uid (/proc/self/task/TID/status)
 *   thread  the thread runs (its counter moves)
 *   nproc   uid 4242 has 2 tasks (worker, thread): with RLIMIT_NPROC 3 a
 *           fork works, with 2 it fails with EAGAIN; so the tasks are
 *           counted for uid 4242, as before the checkpoint, not for root
 *   sched   scheduling attributes (sched_getattr(), getpriority()): the
 *           worker's nice 7 (SCHED_NORMAL), its thread's SCHED_BATCH
 *           (nice 7, inherited), and a child the init forks, which stays
 *           root: SCHED_FIFO priority 10 with SCHED_RESET_ON_FORK, nice
 *           -5 (a non-root task could not set those, nor lower its nice,
 *           once its credentials are its own)
 *   rseq    the worker's and the thread's rseq areas (glibc's) are still
 *           registered and kept up to date by the kernel (cr_rseq_ok())
 * See crlib.h.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "crlib.h"

#define ID	4242
#define GROUP2	4343
#define NICE	7
#define RT_NICE	(-5)
#define RT_PRIO	10
#define SCHED_FLAG_RESET_ON_FORK	0x01	/* <linux/sched.h> */

/* sched_getattr()'s, as <linux/sched/types.h> has it (glibc lacks it). */
struct sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

static volatile unsigned long ticks;
static volatile pid_t thread_tid;
static pid_t rt_pid;		/* the root child with SCHED_FIFO */
/* The thread checks its own rseq area when rseq_asked moves. */
static volatile int rseq_asked, rseq_answered;
static volatile bool thread_rseq;
static char thread_rseq_why[160];

static void *thread_fn(void *arg)
{
	struct sched_param sp = { 0 };

	(void)arg;
	/* The calling thread only; it keeps the nice value it inherited. */
	if (sched_setscheduler(0, SCHED_BATCH, &sp))
		cr_fail(0, "setup", "SCHED_BATCH: %s", strerror(errno));
	thread_tid = (pid_t)syscall(SYS_gettid);
	for (;;) {
		ticks++;
		if (rseq_asked != rseq_answered) {
			thread_rseq = cr_rseq_ok(thread_rseq_why,
						 sizeof(thread_rseq_why));
			__sync_synchronize();
			rseq_answered = rseq_asked;
		}
		cr_msleep(10);
	}
	return NULL;
}

/* Whether fork() works with RLIMIT_NPROC at @limit (the child exits). */
static int fork_under(rlim_t limit, int *err)
{
	struct rlimit old, rl;
	pid_t p;

	getrlimit(RLIMIT_NPROC, &old);
	rl = old;
	rl.rlim_cur = limit;
	setrlimit(RLIMIT_NPROC, &rl);
	p = fork();
	*err = errno;
	if (p == 0)
		_exit(0);
	if (p > 0)
		waitpid(p, NULL, 0);
	setrlimit(RLIMIT_NPROC, &old);
	return p > 0;
}

/* Policy, rt priority, flags and nice of a thread; -1 if it has none. */
static int sched_of(pid_t tid, struct sched_attr *a, int *nice)
{
	memset(a, 0, sizeof(*a));
	if (syscall(SYS_sched_getattr, tid, a, sizeof(*a), 0))
		return -1;
	/* sched_getattr() reports no nice value for a real-time task. */
	errno = 0;
	*nice = getpriority(PRIO_PROCESS, (id_t)tid);
	return errno ? -1 : 0;
}

static void check_sched(int round)
{
	struct sched_attr w, t, rt;
	int wn = 99, tn = 99, rn = 99;
	int ok_w = !sched_of(0, &w, &wn), ok_t = !sched_of(thread_tid, &t, &tn);
	int ok_rt = !sched_of(rt_pid, &rt, &rn);

	cr_check(round, ok_w && ok_t && ok_rt &&
		 w.sched_policy == SCHED_OTHER && wn == NICE &&
		 !(w.sched_flags & SCHED_FLAG_RESET_ON_FORK) &&
		 t.sched_policy == SCHED_BATCH && tn == NICE &&
		 rt.sched_policy == SCHED_FIFO && rt.sched_priority == RT_PRIO &&
		 (rt.sched_flags & SCHED_FLAG_RESET_ON_FORK) && rn == RT_NICE,
		 "sched", "worker policy %u nice %d flags %#llx (want 0, %d, 0); thread %d policy %u nice %d (want %d, %d); root child %d policy %u priority %u flags %#llx nice %d (want %d, %d, reset on fork, %d)",
		 w.sched_policy, wn, (unsigned long long)w.sched_flags, NICE,
		 thread_tid, t.sched_policy, tn, SCHED_BATCH, NICE, rt_pid,
		 rt.sched_policy, rt.sched_priority,
		 (unsigned long long)rt.sched_flags, rn, SCHED_FIFO, RT_PRIO,
		 RT_NICE);
}

static void check_rseq(int round)
{
	char why[160] = "";
	bool mine = cr_rseq_ok(why, sizeof(why));
	int i;

	cr_check(round, mine, "rseq", "worker %s", why);
	rseq_asked = round;
	for (i = 0; i < 300 && rseq_answered != round; i++)
		cr_msleep(10);
	__sync_synchronize();
	cr_check(round, rseq_answered == round && thread_rseq, "rseq-thread",
		 "thread %d %s", thread_tid, rseq_answered == round ?
		 thread_rseq_why : "did not answer in 3 s");
}

static void check(int round)
{
	uid_t r, e, s;
	gid_t gr, ge, gs, groups[8];
	char path[64], status[4096];
	unsigned long t0 = ticks;
	int n, err;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	n = getgroups(8, groups);
	cr_check(round, r == ID && e == ID && s == ID && gr == ID && ge == ID &&
		 gs == ID, "ids", "uids %u/%u/%u gids %u/%u/%u (want %d)",
		 r, e, s, gr, ge, gs, ID);
	cr_check(round, n == 2 && groups[0] == ID && groups[1] == GROUP2,
		 "groups", "%d groups, %u %u (want %d %d)", n,
		 n > 0 ? groups[0] : 0, n > 1 ? groups[1] : 0, ID, GROUP2);
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", thread_tid);
	cr_check(round, cr_read_file(path, status, sizeof(status)) > 0 &&
		 strstr(status, "\nUid:\t4242\t4242\t4242\t4242"),
		 "thread-ids", "thread %d: uid not 4242", thread_tid);
	cr_msleep(200);
	cr_check(round, ticks > t0, "thread", "thread counter %lu -> %lu",
		 t0, ticks);
	cr_check(round, fork_under(3, &err), "nproc-3",
		 "fork with RLIMIT_NPROC 3 for 2 tasks: %s", strerror(err));
	cr_check(round, !fork_under(2, &err) && err == EAGAIN, "nproc-2",
		 "fork with RLIMIT_NPROC 2 for 2 tasks fails: %s", strerror(err));
	check_sched(round);
	check_rseq(round);
}

static const struct cr_command cmds[] = { { "check", check } };

int main(void)
{
	gid_t groups[] = { ID, GROUP2 };
	pthread_t th;
	int fd;

	cr_init_signals();
	/* The worker is not root: the files it reports to must let it. */
	fd = open(CR_RESULT, O_WRONLY | O_CREAT | O_APPEND, 0666);
	if (fd >= 0) {
		fchmod(fd, 0666);
		close(fd);
	}
	/* Root, with what only CAP_SYS_NICE gives; the worker reads it. */
	rt_pid = fork();
	if (rt_pid == 0) {
		struct sched_param sp = { .sched_priority = RT_PRIO };

		if (setpriority(PRIO_PROCESS, 0, RT_NICE) ||
		    sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp))
			cr_fail(0, "setup", "SCHED_FIFO %d nice %d: %s", RT_PRIO,
				RT_NICE, strerror(errno));
		cr_hang();
	}
	if (fork() == 0) {
		if (setgroups(2, groups) || setresgid(ID, ID, ID) ||
		    setresuid(ID, ID, ID)) {
			cr_fail(0, "setup", "dropping to %d: %s", ID, strerror(errno));
			cr_hang();
		}
		/* Raising one's nice value needs no privilege. */
		if (setpriority(PRIO_PROCESS, 0, NICE)) {
			cr_fail(0, "setup", "nice %d: %s", NICE, strerror(errno));
			cr_hang();
		}
		if (pthread_create(&th, NULL, thread_fn, NULL)) {
			cr_fail(0, "setup", "pthread_create");
			cr_hang();
		}
		while (!thread_tid)
			cr_msleep(10);
		cr_line(0, "READY cr-creds worker %d thread %d", getpid(),
			thread_tid);
		cr_serve(cmds, 1);
	}
	for (;;) {
		while (waitpid(-1, NULL, 0) > 0)
			;
		pause();
	}
}
