// SPDX-License-Identifier: GPL-2.0
/*
 * cr-pipes: pipes and FIFOs across checkpoint/restore.  As a VE's init it
 * holds:
 *
 *   data      a pipe with 10000 bytes in it
 *   full      a pipe filled until a non-blocking write would block
 *   resized   a pipe grown to 1 MiB (F_SETPIPE_SZ) holding 300000 bytes
 *             (3000 with the argument "small")
 *   packets   a pipe2(O_DIRECT) pipe holding packets of 100, 200 and 300
 *             bytes, each read back whole
 *   no-writer a pipe whose write end is closed, "bye" still in it: the
 *             reader gets "bye", then end of file
 *   no-reader a pipe whose read end is closed: a write fails with EPIPE
 *   child     a child running as uid 1000, blocked in read() on a pipe it
 *             shares with this process; it answers "ping N" with
 *             "pong N" on a second pipe
 *   FIFOs     /var/lib/cr/fifo-rw open read-write (as sysvinit holds
 *             /run/initctl) with data in it; fifo-pair open once for
 *             reading and once for writing, with data; fifo-rd open for
 *             reading only (no writer: end of file); fifo-wr open for
 *             writing only, with data a later reader gets
 *
 * Every check reads what it expects, compares it byte for byte and puts
 * it back, so the state is the same for the next round.  Flags
 * (O_NONBLOCK, O_DIRECT, close-on-exec) and capacities are checked too.
 * Commands: "check" (any round).  See crlib.h.
 *
 * Arguments: "small" (see resized), "unix": first of all, before any of
 * the pipes above exist, fork and exec cr-unix from the directory of
 * argv[0] (/sbin in a VE) as "cr-unix ctl RFD WFD", with a pipe each
 * way.  This process writes READY once cr-unix said 'r' (set up); each
 * round it writes the round number to cr-unix, does its own checks
 * while cr-unix does its (its lines are "unix-..."), and waits for its
 * 'd' before the round's DONE (check "unix-round").
 */
#include "crlib.h"
#include <poll.h>

#define DIR		"/var/lib/cr"
#define FIFO_RW		DIR "/fifo-rw"
#define FIFO_PAIR	DIR "/fifo-pair"
#define FIFO_RD		DIR "/fifo-rd"
#define FIFO_WR		DIR "/fifo-wr"
#define BIG		(1 << 20)

static uint8_t pattern(unsigned int seed, size_t i)
{
	return (uint8_t)(i * 13 + i / 4099 + seed * 31);
}

static uint8_t iobuf[BIG + 4096];

/* cr-unix beside this process: its round pipe, its answer pipe. */
static int unix_to = -1, unix_from = -1;
static pid_t unix_pid;
#define UNIX_WAIT_MS	40000

static void start_unix(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	char path[256], rfd[16], wfd[16];
	int to[2], from[2];

	snprintf(path, sizeof(path), "%.*scr-unix", slash ? (int)(slash - argv0 + 1) : 0, argv0);
	if (pipe(to) || pipe(from)) {
		cr_fail(0, "unix-start", "pipe: %s", strerror(errno));
		return;
	}
	unix_pid = fork();
	if (unix_pid == 0) {
		close(to[1]);
		close(from[0]);
		snprintf(rfd, sizeof(rfd), "%d", to[0]);
		snprintf(wfd, sizeof(wfd), "%d", from[1]);
		execl(path, path, "ctl", rfd, wfd, (char *)NULL);
		cr_fail(0, "unix-start", "exec %s: %s", path, strerror(errno));
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	if (unix_pid < 0) {
		cr_fail(0, "unix-start", "fork: %s", strerror(errno));
		close(to[1]);
		close(from[0]);
		return;
	}
	unix_to = to[1];
	unix_from = from[0];
	fcntl(unix_to, F_SETFD, FD_CLOEXEC);
	fcntl(unix_from, F_SETFD, FD_CLOEXEC);
}

/* cr-unix's next byte within ms: 0 for none in time, -1 if it is gone. */
static int unix_answer(int ms)
{
	struct pollfd p = { .fd = unix_from, .events = POLLIN };
	char c;

	if (unix_from < 0)
		return -1;
	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(unix_from, &c, 1) == 1 ? c : -1;
}

static void unix_round_start(int round)
{
	char msg[16];
	int len = snprintf(msg, sizeof(msg), "%d\n", round);

	if (unix_to >= 0 && write(unix_to, msg, len) != len)
		cr_fail(round, "unix-round", "telling cr-unix: %s", strerror(errno));
}

static void unix_round_end(int round)
{
	int c;

	if (unix_to < 0) {
		cr_fail(round, "unix-round", "cr-unix did not start");
		return;
	}
	c = unix_answer(UNIX_WAIT_MS);
	cr_check(round, c == 'd', "unix-round", "cr-unix %d answered %s", (int)unix_pid,
		 c == 'd' ? "'d', its checks done" :
		 c < 0 ? "nothing: it is gone" : c ? "something else" : "nothing in 40 s");
}

struct pipe_case {
	const char	*name;
	int		fds[2];
	size_t		len;		/* bytes it holds between rounds */
	unsigned int	seed;
};

static struct pipe_case data_pipe = { "data", { -1, -1 }, 10000, 1 };
static struct pipe_case full_pipe = { "full", { -1, -1 }, 0, 2 };
static struct pipe_case big_pipe = { "resized", { -1, -1 }, 300000, 3 };

static int nonblock(int fd)
{
	return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void fill_pattern(uint8_t *b, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		b[i] = pattern(seed, i);
}

/* Writes len pattern bytes; how many went in before it would block. */
static size_t put(int fd, size_t len, unsigned int seed)
{
	size_t done = 0;

	fill_pattern(iobuf, len, seed);
	while (done < len) {
		ssize_t n = write(fd, iobuf + done, len - done);

		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/* Reads until it would block or end of file (*eof); bytes read. */
static size_t drain(int fd, uint8_t *b, size_t max, int *eof)
{
	size_t got = 0;

	*eof = 0;
	while (got < max) {
		ssize_t n = read(fd, b + got, max - got);

		if (n == 0)
			*eof = 1;
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

static size_t first_bad(const uint8_t *b, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len && b[i] == pattern(seed, i); i++)
		;
	return i;
}

/* A pipe holding pc->len pattern bytes, read end non-blocking. */
static void check_pipe(int round, struct pipe_case *pc, int want_size)
{
	int size = fcntl(pc->fds[0], F_GETPIPE_SZ), eof;
	size_t got = drain(pc->fds[0], iobuf, sizeof(iobuf), &eof);
	size_t bad = first_bad(iobuf, got, pc->seed);

	cr_result(round, bad == got && got == pc->len && size == want_size, pc->name,
	       "%zu bytes (want %zu), first wrong at %zu, size %d (want %d)",
	       got, pc->len, bad, size, want_size);
	if (put(pc->fds[1], pc->len, pc->seed) != pc->len)
		cr_fail(round, "refill", "%s: %s", pc->name, strerror(errno));
}

static int packets[2] = { -1, -1 };
static const size_t packet_len[] = { 100, 200, 300 };

static void put_packets(void)
{
	for (size_t i = 0; i < 3; i++) {
		fill_pattern(iobuf, packet_len[i], 10 + i);
		if (write(packets[1], iobuf, packet_len[i]) != (ssize_t)packet_len[i])
			cr_fail(0, "packets", "write packet %zu: %s", i, strerror(errno));
	}
}

static void check_packets(int round)
{
	int ok = 1, fl = fcntl(packets[1], F_GETFL);
	char detail[128] = "";

	for (size_t i = 0; ok && i < 3; i++) {
		/* A packet comes whole, alone, however much is asked for. */
		ssize_t n = read(packets[0], iobuf, 4096);

		ok = n == (ssize_t)packet_len[i] &&
		     first_bad(iobuf, n, 10 + i) == (size_t)n;
		if (!ok)
			snprintf(detail, sizeof(detail), "packet %zu: read %zd, want %zu",
				 i, n, packet_len[i]);
	}
	if (ok && !(fl & O_DIRECT))
		snprintf(detail, sizeof(detail), "write end flags %#x: no O_DIRECT", fl), ok = 0;
	cr_check(round, ok, "packets", "%s", ok ? "100, 200, 300 bytes, O_DIRECT" : detail);
	put_packets();
}

static int no_writer = -1, no_writer_read;
static int no_reader = -1;

static void check_half_closed(int round)
{
	char b[16];
	ssize_t n;

	if (!no_writer_read) {
		n = read(no_writer, b, sizeof(b));
		cr_check(round, n == 3 && !memcmp(b, "bye", 3), "no-writer-data",
			 "read %zd bytes", n);
		no_writer_read = 1;
	}
	n = read(no_writer, b, sizeof(b));
	cr_check(round, n == 0, "no-writer-eof", "read %zd (want 0: end of file)", n);
	errno = 0;
	n = write(no_reader, "x", 1);
	cr_check(round, n < 0 && errno == EPIPE, "no-reader",
		 "write %zd, %s (want EPIPE)", n, strerror(errno));
}

/* To and from the child, which runs as uid 1000. */
static int ping[2] = { -1, -1 }, pong[2] = { -1, -1 };
static pid_t child;

static void __attribute__((noreturn)) child_main(void)
{
	char b[64];

	close(ping[1]);
	close(pong[0]);
	if (unix_to >= 0) {
		close(unix_to);
		close(unix_from);
	}
	if (setgid(1000) || setuid(1000))
		_exit(2);
	for (;;) {
		/* Blocked here across the checkpoint. */
		ssize_t n = read(ping[0], b, sizeof(b) - 1);
		char reply[80];
		int len;

		if (n <= 0)
			_exit(n == 0 ? 0 : 3);
		b[n] = 0;
		len = snprintf(reply, sizeof(reply), "pong %s uid %d",
			       b + 5, (int)getuid());
		if (write(pong[1], reply, len) != len)
			_exit(4);
	}
}

static void check_child(int round)
{
	char msg[32], want[80], b[80] = "";
	int len = snprintf(msg, sizeof(msg), "ping %d", round);
	ssize_t n = -1;

	snprintf(want, sizeof(want), "pong %d uid 1000", round);
	if (write(ping[1], msg, len) == len) {
		for (int i = 0; i < 100 && n < 0; i++) {
			n = read(pong[0], b, sizeof(b) - 1);
			if (n < 0)
				cr_msleep(50);
		}
	}
	if (n > 0)
		b[n] = 0;
	cr_check(round, !strcmp(b, want), "child", "got \"%s\", want \"%s\"", b, want);
}

static int fifo_rw = -1, fifo_in = -1, fifo_out = -1, fifo_rd = -1;
static int fifo_wr = -1;

static void check_fifo_data(int round, const char *name, int rfd, int wfd,
			    size_t len, unsigned int seed)
{
	int eof;
	size_t got = drain(rfd, iobuf, sizeof(iobuf), &eof);

	cr_result(round, got == len && first_bad(iobuf, got, seed) == got, name,
	       "%zu bytes (want %zu)", got, len);
	if (put(wfd, len, seed) != len)
		cr_fail(round, "refill", "%s: %s", name, strerror(errno));
}

static void check_fifos(int round)
{
	char b[8];
	ssize_t n;
	int rd;

	check_fifo_data(round, "fifo-rw", fifo_rw, fifo_rw, 5000, 20);
	check_fifo_data(round, "fifo-pair", fifo_in, fifo_out, 700, 21);
	n = read(fifo_rd, b, sizeof(b));
	cr_check(round, n == 0, "fifo-read-only", "read %zd (want 0: no writer)", n);
	errno = 0;
	n = write(fifo_wr, "x", 1);
	cr_check(round, n < 0 && errno == EPIPE, "fifo-write-only",
		 "write %zd, %s (want EPIPE: no reader)", n, strerror(errno));
	/* Its data waits for a reader. */
	rd = open(FIFO_WR, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rd < 0) {
		cr_fail(round, "fifo-write-only-data", "open: %s", strerror(errno));
		return;
	}
	check_fifo_data(round, "fifo-write-only-data", rd, fifo_wr, 123, 22);
	close(rd);
	{
		int fl_rw = fcntl(fifo_rw, F_GETFL), fl_in = fcntl(fifo_in, F_GETFL);
		int fl_out = fcntl(fifo_out, F_GETFL), fd_out = fcntl(fifo_out, F_GETFD);

		cr_check(round, (fl_rw & O_ACCMODE) == O_RDWR && (fl_rw & O_NONBLOCK) &&
			 (fl_in & O_ACCMODE) == O_RDONLY && (fl_in & O_NONBLOCK) &&
			 (fl_out & O_ACCMODE) == O_WRONLY && !(fl_out & O_NONBLOCK) &&
			 fd_out == FD_CLOEXEC, "fifo-flags",
			 "rw %#x in %#x out %#x (cloexec %d)", fl_rw, fl_in, fl_out, fd_out);
	}
}

static void check_flags(int round)
{
	int r = fcntl(data_pipe.fds[0], F_GETFL), w = fcntl(data_pipe.fds[1], F_GETFL);
	int pr = fcntl(ping[0], F_GETFL), pw = fcntl(ping[1], F_GETFL);

	cr_check(round, (r & O_ACCMODE) == O_RDONLY && (r & O_NONBLOCK) &&
		 (w & O_ACCMODE) == O_WRONLY && !(w & O_NONBLOCK) &&
		 !(pr & O_NONBLOCK) && (pw & O_NONBLOCK) &&
		 fcntl(data_pipe.fds[1], F_GETFD) == FD_CLOEXEC, "flags",
		 "data %#x/%#x ping %#x/%#x", r, w, pr, pw);
}

static void check(int round)
{
	int full;

	unix_round_start(round);
	check_pipe(round, &data_pipe, 65536);
	/* Still full: not one more byte goes in. */
	full = write(full_pipe.fds[1], "x", 1) < 0 && errno == EAGAIN;
	cr_check(round, full, "full-still", "a write %s", full ? "would block" : "went in");
	check_pipe(round, &full_pipe, 65536);
	check_pipe(round, &big_pipe, BIG);
	check_packets(round);
	check_half_closed(round);
	check_child(round);
	check_fifos(round);
	check_flags(round);
	if (unix_pid)
		unix_round_end(round);
}

static void make_pipe(int fds[2], int flags, const char *what)
{
	if (pipe2(fds, flags)) {
		cr_fail(0, "setup", "pipe %s: %s", what, strerror(errno));
		cr_hang();
	}
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		cr_fail(0, "setup", "open %s: %s", path, strerror(errno));
		cr_hang();
	}
	return fd;
}

static void setup_fifos(void)
{
	int rd;

	mkdir("/var/lib", 0755);
	mkdir(DIR, 0755);
	unlink(FIFO_RW);
	unlink(FIFO_PAIR);
	unlink(FIFO_RD);
	unlink(FIFO_WR);
	if (mkfifo(FIFO_RW, 0600) || mkfifo(FIFO_PAIR, 0644) ||
	    mkfifo(FIFO_RD, 0644) || mkfifo(FIFO_WR, 0644))
		cr_fail(0, "setup", "mkfifo: %s", strerror(errno));
	fifo_rw = open_or_die(FIFO_RW, O_RDWR | O_NONBLOCK);
	put(fifo_rw, 5000, 20);
	fifo_in = open_or_die(FIFO_PAIR, O_RDONLY | O_NONBLOCK);
	fifo_out = open_or_die(FIFO_PAIR, O_WRONLY | O_CLOEXEC);
	put(fifo_out, 700, 21);
	fifo_rd = open_or_die(FIFO_RD, O_RDONLY | O_NONBLOCK);
	rd = open_or_die(FIFO_WR, O_RDONLY | O_NONBLOCK);
	fifo_wr = open_or_die(FIFO_WR, O_WRONLY | O_NONBLOCK);
	put(fifo_wr, 123, 22);
	close(rd);
}

int main(int argc, char **argv)
{
	static const struct cr_command cmds[] = { { "check", check } };
	int fds[2], c = 0;

	cr_init_signals();
	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "small"))
			big_pipe.len = 3000;
		else if (!strcmp(argv[i], "unix"))
			start_unix(argv[0]);
	}

	make_pipe(data_pipe.fds, 0, "data");
	nonblock(data_pipe.fds[0]);
	fcntl(data_pipe.fds[1], F_SETFD, FD_CLOEXEC);
	put(data_pipe.fds[1], data_pipe.len, data_pipe.seed);

	make_pipe(full_pipe.fds, O_NONBLOCK, "full");
	full_pipe.len = put(full_pipe.fds[1], sizeof(iobuf), full_pipe.seed);

	make_pipe(big_pipe.fds, O_NONBLOCK, "resized");
	if (fcntl(big_pipe.fds[0], F_SETPIPE_SZ, BIG) != BIG)
		cr_fail(0, "setup", "F_SETPIPE_SZ %d: %s", BIG, strerror(errno));
	put(big_pipe.fds[1], big_pipe.len, big_pipe.seed);

	make_pipe(packets, O_DIRECT | O_NONBLOCK, "packets");
	put_packets();

	make_pipe(fds, 0, "no-writer");
	if (write(fds[1], "bye", 3) != 3)
		cr_fail(0, "setup", "write bye: %s", strerror(errno));
	close(fds[1]);
	no_writer = fds[0];
	make_pipe(fds, 0, "no-reader");
	close(fds[0]);
	no_reader = fds[1];

	make_pipe(ping, 0, "ping");
	make_pipe(pong, O_NONBLOCK, "pong");
	nonblock(ping[1]);
	child = fork();
	if (child == 0)
		child_main();
	close(pong[1]);
	/* The parent keeps ping[0] too: the child's read end is shared. */

	setup_fifos();
	if (unix_pid > 0 && (c = unix_answer(UNIX_WAIT_MS)) != 'r')
		cr_fail(0, "unix-start", "cr-unix %d: %s", (int)unix_pid,
			c < 0 ? "exited before it was set up" : "not set up in 40 s");
	cr_line(0, "READY cr-pipes pid %d child %d full %zu resized %zu%s", getpid(),
		(int)child, full_pipe.len, big_pipe.len,
		unix_pid > 0 && c == 'r' ? ", cr-unix set up" : "");
	cr_serve(cmds, 1);
}
