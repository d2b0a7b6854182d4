/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crlib.h: shared bits of the checkpoint/restore test workloads.
 *
 * A workload runs inside a VE (usually as its init), sets up some state,
 * then waits for commands from the test on the host, which writes
 * "ROUND COMMAND" into the trigger file (through the private area, so no
 * process is added to the VE).  On a new round the workload checks its
 * state and appends lines to the result file:
 *
 *   R<round> READY <what>            set up, ready to be checkpointed (round 0)
 *   R<round> OK <check> [detail]
 *   R<round> FAIL <check> <detail>
 *   R<round> SKIP <check> <why>
 *   R<round> INFO <anything>
 *   R<round> DONE                    all checks of this round written
 *
 * Lines are written with one write(2) to an O_APPEND file, opened and
 * closed each time, so that processes of the workload can share it.
 */
#ifndef CRLIB_H
#define CRLIB_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/rseq.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#define CR_RESULT	"/var/log/cr-result"
#define CR_TRIGGER	"/var/run/cr-trigger"

static __attribute__((unused)) int cr_failures;

static __attribute__((unused)) void __attribute__((format(printf, 2, 3)))
cr_line(int round, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n, fd;

	n = snprintf(buf, sizeof(buf), "R%d ", round);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	fd = open(CR_RESULT, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, buf, n) < 0) {
		/* nowhere to report it */
	}
	close(fd);
}

/* A check whose name is not a literal: OK or FAIL as @ok says. */
static __attribute__((unused)) void __attribute__((format(printf, 4, 5)))
cr_result(int round, int ok, const char *name, const char *fmt, ...)
{
	char detail[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (!ok)
		cr_failures++;
	cr_line(round, "%s %s %s", ok ? "OK" : "FAIL", name, detail);
}

#define cr_ok(r, name, ...)	cr_line(r, "OK " name " " __VA_ARGS__)
#define cr_fail(r, name, ...)	(cr_failures++, cr_line(r, "FAIL " name " " __VA_ARGS__))
#define cr_check(r, cond, name, ...) \
	do { if (cond) cr_ok(r, name, __VA_ARGS__); else cr_fail(r, name, __VA_ARGS__); } while (0)

/*
 * New trigger?  Returns its round (> last) and copies the command word
 * into cmd, or 0.
 */
static __attribute__((unused)) int cr_poll(int last, char *cmd, size_t cmdlen)
{
	char buf[128], word[64] = "";
	int fd, n, round = 0;

	fd = open(CR_TRIGGER, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	if (sscanf(buf, "%d %63s", &round, word) < 1 || round <= last)
		return 0;
	if (!word[0])
		strcpy(word, "check");
	snprintf(cmd, cmdlen, "%s", word);
	return round;
}

static __attribute__((unused)) double cr_now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __attribute__((unused)) void cr_msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Whether the calling thread's rseq area, which glibc registered when
 * the thread started, is still the kernel's (if not, @why says what is
 * wrong; the lab's kernels have rseq, so having none is wrong too).  Registering
 * it again with the same arguments is refused with EBUSY only while it
 * is in place, and the kernel rewrites its CPU numbers whenever the
 * thread comes back from a sleep.
 */
static __attribute__((unused)) bool cr_rseq_ok(char *why, size_t n)
{
	struct rseq *rs;
	volatile uint32_t *start, *cpu_id;
	unsigned int cpu = ~0U;
	long r;
	int i;

	if (!__rseq_size) {
		snprintf(why, n, "glibc registered no rseq area (no CONFIG_RSEQ?)");
		return false;
	}
	rs = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
	/* 32: the length glibc registers, struct rseq's in Linux 6.1. */
	r = syscall(SYS_rseq, rs, 32, 0, RSEQ_SIG);
	if (r == 0 || errno != EBUSY) {
		snprintf(why, n, "registering %p again: %s", (void *)rs,
			 r == 0 ? "accepted, so it was not registered" :
			 strerror(errno));
		return false;
	}
	start = &rs->cpu_id_start;
	cpu_id = &rs->cpu_id;
	for (i = 0; i < 20; i++) {
		*start = 0xdead;
		cr_msleep(1);
		syscall(SYS_getcpu, &cpu, NULL, NULL);
		if (*start == cpu && *cpu_id == cpu)
			return true;
	}
	snprintf(why, n, "area %p: cpu_id_start %u, cpu_id %u, getcpu %u",
		 (void *)rs, *start, *cpu_id, cpu);
	return false;
}

/* A pattern word for address a: detects both wrong contents and moves. */
static __attribute__((unused)) inline uint64_t cr_pat(uintptr_t a, uint64_t seed)
{
	return ((uint64_t)a * 0x9E3779B97F4A7C15ULL) ^ seed;
}

static __attribute__((unused)) void cr_fill(void *p, size_t len, uint64_t seed)
{
	uint64_t *w = p;

	for (size_t i = 0; i < len / 8; i++)
		w[i] = cr_pat((uintptr_t)&w[i], seed);
}

/* Number of bad words; the first bad address in *bad. */
static __attribute__((unused)) size_t cr_verify(const void *p, size_t len, uint64_t seed, uintptr_t *bad)
{
	const uint64_t *w = p;
	size_t nbad = 0;

	for (size_t i = 0; i < len / 8; i++)
		if (w[i] != cr_pat((uintptr_t)&w[i], seed)) {
			if (!nbad && bad)
				*bad = (uintptr_t)&w[i];
			nbad++;
		}
	return nbad;
}

/* As the VE's init: be stoppable by vzctl stop (busybox halt/reboot). */
static __attribute__((unused)) void cr_init_exit(int sig)
{
	(void)sig;
	_exit(0);
}

static __attribute__((unused)) void cr_init_signals(void)
{
	struct sigaction sa = { .sa_handler = cr_init_exit };

	if (getpid() != 1)
		return;
	sigaction(SIGUSR1, &sa, NULL);	/* halt */
	sigaction(SIGTERM, &sa, NULL);	/* reboot */
}

/* Reap any child except those in keep[] (init adopts orphans). */
static __attribute__((unused)) void cr_reap_others(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Read a whole small file into buf (NUL-terminated); length or -1. */
static __attribute__((unused)) ssize_t cr_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (got < (ssize_t)len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

static __attribute__((unused)) int cr_write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* A command a workload answers; the first of a table is the default. */
struct cr_command {
	const char *name;
	void (*run)(int round);
};

/*
 * Answer triggers forever: run the named command (the first one for an
 * unknown name), then write DONE; reap children in between.
 */
static __attribute__((unused)) void __attribute__((noreturn))
cr_serve(const struct cr_command *cmds, size_t nr)
{
	char cmd[64];
	int round = 0, r;
	size_t i;

	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (r) {
			round = r;
			for (i = nr - 1; i > 0 && strcmp(cmd, cmds[i].name); i--)
				;
			cmds[i].run(round);
			cr_line(round, "DONE");
		}
		cr_reap_others();
		cr_msleep(100);
	}
}

/* Stay alive forever (an init must not exit). */
static __attribute__((unused)) void __attribute__((noreturn)) cr_hang(void)
{
	for (;;)
		pause();
}

#endif
