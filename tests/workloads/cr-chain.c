// SPDX-License-Identifier: GPL-2.0
/*
 * cr-chain N: the init starts a chain of N processes, each the only child
 * of the one before (the deepest process tree there can be).  On "check"
 * every process checks its parent is the one before it and reports
 * through a shared page; the init reports how many did.  See crlib.h.
 */
#include "crlib.h"
#include <sys/mman.h>

#define MAXN 8192

struct shm {
	volatile int round[MAXN];	/* the round each link last checked */
	volatile pid_t pid[MAXN + 1];
};
static struct shm *shm;

static void link_loop(int i)
{
	char cmd[64];
	int round = 0, r;

	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (!r) {
			cr_msleep(500);
			continue;
		}
		round = r;
		if (getppid() == shm->pid[i] && getpid() == shm->pid[i + 1])
			shm->round[i] = r;
		else
			shm->round[i] = -r;
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 500, i, round = 0, r, ok;
	char cmd[64];
	pid_t p;

	cr_init_signals();
	if (n < 1 || n > MAXN)
		n = 500;
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		cr_fail(0, "setup", "mmap: %s", strerror(errno));
		cr_hang();
	}
	shm->pid[0] = getpid();
	for (i = 0; i < n; i++) {
		p = fork();
		if (p < 0) {
			cr_fail(0, "setup", "fork %d: %s", i, strerror(errno));
			cr_hang();
		}
		if (p) {
			/* Link i-1 (or the init) waits forever for its child. */
			if (i == 0)
				break;
			link_loop(i - 1);
		}
		shm->pid[i + 1] = getpid();
	}
	if (i == n)		/* the last link */
		link_loop(n - 1);
	cr_line(0, "READY cr-chain %d links", n);
	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (!r) {
			cr_msleep(100);
			continue;
		}
		round = r;
		/* Each link polls every 500 ms: give them all up to 60 s. */
		for (int t = 0; t < 120; t++) {
			cr_msleep(500);
			for (ok = 0, i = 0; i < n; i++)
				ok += shm->round[i] == r;
			if (ok == n)
				break;
		}
		cr_check(r, ok == n, "chain", "%d of %d links have their parent and pid", ok, n);
		cr_line(r, "DONE");
	}
}
