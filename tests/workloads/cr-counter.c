// SPDX-License-Identifier: GPL-2.0
/*
 * cr-counter: the init and a forked child each count in memory and
 * append "P n wall_ms" / "C n wall_ms" to /var/log/cr-counter.log (one
 * O_APPEND fd opened at start and kept) every 100 ms.  After a restore
 * (or a migration) each sequence must go on with no gap and no
 * duplicate: the test checks the log with awk.  "check" reports the
 * current counts and that both are still advancing.  See crlib.h.
 */
#include "crlib.h"
#include <sys/mman.h>

#define LOG "/var/log/cr-counter.log"

static volatile uint64_t *counts;	/* shared: [0] init, [1] child */

static void count_loop(int fd, char who, int idx)
{
	char line[64];

	for (;;) {
		uint64_t n = counts[idx] + 1;	/* the count lives in memory */
		int len;

		counts[idx] = n;
		len = snprintf(line, sizeof(line), "%c %llu %.0f\n", who, (unsigned long long)n,
			       cr_now(CLOCK_REALTIME) * 1000);
		if (write(fd, line, len) != len) {
			/* keep counting; the gap shows in the log */
		}
		cr_msleep(100);
		if (idx == 0)
			return;
	}
}

int main(void)
{
	int fd, round = 0, r;
	char cmd[64];
	pid_t child;

	cr_init_signals();
	counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED)
		cr_hang();
	fd = open(LOG, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		cr_fail(0, "setup", "open %s: %s", LOG, strerror(errno));
		cr_hang();
	}
	child = fork();
	if (child == 0)
		count_loop(fd, 'C', 1);
	cr_line(0, "READY cr-counter pid %d child %d", getpid(), child);
	for (;;) {
		count_loop(fd, 'P', 0);
		r = cr_poll(round, cmd, sizeof(cmd));
		if (r) {
			uint64_t p0 = counts[0], c0 = counts[1];

			round = r;
			for (int i = 0; i < 10; i++)
				count_loop(fd, 'P', 0);
			cr_check(round, counts[0] > p0 && counts[1] > c0, "counting",
				 "init %llu -> %llu, child %llu -> %llu",
				 (unsigned long long)p0, (unsigned long long)counts[0],
				 (unsigned long long)c0, (unsigned long long)counts[1]);
			cr_line(round, "DONE");
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}
