// SPDX-License-Identifier: GPL-2.0
/*
 * cr-timers: POSIX timers and timed waits across a checkpoint/restore.
 * As a VE's init it creates, in this order (ids 0, 1, ... from a fresh
 * process):
 *
 *   T0  CLOCK_MONOTONIC, SIGRTMIN+2 value 100, every 100 ms;
 *   --  a timer created and deleted again, leaving a gap in the ids;
 *   T2  CLOCK_REALTIME, SIGRTMIN+2 value 102, one shot in one hour;
 *   T3  CLOCK_BOOTTIME, SIGEV_NONE, one shot in 600 s (polled only);
 *   T4  created without a sigevent (SIGALRM, value = its id), disarmed;
 *   T5  CLOCK_MONOTONIC, SIGEV_THREAD_ID to a helper thread, SIGRTMIN+3,
 *       every 200 ms;
 *   T6  CLOCK_MONOTONIC, SIGRTMIN+4 value 106 (blocked), fired once at
 *       start: its signal stays queued until "unblock";
 *
 * and arms ITIMER_PROF every 100 ms and ITIMER_VIRTUAL every 150 ms of
 * the process's CPU time.
 *
 * "check" verifies every timer's ids, settings and remaining time, the
 * rates of T0 and T5 over 2 s, the CPU-time itimers' settings and that
 * they fire while it burns CPU, and that the next timer_create() returns
 * the id after the last one it returned (the process's id counter).
 * "unblock" unblocks SIGRTMIN+4: its handler must see T6's signal.
 * "waits" starts two children: one in poll(NULL, 0, 5000), one in a
 * FUTEX_WAIT with a 5 s relative timeout; each reports its wall time
 * and result (they must not restart from scratch after a checkpoint).
 */
#include "crlib.h"
#include <pthread.h>
#include <poll.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/time.h>

static timer_t t0, t2, t3, t4, t5, t6;
static int gap_id, next_probe_id;
static volatile sig_atomic_t t0_fires, t5_fires, t5_wrong_thread, rt4_got;
static volatile sig_atomic_t profs, vtalrms;
static volatile int rt4_value, rt4_code, rt4_timerid, rt_bad_value;
static volatile pid_t helper_tid;
static double t2_prev = 1e9, t3_prev = 1e9;

static void on_rt2(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	if (si->si_code == SI_TIMER && si->si_value.sival_int == 100)
		t0_fires++;
	else
		rt_bad_value = si->si_value.sival_int;
}

static void on_rt3(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	t5_fires++;
	if (syscall(SYS_gettid) != helper_tid)
		t5_wrong_thread++;
}

static void on_rt4(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	rt4_got++;
	rt4_value = si->si_value.sival_int;
	rt4_code = si->si_code;
	rt4_timerid = si->si_timerid;
}

static void on_cputimer(int sig)
{
	if (sig == SIGPROF)
		profs++;
	else
		vtalrms++;
}

static void check_itimer(int round, const char *name, int which, long interval_us)
{
	struct itimerval it;

	getitimer(which, &it);
	cr_check(round, it.it_interval.tv_sec == 0 && it.it_interval.tv_usec == interval_us &&
		 (it.it_value.tv_sec || it.it_value.tv_usec) && it.it_value.tv_sec == 0 &&
		 it.it_value.tv_usec <= interval_us + 20000,
		 "itimer-setting", "%s: interval %ld.%06ld (want 0.%06ld), value %ld.%06ld",
		 name, (long)it.it_interval.tv_sec, (long)it.it_interval.tv_usec, interval_us,
		 (long)it.it_value.tv_sec, (long)it.it_value.tv_usec);
}

/* Use about 0.6 s of CPU; SIGPROF every 0.1 s, SIGVTALRM every 0.15 s. */
static void check_cpu_itimers(int round)
{
	int p0 = profs, v0 = vtalrms, np, nv;
	double c0 = cr_now(CLOCK_PROCESS_CPUTIME_ID), cpu;
	volatile unsigned long spin = 0;

	check_itimer(round, "ITIMER_PROF", ITIMER_PROF, 100000);
	check_itimer(round, "ITIMER_VIRTUAL", ITIMER_VIRTUAL, 150000);
	while (cr_now(CLOCK_PROCESS_CPUTIME_ID) - c0 < 0.6)
		for (int i = 0; i < 100000; i++)
			spin++;
	cpu = cr_now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	np = profs - p0;
	nv = vtalrms - v0;
	cr_check(round, np >= (int)(cpu / 0.1) - 2 && np <= (int)(cpu / 0.1) + 2, "itimer-prof-rate",
		 "%d SIGPROFs in %.2f s of CPU (want ~%.0f)", np, cpu, cpu / 0.1);
	cr_check(round, nv >= 1 && nv <= (int)(cpu / 0.15) + 2, "itimer-virtual-rate",
		 "%d SIGVTALRMs in %.2f s of CPU (want 1..%d)", nv, cpu, (int)(cpu / 0.15) + 2);
}

static void *helper(void *arg)
{
	sigset_t s;

	(void)arg;
	helper_tid = syscall(SYS_gettid);
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN + 3);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	for (;;)
		pause();
	return NULL;
}

static timer_t make_timer(clockid_t clk, int notify, int sig, int value,
			  long first_ms, long every_ms)
{
	struct sigevent ev = { 0 };
	struct itimerspec its = {
		.it_value = { first_ms / 1000, (first_ms % 1000) * 1000000L },
		.it_interval = { every_ms / 1000, (every_ms % 1000) * 1000000L },
	};
	timer_t id;

	ev.sigev_notify = notify;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_int = value;
	if (notify == SIGEV_THREAD_ID)
		ev._sigev_un._tid = helper_tid;
	if (timer_create(clk, &ev, &id))
		cr_fail(0, "setup", "timer_create(%d): %s", (int)clk, strerror(errno));
	else if (first_ms && timer_settime(id, 0, &its, NULL))
		cr_fail(0, "setup", "timer_settime: %s", strerror(errno));
	return id;
}

static double ts(const struct timespec *t)
{
	return t->tv_sec + t->tv_nsec / 1e9;
}

static void check_timer(int round, const char *name, timer_t id, long want_id,
			double min_left, double max_left, double *prev,
			double interval)
{
	struct itimerspec cur;
	double left;

	if (timer_gettime(id, &cur)) {
		cr_fail(round, "timer-gettime", "%s (id %ld): %s", name, (long)(intptr_t)id,
			strerror(errno));
		return;
	}
	left = ts(&cur.it_value);
	cr_check(round, (intptr_t)id == want_id, "timer-id", "%s has id %ld (want %ld)",
		 name, (long)(intptr_t)id, want_id);
	cr_check(round, left >= min_left && left <= max_left &&
		 (!prev || left < *prev) && ts(&cur.it_interval) == interval,
		 "timer-setting", "%s: %.3f s left (want %.3f..%.3f%s), interval %.3f (want %.3f)",
		 name, left, min_left, max_left, prev ? ", decreasing" : "",
		 ts(&cur.it_interval), interval);
	if (prev)
		*prev = left;
}

static void check_state(int round)
{
	struct itimerspec cur;
	int a0, b0, n0, n5;
	double m0, dt;
	timer_t probe;

	/*
	 * Armed: some time left.  1 ns is what timer_gettime() reports for
	 * a timer that just expired and whose signal is on its way.
	 */
	check_timer(round, "T0", t0, 0, 0.000000001, 0.1, NULL, 0.1);
	cr_check(round, timer_gettime((timer_t)(intptr_t)gap_id, &cur) && errno == EINVAL,
		 "timer-gap", "deleted timer id %d %s", gap_id,
		 errno == EINVAL ? "is still free" : "exists again");
	check_timer(round, "T2", t2, 2, 3000, 3600, &t2_prev, 0);
	check_timer(round, "T3", t3, 3, 1, 600, &t3_prev, 0);
	check_timer(round, "T4", t4, 4, 0, 0, NULL, 0);
	check_timer(round, "T5", t5, 5, 0.000000001, 0.2, NULL, 0.2);

	a0 = t0_fires;
	b0 = t5_fires;
	m0 = cr_now(CLOCK_MONOTONIC);
	cr_msleep(2000);
	dt = cr_now(CLOCK_MONOTONIC) - m0;
	n0 = t0_fires - a0;
	n5 = t5_fires - b0;
	/* A slow (TCG) node may lag a little. */
	cr_check(round, n0 >= (int)(dt * 10) - 4 && n0 <= (int)(dt * 10) + 2, "t0-rate",
		 "%d signals in %.2f s (want ~%.0f), %d in total", n0, dt, dt * 10, (int)t0_fires);
	cr_check(round, n5 >= (int)(dt * 5) - 3 && n5 <= (int)(dt * 5) + 2 && !t5_wrong_thread,
		 "t5-thread-rate", "%d signals to the helper thread in %.2f s (want ~%.0f), %d to another thread",
		 n5, dt, dt * 5, (int)t5_wrong_thread);
	cr_check(round, !rt_bad_value, "timer-values", "unexpected SIGRTMIN+2 value %d",
		 rt_bad_value);
	cr_check(round, !rt4_got, "t6-still-queued", "SIGRTMIN+4 delivered %d times while blocked",
		 (int)rt4_got);
	check_cpu_itimers(round);

	if (timer_create(CLOCK_MONOTONIC, NULL, &probe)) {
		cr_fail(round, "next-id", "timer_create: %s", strerror(errno));
		return;
	}
	cr_check(round, (intptr_t)probe == next_probe_id, "next-id",
		 "a new timer got id %ld (want %d)", (long)(intptr_t)probe, next_probe_id);
	next_probe_id = (intptr_t)probe + 1;
	timer_delete(probe);
}

static void do_unblock(int round)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN + 4);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	cr_check(round, rt4_got == 1 && rt4_value == 106 && rt4_code == SI_TIMER &&
		 rt4_timerid == (int)(intptr_t)t6, "t6-delivered",
		 "%d deliveries, value %d code %d timerid %d (want 1, 106, %d, %d)",
		 (int)rt4_got, rt4_value, rt4_code, rt4_timerid, SI_TIMER,
		 (int)(intptr_t)t6);
}

static void do_waits(int round)
{
	static uint32_t never_changes;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		double w0 = cr_now(CLOCK_REALTIME);
		int r = poll(NULL, 0, 5000), e = errno;

		cr_line(round, "POLLED wall %.3f ret %d errno %d", cr_now(CLOCK_REALTIME) - w0,
			r, r < 0 ? e : 0);
		_exit(0);
	}
	pid = fork();
	if (pid == 0) {
		struct timespec rel = { 5, 0 };
		double w0 = cr_now(CLOCK_REALTIME);
		long r = syscall(SYS_futex, &never_changes, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0);
		int e = errno;

		cr_line(round, "FUTEXED wall %.3f ret %ld errno %d", cr_now(CLOCK_REALTIME) - w0,
			r, r < 0 ? e : 0);
		_exit(0);
	}
	cr_line(round, "INFO waiters started");
}

static const struct cr_command commands[] = {
	{ "check", check_state },
	{ "unblock", do_unblock },
	{ "waits", do_waits },
};

int main(void)
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_RESTART };
	pthread_t th;
	sigset_t s;
	timer_t gap;

	cr_init_signals();
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_rt2;
	sigaction(SIGRTMIN + 2, &sa, NULL);
	sa.sa_sigaction = on_rt3;
	sigaction(SIGRTMIN + 3, &sa, NULL);
	sa.sa_sigaction = on_rt4;
	sigaction(SIGRTMIN + 4, &sa, NULL);
	signal(SIGALRM, SIG_IGN);
	{
		struct sigaction ct = { .sa_handler = on_cputimer, .sa_flags = SA_RESTART };
		struct itimerval prof = { { 0, 100000 }, { 0, 100000 } };
		struct itimerval virt = { { 0, 150000 }, { 0, 150000 } };

		sigaction(SIGPROF, &ct, NULL);
		sigaction(SIGVTALRM, &ct, NULL);
		setitimer(ITIMER_PROF, &prof, NULL);
		setitimer(ITIMER_VIRTUAL, &virt, NULL);
	}

	/* Only the helper thread takes T5's signal; T6's stays queued. */
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN + 3);
	sigaddset(&s, SIGRTMIN + 4);
	sigprocmask(SIG_BLOCK, &s, NULL);
	pthread_create(&th, NULL, helper, NULL);
	while (!helper_tid)
		cr_msleep(10);

	t0 = make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN + 2, 100, 100, 100);
	gap = make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN + 2, 101, 0, 0);
	gap_id = (intptr_t)gap;
	timer_delete(gap);
	t2 = make_timer(CLOCK_REALTIME, SIGEV_SIGNAL, SIGRTMIN + 2, 102, 3600 * 1000, 0);
	t3 = make_timer(CLOCK_BOOTTIME, SIGEV_NONE, 0, 0, 600 * 1000, 0);
	if (timer_create(CLOCK_MONOTONIC, NULL, &t4))
		cr_fail(0, "setup", "timer_create(NULL): %s", strerror(errno));
	t5 = make_timer(CLOCK_MONOTONIC, SIGEV_THREAD_ID, SIGRTMIN + 3, 105, 200, 200);
	t6 = make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN + 4, 106, 50, 0);
	next_probe_id = (intptr_t)t6 + 1;
	cr_msleep(200);
	sigpending(&s);
	if (!sigismember(&s, SIGRTMIN + 4))
		cr_fail(0, "setup", "T6's signal is not pending");

	cr_line(0, "READY cr-timers pid %d", getpid());
	cr_serve(commands, sizeof(commands) / sizeof(commands[0]));
}
