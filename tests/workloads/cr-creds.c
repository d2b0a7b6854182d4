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
 * See crlib.h.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "crlib.h"

#define ID	4242
#define GROUP2	4343

static volatile unsigned long ticks;
static volatile pid_t thread_tid;

static void *thread_fn(void *arg)
{
	(void)arg;
	thread_tid = (pid_t)syscall(SYS_gettid);
	for (;;) {
		ticks++;
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
	if (fork() == 0) {
		if (setgroups(2, groups) || setresgid(ID, ID, ID) ||
		    setresuid(ID, ID, ID)) {
			cr_fail(0, "setup", "dropping to %d: %s", ID, strerror(errno));
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
