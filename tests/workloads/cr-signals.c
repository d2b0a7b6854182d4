// SPDX-License-Identifier: GPL-2.0
/*
 * cr-signals: signal state across a checkpoint/restore.  As a VE's init:
 *
 *   - SIGUSR2 blocked and sent to itself: still pending after restore,
 *     delivered (to its handler, on the alternate signal stack) when the
 *     "unblock" command unblocks it;
 *   - two SIGRTMIN+1 queued with sigqueue() values 1001, 1002: both still
 *     queued, delivered in order with their values on "unblock";
 *   - the SIGUSR2 handler's sa_flags (SA_ONSTACK|SA_RESTART|SA_SIGINFO)
 *     and sa_mask (SIGINT, SIGQUIT); SIGPIPE ignored;
 *   - sigaltstack(): the same stack;
 *   - ITIMER_REAL every 200 ms: still armed with the same interval, and
 *     firing at 5 per second (counted over 2 s);
 *   - a child whose ITIMER_REAL (every 100 ms) has fired while it blocks
 *     SIGALRM: the timer waits, not queued, for the pending SIGALRM to be
 *     dequeued to re-arm (getitimer() shows value 0, interval 100 ms).
 *     On "check" it is still in that state, and unblocking SIGALRM
 *     delivers it and re-arms the timer at 10 per second;
 *   - "sleep": a child runs one nanosleep(5 s); the test checkpoints
 *     during it; the child reports how long it took in wall time (it
 *     must end about 5 s + the time the VE was frozen after starting it,
 *     not restart from scratch), and that it was not cut short.
 *
 * Commands: "check", "unblock", "sleep".  See crlib.h.
 */
#include "crlib.h"
#include <sys/mman.h>
#include <sys/time.h>

#define ALT_SIZE	(64 * 1024)
static char altstack[ALT_SIZE] __attribute__((aligned(16)));

static volatile sig_atomic_t usr2_count, usr2_on_alt, alarms;
static volatile int rt_vals[8], rt_count;

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	char here;

	(void)sig; (void)si; (void)uc;
	usr2_count++;
	usr2_on_alt = (&here >= altstack && &here < altstack + ALT_SIZE);
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	if (rt_count < 8)
		rt_vals[rt_count] = si->si_value.sival_int;
	rt_count++;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Shared with the pending-SIGALRM child: the round asked, the round done. */
static volatile int *alarm_req, *alarm_done;

static int alarm_is_pending(void)
{
	sigset_t pend;

	sigpending(&pend);
	return sigismember(&pend, SIGALRM);
}

static void alarm_child_round(int round)
{
	sigset_t s;
	struct itimerval it;
	int a0, n;

	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	getitimer(ITIMER_REAL, &it);
	cr_check(round, alarm_is_pending() && !it.it_value.tv_sec && !it.it_value.tv_usec &&
		 !it.it_interval.tv_sec && it.it_interval.tv_usec == 100000,
		 "itimer-fired-pending", "SIGALRM pending %d, value %ld.%06ld interval %ld.%06ld (want 1, 0, 0.100000)",
		 alarm_is_pending(), (long)it.it_value.tv_sec, (long)it.it_value.tv_usec,
		 (long)it.it_interval.tv_sec, (long)it.it_interval.tv_usec);
	a0 = alarms;
	sigprocmask(SIG_UNBLOCK, &s, NULL);	/* delivers it; dequeueing re-arms */
	cr_msleep(1000);
	sigprocmask(SIG_BLOCK, &s, NULL);
	n = alarms - a0;
	getitimer(ITIMER_REAL, &it);
	/* The pending one plus ~10 in 1 s; a slow (TCG) node may lag. */
	cr_check(round, n >= 6 && n <= 13 && it.it_interval.tv_usec == 100000,
		 "itimer-rearmed", "%d SIGALRMs in 1 s after unblocking (want ~11), interval %ld.%06ld",
		 n, (long)it.it_interval.tv_sec, (long)it.it_interval.tv_usec);
	/* Fired again while blocked: back in the state the next round checks. */
	for (n = 0; n < 100 && !alarm_is_pending(); n++)
		cr_msleep(20);
}

static void __attribute__((noreturn)) alarm_child(void)
{
	struct sigaction al = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 100000 }, { 0, 50000 } };
	sigset_t s;
	int last = 0, i;

	sigaction(SIGALRM, &al, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_BLOCK, &s, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	for (i = 0; i < 100 && !alarm_is_pending(); i++)
		cr_msleep(20);
	*alarm_done = 0;
	for (;;) {
		if (*alarm_req != last) {
			last = *alarm_req;
			alarm_child_round(last);
			*alarm_done = last;
		}
		cr_msleep(20);
	}
}

static void check_alarm_child(int round)
{
	int i;

	*alarm_req = round;
	for (i = 0; i < 1000 && *alarm_done != round; i++)
		cr_msleep(20);
	if (*alarm_done != round)
		cr_fail(round, "itimer-fired-pending", "the child did not answer within 20 s");
}

static void check_state(int round)
{
	sigset_t pend, blk;
	struct sigaction sa;
	stack_t ss;
	struct itimerval it;

	sigpending(&pend);
	sigprocmask(SIG_SETMASK, NULL, &blk);
	cr_check(round, sigismember(&blk, SIGUSR2) && sigismember(&blk, SIGRTMIN + 1),
		 "blocked-mask", "SIGUSR2 %d, SIGRTMIN+1 %d blocked",
		 sigismember(&blk, SIGUSR2), sigismember(&blk, SIGRTMIN + 1));
	cr_check(round, sigismember(&pend, SIGUSR2) && sigismember(&pend, SIGRTMIN + 1),
		 "pending", "SIGUSR2 %d, SIGRTMIN+1 %d pending",
		 sigismember(&pend, SIGUSR2), sigismember(&pend, SIGRTMIN + 1));
	cr_check(round, usr2_count == 0 && rt_count == 0, "not-delivered-early",
		 "usr2 %d rt %d", (int)usr2_count, (int)rt_count);

	sigaction(SIGUSR2, NULL, &sa);
	cr_check(round, sa.sa_sigaction == on_usr2 &&
		 (sa.sa_flags & (SA_ONSTACK | SA_RESTART | SA_SIGINFO)) == (SA_ONSTACK | SA_RESTART | SA_SIGINFO) &&
		 sigismember(&sa.sa_mask, SIGINT) && sigismember(&sa.sa_mask, SIGQUIT) &&
		 !sigismember(&sa.sa_mask, SIGHUP),
		 "handler", "SIGUSR2 action %p (want %p) flags %#x mask INT %d QUIT %d",
		 (void *)sa.sa_sigaction, (void *)on_usr2, (unsigned)sa.sa_flags,
		 sigismember(&sa.sa_mask, SIGINT), sigismember(&sa.sa_mask, SIGQUIT));
	sigaction(SIGPIPE, NULL, &sa);
	cr_check(round, sa.sa_handler == SIG_IGN, "ignored", "SIGPIPE handler %p", (void *)sa.sa_handler);

	sigaltstack(NULL, &ss);
	cr_check(round, ss.ss_sp == altstack && ss.ss_size == ALT_SIZE && !(ss.ss_flags & SS_DISABLE),
		 "sigaltstack", "sp %p size %zu flags %#x (want %p %d)",
		 ss.ss_sp, ss.ss_size, ss.ss_flags, (void *)altstack, ALT_SIZE);

	getitimer(ITIMER_REAL, &it);
	cr_check(round, it.it_interval.tv_sec == 0 && it.it_interval.tv_usec == 200000 &&
		 (it.it_value.tv_sec || it.it_value.tv_usec) && it.it_value.tv_sec == 0,
		 "itimer-armed", "interval %ld.%06ld value %ld.%06ld",
		 (long)it.it_interval.tv_sec, (long)it.it_interval.tv_usec,
		 (long)it.it_value.tv_sec, (long)it.it_value.tv_usec);
	{
		int a0 = alarms, n;
		double t0 = cr_now(CLOCK_MONOTONIC), dt;

		cr_msleep(2000);	/* restarts after each SIGALRM */
		n = alarms - a0;
		dt = cr_now(CLOCK_MONOTONIC) - t0;
		/* 5 per second; a slow (TCG) node may lag a little. */
		cr_check(round, n >= (int)(dt * 5) - 3 && n <= (int)(dt * 5) + 2, "itimer-rate",
			 "%d SIGALRMs in %.2f s (want ~%.0f), %d in total", n, dt, dt * 5, (int)alarms);
	}
	check_alarm_child(round);
}

static void do_unblock(int round)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigaddset(&s, SIGRTMIN + 1);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	/* Delivered on the way out of sigprocmask. */
	cr_check(round, usr2_count == 1, "usr2-delivered", "handler ran %d times", (int)usr2_count);
	cr_check(round, usr2_on_alt, "usr2-on-altstack", "handler %s on the alternate stack",
		 usr2_on_alt ? "ran" : "did not run");
	cr_check(round, rt_count == 2 && rt_vals[0] == 1001 && rt_vals[1] == 1002, "rt-queued",
		 "%d delivered, values %d %d (want 2: 1001 1002)", (int)rt_count, rt_vals[0], rt_vals[1]);
}

static void do_sleep(int round)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec req = { 5, 0 }, rem = { 0, 0 };
		double w0 = cr_now(CLOCK_REALTIME), m0 = cr_now(CLOCK_MONOTONIC), w1, m1;
		int r, e;
		struct itimerval off = { { 0, 0 }, { 0, 0 } };

		setitimer(ITIMER_REAL, &off, NULL);	/* only the checkpoint may interrupt it */
		cr_line(round, "INFO sleeper %d started at %.3f", getpid(), w0);
		r = nanosleep(&req, &rem);
		e = errno;
		w1 = cr_now(CLOCK_REALTIME);
		m1 = cr_now(CLOCK_MONOTONIC);
		cr_line(round, "SLEPT wall %.3f mono %.3f ret %d errno %d rem %ld.%09ld start %.3f end %.3f",
			w1 - w0, m1 - m0, r, r ? e : 0, (long)rem.tv_sec, rem.tv_nsec, w0, w1);
		_exit(0);
	}
	cr_line(round, "INFO sleeper pid %d", pid);
}

static const struct cr_command commands[] = {
	{ "check", check_state },
	{ "unblock", do_unblock },
	{ "sleep", do_sleep },
};

int main(void)
{
	struct sigaction sa = { 0 };
	sigset_t s;
	stack_t ss = { .ss_sp = altstack, .ss_size = ALT_SIZE };
	struct itimerval it = { { 0, 200000 }, { 0, 200000 } };
	union sigval v;

	cr_init_signals();
	if (sigaltstack(&ss, NULL))
		cr_fail(0, "setup", "sigaltstack: %s", strerror(errno));
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_ONSTACK | SA_RESTART | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGQUIT);
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGRTMIN + 1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	{
		struct sigaction al = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };

		sigaction(SIGALRM, &al, NULL);
	}

	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigaddset(&s, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	kill(getpid(), SIGUSR2);
	v.sival_int = 1001;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	v.sival_int = 1002;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	setitimer(ITIMER_REAL, &it, NULL);

	alarm_req = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (alarm_req == MAP_FAILED)
		cr_fail(0, "setup", "mmap: %s", strerror(errno));
	alarm_done = alarm_req + 1;
	*alarm_done = -1;
	if (fork() == 0)
		alarm_child();
	while (*alarm_done < 0)
		cr_msleep(20);

	cr_line(0, "READY cr-signals pid %d", getpid());
	cr_serve(commands, sizeof(commands) / sizeof(commands[0]));
}
