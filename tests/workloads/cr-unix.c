// SPDX-License-Identifier: GPL-2.0
/*
 * cr-unix: unix sockets of every kind across checkpoint/restore.  It runs
 * beside cr-pipes in the same VE (cr-pipes started with the argument
 * "unix" forks and execs it as "cr-unix ctl RFD WFD", tells it each round
 * on a pipe and writes the round's DONE once it answered), or alone, as
 * a VE's init or on the host, answering the trigger itself (crlib.h).
 * Its check names all start with "unix-".  Set up once, it holds:
 *
 *   stream      a socketpair, 5000 bytes queued A->B in writes of 1000,
 *               1500, 700 and 1900 bytes of which B read the first 100,
 *               and 3000 B->A (1200, 800, 1000)
 *   seqpacket   a socketpair, messages of 10, 200 and 3000 bytes A->B
 *               (the last read with MSG_TRUNC into 1000 bytes), 55 B->A
 *   dgram pair  a socketpair, messages of 1, 500, 64 bytes A->B and of
 *               33, 1024 bytes B->A
 *   listen      a listener at /var/lib/cr/unix-listen (backlog 5) with
 *               two connections not yet accepted, the first of which
 *               sent "hello1"; each round accepts them (the accepted
 *               socket's name is the path), talks both ways, counts how
 *               many connections it queues before a connect() would
 *               block (as at set-up), and connects two new ones
 *   conn        a connection accepted from that listener whose client
 *               end a child holds, running as uid/gid 1000 (groups
 *               1000), blocked in recv() on a seqpacket control socket:
 *               1500 bytes queued to it, 700 from it; SO_PEERCRED,
 *               SO_PEERGROUPS; on "ping N" it reads its 1500 bytes,
 *               answers "pong N ..." and queues 700 bytes again
 *   dgram       a datagram socket bound to "\0cr-unix-dgram" with
 *               SO_PASSCRED, holding a datagram from a sender bound to
 *               /var/lib/cr/unix-sender, one from an unbound sender, one
 *               from the uid-1000 child, and from a sender bound to
 *               /var/lib/cr/unix-gone that was closed after sending: 6
 *               at set-up, one fewer each round (a round reads them all
 *               and, as a closed sender cannot send again, binds a new
 *               one to the path, queues all but the first it read and
 *               closes it; 6 again after the last); source addresses
 *               and SCM_CREDENTIALS are checked
 *   shutdown    a stream pair whose A did shutdown(SHUT_WR) after 777
 *               bytes (B then got 321 bytes to A); a stream socket whose
 *               peer was closed after sending it 555 bytes
 *   unlinked    a datagram socket bound to /var/lib/cr/unix-unlinked,
 *               since unlinked, that an unbound socket is connected to
 *   options     SO_SNDBUF, SO_RCVBUF, SO_SNDTIMEO, SO_PRIORITY, the flag
 *               options (SO_REUSEADDR, KEEPALIVE, OOBINLINE, DONTROUTE) and
 *               O_NONBLOCK on the stream pair's A, SO_RCVTIMEO (300 ms:
 *               a recv() waits that long) and close-on-exec on its B,
 *               SO_PASSCRED on the dgram socket and not on A
 *   full        a non-blocking stream pair filled until EAGAIN
 *   dgram-conn  a datagram socket bound to "\0cr-unix-conn-snd" and
 *               connect()ed to one bound to /var/lib/cr/unix-conn-rcv,
 *               which is not connected back; a datagram of it queued
 *   shared      a stream socket whose fd a child inherited (blocked in
 *               recv() on it; it echoes) and that this process dup()ed
 *   threads     a thread blocked in accept() on a listener bound to
 *               "\0cr-unix-thread", another blocked in recv() on a
 *               socketpair; each round wakes both
 *
 * Every check compares bytes, lengths, addresses, pids, uids and puts
 * the state back, so the next round (after a restore or a migration)
 * finds it the same.  At set-up it writes "INFO unix-sockets N": the
 * unix sockets it and its children hold, with the two not accepted.
 */
#include "crlib.h"

#include <dirent.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/sockios.h>

#define CRDIR		"/var/lib/cr"
#define LISTEN_PATH	CRDIR "/unix-listen"
#define SENDER_PATH	CRDIR "/unix-sender"
#define GONE_PATH	CRDIR "/unix-gone"
#define UNLINKED_PATH	CRDIR "/unix-unlinked"
#define CONNRCV_PATH	CRDIR "/unix-conn-rcv"
#define DGRAM_ABS	"cr-unix-dgram"
#define CONNSND_ABS	"cr-unix-conn-snd"
#define THREAD_ABS	"cr-unix-thread"
#define USER_ID		1000
#define GONE_MSGS	6	/* one per round: 67-pipes has 4 rounds */
#define PONG_LEN	160
#define Q_TO_CHILD	1500
#define Q_TO_SERVER	700

static uint8_t iobuf[1 << 19];
static pid_t me;

static void __attribute__((format(printf, 1, 2))) setup_fail(const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	cr_fail(0, "unix-setup", "%s", detail);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- bytes ---- */

static uint8_t pat(unsigned int seed, size_t i)
{
	return (uint8_t)(i * 7 + i / 251 + seed * 37 + 11);
}

static void fill(uint8_t *b, size_t off, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		b[i] = pat(seed, off + i);
}

/* Index of the first byte that is not pattern @seed from @off, or len. */
static size_t first_bad(const uint8_t *b, size_t off, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len && b[i] == pat(seed, off + i); i++)
		;
	return i;
}

/* Sends all of @len pattern bytes (stream offset @off); bytes sent. */
static size_t send_pat(int fd, size_t off, size_t len, unsigned int seed)
{
	size_t done = 0;

	fill(iobuf, off, len, seed);
	while (done < len) {
		ssize_t n = send(fd, iobuf + done, len - done, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

static int send_str(int fd, const char *s)
{
	size_t len = strlen(s);

	return send(fd, s, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Reads what is queued (MSG_DONTWAIT) until EAGAIN or end of file. */
static size_t drain(int fd, uint8_t *b, size_t max, int *eof)
{
	size_t got = 0;

	*eof = 0;
	while (got < max) {
		ssize_t n = recv(fd, b + got, max - got, MSG_DONTWAIT);

		if (n == 0)
			*eof = 1;
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

/* Exactly @len bytes within @ms (less on end of file or timeout). */
static size_t recv_exact(int fd, void *buf, size_t len, int ms)
{
	double end = cr_now(CLOCK_MONOTONIC) + ms / 1000.0;
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)((end - cr_now(CLOCK_MONOTONIC)) * 1000);
		ssize_t n;

		if (left < 0 || poll(&p, 1, left) != 1)
			break;
		n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break;
		if (n > 0)
			got += n;
	}
	return got;
}

/* One message (or what a stream gives at once) within @ms, NUL-ended. */
static ssize_t recv_msg(int fd, char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	buf[0] = 0;
	if (poll(&p, 1, ms) != 1)
		return -1;
	n = recv(fd, buf, len - 1, MSG_DONTWAIT);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static int inq(int fd)
{
	int n = -1;

	if (ioctl(fd, SIOCINQ, &n))
		return -1;
	return n;
}

/* ---- addresses ---- */

static socklen_t mkaddr(struct sockaddr_un *a, const char *name, int abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (abstract) {
		memcpy(a->sun_path + 1, name, strlen(name));
		return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
	}
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", name);
	/* What the kernel reports for a path: with its NUL. */
	return offsetof(struct sockaddr_un, sun_path) + strlen(name) + 1;
}

/* Is (a, len) exactly the address @name (NULL: unbound, len @unbound)? */
static int addr_is(const struct sockaddr_un *a, socklen_t len, const char *name,
		   int abstract)
{
	struct sockaddr_un w;
	socklen_t wl = mkaddr(&w, name, abstract);

	return len == wl && !memcmp(a, &w, wl);
}

static const char *addr_str(const struct sockaddr_un *a, socklen_t len, char *buf,
			    size_t sz)
{
	size_t plen;

	if (len <= offsetof(struct sockaddr_un, sun_path)) {
		snprintf(buf, sz, "unbound(len %u)", (unsigned int)len);
		return buf;
	}
	plen = len - offsetof(struct sockaddr_un, sun_path);
	if (a->sun_path[0] == 0)
		snprintf(buf, sz, "@%.*s(len %u)", (int)plen - 1, a->sun_path + 1,
			 (unsigned int)len);
	else
		snprintf(buf, sz, "%.*s(len %u)", (int)strnlen(a->sun_path, plen),
			 a->sun_path, (unsigned int)len);
	return buf;
}

/* getsockname(), or getpeername() with @peer; its string in buf. */
static int name_is(int fd, int peer, const char *name, int abstract, char *buf,
		   size_t sz)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	int r = peer ? getpeername(fd, (struct sockaddr *)&a, &len) :
		       getsockname(fd, (struct sockaddr *)&a, &len);

	if (r) {
		snprintf(buf, sz, "%s: %s", peer ? "getpeername" : "getsockname",
			 strerror(errno));
		return 0;
	}
	addr_str(&a, len, buf, sz);
	if (!name)
		return len == offsetof(struct sockaddr_un, sun_path);
	return addr_is(&a, len, name, abstract);
}

static int sock_bound(int type, const char *name, int abstract)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, name, abstract);
	int fd = socket(AF_UNIX, type, 0);

	if (!abstract)
		unlink(name);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len)) {
		setup_fail("bind %s%s: %s", abstract ? "@" : "", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int sock_connect(int fd, const char *name, int abstract)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, name, abstract);

	return connect(fd, (struct sockaddr *)&a, len);
}

static ssize_t send_to(int fd, const void *buf, size_t n, const char *name, int abstract)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, name, abstract);

	return sendto(fd, buf, n, MSG_NOSIGNAL, (struct sockaddr *)&a, len);
}

static void pair(int type, int fds[2], const char *what)
{
	if (socketpair(AF_UNIX, type, 0, fds)) {
		setup_fail("socketpair %s: %s", what, strerror(errno));
		fds[0] = fds[1] = -1;
	}
}

static int peercred(int fd, struct ucred *uc)
{
	socklen_t len = sizeof(*uc);

	memset(uc, 0, sizeof(*uc));
	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, uc, &len) ? -1 : 0;
}

static int getint(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len))
		return -1;
	return v;
}

static long timeo_us(int fd, int opt)
{
	struct timeval tv = { -1, 0 };
	socklen_t len = sizeof(tv);

	if (getsockopt(fd, SOL_SOCKET, opt, &tv, &len))
		return -1;
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

/* A child keeps only these fds (and 0-2). */
static void keep_only(const int *keep, int n)
{
	for (int fd = 3; fd < 1024; fd++) {
		int k;

		for (k = 0; k < n && keep[k] != fd; k++)
			;
		if (k == n)
			close(fd);
	}
}

/* ---- 1, 9: the stream pair and the options on it ---- */

static int st[2] = { -1, -1 };
static const size_t st_ab[] = { 1000, 1500, 700, 1900 };	/* 5100 */
static const size_t st_ba[] = { 1200, 800, 1000 };		/* 3000 */
#define ST_READ		100
#define ST_AB		5000
#define ST_BA		3000
#define ST_SEED_AB	101
#define ST_SEED_BA	102

/* Queues A->B and B->A and reads the first 100 bytes at B; 0 if right. */
static int stream_put(int round)
{
	size_t off = 0, got;

	for (size_t i = 0; i < sizeof(st_ab) / sizeof(st_ab[0]); i++)
		off += send_pat(st[0], off, st_ab[i], ST_SEED_AB);
	for (size_t i = 0, o = 0; i < sizeof(st_ba) / sizeof(st_ba[0]); i++)
		o += send_pat(st[1], o, st_ba[i], ST_SEED_BA);
	got = recv(st[1], iobuf, ST_READ, MSG_DONTWAIT) == ST_READ ? ST_READ : 0;
	if (off != ST_AB + ST_READ || got != ST_READ ||
	    first_bad(iobuf, 0, got, ST_SEED_AB) != got) {
		cr_fail(round, "unix-stream-refill", "wrote %zu (want %d), read %zu back",
			off, ST_AB + ST_READ, got);
		return -1;
	}
	return 0;
}

static void check_stream(int round)
{
	int in_b = inq(st[1]), in_a = inq(st[0]), eof;
	size_t got, bad;
	struct ucred uc;
	double t0, waited;
	ssize_t n;

	cr_result(round, in_b == ST_AB && in_a == ST_BA, "unix-stream-inq",
	       "SIOCINQ B %d (want %d), A %d (want %d)", in_b, ST_AB, in_a, ST_BA);
	got = drain(st[1], iobuf, sizeof(iobuf), &eof);
	bad = first_bad(iobuf, ST_READ, got, ST_SEED_AB);
	cr_result(round, got == ST_AB && bad == got && !eof, "unix-stream-a-to-b",
	       "%zu bytes (want %d, the rest of 4 writes after 100 read), first wrong at %zu%s",
	       got, ST_AB, bad, eof ? ", end of file" : "");
	got = drain(st[0], iobuf, sizeof(iobuf), &eof);
	bad = first_bad(iobuf, 0, got, ST_SEED_BA);
	cr_result(round, got == ST_BA && bad == got && !eof, "unix-stream-b-to-a",
	       "%zu bytes (want %d), first wrong at %zu", got, ST_BA, bad);
	peercred(st[0], &uc);
	cr_result(round, uc.pid == me && uc.uid == 0 && uc.gid == 0, "unix-stream-peercred",
	       "A's peer pid %d uid %d gid %d (want %d 0 0: the pair's creator)",
	       (int)uc.pid, (int)uc.uid, (int)uc.gid, (int)me);
	/* B is blocking with SO_RCVTIMEO 300 ms: an empty B waits that long. */
	t0 = cr_now(CLOCK_MONOTONIC);
	errno = 0;
	n = recv(st[1], iobuf, 1, 0);
	waited = cr_now(CLOCK_MONOTONIC) - t0;
	cr_result(round, n < 0 && errno == EAGAIN && waited > 0.25 && waited < 2.0,
	       "unix-opt-rcvtimeo-waits", "recv on empty B: %zd, %s after %.3f s (want EAGAIN after 0.3 s)",
	       n, strerror(errno), waited);
	stream_put(round);
}

static struct {
	int sndbuf, rcvbuf, prio;
	long sndtimeo, rcvtimeo;
} opts;

static void options_setup(void)
{
	int v;
	struct timeval tv;

	v = 40000;
	setsockopt(st[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	v = 30000;
	setsockopt(st[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	v = 3;
	setsockopt(st[0], SOL_SOCKET, SO_PRIORITY, &v, sizeof(v));
	tv = (struct timeval){ 1, 700000 };
	setsockopt(st[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	tv = (struct timeval){ 0, 300000 };
	setsockopt(st[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	fcntl(st[0], F_SETFL, fcntl(st[0], F_GETFL) | O_NONBLOCK);
	fcntl(st[1], F_SETFD, FD_CLOEXEC);
	/* Flag options, set on A only; B keeps them off. */
	v = 1;
	setsockopt(st[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
	setsockopt(st[0], SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v));
	setsockopt(st[0], SOL_SOCKET, SO_OOBINLINE, &v, sizeof(v));
	setsockopt(st[0], SOL_SOCKET, SO_DONTROUTE, &v, sizeof(v));
	opts.sndbuf = getint(st[0], SO_SNDBUF);
	opts.rcvbuf = getint(st[0], SO_RCVBUF);
	opts.prio = getint(st[0], SO_PRIORITY);
	opts.sndtimeo = timeo_us(st[0], SO_SNDTIMEO);
	opts.rcvtimeo = timeo_us(st[1], SO_RCVTIMEO);
	if (opts.sndbuf != 80000 || opts.rcvbuf != 60000 || opts.prio != 3 ||
	    opts.sndtimeo != 1700000 || opts.rcvtimeo != 300000)
		setup_fail("options read back: sndbuf %d rcvbuf %d prio %d sndtimeo %ld rcvtimeo %ld us",
			   opts.sndbuf, opts.rcvbuf, opts.prio, opts.sndtimeo, opts.rcvtimeo);
}

static int dg_rcv = -1;	/* (6) */

static void check_options(int round)
{
	int snd = getint(st[0], SO_SNDBUF), rcv = getint(st[0], SO_RCVBUF);
	int prio = getint(st[0], SO_PRIORITY);
	long sndt = timeo_us(st[0], SO_SNDTIMEO), rcvt = timeo_us(st[1], SO_RCVTIMEO);
	long a_rcvt = timeo_us(st[0], SO_RCVTIMEO), b_sndt = timeo_us(st[1], SO_SNDTIMEO);
	int pc_dg = getint(dg_rcv, SO_PASSCRED), pc_a = getint(st[0], SO_PASSCRED);
	int fa = fcntl(st[0], F_GETFL), fb = fcntl(st[1], F_GETFL);
	int da = fcntl(st[0], F_GETFD), db = fcntl(st[1], F_GETFD);

	cr_result(round, snd == opts.sndbuf && rcv == opts.rcvbuf, "unix-opt-bufs",
	       "SO_SNDBUF %d (was %d, set 40000), SO_RCVBUF %d (was %d, set 30000)",
	       snd, opts.sndbuf, rcv, opts.rcvbuf);
	cr_result(round, sndt == opts.sndtimeo && rcvt == opts.rcvtimeo && a_rcvt == 0 &&
	       b_sndt == 0, "unix-opt-timeo",
	       "A SO_SNDTIMEO %ld us (was %ld), B SO_RCVTIMEO %ld us (was %ld), unset ones %ld %ld (want 0)",
	       sndt, opts.sndtimeo, rcvt, opts.rcvtimeo, a_rcvt, b_sndt);
	cr_result(round, prio == opts.prio, "unix-opt-priority", "SO_PRIORITY %d (was %d)",
	       prio, opts.prio);
	cr_result(round, getint(st[0], SO_REUSEADDR) == 1 &&
	       getint(st[0], SO_KEEPALIVE) == 1 && getint(st[0], SO_OOBINLINE) == 1 &&
	       getint(st[0], SO_DONTROUTE) == 1 && getint(st[1], SO_REUSEADDR) == 0 &&
	       getint(st[1], SO_KEEPALIVE) == 0 && getint(st[1], SO_OOBINLINE) == 0 &&
	       getint(st[1], SO_DONTROUTE) == 0, "unix-opt-flag-options",
	       "A SO_REUSEADDR %d SO_KEEPALIVE %d SO_OOBINLINE %d SO_DONTROUTE %d (want 1 1 1 1), B %d %d %d %d (want 0)",
	       getint(st[0], SO_REUSEADDR), getint(st[0], SO_KEEPALIVE),
	       getint(st[0], SO_OOBINLINE), getint(st[0], SO_DONTROUTE),
	       getint(st[1], SO_REUSEADDR), getint(st[1], SO_KEEPALIVE),
	       getint(st[1], SO_OOBINLINE), getint(st[1], SO_DONTROUTE));
	cr_result(round, pc_dg == 1 && pc_a == 0, "unix-opt-passcred",
	       "SO_PASSCRED dgram %d (want 1), stream A %d (want 0)", pc_dg, pc_a);
	cr_result(round, fa >= 0 && (fa & O_NONBLOCK) && !(fb & O_NONBLOCK) &&
	       (fa & O_ACCMODE) == O_RDWR && (fb & O_ACCMODE) == O_RDWR &&
	       da == 0 && db == FD_CLOEXEC, "unix-opt-flags",
	       "A flags %#x fd %d (want O_RDWR|O_NONBLOCK, 0), B %#x fd %d (want O_RDWR, FD_CLOEXEC)",
	       fa, da, fb, db);
}

/* ---- 2: seqpacket ---- */

static int sp[2] = { -1, -1 };
static const size_t sp_len[] = { 10, 200, 3000 };
#define SP_BA	55
static int sp_inq;	/* SIOCINQ of B at set-up */

static void seqpacket_put(void)
{
	for (int i = 0; i < 3; i++) {
		fill(iobuf, 0, sp_len[i], 200 + i);
		if (send(sp[0], iobuf, sp_len[i], MSG_DONTWAIT) != (ssize_t)sp_len[i])
			cr_fail(0, "unix-seqpacket-refill", "send %zu: %s", sp_len[i], strerror(errno));
	}
	fill(iobuf, 0, SP_BA, 210);
	if (send(sp[1], iobuf, SP_BA, MSG_DONTWAIT) != SP_BA)
		cr_fail(0, "unix-seqpacket-refill", "send B->A: %s", strerror(errno));
}

static ssize_t recv_flags(int fd, void *buf, size_t len, int flags, int *mflags)
{
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &mh, flags | MSG_DONTWAIT);

	*mflags = mh.msg_flags;
	return n;
}

static void check_seqpacket(int round)
{
	/* Asked for: more than the message, more, less (MSG_TRUNC). */
	static const size_t ask[] = { 100, 4096, 1000 };
	int in = inq(sp[1]), fl[3] = { 0 }, f4 = 0, ok = 1, eof;
	ssize_t n[3], n4, nb;
	char detail[300];
	size_t bad;

	cr_result(round, in == sp_inq, "unix-seqpacket-inq", "SIOCINQ B %d (was %d)", in, sp_inq);
	for (int i = 0; i < 3; i++) {
		size_t want = sp_len[i] < ask[i] ? sp_len[i] : ask[i];

		n[i] = recv_flags(sp[1], iobuf, ask[i], i == 2 ? MSG_TRUNC : 0, &fl[i]);
		ok &= n[i] == (ssize_t)sp_len[i] &&
		      first_bad(iobuf, 0, want, 200 + i) == want &&
		      !(fl[i] & MSG_TRUNC) == (i != 2);
	}
	errno = 0;
	n4 = recv_flags(sp[1], iobuf, 4096, 0, &f4);
	ok &= n4 < 0 && errno == EAGAIN;
	snprintf(detail, sizeof(detail),
		 "read %zd, %zd, %zd%s (want 10, 200, 3000 with MSG_TRUNC into 1000), then %zd %s",
		 n[0], n[1], n[2], fl[2] & MSG_TRUNC ? " MSG_TRUNC" : "", n4,
		 n4 < 0 ? strerror(errno) : "bytes");
	cr_result(round, ok, "unix-seqpacket-a-to-b", "%s", detail);
	nb = recv_flags(sp[0], iobuf, 4096, 0, &f4);
	bad = nb > 0 ? first_bad(iobuf, 0, nb, 210) : 0;
	drain(sp[0], iobuf + 4096, 4096, &eof);
	cr_result(round, nb == SP_BA && bad == SP_BA && !(f4 & MSG_TRUNC), "unix-seqpacket-b-to-a",
	       "read %zd (want %d), first wrong at %zu", nb, SP_BA, bad);
	seqpacket_put();
}

/* ---- 3: datagram socketpair ---- */

static int dp[2] = { -1, -1 };
static const size_t dp_ab[] = { 1, 500, 64 }, dp_ba[] = { 33, 1024 };
static int dp_inq;

static void dgram_pair_put(void)
{
	for (int i = 0; i < 3; i++) {
		fill(iobuf, 0, dp_ab[i], 300 + i);
		if (send(dp[0], iobuf, dp_ab[i], MSG_DONTWAIT) != (ssize_t)dp_ab[i])
			cr_fail(0, "unix-dgram-pair-refill", "A: %s", strerror(errno));
	}
	for (int i = 0; i < 2; i++) {
		fill(iobuf, 0, dp_ba[i], 310 + i);
		if (send(dp[1], iobuf, dp_ba[i], MSG_DONTWAIT) != (ssize_t)dp_ba[i])
			cr_fail(0, "unix-dgram-pair-refill", "B: %s", strerror(errno));
	}
}

/* @nr datagrams of @lens at @fd, seeds from @seed, then none. */
static int dgrams_are(int fd, const size_t *lens, int nr, unsigned int seed, char *detail,
		      size_t sz)
{
	int ok = 1, len = 0;

	detail[0] = 0;
	for (int i = 0; i <= nr; i++) {
		struct sockaddr_un a;
		socklen_t al = sizeof(a);
		ssize_t n;

		errno = 0;
		n = recvfrom(fd, iobuf, 4096, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&a, &al);
		if (i == nr) {
			ok &= n < 0 && errno == EAGAIN;
			len += snprintf(detail + len, sz - len, " then %zd %s", n,
					n < 0 ? strerror(errno) : "bytes");
			break;
		}
		ok &= n == (ssize_t)lens[i] && first_bad(iobuf, 0, n, seed + i) == lens[i] &&
		      al == 0;
		len += snprintf(detail + len, sz - len, "%s%zd", i ? ", " : "", n);
		if (n >= 0 && al)
			len += snprintf(detail + len, sz - len, " from len %u", (unsigned int)al);
	}
	return ok;
}

static void check_dgram_pair(int round)
{
	char detail[300];
	int in = inq(dp[1]);

	cr_result(round, in == dp_inq, "unix-dgram-pair-inq", "SIOCINQ B %d (was %d)", in, dp_inq);
	cr_result(round, dgrams_are(dp[1], dp_ab, 3, 300, detail, sizeof(detail)),
	       "unix-dgram-pair-a-to-b", "%s (want 1, 500, 64, no source)", detail);
	cr_result(round, dgrams_are(dp[0], dp_ba, 2, 310, detail, sizeof(detail)),
	       "unix-dgram-pair-b-to-a", "%s (want 33, 1024, no source)", detail);
	dgram_pair_put();
}

/* ---- 4: the listener, two connections not accepted ---- */

static int lsn = -1, cl[2] = { -1, -1 }, backlog_max;

/* Connections it queues until connect() would block; accepted, closed. */
static int backlog_probe(void)
{
	int fds[16], n, a;

	for (n = 0; n < 16; n++) {
		fds[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[n] < 0 || sock_connect(fds[n], LISTEN_PATH, 0)) {
			if (fds[n] >= 0)
				close(fds[n]);
			break;
		}
	}
	while ((a = accept(lsn, NULL, NULL)) >= 0)
		close(a);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

static void listen_put(int round)
{
	for (int i = 0; i < 2; i++) {
		cl[i] = socket(AF_UNIX, SOCK_STREAM, 0);
		if (cl[i] < 0 || sock_connect(cl[i], LISTEN_PATH, 0))
			cr_fail(round, "unix-listen-reconnect", "client %d: %s", i + 1, strerror(errno));
	}
	if (send_str(cl[0], "hello1"))
		cr_fail(round, "unix-listen-reconnect", "hello1: %s", strerror(errno));
}

static void check_listen(int round)
{
	int ac[2], third, acc = getint(lsn, SO_ACCEPTCONN), ok, eof, n;
	char b1[160], b2[160], b3[160], b4[160], buf[64];
	struct ucred u1, u2, uc1;
	size_t got;

	ok = name_is(lsn, 0, LISTEN_PATH, 0, b1, sizeof(b1));
	cr_result(round, ok && acc == 1, "unix-listen-state", "name %s, SO_ACCEPTCONN %d", b1, acc);
	ac[0] = accept(lsn, NULL, NULL);
	ac[1] = accept(lsn, NULL, NULL);
	errno = 0;
	third = accept(lsn, NULL, NULL);
	cr_result(round, ac[0] >= 0 && ac[1] >= 0 && third < 0 && errno == EAGAIN,
	       "unix-listen-pending", "accept: %d, %d, then %d %s (want two, then EAGAIN)",
	       ac[0], ac[1], third, strerror(errno));
	if (third >= 0)
		close(third);
	if (ac[0] < 0 || ac[1] < 0) {
		for (int i = 0; i < 2; i++)
			if (ac[i] >= 0)
				close(ac[i]);
		close(cl[0]);
		close(cl[1]);
		listen_put(round);
		return;
	}
	ok = name_is(ac[0], 0, LISTEN_PATH, 0, b1, sizeof(b1)) &
	     name_is(ac[1], 0, LISTEN_PATH, 0, b2, sizeof(b2)) &
	     name_is(ac[0], 1, NULL, 0, b3, sizeof(b3)) &
	     name_is(cl[0], 1, LISTEN_PATH, 0, b4, sizeof(b4));
	cr_result(round, ok, "unix-listen-accepted-name",
	       "accepted: names %s, %s, peer %s (want unbound); client 1's peer %s",
	       b1, b2, b3, b4);
	got = drain(ac[0], iobuf, sizeof(iobuf), &eof);
	n = recv(ac[1], buf, sizeof(buf), MSG_DONTWAIT);
	cr_result(round, got == 6 && !memcmp(iobuf, "hello1", 6) && n < 0 && !eof,
	       "unix-listen-hello1", "first accepted has %zu bytes \"%.*s\" (want \"hello1\"), second %d",
	       got, (int)(got < 20 ? got : 20), (char *)iobuf, n);
	ok = 1;
	snprintf(b1, sizeof(b1), "a message each way on both");
	for (int i = 0; i < 4 && ok; i++) {
		/* accepted 1 -> client 1, back, then the same on connection 2 */
		int from = i & 1 ? cl[i / 2] : ac[i / 2], to = i & 1 ? ac[i / 2] : cl[i / 2];
		char want[32], got1[32] = "";
		size_t len = snprintf(want, sizeof(want), "%s-%d %d", i & 1 ? "c2s" : "s2c",
				      i / 2 + 1, round);

		send_str(from, want);
		ok = recv_exact(to, got1, len, 2000) == len && !memcmp(got1, want, len);
		if (!ok)
			snprintf(b1, sizeof(b1), "sent \"%s\", got \"%.*s\"", want, (int)len, got1);
	}
	cr_result(round, ok, "unix-listen-both-ways", "%s", b1);
	peercred(ac[0], &u1);
	peercred(ac[1], &u2);
	peercred(cl[0], &uc1);
	cr_result(round, u1.pid == me && u2.pid == me && uc1.pid == me && !u1.uid && !uc1.uid,
	       "unix-listen-peercred", "accepted's peers %d, %d, client's %d (want %d, uid 0)",
	       (int)u1.pid, (int)u2.pid, (int)uc1.pid, (int)me);
	for (int i = 0; i < 2; i++) {
		close(ac[i]);
		close(cl[i]);
	}
	n = backlog_probe();
	cr_result(round, n == backlog_max, "unix-listen-backlog",
	       "%d connections queued before EAGAIN (at set-up %d, listen(5))", n, backlog_max);
	listen_put(round);
}

/* ---- 5, 6: the uid-1000 child, the datagram receiver ---- */

static int user_ctl = -1, conn_srv = -1;
static pid_t user_pid;
static int child_seq;	/* the round whose datagram the child sent last */

static void __attribute__((noreturn)) user_main(int ctl)
{
	gid_t g = USER_ID;
	int c, d, eintr = 0;
	char buf[64], frame[PONG_LEN];

	keep_only(&ctl, 1);
	if (setgroups(1, &g) || setgid(USER_ID) || setuid(USER_ID))
		_exit(2);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (c < 0 || d < 0 || sock_connect(c, LISTEN_PATH, 0))
		_exit(3);
	if (send_pat(c, 0, Q_TO_SERVER, 502) != Q_TO_SERVER ||
	    send_to(d, "child 0", 7, DGRAM_ABS, 1) != 7 || send_str(ctl, "ready"))
		_exit(4);
	for (;;) {
		struct sockaddr_un a;
		socklen_t al = sizeof(a);
		struct ucred uc;
		char name[160];
		size_t got, bad;
		int r, eof, len;
		/* Blocked here across the checkpoint. */
		ssize_t n = recv(ctl, buf, sizeof(buf) - 1, 0);

		if (n < 0 && errno == EINTR) {
			eintr++;
			continue;
		}
		if (n <= 0)
			_exit(n == 0 ? 0 : 5);
		buf[n] = 0;
		if (sscanf(buf, "ping %d", &r) != 1)
			_exit(6);
		got = drain(c, iobuf, sizeof(iobuf), &eof);
		bad = first_bad(iobuf, 0, got, 501);
		len = snprintf(buf, sizeof(buf), "child %d", r);
		send_to(d, buf, len, DGRAM_ABS, 1);
		peercred(c, &uc);
		if (getpeername(c, (struct sockaddr *)&a, &al))
			al = 0;
		addr_str(&a, al, name, sizeof(name));
		memset(frame, 0, sizeof(frame));
		snprintf(frame, sizeof(frame), "pong %d uid %d gid %d q %zu %s peer %d %d %d name %.60s eintr %d",
			 r, (int)getuid(), (int)getgid(), got, bad == got ? "ok" : "bad",
			 (int)uc.pid, (int)uc.uid, (int)uc.gid, name, eintr);
		if (send(c, frame, sizeof(frame), MSG_NOSIGNAL) != (ssize_t)sizeof(frame) ||
		    send_pat(c, 0, Q_TO_SERVER, 502) != Q_TO_SERVER)
			_exit(7);
	}
}

static void check_conn(int round)
{
	struct ucred uc;
	gid_t groups[8];
	socklen_t gl = sizeof(groups);
	int ng, in = inq(conn_srv);
	size_t got, bad;
	char msg[32], frame[PONG_LEN + 1] = "", want[PONG_LEN], name[160];

	peercred(conn_srv, &uc);
	cr_result(round, uc.pid == user_pid && uc.uid == USER_ID && uc.gid == USER_ID,
	       "unix-conn-peercred", "pid %d uid %d gid %d (want %d %d %d)", (int)uc.pid,
	       (int)uc.uid, (int)uc.gid, (int)user_pid, USER_ID, USER_ID);
	ng = getsockopt(conn_srv, SOL_SOCKET, SO_PEERGROUPS, groups, &gl) ? -1 :
	     (int)(gl / sizeof(gid_t));
	cr_result(round, ng == 1 && groups[0] == USER_ID, "unix-conn-peergroups",
	       "%d groups, first %d (want 1: %d)", ng, ng > 0 ? (int)groups[0] : -1, USER_ID);
	cr_result(round, name_is(conn_srv, 0, LISTEN_PATH, 0, name, sizeof(name)), "unix-conn-name",
	       "the accepted end's name %s (want " LISTEN_PATH ")", name);
	cr_result(round, in == Q_TO_SERVER, "unix-conn-to-server-inq", "SIOCINQ %d (want %d)",
	       in, Q_TO_SERVER);
	got = recv_exact(conn_srv, iobuf, Q_TO_SERVER, 1000);
	bad = first_bad(iobuf, 0, got, 502);
	cr_result(round, got == Q_TO_SERVER && bad == got, "unix-conn-to-server-queued",
	       "%zu bytes (want %d), first wrong at %zu", got, Q_TO_SERVER, bad);
	snprintf(msg, sizeof(msg), "ping %d", round);
	if (send_str(user_ctl, msg))
		cr_fail(round, "unix-conn-ping", "send to the child: %s", strerror(errno));
	got = recv_exact(conn_srv, frame, PONG_LEN, 5000);
	frame[got < PONG_LEN ? got : PONG_LEN] = 0;
	snprintf(want, sizeof(want), "pong %d uid %d gid %d q %d ok peer %d 0 0 name %s(len %zu) eintr 0",
		 round, USER_ID, USER_ID, Q_TO_CHILD, (int)me, LISTEN_PATH,
		 offsetof(struct sockaddr_un, sun_path) + strlen(LISTEN_PATH) + 1);
	cr_result(round, !strcmp(frame, want), "unix-conn-ping",
	       "child said \"%s\" (want \"%s\")", frame, want);
	child_seq = round;
	/* The child queues 700 bytes again after its answer. */
	for (int i = 0; i < 50 && inq(conn_srv) < Q_TO_SERVER; i++)
		cr_msleep(20);
	in = inq(conn_srv);
	if (in != Q_TO_SERVER)
		cr_fail(round, "unix-conn-refill", "child queued %d bytes (want %d)", in, Q_TO_SERVER);
	if (send_pat(conn_srv, 0, Q_TO_CHILD, 501) != Q_TO_CHILD)
		cr_fail(round, "unix-conn-refill", "to the child: %s", strerror(errno));
}

/* (6) */
static int dg_bound = -1, dg_unbound = -1;
static int dg_seq;		/* round of the bound/unbound senders' datagrams */
static int gone_next = 1;	/* first of the closed sender's datagrams left */

/* A sender bound to GONE_PATH queues "gone K" for K in first..GONE_MSGS. */
static void gone_put(int round, int first)
{
	int fd = sock_bound(SOCK_DGRAM, GONE_PATH, 0);
	char msg[32];

	for (int k = first; fd >= 0 && k <= GONE_MSGS; k++) {
		int len = snprintf(msg, sizeof(msg), "gone %d", k);

		if (send_to(fd, msg, len, DGRAM_ABS, 1) != len)
			cr_fail(round, "unix-dgram-refill", "gone %d: %s", k, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
}

static void dgram_put(int round)
{
	char msg[32];
	int len;

	len = snprintf(msg, sizeof(msg), "bound %d", round);
	if (send_to(dg_bound, msg, len, DGRAM_ABS, 1) != len)
		cr_fail(round, "unix-dgram-refill", "bound: %s", strerror(errno));
	len = snprintf(msg, sizeof(msg), "unbound %d", round);
	if (send_to(dg_unbound, msg, len, DGRAM_ABS, 1) != len)
		cr_fail(round, "unix-dgram-refill", "unbound: %s", strerror(errno));
	dg_seq = round;
}

struct dmsg {
	char text[64];
	struct sockaddr_un from;
	socklen_t from_len;
	char from_str[160];
	int creds;
	struct ucred uc;
	char desc[300];
};

static int recv_dmsg(int fd, struct dmsg *m)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) * 2];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { m->text, sizeof(m->text) - 1 };
	struct msghdr mh = {
		.msg_name = &m->from, .msg_namelen = sizeof(m->from), .msg_iov = &iov,
		.msg_iovlen = 1, .msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	ssize_t n;

	memset(m, 0, sizeof(*m));
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	m->text[n] = 0;
	m->from_len = mh.msg_namelen;
	addr_str(&m->from, m->from_len, m->from_str, sizeof(m->from_str));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&m->uc, CMSG_DATA(c), sizeof(m->uc));
			m->creds = 1;
		}
	snprintf(m->desc, sizeof(m->desc), "\"%s\" from %s creds %s%d %d %d", m->text,
		 m->from_str, m->creds ? "" : "(none) ", (int)m->uc.pid, (int)m->uc.uid,
		 (int)m->uc.gid);
	return 0;
}

/* From @path (NULL: unbound, no address), SCM_CREDENTIALS pid, uid = gid. */
static int dmsg_is(const struct dmsg *m, const char *path, pid_t pid, uid_t uid)
{
	return (path ? addr_is(&m->from, m->from_len, path, 0) : m->from_len == 0) &&
	       m->creds && m->uc.pid == pid && m->uc.uid == uid && m->uc.gid == uid;
}

static void check_dgram(int round)
{
	struct dmsg m;
	int nb = 0, nu = 0, nc = 0, ng = 0, other = 0, total = 0, k, in = inq(dg_rcv);
	int ok_b = 1, ok_u = 1, ok_c = 1, ok_g = 1, want_gone = gone_next, first_len = -1;
	char db[300] = "", du[300] = "", dc[300] = "", dg[300] = "", dother[300] = "";
	char name[160], bname[160], uname[160];

	cr_result(round, name_is(dg_rcv, 0, DGRAM_ABS, 1, name, sizeof(name)), "unix-dgram-name",
	       "receiver's name %s (want @" DGRAM_ABS ")", name);
	cr_result(round, name_is(dg_bound, 0, SENDER_PATH, 0, bname, sizeof(bname)) &&
	       name_is(dg_unbound, 0, NULL, 0, uname, sizeof(uname)), "unix-dgram-sender-names",
	       "bound sender %s, unbound sender %s (want it unbound, len 2)", bname, uname);
	while (total < 64 && !recv_dmsg(dg_rcv, &m)) {
		if (!total++)
			first_len = strlen(m.text);
		if (!strncmp(m.text, "bound ", 6)) {
			nb++;
			ok_b &= atoi(m.text + 6) == dg_seq && dmsg_is(&m, SENDER_PATH, me, 0);
			memcpy(db, m.desc, sizeof(db));
		} else if (!strncmp(m.text, "unbound ", 8)) {
			nu++;
			ok_u &= atoi(m.text + 8) == dg_seq && dmsg_is(&m, NULL, me, 0);
			memcpy(du, m.desc, sizeof(du));
		} else if (!strncmp(m.text, "child ", 6)) {
			nc++;
			ok_c &= atoi(m.text + 6) == child_seq && dmsg_is(&m, NULL, user_pid, USER_ID);
			memcpy(dc, m.desc, sizeof(dc));
		} else if (sscanf(m.text, "gone %d", &k) == 1) {
			/* In order: want_gone, want_gone + 1, ... GONE_MSGS. */
			int ok = k == want_gone + ng && dmsg_is(&m, GONE_PATH, me, 0);

			if (!ng || (ok_g && !ok))
				memcpy(dg, m.desc, sizeof(dg));
			ok_g &= ok;
			ng++;
		} else {
			other++;
			memcpy(dother, m.desc, sizeof(dother));
		}
	}
	cr_result(round, in == first_len, "unix-dgram-inq", "SIOCINQ %d (want %d: the first datagram's bytes)",
	       in, first_len);
	cr_result(round, nb == 1 && ok_b, "unix-dgram-bound-sender",
	       "%d datagrams, %s (want \"bound %d\" from " SENDER_PATH ", creds %d 0 0)",
	       nb, db, dg_seq, (int)me);
	cr_result(round, nu == 1 && ok_u, "unix-dgram-unbound-sender",
	       "%d datagrams, %s (want \"unbound %d\" from unbound(len 0), creds %d 0 0)",
	       nu, du, dg_seq, (int)me);
	cr_result(round, nc == 1 && ok_c, "unix-dgram-child-creds",
	       "%d datagrams, %s (want \"child %d\" from unbound(len 0), creds %d %d %d)", nc, dc,
	       child_seq, (int)user_pid, USER_ID, USER_ID);
	cr_result(round, ng == GONE_MSGS - want_gone + 1 && ok_g, "unix-dgram-gone-sender",
	       "%d left (want %d: gone %d..%d), first (or first wrong) %s (want from " GONE_PATH
	       ", creds %d 0 0)", ng, GONE_MSGS - want_gone + 1, want_gone, GONE_MSGS, dg, (int)me);
	cr_result(round, !other && total == nb + nu + nc + ng, "unix-dgram-queue",
	       "%d datagrams, %d unknown %s", total, other, dother);
	/* One of the closed sender's is consumed each round. */
	gone_next = want_gone + 1 > GONE_MSGS ? 1 : want_gone + 1;
	gone_put(round, gone_next);
	dgram_put(round);
}

/* ---- 7: shutdown, closed peer ---- */

static int sw[2] = { -1, -1 }, survivor = -1;
#define SW_AB	777
#define SW_BA	321
#define CL_LEN	555

static void shutdown_put(int round)
{
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds)) {
		cr_fail(round, "unix-shutdown-refill", "socketpair: %s", strerror(errno));
		return;
	}
	if (sw[0] < 0) {
		sw[0] = fds[0];
		sw[1] = fds[1];
	} else {
		dup2(fds[0], sw[0]);
		dup2(fds[1], sw[1]);
		close(fds[0]);
		close(fds[1]);
	}
	if (send_pat(sw[0], 0, SW_AB, 701) != SW_AB || shutdown(sw[0], SHUT_WR) ||
	    send_pat(sw[1], 0, SW_BA, 702) != SW_BA)
		cr_fail(round, "unix-shutdown-refill", "shut: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds)) {
		cr_fail(round, "unix-shutdown-refill", "socketpair: %s", strerror(errno));
		return;
	}
	if (survivor < 0) {
		survivor = fds[1];
	} else {
		dup2(fds[1], survivor);
		close(fds[1]);
	}
	if (send_pat(fds[0], 0, CL_LEN, 703) != CL_LEN)
		cr_fail(round, "unix-shutdown-refill", "closed: %s", strerror(errno));
	close(fds[0]);
}

static void check_shutdown(int round)
{
	int eof;
	size_t got, bad;
	ssize_t n;

	got = drain(sw[1], iobuf, sizeof(iobuf), &eof);
	bad = first_bad(iobuf, 0, got, 701);
	cr_result(round, got == SW_AB && bad == got && eof, "unix-shutdown-wr-data-eof",
	       "B read %zu bytes (want %d), first wrong at %zu, then %s", got, SW_AB, bad,
	       eof ? "end of file" : "no end of file");
	got = drain(sw[0], iobuf, sizeof(iobuf), &eof);
	bad = first_bad(iobuf, 0, got, 702);
	cr_result(round, got == SW_BA && bad == got && !eof, "unix-shutdown-wr-reverse",
	       "A (SHUT_WR) read %zu bytes (want %d), first wrong at %zu%s", got, SW_BA, bad,
	       eof ? ", end of file" : ", no end of file");
	errno = 0;
	n = send(sw[0], "x", 1, MSG_DONTWAIT);
	cr_result(round, n < 0 && errno == EPIPE, "unix-shutdown-wr-epipe",
	       "A's send %zd, %s (want EPIPE)", n, strerror(errno));
	got = drain(survivor, iobuf, sizeof(iobuf), &eof);
	bad = first_bad(iobuf, 0, got, 703);
	cr_result(round, got == CL_LEN && bad == got && eof, "unix-peer-closed-data-eof",
	       "read %zu bytes (want %d), first wrong at %zu, then %s", got, CL_LEN, bad,
	       eof ? "end of file" : "no end of file");
	errno = 0;
	n = write(survivor, "x", 1);
	cr_result(round, n < 0 && errno == EPIPE, "unix-peer-closed-epipe",
	       "write %zd, %s (want EPIPE)", n, strerror(errno));
	shutdown_put(round);
}

/* Datagrams still queued at @fd, read and dropped (to resync). */
static int drop_rest(int fd)
{
	char b[64];
	int n = 0;

	while (n < 100 && recv(fd, b, sizeof(b), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* ---- 8: bound to a path since unlinked ---- */

static int ul_rcv = -1, ul_snd = -1, ul_seq;

static void check_unlinked(int round)
{
	char name[160], peer[160], msg[32], b[64] = "";
	struct stat stb;
	struct sockaddr_un a;
	socklen_t al = sizeof(a);
	int gone, ok, len, extra;
	ssize_t n;

	ok = name_is(ul_rcv, 0, UNLINKED_PATH, 0, name, sizeof(name));
	cr_result(round, ok, "unix-unlinked-name", "getsockname %s (want " UNLINKED_PATH ")", name);
	errno = 0;
	gone = stat(UNLINKED_PATH, &stb) < 0 && errno == ENOENT;
	cr_result(round, gone, "unix-unlinked-path-gone", "stat: %s (want ENOENT)",
	       gone ? strerror(errno) : "exists");
	n = recvfrom(ul_rcv, b, sizeof(b) - 1, MSG_DONTWAIT, (struct sockaddr *)&a, &al);
	if (n >= 0)
		b[n] = 0;
	extra = drop_rest(ul_rcv);
	snprintf(msg, sizeof(msg), "queued %d", ul_seq);
	cr_result(round, n > 0 && !strcmp(b, msg) && al == 0 && !extra, "unix-unlinked-queued",
	       "\"%s\" from len %u, %d more (want \"%s\", unbound, alone)", b, (unsigned int)al,
	       extra, msg);
	ok = name_is(ul_snd, 1, UNLINKED_PATH, 0, peer, sizeof(peer));
	len = snprintf(msg, sizeof(msg), "after %d", round);
	n = send(ul_snd, msg, len, MSG_DONTWAIT);
	b[0] = 0;
	recv_msg(ul_rcv, b, sizeof(b), 2000);
	cr_result(round, ok && n == len && !strcmp(b, msg), "unix-unlinked-connected",
	       "sender's peer %s; sent \"%s\", got \"%s\"", peer, msg, b);
	len = snprintf(msg, sizeof(msg), "queued %d", round);
	if (send(ul_snd, msg, len, MSG_DONTWAIT) != len)
		cr_fail(round, "unix-unlinked-refill", "%s", strerror(errno));
	ul_seq = round;
}

/* ---- 10: full ---- */

static int fl[2] = { -1, -1 };
static size_t full_len, full_len0;

static size_t full_put(void)
{
	size_t off = 0;

	for (;;) {
		ssize_t n;

		fill(iobuf, off, 4096, 1000);
		n = send(fl[0], iobuf, 4096, MSG_DONTWAIT);
		if (n <= 0)
			break;
		off += n;
		if (off > sizeof(iobuf) * 4)
			break;
	}
	return off;
}

static void check_full(int round)
{
	int still, in = inq(fl[1]), eof;
	size_t got, bad;

	errno = 0;
	still = send(fl[0], "x", 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
	cr_result(round, still, "unix-full-still", "a 1-byte send %s", still ? "would block" : "went in");
	cr_result(round, in == (int)full_len, "unix-full-inq", "SIOCINQ %d (want %zu)", in, full_len);
	got = drain(fl[1], iobuf, sizeof(iobuf), &eof);
	bad = first_bad(iobuf, 0, got, 1000);
	cr_result(round, got == full_len && bad == got, "unix-full-data",
	       "%zu bytes (want %zu), first wrong at %zu", got, full_len, bad);
	full_len = full_put();
	cr_line(round, "INFO unix-full refilled with %zu bytes (%zu at set-up)", full_len, full_len0);
}

/* ---- 11: a datagram socket connected one way ---- */

static int dc_rcv = -1, dc_snd = -1, dc_seq;

static void check_dgram_conn(int round)
{
	char peer[160], b[64], want[32], from[160];
	struct sockaddr_un a;
	socklen_t al = sizeof(a);
	int ok, len, rpeer, e, extra;
	ssize_t n;

	n = recvfrom(dc_rcv, b, sizeof(b) - 1, MSG_DONTWAIT, (struct sockaddr *)&a, &al);
	b[n > 0 ? n : 0] = 0;
	if (n < 0)
		al = 0;
	addr_str(&a, al, from, sizeof(from));
	extra = drop_rest(dc_rcv);
	snprintf(want, sizeof(want), "queued %d", dc_seq);
	cr_result(round, !strcmp(b, want) && addr_is(&a, al, CONNSND_ABS, 1) && !extra,
	       "unix-dgram-conn-queued", "\"%s\" from %s, %d more (want \"%s\" from @" CONNSND_ABS
	       ", alone)", b, from, extra, want);
	ok = name_is(dc_snd, 1, CONNRCV_PATH, 0, peer, sizeof(peer));
	rpeer = getpeername(dc_rcv, (struct sockaddr *)&a, &al);
	e = errno;
	cr_result(round, ok && rpeer < 0 && e == ENOTCONN, "unix-dgram-conn-peer",
	       "sender's peer %s, receiver's getpeername %d %s (want ENOTCONN)", peer, rpeer,
	       strerror(e));
	len = snprintf(want, sizeof(want), "after %d", round);
	n = send(dc_snd, want, len, MSG_DONTWAIT);
	al = sizeof(a);
	b[0] = 0;
	{
		struct pollfd p = { .fd = dc_rcv, .events = POLLIN };
		ssize_t m = poll(&p, 1, 2000) == 1 ?
			recvfrom(dc_rcv, b, sizeof(b) - 1, MSG_DONTWAIT, (struct sockaddr *)&a, &al) : -1;

		b[m > 0 ? m : 0] = 0;
		if (m < 0)
			al = 0;
	}
	addr_str(&a, al, from, sizeof(from));
	cr_result(round, n == len && !strcmp(b, want) && addr_is(&a, al, CONNSND_ABS, 1),
	       "unix-dgram-conn-send", "sent \"%s\" (%zd), got \"%s\" from %s", want, n, b, from);
	len = snprintf(want, sizeof(want), "queued %d", round);
	if (send(dc_snd, want, len, MSG_DONTWAIT) != len)
		cr_fail(round, "unix-dgram-conn-refill", "%s", strerror(errno));
	dc_seq = round;
}

/* ---- 12: one socket in two processes and two fds ---- */

static int sh[2] = { -1, -1 }, sh_dup = -1, sh_seq;
static pid_t share_pid;

static void __attribute__((noreturn)) share_main(void)
{
	char buf[64], reply[128];

	keep_only(&sh[0], 1);
	for (;;) {
		/* Blocked here across the checkpoint. */
		ssize_t n = recv(sh[0], buf, sizeof(buf) - 1, 0);
		int len;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(n == 0 ? 0 : 2);
		buf[n] = 0;
		len = snprintf(reply, sizeof(reply), "%s pid %d", buf, (int)getpid());
		if (send(sh[0], reply, len, MSG_NOSIGNAL) != len)
			_exit(3);
	}
}

static void link_of(pid_t pid, int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
}

static void check_shared(int round)
{
	char l_fd[64], l_dup[64], l_child[64], want[96], got[160], m1[32], m2[32];
	int len, ok, left;
	size_t n;

	link_of(me, sh[0], l_fd, sizeof(l_fd));
	link_of(me, sh_dup, l_dup, sizeof(l_dup));
	link_of(share_pid, sh[0], l_child, sizeof(l_child));
	cr_result(round, !strncmp(l_fd, "socket:[", 8) && !strcmp(l_fd, l_dup) &&
	       !strcmp(l_fd, l_child), "unix-shared-inode",
	       "fd %d %s, its dup %d %s, child %d's fd %d %s", sh[0], l_fd, sh_dup, l_dup,
	       (int)share_pid, sh[0], l_child);
	/* Queued through the dup at the last put-back, then one through each. */
	len = snprintf(want, sizeof(want), "pending %d", sh_seq);
	n = recv_exact(sh[1], got, len, 1000);
	got[n] = 0;
	ok = n == (size_t)len && !strcmp(got, want);
	snprintf(m1, sizeof(m1), "via-fd %d", round);
	snprintf(m2, sizeof(m2), "via-dup %d", round);
	send_str(sh[0], m1);
	send_str(sh_dup, m2);
	len = snprintf(want, sizeof(want), "%s%s", m1, m2);
	n = recv_exact(sh[1], got + 64, len, 1000);
	got[64 + n] = 0;
	ok &= n == (size_t)len && !strcmp(got + 64, want);
	left = inq(sh[1]);
	cr_result(round, ok && !left, "unix-shared-dup",
	       "read \"%s\" then \"%s\" (want \"pending %d\", \"%s\"), %d more", got, got + 64,
	       sh_seq, want, left);
	len = snprintf(want, sizeof(want), "echo %d", round);
	got[0] = 0;
	if (!send_str(sh[1], want))
		recv_msg(sh[1], got, sizeof(got), 5000);
	snprintf(want + len, sizeof(want) - len, " pid %d", (int)share_pid);
	cr_result(round, !strcmp(got, want), "unix-shared-child",
	       "child answered \"%s\" (want \"%s\")", got, want);
	len = snprintf(want, sizeof(want), "pending %d", round);
	if (send(sh_dup, want, len, MSG_DONTWAIT) != len)
		cr_fail(round, "unix-shared-refill", "%s", strerror(errno));
	sh_seq = round;
}

/* ---- 13: threads blocked in accept() and recv() ---- */

static int th_lsn = -1, th_pair[2] = { -1, -1 };
static volatile pid_t ta_tid, tr_tid;
static long ta_nr = -1, tr_nr = -1;

static void *thread_accept(void *arg)
{
	int eintr = 0;

	(void)arg;
	ta_tid = gettid_();
	for (;;) {
		char buf[64], reply[300], name[160];
		struct ucred uc;
		int c = accept(th_lsn, NULL, NULL);	/* blocked here */
		ssize_t n;
		int len;

		if (c < 0) {
			if (errno == EINTR)
				eintr++;
			else
				cr_msleep(100);
			continue;
		}
		n = recv_msg(c, buf, sizeof(buf), 5000);
		name_is(c, 0, THREAD_ABS, 1, name, sizeof(name));
		peercred(c, &uc);
		len = snprintf(reply, sizeof(reply), "accepted \"%s\" tid %d name %s peer %d eintr %d",
			       n > 0 ? buf : "", (int)gettid_(), name, (int)uc.pid, eintr);
		send(c, reply, len, MSG_NOSIGNAL);
		close(c);
	}
	return NULL;
}

static void *thread_recv(void *arg)
{
	int eintr = 0;

	(void)arg;
	tr_tid = gettid_();
	for (;;) {
		char buf[64], reply[160];
		ssize_t n = recv(th_pair[1], buf, sizeof(buf) - 1, 0);	/* blocked here */
		int len;

		if (n < 0 && errno == EINTR) {
			eintr++;
			continue;
		}
		if (n <= 0) {
			cr_msleep(100);
			continue;
		}
		buf[n] = 0;
		len = snprintf(reply, sizeof(reply), "received \"%s\" tid %d eintr %d", buf,
			       (int)gettid_(), eintr);
		send(th_pair[1], reply, len, MSG_NOSIGNAL);
	}
	return NULL;
}

/* Thread @tid's state letter and system call number (-1: running). */
static void thread_state(pid_t tid, long *nr, char *state)
{
	char path[64], buf[512], *p;

	*state = '?';
	*nr = -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	if (cr_read_file(path, buf, sizeof(buf)) > 0 && (p = strrchr(buf, ')')) && p[1])
		*state = p[2];
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	if (cr_read_file(path, buf, sizeof(buf)) > 0 && buf[0] >= '0' && buf[0] <= '9')
		*nr = strtol(buf, NULL, 10);
}

/* Is thread @tid asleep in system call @nr (1 s to get there)? */
static int thread_blocked(pid_t tid, long nr, long *got_nr, char *state)
{
	for (int i = 0; i < 20; i++) {
		thread_state(tid, got_nr, state);
		if (*state == 'S' && *got_nr == nr)
			return 1;
		cr_msleep(50);
	}
	return 0;
}

static void check_threads(int round)
{
	char state, msg[32], want[300], got[300];
	long nr;
	int ok, c;

	ok = thread_blocked(ta_tid, ta_nr, &nr, &state);
	cr_result(round, ok, "unix-thread-accept-blocked", "thread %d state %c in syscall %ld (want S in %ld)",
	       (int)ta_tid, state, nr, ta_nr);
	snprintf(msg, sizeof(msg), "wake %d", round);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	got[0] = 0;
	if (c >= 0 && !sock_connect(c, THREAD_ABS, 1) && !send_str(c, msg)) {
		size_t n = recv_exact(c, got, sizeof(got) - 1, 5000);	/* to its close */

		got[n] = 0;
	}
	if (c >= 0)
		close(c);
	snprintf(want, sizeof(want), "accepted \"%s\" tid %d name @%s(len %zu) peer %d eintr 0",
		 msg, (int)ta_tid, THREAD_ABS, offsetof(struct sockaddr_un, sun_path) + 1 +
		 strlen(THREAD_ABS), (int)me);
	cr_result(round, !strcmp(got, want), "unix-thread-accept-woken", "thread said \"%s\" (want \"%s\")",
	       got, want);
	ok = thread_blocked(tr_tid, tr_nr, &nr, &state);
	cr_result(round, ok, "unix-thread-recv-blocked", "thread %d state %c in syscall %ld (want S in %ld)",
	       (int)tr_tid, state, nr, tr_nr);
	got[0] = 0;
	if (!send_str(th_pair[0], msg))
		recv_msg(th_pair[0], got, sizeof(got), 5000);
	snprintf(want, sizeof(want), "received \"%s\" tid %d eintr 0", msg, (int)tr_tid);
	cr_result(round, !strcmp(got, want), "unix-thread-recv-woken", "thread said \"%s\" (want \"%s\")",
	       got, want);
}

/* ---- set-up ---- */

/* Sockets in the fd tables of @pids, each once. */
static int count_sockets(const pid_t *pids, int nr)
{
	static unsigned long ino[512];
	int n = 0;

	for (int i = 0; i < nr; i++) {
		char dir[64], link[64];
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pids[i]);
		d = opendir(dir);
		if (!d)
			return -1;
		while ((de = readdir(d))) {
			unsigned long x;
			int k;

			if (de->d_name[0] == '.')
				continue;
			link_of(pids[i], atoi(de->d_name), link, sizeof(link));
			if (sscanf(link, "socket:[%lu]", &x) != 1)
				continue;
			for (k = 0; k < n && ino[k] != x; k++)
				;
			if (k == n && n < 512)
				ino[n++] = x;
		}
		closedir(d);
	}
	return n;
}

/* Waits for a thread to sleep in a system call; its number. */
static long thread_syscall(volatile pid_t *tid)
{
	long nr = -1;
	char state = '?';

	for (int i = 0; i < 100 && !*tid; i++)
		cr_msleep(10);
	for (int i = 0; i < 100; i++) {
		thread_state(*tid, &nr, &state);
		if (state == 'S' && nr >= 0)
			return nr;
		cr_msleep(20);
	}
	setup_fail("thread %d not asleep in a system call: state %c syscall %ld", (int)*tid,
		   state, nr);
	return -1;
}

static void setup(void)
{
	int one = 1, ctl[2] = { -1, -1 };
	struct pollfd p;
	pthread_t th;
	char buf[32];

	me = getpid();
	mkdir("/var/lib", 0755);
	mkdir(CRDIR, 0755);
	chmod(CRDIR, 0755);

	/* 6: the receiver (the child sends to it), 4: the listener. */
	dg_rcv = sock_bound(SOCK_DGRAM, DGRAM_ABS, 1);
	if (setsockopt(dg_rcv, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		setup_fail("SO_PASSCRED: %s", strerror(errno));
	lsn = sock_bound(SOCK_STREAM, LISTEN_PATH, 0);
	/* The uid-1000 child connects: it needs write permission. */
	if (chmod(LISTEN_PATH, 0666) || listen(lsn, 5) ||
	    fcntl(lsn, F_SETFL, fcntl(lsn, F_GETFL) | O_NONBLOCK))
		setup_fail("listen " LISTEN_PATH ": %s", strerror(errno));
	backlog_max = backlog_probe();

	/* 5: the uid-1000 child, before any other socket it should not hold. */
	pair(SOCK_SEQPACKET, ctl, "control");
	user_pid = fork();
	if (user_pid == 0) {
		close(ctl[0]);
		user_main(ctl[1]);
	}
	close(ctl[1]);
	user_ctl = ctl[0];
	p = (struct pollfd){ .fd = lsn, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1 || (conn_srv = accept(lsn, NULL, NULL)) < 0)
		setup_fail("the child's connection: %s", strerror(errno));
	if (recv_msg(user_ctl, buf, sizeof(buf), 5000) != 5 || strcmp(buf, "ready"))
		setup_fail("the uid-%d child did not get ready: \"%s\"", USER_ID, buf);
	if (send_pat(conn_srv, 0, Q_TO_CHILD, 501) != Q_TO_CHILD)
		setup_fail("queue to the child: %s", strerror(errno));

	/* 12: a child inheriting one end. */
	pair(SOCK_STREAM, sh, "shared");
	share_pid = fork();
	if (share_pid == 0)
		share_main();
	sh_dup = dup(sh[0]);
	if (send_str(sh_dup, "pending 0"))
		setup_fail("shared: %s", strerror(errno));

	/* 1, 9 */
	pair(SOCK_STREAM, st, "stream");
	options_setup();
	stream_put(0);
	/* 2 */
	pair(SOCK_SEQPACKET, sp, "seqpacket");
	seqpacket_put();
	sp_inq = inq(sp[1]);
	/* 3 */
	pair(SOCK_DGRAM, dp, "dgram");
	dgram_pair_put();
	dp_inq = inq(dp[1]);
	/* 6: the senders */
	dg_bound = sock_bound(SOCK_DGRAM, SENDER_PATH, 0);
	dg_unbound = socket(AF_UNIX, SOCK_DGRAM, 0);
	gone_put(0, 1);
	dgram_put(0);
	/* 7 */
	shutdown_put(0);
	/* 8 */
	ul_rcv = sock_bound(SOCK_DGRAM, UNLINKED_PATH, 0);
	ul_snd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock_connect(ul_snd, UNLINKED_PATH, 0) || unlink(UNLINKED_PATH) ||
	    send_str(ul_snd, "queued 0"))
		setup_fail("unlinked: %s", strerror(errno));
	/* 10 */
	pair(SOCK_STREAM | SOCK_NONBLOCK, fl, "full");
	full_len = full_len0 = full_put();
	/* 11 */
	dc_rcv = sock_bound(SOCK_DGRAM, CONNRCV_PATH, 0);
	dc_snd = sock_bound(SOCK_DGRAM, CONNSND_ABS, 1);
	if (sock_connect(dc_snd, CONNRCV_PATH, 0) || send_str(dc_snd, "queued 0"))
		setup_fail("dgram connect: %s", strerror(errno));
	/* 4: two connections not accepted */
	listen_put(0);
	/* 13 */
	th_lsn = sock_bound(SOCK_STREAM, THREAD_ABS, 1);
	if (listen(th_lsn, 2))
		setup_fail("listen @" THREAD_ABS ": %s", strerror(errno));
	pair(SOCK_STREAM, th_pair, "thread");
	if (pthread_create(&th, NULL, thread_accept, NULL) ||
	    pthread_create(&th, NULL, thread_recv, NULL))
		setup_fail("pthread_create");
	ta_nr = thread_syscall(&ta_tid);
	tr_nr = thread_syscall(&tr_tid);
}

static void check(int round)
{
	check_threads(round);
	check_dgram(round);	/* before check_conn: the child's datagram */
	check_conn(round);
	check_stream(round);
	check_options(round);
	check_seqpacket(round);
	check_dgram_pair(round);
	check_listen(round);
	check_shutdown(round);
	check_unlinked(round);
	check_full(round);
	check_dgram_conn(round);
	check_shared(round);
}

int main(int argc, char **argv)
{
	static const struct cr_command cmds[] = { { "check", check } };
	int ctl_in = -1, ctl_out = -1, nsock;
	pid_t pids[3];

	if (argc == 4 && !strcmp(argv[1], "ctl")) {
		/* Beside cr-pipes: it says the round on ctl_in, gets 'd' back. */
		ctl_in = atoi(argv[2]);
		ctl_out = atoi(argv[3]);
		fcntl(ctl_in, F_SETFD, FD_CLOEXEC);
		fcntl(ctl_out, F_SETFD, FD_CLOEXEC);
	} else {
		cr_init_signals();
	}
	signal(SIGPIPE, SIG_IGN);
	setup();
	pids[0] = me;
	pids[1] = user_pid;
	pids[2] = share_pid;
	nsock = count_sockets(pids, 3);
	cr_line(0, "INFO unix-sockets %d (%s): in the fds of cr-unix %d, its children %d %d",
		nsock < 0 ? -1 : nsock + 2, "2 of them not accepted yet", (int)me,
		(int)user_pid, (int)share_pid);
	if (ctl_in < 0) {
		cr_line(0, "READY cr-unix pid %d children %d %d threads %d %d full %zu", (int)me,
			(int)user_pid, (int)share_pid, (int)ta_tid, (int)tr_tid, full_len);
		cr_serve(cmds, 1);
	}
	cr_line(0, "INFO cr-unix ready: pid %d children %d %d threads %d %d full %zu", (int)me,
		(int)user_pid, (int)share_pid, (int)ta_tid, (int)tr_tid, full_len);
	if (write(ctl_out, "r", 1) != 1)
		return 1;
	for (;;) {
		char buf[32];
		/* Blocked here across the checkpoint. */
		ssize_t n = read(ctl_in, buf, sizeof(buf) - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;	/* cr-pipes is gone */
		buf[n] = 0;
		check(atoi(buf));
		if (write(ctl_out, "d", 1) != 1)
			return 1;
		cr_reap_others();
	}
}
