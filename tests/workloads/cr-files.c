// SPDX-License-Identifier: GPL-2.0
/*
 * cr-files: open files and fs state across a checkpoint/restore.  As a
 * VE's init it holds:
 *
 *   fd 3    /var/lib/cr/data (O_RDWR) at offset 12345
 *   fd 4    dup of fd 3 (same description: moving one moves the other)
 *   fd 5    /var/log/cr-append.log (O_WRONLY|O_APPEND)
 *   fd 6    /etc/passwd (O_RDONLY) at offset 5
 *   fd 7    /var/lib/cr (O_DIRECTORY), for openat()
 *   fd 8    /dev/zero, fd 9 /dev/urandom, fd 10 /dev/null (O_CLOEXEC)
 *   fd 100  /var/lib/cr/data again, a separate description at offset 777
 *   fd 2000 /etc/passwd at offset 9, held under RLIMIT_NOFILE raised to
 *           4096, and fd 3000 (/etc/group at offset 3), after which the
 *           soft limit is lowered to 1024: an fd above its own limit
 *   a forked child sharing fd 3's description (the child moves it by 10
 *   on "check"; the parent sees the move)
 *   cwd /var/lib/cr/sub/dir, umask 027
 *
 *   fd 16   an eventfd holding 5; fd 17 an eventfd in semaphore mode
 *           (O_NONBLOCK) holding 3; fd 18 an eventfd (O_NONBLOCK) shared
 *           with the child, which adds 1 to it each round
 *   fd 19   a signalfd (O_NONBLOCK) for SIGUSR2, which this process
 *           blocks and has pending between rounds: each round reads it
 *           from the signalfd, finds no second one, and raises it again
 *   fd 20   a timerfd on CLOCK_MONOTONIC due in an hour; fd 21 one
 *           (O_NONBLOCK) on CLOCK_MONOTONIC every 250 ms; fd 22 one
 *           (O_NONBLOCK) on CLOCK_BOOTTIME that expired once and was not
 *           read (each round reads the one tick and arms it again for
 *           1 ms); fd 23 one on CLOCK_REALTIME, absolute, with
 *           TFD_TIMER_CANCEL_ON_SET, due a day after the setup by the
 *           wall clock; fd 24 one disarmed with an interval of 5 s
 *   fd 25   an epoll instance (O_NONBLOCK) watching fd 16 (level, with
 *           64 bits of data), fd 22 (edge-triggered: each round finds
 *           the edge of the last round's tick, once), fd 26 (a pipe's
 *           read end with data in it, one-shot and fired: not reported
 *           until it is armed again) and an eventfd holding 1 added as
 *           fd 28, which was then moved to fd 29 (the watch keeps the
 *           number 28); fd 30 an epoll instance watching fd 25
 *
 * and file locks (checked from a fresh probe process each round, and in
 * /proc/locks):
 *
 *   POSIX   on lock-posix (fd 15): write lock on bytes 0-99, read lock
 *           on 200-299, write lock from 5000 to end of file (not on the
 *           data file: the checks open and close it, and a process's
 *           close of any fd of a file drops its POSIX locks on it)
 *   flock   exclusive on lock-flock (fd 11); shared on lock-shared
 *           (fd 12), shared too by the locker child through its own open
 *   OFD     on lock-ofd (fd 13): write lock on 10-19, read lock on 30-39
 *   orphan  exclusive flock on lock-orphan (fd 14), taken through the
 *           shared description by a child that has exited since
 *   locker  a child running as uid 1000 holding a POSIX write lock on
 *           bytes 0-9 of its own lock-user; each round it is found
 *           waiting (F_SETLKW) for a read lock on bytes 0-99 of
 *           lock-posix, gets it when this process lets go, and gives it back
 *           so this process can lock again
 *
 * The state is the same after every round.
 *
 * Commands: "check" (any round).  See crlib.h.
 */
#include "crlib.h"

#include <poll.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/resource.h>
#include <sys/timerfd.h>

#define DATA	"/var/lib/cr/data"
#define LOG	"/var/log/cr-append.log"
#define CWD	"/var/lib/cr/sub/dir"

static uint8_t data_byte(off_t off)
{
	return (uint8_t)(off * 7 + off / 251);
}

#define LOCKDIR	"/var/lib/cr/"
#define LOCKER_UID	1000
#define POSIXFD	15

static int want(int fd, int wantfd, const char *what, int round);

/* fcntl lock @cmd of @type on @start, @len (0: to end of file) of @fd. */
static int lock_range(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* What F_GETLK (or F_OFD_GETLK) says of @type on @start, @len of @path. */
static struct flock lock_probe(const char *path, int cmd, short type,
			       off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };
	int fd = open(path, O_RDWR);

	if (fd < 0 || fcntl(fd, cmd, &fl))
		fl.l_type = -1;
	if (fd >= 0)
		close(fd);
	return fl;
}

/* A flock(@how | LOCK_NB) on a new description of @path: 0 or errno. */
static int flock_probe(const char *path, int how)
{
	int fd = open(path, O_RDONLY), r;

	if (fd < 0)
		return -1;
	r = flock(fd, how | LOCK_NB) ? errno : 0;
	close(fd);
	return r;
}

static const char *lock_name(short type)
{
	return type == F_RDLCK ? "read" : type == F_WRLCK ? "write" :
	       type == F_UNLCK ? "none" : "error";
}

#define EXPECT_LOCK(round, name, fl, type, pid)				\
	cr_check(round, (fl).l_type == (type) && ((type) == F_UNLCK ||	\
		 (fl).l_pid == (pid)), name, "%s lock of pid %d, want %s of %d", \
		 lock_name((fl).l_type), (int)(fl).l_pid, lock_name(type), (int)(pid))

/*
 * A process of its own (other owner, other open files) sees every lock
 * as it was; it writes its results and exits.
 */
static void locks_probe(int round, pid_t parent, pid_t locker)
{
	struct flock fl;

	fl = lock_probe(LOCKDIR "lock-posix", F_GETLK, F_RDLCK, 50, 10);
	EXPECT_LOCK(round, "posix-write", fl, F_WRLCK, parent);
	fl = lock_probe(LOCKDIR "lock-posix", F_GETLK, F_WRLCK, 250, 1);
	EXPECT_LOCK(round, "posix-read", fl, F_RDLCK, parent);
	fl = lock_probe(LOCKDIR "lock-posix", F_GETLK, F_RDLCK, 250, 1);
	EXPECT_LOCK(round, "posix-read-shared", fl, F_UNLCK, 0);
	fl = lock_probe(LOCKDIR "lock-posix", F_GETLK, F_WRLCK, 100, 100);
	EXPECT_LOCK(round, "posix-gap", fl, F_UNLCK, 0);
	fl = lock_probe(LOCKDIR "lock-posix", F_GETLK, F_RDLCK, 1 << 30, 1);
	cr_check(round, fl.l_type == F_WRLCK && fl.l_start == 5000 && fl.l_len == 0,
		 "posix-to-eof", "%s lock at %lld+%lld, want write at 5000 to end",
		 lock_name(fl.l_type), (long long)fl.l_start, (long long)fl.l_len);
	fl = lock_probe(LOCKDIR "lock-user", F_GETLK, F_RDLCK, 0, 1);
	EXPECT_LOCK(round, "posix-non-root", fl, F_WRLCK, locker);
	fl = lock_probe(LOCKDIR "lock-ofd", F_OFD_GETLK, F_RDLCK, 15, 1);
	EXPECT_LOCK(round, "ofd-write", fl, F_WRLCK, -1);
	fl = lock_probe(LOCKDIR "lock-ofd", F_OFD_GETLK, F_WRLCK, 30, 10);
	EXPECT_LOCK(round, "ofd-read", fl, F_RDLCK, -1);
	fl = lock_probe(LOCKDIR "lock-ofd", F_OFD_GETLK, F_RDLCK, 30, 10);
	EXPECT_LOCK(round, "ofd-read-shared", fl, F_UNLCK, 0);
	cr_check(round, flock_probe(LOCKDIR "lock-flock", LOCK_SH) == EWOULDBLOCK,
		 "flock-exclusive", "a shared flock: %s", strerror(flock_probe(LOCKDIR "lock-flock", LOCK_SH)));
	cr_check(round, flock_probe(LOCKDIR "lock-shared", LOCK_SH) == 0 &&
		 flock_probe(LOCKDIR "lock-shared", LOCK_EX) == EWOULDBLOCK,
		 "flock-shared", "shared flock granted, exclusive refused");
	cr_check(round, flock_probe(LOCKDIR "lock-orphan", LOCK_SH) == EWOULDBLOCK,
		 "flock-orphan", "a shared flock on lock-orphan refused");
}

/* Inode numbers of the lock files, for /proc/locks. */
static unsigned long file_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (unsigned long)st.st_ino;
}

struct proc_locks {
	int by_parent, by_locker, excl_ok, waiting;
};

/* One read of /proc/locks; false if it cannot be read. */
static bool proc_locks_scan(struct proc_locks *pl, pid_t parent, pid_t locker)
{
	char line[256], what[16], mode[16], type[16], dev[64];
	unsigned long shared = file_ino(LOCKDIR "lock-shared");
	unsigned long excl = file_ino(LOCKDIR "lock-flock");
	FILE *f = fopen("/proc/locks", "r");

	memset(pl, 0, sizeof(*pl));
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');
		unsigned long ino;
		int pid, blocked;

		if (!p)
			continue;
		blocked = !strncmp(p + 1, " ->", 3);
		if (blocked)
			p += 3;
		if (sscanf(p + 1, "%15s %15s %15s %d %63s", what, mode, type,
			   &pid, dev) != 5)
			continue;
		p = strrchr(dev, ':');
		ino = p ? strtoul(p + 1, NULL, 10) : 0;
		if (blocked && !strcmp(what, "POSIX") && pid == locker)
			pl->waiting = 1;
		if (blocked || strcmp(what, "FLOCK"))
			continue;
		if (ino == shared && pid == parent)
			pl->by_parent = 1;
		if (ino == shared && pid == locker)
			pl->by_locker = 1;
		if (ino == excl && pid == parent && !strcmp(type, "WRITE"))
			pl->excl_ok = 1;
	}
	if (!f)
		return false;
	fclose(f);
	return true;
}

/*
 * /proc/locks: the flock locks on lock-shared are this process's and the
 * locker's, the one on lock-flock this process's; the locker waits (it
 * asks again just after the last round: it is given 5 s).
 */
static void locks_proc(int round, pid_t parent, pid_t locker)
{
	struct proc_locks pl;
	bool readable;
	int tries = 0;

	while (!((readable = proc_locks_scan(&pl, parent, locker)) &&
		 pl.waiting) && ++tries < 50)
		cr_msleep(100);
	cr_check(round, readable && pl.by_parent && pl.by_locker && pl.excl_ok,
		 "proc-locks", "flock takers: lock-shared %d/%d (pids %d, %d), lock-flock %d",
		 pl.by_parent, pl.by_locker, (int)parent, (int)locker, pl.excl_ok);
	cr_check(round, pl.waiting, "proc-locks-waiter", "locker %d waiting in F_SETLKW",
		 (int)locker);
}

/*
 * The locker, as uid 1000: its locks, then each round it waits for a
 * read lock on lock-posix (fd @data), says "g" when it has it, gives
 * it back on "r", says "u", and waits for "w" (the parent has its write
 * lock again) before it asks again.
 */
static void locker_main(int data, int to_parent, int from_parent)
{
	int fd;
	char c;

	if (setgid(LOCKER_UID) || setuid(LOCKER_UID))
		cr_fail(0, "setup", "locker setuid: %s", strerror(errno));
	fd = open(LOCKDIR "lock-user", O_RDWR);
	if (fd < 0 || lock_range(fd, F_SETLK, F_WRLCK, 0, 10))
		cr_fail(0, "setup", "locker lock-user: %s", strerror(errno));
	fd = open(LOCKDIR "lock-shared", O_RDONLY);
	if (fd < 0 || flock(fd, LOCK_SH | LOCK_NB))
		cr_fail(0, "setup", "locker lock-shared: %s", strerror(errno));
	if (write(to_parent, "s", 1) != 1)
		_exit(1);
	for (;;) {
		/* "w": this process's write lock is back; wait for it again. */
		if (lock_range(data, F_SETLKW, F_RDLCK, 0, 100)) {
			cr_fail(0, "locker", "F_SETLKW: %s", strerror(errno));
			_exit(1);
		}
		if (write(to_parent, "g", 1) != 1 ||
		    read(from_parent, &c, 1) != 1)
			_exit(1);
		lock_range(data, F_SETLK, F_UNLCK, 0, 100);
		if (write(to_parent, "u", 1) != 1 ||
		    read(from_parent, &c, 1) != 1)
			_exit(1);
	}
}

/* One byte from @fd within @ms, or 0. */
static char read_byte(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c = 0;

	if (poll(&p, 1, ms) == 1 && read(fd, &c, 1) != 1)
		c = 0;
	return c;
}

/*
 * The waiter is still waiting after the restore: its F_SETLKW restarted.
 * This process lets go of bytes 0-99; the locker gets its read lock (so
 * this process cannot write-lock them), gives it back, and this process
 * takes its write lock again.
 */
static void locks_handover(int round, int to_locker, int from_locker)
{
	char c = read_byte(from_locker, 0);

	cr_check(round, !c, "waiter-waits", "locker said '%c' before it could have the lock", c ? c : '-');
	lock_range(POSIXFD, F_SETLK, F_UNLCK, 0, 100);
	c = read_byte(from_locker, 10000);
	cr_check(round, c == 'g', "waiter-wakes", "locker said '%c', want 'g'", c ? c : '-');
	cr_check(round, lock_range(POSIXFD, F_SETLK, F_WRLCK, 0, 100) && errno == EAGAIN,
		 "waiter-holds", "write lock while the locker reads: %s", strerror(errno));
	if (write(to_locker, "r", 1) != 1)
		cr_fail(round, "waiter-release", "%s", strerror(errno));
	c = read_byte(from_locker, 10000);
	cr_check(round, c == 'u' && !lock_range(POSIXFD, F_SETLKW, F_WRLCK, 0, 100),
		 "waiter-gives-back", "locker said '%c', write lock again", c ? c : '-');
	if (write(to_locker, "w", 1) != 1)
		cr_fail(round, "waiter-again", "%s", strerror(errno));
}

/* The locks this process holds (see the top), and the orphan's. */
static void locks_setup(void)
{
	int fd;
	pid_t orphan;

	fd = want(open(LOCKDIR "lock-flock", O_RDWR | O_CREAT, 0644), 11, "lock-flock", 0);
	if (flock(fd, LOCK_EX | LOCK_NB))
		cr_fail(0, "setup", "flock lock-flock: %s", strerror(errno));
	/* Readable by the locker, whatever the umask. */
	fd = want(open(LOCKDIR "lock-shared", O_RDONLY | O_CREAT, 0644), 12, "lock-shared", 0);
	if (fchmod(fd, 0644) || flock(fd, LOCK_SH | LOCK_NB))
		cr_fail(0, "setup", "flock lock-shared: %s", strerror(errno));
	fd = want(open(LOCKDIR "lock-ofd", O_RDWR | O_CREAT, 0644), 13, "lock-ofd", 0);
	if (lock_range(fd, F_OFD_SETLK, F_WRLCK, 10, 10) ||
	    lock_range(fd, F_OFD_SETLK, F_RDLCK, 30, 10))
		cr_fail(0, "setup", "OFD locks: %s", strerror(errno));
	fd = want(open(LOCKDIR "lock-orphan", O_RDWR | O_CREAT, 0644), 14, "lock-orphan", 0);
	orphan = fork();
	if (orphan == 0)
		_exit(flock(14, LOCK_EX | LOCK_NB) ? 1 : 0);
	{
		int status = -1;

		waitpid(orphan, &status, 0);
		if (status)
			cr_fail(0, "setup", "orphan flock: status %d", status);
	}
	fd = want(open(LOCKDIR "lock-posix", O_RDWR | O_CREAT, 0644), POSIXFD, "lock-posix", 0);
	if (fchmod(fd, 0644) ||
	    lock_range(fd, F_SETLK, F_WRLCK, 0, 100) ||
	    lock_range(fd, F_SETLK, F_RDLCK, 200, 100) ||
	    lock_range(fd, F_SETLK, F_WRLCK, 5000, 0))
		cr_fail(0, "setup", "POSIX locks: %s", strerror(errno));
	fd = open(LOCKDIR "lock-user", O_RDWR | O_CREAT, 0644);
	if (fd < 0 || fchown(fd, LOCKER_UID, LOCKER_UID))
		cr_fail(0, "setup", "lock-user: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/*
 * The eventfds: each holds what it held at the start of the round, in
 * its mode, and the one shared with the child has the child's 1.
 */
static void eventfd_check(int round)
{
	uint64_t v = 0, sum = 0;
	int n = 0, fl;

	cr_check(round, read(16, &v, 8) == 8 && v == 5, "eventfd", "counter %llu, want 5",
		 (unsigned long long)v);
	v = 5;
	if (write(16, &v, 8) != 8)
		cr_fail(round, "eventfd-write", "%s", strerror(errno));
	while (n < 5 && read(17, &v, 8) == 8) {
		sum += v;
		n++;
	}
	cr_check(round, n == 3 && sum == 3 && errno == EAGAIN, "eventfd-semaphore",
		 "%d reads of %llu in all before %s, want 3 of 1 before EAGAIN", n,
		 (unsigned long long)sum, strerror(errno));
	v = 3;
	if (write(17, &v, 8) != 8)
		cr_fail(round, "eventfd-write", "%s", strerror(errno));
	v = 0;
	cr_check(round, read(18, &v, 8) == 8 && v == 1, "eventfd-shared",
		 "counter %llu, want the child's 1", (unsigned long long)v);
	fl = fcntl(16, F_GETFL);
	cr_check(round, !(fl & O_NONBLOCK) && (fcntl(17, F_GETFL) & O_NONBLOCK) &&
		 (fcntl(18, F_GETFL) & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDWR,
		 "eventfd-flags", "fd 16 %#x, 17 %#x, 18 %#x", fl, fcntl(17, F_GETFL),
		 fcntl(18, F_GETFL));
}

/* The pending SIGUSR2, read through the signalfd; then pending again. */
static void signalfd_check(int round)
{
	struct signalfd_siginfo si = { 0 };
	ssize_t n = read(19, &si, sizeof(si));
	int again = read(19, &si, sizeof(si)) < 0 ? errno : 0;

	cr_check(round, n == sizeof(si) && si.ssi_signo == SIGUSR2 &&
		 si.ssi_pid == (uint32_t)getpid(), "signalfd",
		 "read %zd: signal %u from pid %u, want SIGUSR2 from %d", n,
		 si.ssi_signo, si.ssi_pid, (int)getpid());
	cr_check(round, again == EAGAIN && (fcntl(19, F_GETFL) & O_NONBLOCK),
		 "signalfd-once", "second read: %s", strerror(again));
	raise(SIGUSR2);
}

/* When fd 23 is due, by the wall clock. */
static time_t timerfd_due;

static long long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void timerfd_arm(int fd, int flags, long long value_ns,
			long long interval_ns)
{
	struct itimerspec its = {
		.it_value = { value_ns / 1000000000, value_ns % 1000000000 },
		.it_interval = { interval_ns / 1000000000,
				 interval_ns % 1000000000 },
	};

	if (timerfd_settime(fd, flags, &its, NULL))
		cr_fail(0, "setup", "timerfd_settime fd %d: %s", fd, strerror(errno));
}

static void timerfd_setup(void)
{
	want(timerfd_create(CLOCK_MONOTONIC, 0), 20, "timerfd", 0);
	timerfd_arm(20, 0, 3600 * 1000000000LL, 0);
	want(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), 21, "timerfd", 0);
	timerfd_arm(21, 0, 250000000, 250000000);
	want(timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK), 22, "timerfd", 0);
	timerfd_arm(22, 0, 1000000, 0);
	want(timerfd_create(CLOCK_REALTIME, 0), 23, "timerfd", 0);
	timerfd_due = time(NULL) + 86400;
	timerfd_arm(23, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
		    timerfd_due * 1000000000LL, 0);
	want(timerfd_create(CLOCK_MONOTONIC, 0), 24, "timerfd", 0);
	timerfd_arm(24, 0, 0, 5000000000LL);
}

/* Waits (at most a second) for fd 22's 1 ms to pass, leaving it unread. */
static void timerfd_wait_tick(int round)
{
	struct pollfd p = { .fd = 22, .events = POLLIN };

	if (poll(&p, 1, 1000) != 1)
		cr_fail(round, "timerfd-tick", "fd 22 did not expire in a second");
}

/*
 * The timers: each on its clock with its flags, due when it was (the
 * hour's less the time the test took, the periodic one within its
 * period, the wall clock's to the second), with the unread tick of fd 22
 * still there to read, and nothing more.
 */
static void timerfd_check(int round)
{
	struct itimerspec t[5];
	uint64_t ticks = 0;
	long long left23;
	int i;

	for (i = 0; i < 5; i++)
		if (timerfd_gettime(20 + i, &t[i]))
			cr_fail(round, "timerfd", "timerfd_gettime fd %d: %s", 20 + i,
				strerror(errno));
	cr_check(round, ts_ns(&t[0].it_value) > 3000 * 1000000000LL &&
		 ts_ns(&t[0].it_value) <= 3600 * 1000000000LL &&
		 !ts_ns(&t[0].it_interval) && !(fcntl(20, F_GETFL) & O_NONBLOCK),
		 "timerfd-oneshot", "fd 20 due in %lld ns, interval %lld, want an hour less the test",
		 ts_ns(&t[0].it_value), ts_ns(&t[0].it_interval));
	cr_check(round, ts_ns(&t[1].it_value) > 0 &&
		 ts_ns(&t[1].it_value) <= 250000000 &&
		 ts_ns(&t[1].it_interval) == 250000000 &&
		 (fcntl(21, F_GETFL) & O_NONBLOCK),
		 "timerfd-periodic", "fd 21 due in %lld ns, interval %lld, want within 250 ms, 250 ms",
		 ts_ns(&t[1].it_value), ts_ns(&t[1].it_interval));
	cr_check(round, read(22, &ticks, 8) == 8 && ticks == 1 &&
		 !ts_ns(&t[2].it_value) && read(22, &ticks, 8) < 0 &&
		 errno == EAGAIN, "timerfd-ticks",
		 "fd 22 read %llu ticks (want the 1 not read), then %s, due in %lld ns",
		 (unsigned long long)ticks, strerror(errno), ts_ns(&t[2].it_value));
	timerfd_arm(22, 0, 1000000, 0);
	left23 = (long long)timerfd_due - time(NULL);
	cr_check(round, t[3].it_value.tv_sec >= left23 - 2 &&
		 t[3].it_value.tv_sec <= left23 + 1 && !ts_ns(&t[3].it_interval),
		 "timerfd-realtime", "fd 23 due in %lld s, want %lld by the wall clock",
		 (long long)t[3].it_value.tv_sec, left23);
	cr_check(round, !ts_ns(&t[4].it_value) &&
		 ts_ns(&t[4].it_interval) == 5000000000LL, "timerfd-disarmed",
		 "fd 24 due in %lld ns, interval %lld, want disarmed with 5 s",
		 ts_ns(&t[4].it_value), ts_ns(&t[4].it_interval));
	timerfd_wait_tick(round);
}

#define EP_DATA16	0x1616161616161616ULL

static void epoll_watch(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		cr_fail(0, "setup", "epoll_ctl(%d, ADD, %d): %s", ep, fd, strerror(errno));
}

/* What epoll_wait() on @ep reports now: a bit per known data value. */
static unsigned int epoll_ready(int ep, int round)
{
	struct epoll_event ev[8];
	unsigned int got = 0;
	int n = epoll_wait(ep, ev, 8, 0);

	for (int i = 0; i < n; i++) {
		uint64_t d = ev[i].data.u64;

		got |= d == EP_DATA16 ? 1 : d == 22 ? 2 : d == 26 ? 4 :
		       d == 28 ? 8 : d == 25 ? 16 : 0x100;
		if (d == 0 || (d == EP_DATA16 && ev[i].events != EPOLLIN))
			cr_fail(round, "epoll-event", "data %#llx events %#x",
				(unsigned long long)d, ev[i].events);
	}
	return n < 0 ? 0x200 : got;
}

static void epoll_setup(void)
{
	int p[2];

	want(epoll_create1(0), 25, "epoll", 0);
	fcntl(25, F_SETFL, O_NONBLOCK);
	epoll_watch(25, 16, EPOLLIN, EP_DATA16);
	epoll_watch(25, 22, EPOLLIN | EPOLLET, 22);
	if (pipe(p) || p[0] != 26 || p[1] != 27 || write(27, "x", 1) != 1)
		cr_fail(0, "setup", "pipe 26/27: %s", strerror(errno));
	epoll_watch(25, 26, EPOLLIN | EPOLLONESHOT, 26);
	want(eventfd(1, 0), 28, "eventfd", 0);
	epoll_watch(25, 28, EPOLLIN, 28);
	if (dup2(28, 29) != 29 || close(28))
		cr_fail(0, "setup", "moving fd 28: %s", strerror(errno));
	{
		/* Into fd 28, free again: moved on to 30. */
		int e = epoll_create1(EPOLL_CLOEXEC);

		if (e < 0 || dup3(e, 30, O_CLOEXEC) != 30 || close(e))
			cr_fail(0, "setup", "epoll fd 30: %s", strerror(errno));
	}
	epoll_watch(30, 25, EPOLLIN, 25);
	/*
	 * Fires the one-shot watch and takes the edge of fd 22's tick; then
	 * a new tick, whose edge the first round finds, as every round
	 * finds the edge of the tick the last one left.
	 */
	epoll_ready(25, 0);
	{
		uint64_t ticks;

		if (read(22, &ticks, 8) != 8)
			cr_fail(0, "setup", "fd 22 has no tick: %s", strerror(errno));
	}
	timerfd_arm(22, 0, 1000000, 0);
	timerfd_wait_tick(0);
}

/*
 * The epoll instances: what each reports, twice (the edge once), the
 * one-shot watch armed again and fired again, the watch of the moved fd
 * by its old number, and the flags.
 */
static void epoll_check(int round)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 26 };
	unsigned int first = epoll_ready(25, round), second = epoll_ready(25, round);
	unsigned int nested = epoll_ready(30, round), armed;
	int del;

	cr_check(round, first == (1 | 2 | 8) && second == (1 | 8), "epoll-ready",
		 "fd 25 reported %#x then %#x, want fds 16, 22 (the edge), 28 (%#x) then 16, 28 (%#x)",
		 first, second, 1 | 2 | 8, 1 | 8);
	cr_check(round, nested == 16, "epoll-nested", "fd 30 reported %#x, want fd 25 (%#x)",
		 nested, 16);
	if (epoll_ctl(25, EPOLL_CTL_MOD, 26, &ev))
		cr_fail(round, "epoll-oneshot", "EPOLL_CTL_MOD fd 26: %s", strerror(errno));
	armed = epoll_ready(25, round);
	second = epoll_ready(25, round);
	cr_check(round, armed == (1 | 4 | 8) && second == (1 | 8), "epoll-oneshot",
		 "armed again, fd 25 reported %#x then %#x, want fd 26 once (%#x, %#x)",
		 armed, second, 1 | 4 | 8, 1 | 8);
	del = epoll_ctl(25, EPOLL_CTL_DEL, 29, NULL) ? errno : 0;
	cr_check(round, del == ENOENT, "epoll-moved-fd",
		 "EPOLL_CTL_DEL of fd 29: %s, want ENOENT (watched as fd 28)",
		 del ? strerror(del) : "done");
	cr_check(round, (fcntl(25, F_GETFL) & O_NONBLOCK) &&
		 !(fcntl(30, F_GETFL) & O_NONBLOCK) && fcntl(30, F_GETFD) == FD_CLOEXEC &&
		 fcntl(25, F_GETFD) == 0, "epoll-flags", "fd 25 %#x/%d, fd 30 %#x/%d",
		 fcntl(25, F_GETFL), fcntl(25, F_GETFD), fcntl(30, F_GETFL),
		 fcntl(30, F_GETFD));
}

static int want(int fd, int wantfd, const char *what, int round)
{
	if (fd != wantfd) {
		cr_fail(round, "setup", "%s got fd %d, want %d", what, fd, wantfd);
		cr_hang();
	}
	return fd;
}

int main(void)
{
	static uint8_t buf[65536];
	char cmd[64], path[256];
	int round = 0, r, fd;
	pid_t child, locker;
	int to_locker, from_locker;
	off_t log_size = 0;

	cr_init_signals();
	mkdir("/var/lib", 0755);
	mkdir("/var/lib/cr", 0755);
	mkdir("/var/lib/cr/sub", 0755);
	mkdir(CWD, 0755);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = data_byte(i);
	unlink(LOG);
	for (fd = 3; fd < 128; fd++)
		close(fd);

	fd = want(open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0644), 3, DATA, 0);
	if (write(fd, buf, sizeof(buf)) != sizeof(buf))
		cr_fail(0, "setup", "write data");
	lseek(fd, 12345, SEEK_SET);
	want(dup(3), 4, "dup", 0);
	want(open(LOG, O_WRONLY | O_APPEND | O_CREAT, 0644), 5, LOG, 0);
	if (write(5, "line 1\n", 7) != 7)
		cr_fail(0, "setup", "write log");
	want(open("/etc/passwd", O_RDONLY), 6, "/etc/passwd", 0);
	lseek(6, 5, SEEK_SET);
	want(open("/var/lib/cr", O_RDONLY | O_DIRECTORY), 7, "dir", 0);
	want(open("/dev/zero", O_RDONLY), 8, "/dev/zero", 0);
	want(open("/dev/urandom", O_RDONLY), 9, "/dev/urandom", 0);
	want(open("/dev/null", O_WRONLY | O_CLOEXEC), 10, "/dev/null", 0);
	fd = open(DATA, O_RDONLY);
	dup2(fd, 100);
	close(fd);
	lseek(100, 777, SEEK_SET);
	{
		struct rlimit rl = { .rlim_cur = 4096, .rlim_max = 4096 };

		if (setrlimit(RLIMIT_NOFILE, &rl))
			cr_fail(0, "setup", "RLIMIT_NOFILE 4096: %s", strerror(errno));
		fd = open("/etc/passwd", O_RDONLY);
		if (fd < 0 || dup2(fd, 2000) != 2000)
			cr_fail(0, "setup", "fd 2000: %s", strerror(errno));
		close(fd);
		lseek(2000, 9, SEEK_SET);
		fd = open("/etc/group", O_RDONLY);
		if (fd < 0 || dup2(fd, 3000) != 3000)
			cr_fail(0, "setup", "fd 3000: %s", strerror(errno));
		close(fd);
		lseek(3000, 3, SEEK_SET);
		rl.rlim_cur = 1024;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			cr_fail(0, "setup", "RLIMIT_NOFILE 1024: %s", strerror(errno));
	}
	if (chdir(CWD))
		cr_fail(0, "setup", "chdir: %s", strerror(errno));
	umask(027);

	locks_setup();
	want(eventfd(5, 0), 16, "eventfd", 0);
	want(eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK), 17, "eventfd", 0);
	want(eventfd(0, EFD_NONBLOCK), 18, "eventfd", 0);
	{
		int up[2], down[2], data;
		char c;

		if (pipe(up) || pipe(down))
			cr_fail(0, "setup", "pipes: %s", strerror(errno));
		locker = fork();
		if (locker == 0) {
			close(up[0]);
			close(down[1]);
			data = open(LOCKDIR "lock-posix", O_RDONLY);
			locker_main(data, up[1], down[0]);
		}
		close(up[1]);
		close(down[0]);
		/* Above the fds the checks use, so the layout stays as it was. */
		from_locker = fcntl(up[0], F_DUPFD_CLOEXEC, 200);
		to_locker = fcntl(down[1], F_DUPFD_CLOEXEC, 200);
		close(up[0]);
		close(down[1]);
		c = read_byte(from_locker, 10000);
		if (c != 's')
			cr_fail(0, "setup", "locker did not start ('%c')", c ? c : '-');
	}

	child = fork();
	if (child == 0) {
		/* Holds fd 3 (shared description); on "check" reads 10 bytes. */
		int cround = 0;

		for (;;) {
			int rr = cr_poll(cround, cmd, sizeof(cmd));

			if (rr) {
				char b[10];

				cround = rr;
				if (read(3, b, 10) != 10)
					cr_fail(rr, "child-read", "child read: %s", strerror(errno));
				cr_line(rr, "INFO child moved fd 3 by 10");
				{
					uint64_t one = 1;

					if (write(18, &one, 8) != 8)
						cr_fail(rr, "child-eventfd", "%s", strerror(errno));
				}
				cr_write_file("/var/run/cr-child-moved", cmd, 1);
			}
			cr_msleep(50);
		}
	}

	{
		sigset_t usr2;

		sigemptyset(&usr2);
		sigaddset(&usr2, SIGUSR2);
		sigprocmask(SIG_BLOCK, &usr2, NULL);
		want(signalfd(-1, &usr2, SFD_NONBLOCK), 19, "signalfd", 0);
		raise(SIGUSR2);
	}
	timerfd_setup();
	timerfd_wait_tick(0);
	epoll_setup();
	log_size = 7;
	cr_line(0, "READY cr-files pid %d child %d locker %d", getpid(), child, locker);
	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (!r) {
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			cr_msleep(100);
			continue;
		}
		round = r;
		{
			off_t p3 = lseek(3, 0, SEEK_CUR), p4 = lseek(4, 0, SEEK_CUR);
			off_t p100 = lseek(100, 0, SEEK_CUR), p6 = lseek(6, 0, SEEK_CUR);
			/* The child reads 10 bytes per round: wait for it. */
			off_t expect3 = 12345 + 10 * round;

			for (int i = 0; i < 50 && access("/var/run/cr-child-moved", F_OK); i++)
				cr_msleep(100);
			unlink("/var/run/cr-child-moved");
			p3 = lseek(3, 0, SEEK_CUR);
			p4 = lseek(4, 0, SEEK_CUR);
			cr_check(round, p3 == expect3 && p4 == p3, "offset-shared",
				 "fd3 %lld fd4 %lld, want %lld (child's read moves both)",
				 (long long)p3, (long long)p4, (long long)expect3);
			cr_check(round, p100 == 777, "offset-separate", "fd100 at %lld, want 777", (long long)p100);
			cr_check(round, p6 == 5, "offset-readonly", "fd6 at %lld, want 5", (long long)p6);
			{
				struct rlimit rl;
				struct stat a, b;
				off_t p2000 = lseek(2000, 0, SEEK_CUR);
				off_t p3000 = lseek(3000, 0, SEEK_CUR);

				cr_check(round, p2000 == 9 && !fstat(2000, &a) &&
					 !stat("/etc/passwd", &b) && a.st_ino == b.st_ino,
					 "fd-2000", "fd 2000 at %lld (want 9), /etc/passwd",
					 (long long)p2000);
				cr_check(round, p3000 == 3 && !fstat(3000, &a) &&
					 !stat("/etc/group", &b) && a.st_ino == b.st_ino,
					 "fd-above-limit", "fd 3000 at %lld (want 3), /etc/group",
					 (long long)p3000);
				cr_check(round, !getrlimit(RLIMIT_NOFILE, &rl) &&
					 rl.rlim_cur == 1024 && rl.rlim_max == 4096,
					 "nofile-limit", "RLIMIT_NOFILE %llu/%llu (want 1024/4096)",
					 (unsigned long long)rl.rlim_cur,
					 (unsigned long long)rl.rlim_max);
			}
			{
				uint8_t b[16];
				int ok = pread(3, b, 16, p3) == 16;

				for (int i = 0; ok && i < 16; i++)
					ok = b[i] == data_byte(p3 + i);
				cr_check(round, ok, "data-contents", "bytes at %lld", (long long)p3);
			}
		}
		{
			int fl3 = fcntl(3, F_GETFL), fl5 = fcntl(5, F_GETFL), fl6 = fcntl(6, F_GETFL);

			cr_check(round, (fl3 & O_ACCMODE) == O_RDWR && (fl5 & O_ACCMODE) == O_WRONLY &&
				 (fl5 & O_APPEND) && (fl6 & O_ACCMODE) == O_RDONLY, "flags",
				 "fd3 %#x fd5 %#x fd6 %#x", fl3, fl5, fl6);
			cr_check(round, fcntl(10, F_GETFD) == FD_CLOEXEC && fcntl(3, F_GETFD) == 0,
				 "cloexec", "fd10 %d fd3 %d", fcntl(10, F_GETFD), fcntl(3, F_GETFD));
		}
		{
			/* O_APPEND: a write lands at the end even after a seek. */
			char line[32];
			struct stat sb;
			int n = snprintf(line, sizeof(line), "line r%d\n", round);

			lseek(5, 0, SEEK_SET);
			if (write(5, line, n) != n)
				cr_fail(round, "append-write", "%s", strerror(errno));
			fstat(5, &sb);
			cr_check(round, sb.st_size == log_size + n, "append", "size %lld want %lld",
				 (long long)sb.st_size, (long long)(log_size + n));
			log_size = sb.st_size;
		}
		{
			char cwd[256];

			cr_check(round, getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, CWD), "cwd",
				 "getcwd %s", getcwd(cwd, sizeof(cwd)) ? cwd : strerror(errno));
			fd = open("../../data", O_RDONLY);
			cr_check(round, fd >= 0, "cwd-relative", "open ../../data: %s", fd < 0 ? strerror(errno) : "ok");
			if (fd >= 0)
				close(fd);
			fd = openat(7, "data", O_RDONLY);
			cr_check(round, fd >= 0, "dirfd", "openat(fd 7, data): %s", fd < 0 ? strerror(errno) : "ok");
			if (fd >= 0)
				close(fd);
		}
		{
			mode_t m = umask(027);

			cr_check(round, m == 027, "umask", "%03o want 027", (unsigned)m);
			snprintf(path, sizeof(path), "umask-probe-%d", round);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
			if (fd >= 0) {
				struct stat sb;

				fstat(fd, &sb);
				close(fd);
				unlink(path);
				cr_check(round, (sb.st_mode & 0777) == 0640, "umask-effect",
					 "new file mode %03o want 640", (unsigned)(sb.st_mode & 0777));
			}
		}
		{
			char z[64];
			int ok = read(8, z, sizeof(z)) == sizeof(z);

			for (size_t i = 0; ok && i < sizeof(z); i++)
				ok = !z[i];
			cr_check(round, ok, "dev-zero", "read fd 8");
			cr_check(round, read(9, z, 16) == 16, "dev-urandom", "read fd 9");
			cr_check(round, write(10, "x", 1) == 1, "dev-null", "write fd 10");
		}
		eventfd_check(round);
		signalfd_check(round);
		epoll_check(round);
		timerfd_check(round);
		{
			pid_t probe = fork();
			int status = -1;

			if (probe == 0) {
				locks_probe(round, getppid(), locker);
				_exit(0);
			}
			waitpid(probe, &status, 0);
			cr_check(round, status == 0, "locks-probe", "status %d", status);
			locks_proc(round, getpid(), locker);
			locks_handover(round, to_locker, from_locker);
		}
		cr_line(round, "DONE");
	}
}
