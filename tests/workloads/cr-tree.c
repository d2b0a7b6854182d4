// SPDX-License-Identifier: GPL-2.0
/*
 * cr-tree: a process tree across a checkpoint/restore.  As a VE's init
 * (cr-init) it builds:
 *
 *   cr-init (1)
 *   ├── cr-A            ── cr-A1, cr-A2        (grandchildren)
 *   ├── cr-S  setsid()  ── cr-S1               (in S's session)
 *   ├── cr-G  setpgid() ── cr-G1               (in G's group)
 *   ├── cr-P            ── cr-Z  exit(42), a zombie until "reap"
 *   ├── cr-T  4 threads (cr-T0..3) counting
 *   ├── cr-D            ── cr-D1   a daemon that forked twice: cr-Dx
 *   └── cr-D2                      made a session, forked them, exited
 *                                  (session and group without a
 *                                  leader); cr-D2 has a group of its own
 *
 * Before the first checkpoint it writes pid, ppid, pgid, sid, state and
 * thread ids of every cr-* task (from /proc) to /var/log/cr-tree.0; on
 * "check" it compares with the same list now, checks that all 4 threads
 * still count and still have their tids (gettid() in each thread), and
 * that the zombie is still a zombie; on "reap" P waits for Z and reports
 * its exit status and that it had one SIGCHLD (none from the restores).
 * See crlib.h.
 */
#include "crlib.h"
#include <dirent.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

struct shm {
	volatile int round;		/* command for the children */
	volatile int reap_round;
	volatile uint64_t count[4];
	volatile pid_t tid[4];
	volatile int tid_ok[4];		/* round in which thread i checked gettid() */
	volatile int tid_bad[4];
	volatile pid_t zombie;
};
static struct shm *shm;

static void name(const char *n)
{
	prctl(PR_SET_NAME, n);
}

static void idle(void)
{
	for (;;)
		cr_msleep(500);
}

static pid_t spawn(const char *n, void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		name(n);
		fn();
		_exit(0);
	}
	return pid;
}

static void grandchild(void) { idle(); }

static void proc_A(void)
{
	spawn("cr-A1", grandchild);
	spawn("cr-A2", grandchild);
	idle();
}

static void proc_S(void)
{
	setsid();
	spawn("cr-S1", grandchild);
	idle();
}

static void proc_D(void)
{
	spawn("cr-D1", grandchild);
	idle();
}

static void proc_D2(void)
{
	setpgid(0, 0);
	idle();
}

/* The double fork of a daemon: a session whose leader is gone. */
static void proc_Dx(void)
{
	setsid();
	spawn("cr-D", proc_D);
	spawn("cr-D2", proc_D2);
}

static void proc_G(void)
{
	setpgid(0, 0);
	spawn("cr-G1", grandchild);
	idle();
}

static void zombie_fn(void) { _exit(42); }

static volatile sig_atomic_t p_sigchlds;

static void on_sigchld(int sig)
{
	(void)sig;
	p_sigchlds++;
}

static void proc_P(void)
{
	struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_RESTART };
	int done = 0;

	sigaction(SIGCHLD, &sa, NULL);
	shm->zombie = spawn("cr-Z", zombie_fn);
	for (;;) {
		int r = shm->reap_round;

		if (r && !done) {
			int st = 0;
			pid_t w = waitpid(shm->zombie, &st, WNOHANG);

			cr_check(r, w == shm->zombie && WIFEXITED(st) && WEXITSTATUS(st) == 42, "zombie-reaped",
				 "waitpid(%d) = %d (%s), status %#x (want exit 42)", shm->zombie, w,
				 w < 0 ? strerror(errno) : "ok", st);
			/* A restore re-creating the zombie must not signal again. */
			cr_check(r, p_sigchlds == 1, "one-sigchld", "cr-P got %d SIGCHLDs (want 1, for cr-Z)",
				 (int)p_sigchlds);
			done = 1;
			shm->reap_round = -r;
		}
		cr_msleep(100);
	}
}

static void *thread_fn(void *arg)
{
	int i = (int)(intptr_t)arg, seen = 0;
	char n[16];

	snprintf(n, sizeof(n), "cr-T%d", i);
	name(n);
	shm->tid[i] = syscall(SYS_gettid);
	for (;;) {
		for (int k = 0; k < 10000; k++)
			shm->count[i]++;
		if (shm->round != seen) {
			seen = shm->round;
			if ((pid_t)syscall(SYS_gettid) != shm->tid[i] || getpid() != getpid())
				shm->tid_bad[i]++;
			shm->tid_ok[i] = seen;
		}
		cr_msleep(20);
	}
	return NULL;
}

static void proc_T(void)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, thread_fn, (void *)(intptr_t)i);
	idle();
}

/* One line per cr-* task: "tid pid ppid pgid sid state comm". */
static size_t snapshot(char *out, size_t len)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t used = 0;
	static char lines[64][160];
	int n = 0;

	out[0] = 0;
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < 64) {
		char path[600], buf[512];
		DIR *td;
		struct dirent *te;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/task", e->d_name);
		td = opendir(path);
		if (!td)
			continue;
		while ((te = readdir(td)) && n < 64) {
			char comm[32], state;
			int tid, ppid, pgid, sid;
			char *p;

			if (te->d_name[0] < '0' || te->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%.20s/task/%.20s/stat", e->d_name, te->d_name);
			if (cr_read_file(path, buf, sizeof(buf)) <= 0)
				continue;
			/* pid (comm) state ppid pgrp session */
			p = strrchr(buf, ')');
			if (!p || sscanf(buf, "%d", &tid) != 1)
				continue;
			{
				char *c = strchr(buf, '(');
				size_t cl = p - c - 1;

				if (cl >= sizeof(comm))
					cl = sizeof(comm) - 1;
				memcpy(comm, c + 1, cl);
				comm[cl] = 0;
			}
			if (sscanf(p + 2, "%c %d %d %d", &state, &ppid, &pgid, &sid) != 4)
				continue;
			if (strncmp(comm, "cr-", 3))
				continue;
			/* S (sleeping) and R (running) are the same here. */
			if (state == 'R')
				state = 'S';
			snprintf(lines[n++], sizeof(lines[0]), "tid %d pid %.12s ppid %d pgid %d sid %d state %c comm %.20s\n",
				 tid, e->d_name, ppid, pgid, sid, state, comm);
		}
		closedir(td);
	}
	closedir(d);
	qsort(lines, n, sizeof(lines[0]), (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < n; i++)
		used += snprintf(out + used, len - used, "%s", lines[i]);
	return used;
}

int main(void)
{
	static char before[16384], now[16384];
	char cmd[64], path[64];
	int round = 0, r;
	pid_t kids[6];

	cr_init_signals();
	name("cr-init");
	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		cr_hang();
	kids[0] = spawn("cr-A", proc_A);
	kids[1] = spawn("cr-S", proc_S);
	kids[2] = spawn("cr-G", proc_G);
	kids[3] = spawn("cr-P", proc_P);
	kids[4] = spawn("cr-T", proc_T);
	kids[5] = spawn("cr-Dx", proc_Dx);
	waitpid(kids[5], NULL, 0);
	/*
	 * Let everything exist: 18 cr-* tasks (init, A, A1, A2, S, S1, G, G1,
	 * P, Z, T + 4 threads, D, D1, D2 = 18), and settle: a new task has its parent's
	 * name, group and session until it sets its own, so the listing must
	 * also be the same twice in a row.
	 */
	for (int i = 0; i < 100; i++) {
		static char prev[sizeof(before)];
		int lines = 0;

		snapshot(before, sizeof(before));
		for (char *p = before; *p; p++)
			lines += *p == '\n';
		if (lines == 18 && strstr(before, "state Z comm cr-Z") &&
		    !strcmp(before, prev))
			break;
		memcpy(prev, before, sizeof(prev));
		cr_msleep(300);
	}
	cr_write_file("/var/log/cr-tree.0", before, strlen(before));
	cr_line(0, "READY cr-tree A %d S %d G %d P %d T %d zombie %d daemon session %d", kids[0], kids[1],
		kids[2], kids[3], kids[4], shm->zombie, kids[5]);

	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (!r) {
			cr_msleep(100);
			continue;
		}
		round = r;
		if (!strcmp(cmd, "reap")) {
			shm->reap_round = round;
			for (int i = 0; i < 50 && shm->reap_round > 0; i++)
				cr_msleep(100);
			if (shm->reap_round > 0)
				cr_fail(round, "zombie-reaped", "cr-P did not answer");
			cr_line(round, "DONE");
			continue;
		}
		snapshot(now, sizeof(now));
		snprintf(path, sizeof(path), "/var/log/cr-tree.%d", round);
		cr_write_file(path, now, strlen(now));
		cr_check(round, !strcmp(now, before), "tree", "pids/ppids/pgids/sids/states/tids: %s",
			 strcmp(now, before) ? "differ (see /var/log/cr-tree.0 and this round's file)" : "same");
		cr_check(round, strstr(now, "state Z comm cr-Z") != NULL, "zombie", "cr-Z %s",
			 strstr(now, "state Z comm cr-Z") ? "is a zombie" : "is not a zombie");
		{
			uint64_t c0[4], c1[4];
			int moving = 0;

			for (int i = 0; i < 4; i++)
				c0[i] = shm->count[i];
			shm->round = round;
			cr_msleep(1000);
			for (int i = 0; i < 4; i++) {
				c1[i] = shm->count[i];
				moving += c1[i] > c0[i];
			}
			cr_check(round, moving == 4, "threads-running", "%d of 4 threads counted on (%llu %llu %llu %llu)",
				 moving, (unsigned long long)(c1[0] - c0[0]), (unsigned long long)(c1[1] - c0[1]),
				 (unsigned long long)(c1[2] - c0[2]), (unsigned long long)(c1[3] - c0[3]));
			for (int i = 0; i < 4; i++)
				cr_check(round, shm->tid_ok[i] == round && !shm->tid_bad[i], "thread-tid",
					 "thread %d tid %d: checked in round %d, %d mismatches", i, shm->tid[i],
					 shm->tid_ok[i], shm->tid_bad[i]);
		}
		cr_line(round, "DONE");
	}
}
