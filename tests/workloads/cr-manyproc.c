// SPDX-License-Identifier: GPL-2.0
/*
 * cr-manyproc N [KB]: the init forks N children (default 100), each
 * holding KB kilobytes (default 256) of memory with its own pattern and
 * sleeping in sigsuspend().  On "check" the init signals each child,
 * which checks its memory, its pid (against the one recorded at fork)
 * and its parent, and answers through a shared page; the init reports
 * how many answered correctly and that it still has the same pids.
 * Pids are listed in /var/log/cr-manyproc.pids.  See crlib.h.
 */
#include "crlib.h"
#include <sys/mman.h>

#define MAXN 4096

struct shm {
	volatile int answer[MAXN];	/* round when child i checked OK, or -round */
	volatile pid_t pid[MAXN];
};
static struct shm *shm;
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void child(int i, size_t bytes)
{
	char *mem = malloc(bytes);
	sigset_t block, wait;
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &wait);
	sigdelset(&wait, SIGUSR1);
	if (!mem)
		_exit(1);
	cr_fill(mem, bytes, 0x1000 + i);
	shm->pid[i] = getpid();
	for (;;) {
		int round;

		while (!got_usr1)
			sigsuspend(&wait);
		got_usr1 = 0;
		round = shm->answer[MAXN - 1];	/* the init puts the round there */
		{
			size_t bad = cr_verify(mem, bytes, 0x1000 + i, NULL);
			int ok = !bad && getpid() == shm->pid[i] && getppid() == 1;

			if (!ok)
				cr_fail(round, "child", "child %d pid %d (recorded %d) ppid %d: %zu bad words",
					i, getpid(), shm->pid[i], getppid(), bad);
			shm->answer[i] = ok ? round : -round;
		}
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	size_t kb = argc > 2 ? strtoul(argv[2], NULL, 0) : 256;
	int round = 0, r;
	char cmd[64];
	pid_t pids[MAXN];

	cr_init_signals();
	if (n < 1 || n > MAXN - 1)
		n = 100;
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		cr_hang();
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			child(i, kb * 1024);
		if (pids[i] < 0) {
			cr_fail(0, "setup", "fork %d: %s", i, strerror(errno));
			n = i;
			break;
		}
	}
	for (int t = 0; t < 300; t++) {
		int up = 0;

		for (int i = 0; i < n; i++)
			up += shm->pid[i] == pids[i];
		if (up == n)
			break;
		cr_msleep(100);
	}
	{
		static char buf[MAXN * 12];
		size_t len = 0;

		for (int i = 0; i < n; i++)
			len += snprintf(buf + len, sizeof(buf) - len, "%d\n", pids[i]);
		cr_write_file("/var/log/cr-manyproc.pids", buf, len);
	}
	cr_line(0, "READY cr-manyproc n %d kb %zu", n, kb);
	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (!r) {
			int st;
			pid_t w;

			while ((w = waitpid(-1, &st, WNOHANG)) > 0)
				cr_line(round, "INFO child %d died, status %#x", w, st);
			cr_msleep(200);
			continue;
		}
		round = r;
		shm->answer[MAXN - 1] = round;
		{
			int alive = 0, okc = 0, badc = 0;

			for (int i = 0; i < n; i++)
				alive += kill(pids[i], SIGUSR1) == 0;
			cr_check(round, alive == n, "alive", "%d of %d children can be signalled", alive, n);
			for (int t = 0; t < 600; t++) {
				okc = badc = 0;
				for (int i = 0; i < n; i++) {
					okc += shm->answer[i] == round;
					badc += shm->answer[i] == -round;
				}
				if (okc + badc == n)
					break;
				cr_msleep(100);
			}
			cr_check(round, okc == n, "children", "%d of %d children answered OK (%d bad, %d silent)",
				 okc, n, badc, n - okc - badc);
		}
		cr_line(round, "DONE");
	}
}
