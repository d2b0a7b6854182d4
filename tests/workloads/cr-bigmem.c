// SPDX-License-Identifier: GPL-2.0
/*
 * cr-bigmem MB: the init touches MB megabytes (default 64) of private
 * anonymous memory with a pattern; "check" verifies every word and
 * reports how long that took.  See crlib.h.
 */
#include "crlib.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
	size_t len = mb << 20;
	char cmd[64];
	int round = 0, r;
	char *p;
	double t0;

	cr_init_signals();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		cr_fail(0, "setup", "mmap %zu MB: %s", mb, strerror(errno));
		cr_hang();
	}
	t0 = cr_now(CLOCK_MONOTONIC);
	cr_fill(p, len, 0xb16);
	cr_line(0, "READY cr-bigmem mb %zu filled in %.2f s", mb, cr_now(CLOCK_MONOTONIC) - t0);
	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (r) {
			uintptr_t bad = 0;
			size_t n;

			round = r;
			t0 = cr_now(CLOCK_MONOTONIC);
			n = cr_verify(p, len, 0xb16, &bad);
			cr_check(round, !n, "bigmem", "%zu MB: %zu bad words, first at %#lx (%.2f s)", mb, n,
				 (unsigned long)bad, cr_now(CLOCK_MONOTONIC) - t0);
			cr_line(round, "DONE");
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		cr_msleep(200);
	}
}
