// SPDX-License-Identifier: GPL-2.0
/* Synthetic checkpoint images for tests; see imgwrite.h. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imgwrite.h"

/* As many pages as fit one record. */
#define PAGES_PER_RECORD \
	((CPT_REC_MAX_LEN - sizeof(struct cpt_pages)) / 4096)
#define HEAP_START		0x600000ULL

static void put(struct imgw *w, const void *p, size_t len)
{
	if (len && fwrite(p, 1, len, w->f) != len)
		return;		/* ferror(w->f) tells the caller */
	w->off += len;
}

void imgw_default_header(struct cpt_image_header *h, unsigned int veid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, CPT_IMAGE_MAGIC, CPT_IMAGE_MAGIC_LEN);
	h->version = CPT_IMAGE_VERSION;
	h->hdr_len = sizeof(*h);
	h->arch = CPT_ARCH_X86_64;
	h->page_size = 4096;
	h->hz = 250;
	h->veid = veid;
	h->cpu_caps = CPT_CPU_FXSR | CPT_CPU_XSAVE;
	h->xfeatures = 7;
	h->realtime_ns = 1764147600000000000ULL;
	h->monotonic_ns = 123456789000ULL;
	h->boottime_ns = 123456789000ULL;
}

/* hdr_len beyond sizeof: extension bytes of a newer minor version. */
void imgw_begin(struct imgw *w, FILE *f, const struct cpt_image_header *h)
{
	struct cpt_image_header hc = *h;
	unsigned char ext[64];
	uint32_t extra = h->hdr_len > sizeof(hc) ?
		h->hdr_len - (uint32_t)sizeof(hc) : 0;

	memset(w, 0, sizeof(*w));
	w->f = f;
	w->crcs_state = CRC32C_INIT;
	if (extra > sizeof(ext))
		extra = sizeof(ext);
	memset(ext, 0xa5, sizeof(ext));
	hc.crc = 0;
	hc.crc = crc32c_final(crc32c_update(crc32c_update(CRC32C_INIT, &hc,
							   sizeof(hc)),
					     ext, extra));
	put(w, &hc, sizeof(hc));
	put(w, ext, extra);
}

static void account(struct imgw *w, uint32_t type, uint32_t crc)
{
	w->crcs_state = crc32c_update(w->crcs_state, &crc, sizeof(crc));
	w->nr_records++;
	if (type < CPT_REC_TYPE_MAX)
		w->count[type]++;
}

static void put_padding(struct imgw *w, uint32_t len, unsigned char fill)
{
	unsigned char pad[8];

	memset(pad, 0, sizeof(pad));
	pad[0] = fill;
	put(w, pad, CPT_ALIGN(len) - len);
}

static void rec_raw(struct imgw *w, uint32_t type, uint32_t index,
		    const void *fixed, uint32_t fixed_len,
		    const void *var, uint32_t var_len, unsigned char padfill)
{
	struct cpt_rec_header h = {
		.type = type, .len = fixed_len + var_len, .index = index,
	};
	static unsigned char fcopy[CPT_REC_MAX_LEN], vcopy[CPT_REC_MAX_LEN];
	uint32_t state;

	if (w->edit && fixed_len <= sizeof(fcopy) && var_len <= sizeof(vcopy)) {
		memcpy(fcopy, fixed, fixed_len);
		if (var_len)
			memcpy(vcopy, var, var_len);
		if (!w->edit(type, type < CPT_REC_TYPE_MAX ? w->count[type] : 0,
			     fcopy, fixed_len, vcopy, var_len, w->edit_arg))
			return;
		fixed = fcopy;
		var = vcopy;
	}
	state = crc32c_update(CRC32C_INIT, &h, sizeof(h));

	state = crc32c_update(state, fixed, fixed_len);
	state = crc32c_update(state, var, var_len);
	h.crc = crc32c_final(state);
	put(w, &h, sizeof(h));
	put(w, fixed, fixed_len);
	put(w, var, var_len);
	put_padding(w, h.len, padfill);
	account(w, type, h.crc);
}

void imgw_rec(struct imgw *w, uint32_t type, uint32_t index,
	      const void *fixed, uint32_t fixed_len,
	      const void *var, uint32_t var_len)
{
	rec_raw(w, type, index, fixed, fixed_len, var, var_len, 0);
}

static void fill_page(unsigned char *page, uint64_t addr)
{
	for (size_t i = 0; i < 4096; i += 8) {
		uint64_t v = (addr + i) * 0x9E3779B97F4A7C15ULL;

		memcpy(page + i, &v, 8);
	}
}

/* Page contents are a function of the address: generated twice, not kept. */
void imgw_pages(struct imgw *w, uint32_t mm, uint64_t start, uint32_t nr)
{
	unsigned char page[4096];

	while (nr) {
		uint32_t n = nr < PAGES_PER_RECORD ? nr :
			     (uint32_t)PAGES_PER_RECORD;
		struct cpt_pages p = { .mm = mm, .nr_pages = n, .start = start };
		struct cpt_rec_header h = {
			.type = CPT_REC_PAGES,
			.len = (uint32_t)sizeof(p) + n * 4096,
		};
		uint32_t state = crc32c_update(CRC32C_INIT, &h, sizeof(h));

		state = crc32c_update(state, &p, sizeof(p));
		for (uint32_t i = 0; i < n; i++) {
			fill_page(page, start + (uint64_t)i * 4096);
			state = crc32c_update(state, page, sizeof(page));
		}
		h.crc = crc32c_final(state);
		put(w, &h, sizeof(h));
		put(w, &p, sizeof(p));
		for (uint32_t i = 0; i < n; i++) {
			fill_page(page, start + (uint64_t)i * 4096);
			put(w, page, sizeof(page));
		}
		account(w, CPT_REC_PAGES, h.crc);
		start += (uint64_t)n * 4096;
		nr -= n;
	}
}

void imgw_end(struct imgw *w)
{
	struct cpt_end e = {
		.nr_records = w->nr_records,
		.crc_of_crcs = crc32c_final(w->crcs_state),
	};

	imgw_rec(w, CPT_REC_END, 0, &e, sizeof(e), NULL, 0);
}

/* Records whose only variable part is one string. */
static void rec_str(struct imgw *w, uint32_t type, uint32_t index,
		    const void *fixed, uint32_t len, const char *s)
{
	imgw_rec(w, type, index, fixed, len, s, (uint32_t)strlen(s));
}

/* init's SIGNAL and two timers (ids 0 and 3), broken as bad says. */
static void write_timers(struct imgw *w, uint32_t bad)
{
	struct cpt_signal sig = { .leader_pid = 1, .next_timer_id = 4 };
	struct cpt_posix_timer t[2] = {
		{ .id = 0, .clock = CLOCK_MONOTONIC, .sigev_notify = SIGEV_SIGNAL,
		  .sigev_signo = SIGALRM, .value_ns = 100000000,
		  .interval_ns = 100000000 },
		{ .id = 3, .clock = CLOCK_REALTIME, .sigev_notify = SIGEV_NONE,
		  .value_ns = 3600000000000ULL },
	};

	switch (bad) {
	case IMGW_TIMER_ORDER:
		t[1].id = 0;
		break;
	case IMGW_TIMER_CLOCK:
		t[1].clock = CLOCK_PROCESS_CPUTIME_ID;
		break;
	case IMGW_TIMER_NOTIFY:
		t[1].sigev_notify = 99;
		break;
	case IMGW_TIMER_SIGNAL:
		t[0].sigev_signo = 65;
		break;
	}
	if (bad != IMGW_TIMER_NO_SIGNAL)
		imgw_rec(w, CPT_REC_SIGNAL, 0, &sig, sizeof(sig), NULL, 0);
	imgw_rec(w, CPT_REC_POSIX_TIMER, 0, &t[0], sizeof(t[0]), NULL, 0);
	imgw_rec(w, CPT_REC_POSIX_TIMER, 0, &t[1], sizeof(t[1]), NULL, 0);
}

/*
 * After FILE 0: an unnamed pipe (PIPE 0) holding "hello" and a packet
 * "abc", its read end (FILE 1) and write end (FILE 2); then an empty
 * FIFO (PIPE 1) open read-write (FILE 3).
 */
static void write_pipes(struct imgw *w)
{
	struct cpt_pipe pipe = { .size = 65536, .nr_bufs = 2 };
	struct cpt_pipe fifo = { .size = 4096 };
	struct cpt_pipe_buf buf = { .len = 5 };
	struct cpt_file end = { .kind = CPT_FILE_PIPE, .mode = 010600,
				.flags = O_RDONLY };
	static const char path[] = "/run/initctl";

	imgw_rec(w, CPT_REC_PIPE, 0, &pipe, sizeof(pipe), NULL, 0);
	imgw_rec(w, CPT_REC_PIPE_BUF, 0, &buf, sizeof(buf), "hello", 5);
	buf.len = 3;
	buf.flags = CPT_PIPE_BUF_PACKET;
	imgw_rec(w, CPT_REC_PIPE_BUF, 0, &buf, sizeof(buf), "abc", 3);
	imgw_rec(w, CPT_REC_FILE, 1, &end, sizeof(end), NULL, 0);
	end.flags = O_WRONLY | O_NONBLOCK;
	imgw_rec(w, CPT_REC_FILE, 2, &end, sizeof(end), NULL, 0);
	imgw_rec(w, CPT_REC_PIPE, 1, &fifo, sizeof(fifo), NULL, 0);
	end.kind = CPT_FILE_FIFO;
	end.mode = 010644;
	end.flags = O_RDWR;
	end.object = 1;
	end.path_len = sizeof(path) - 1;
	imgw_rec(w, CPT_REC_FILE, 3, &end, sizeof(end), path, end.path_len);
}

/*
 * After FILE 0: an eventfd in semaphore mode with 7 in it (FILE 1), a
 * signalfd (FILE 2), an absolute CLOCK_REALTIME timerfd that fires every
 * second from 2030 on, with 2 expiries not yet read (FILE 3), an epoll
 * instance (FILE 4), whose watches write_epoll_watches() writes.
 */
static void write_eventfd(struct imgw *w)
{
	struct cpt_file efd = { .kind = CPT_FILE_EVENTFD, .mode = 0600,
				.flags = O_RDWR | O_NONBLOCK, .state = 7,
				.state_flags = CPT_EFD_SEMAPHORE };

	imgw_rec(w, CPT_REC_FILE, 1, &efd, sizeof(efd), NULL, 0);
	/* A signalfd for SIGUSR1 and SIGUSR2 (FILE 2). */
	efd.kind = CPT_FILE_SIGNALFD;
	efd.state = (1ULL << (10 - 1)) | (1ULL << (12 - 1));
	efd.state_flags = 0;
	imgw_rec(w, CPT_REC_FILE, 2, &efd, sizeof(efd), NULL, 0);
	efd.kind = CPT_FILE_TIMERFD;
	efd.flags = O_RDWR;
	efd.state = 2;
	efd.state_flags = CPT_TFD_ABSTIME | CPT_TFD_CANCEL_ON_SET;
	efd.timer_clock = CPT_CLOCK_REALTIME;
	efd.timer_value = 1893456000ULL * 1000000000ULL;
	efd.timer_interval = 1000000000ULL;
	imgw_rec(w, CPT_REC_FILE, 3, &efd, sizeof(efd), NULL, 0);
	efd = (struct cpt_file){ .kind = CPT_FILE_EPOLL, .mode = 0600,
				 .flags = O_RDWR };
	imgw_rec(w, CPT_REC_FILE, 4, &efd, sizeof(efd), NULL, 0);
}

/*
 * After every task: epoll FILE 4 watches the eventfd (FILE 1) as fd 1,
 * edge-triggered (EPOLL_WATCH 0), and the timerfd (FILE 3) as fd 9, an
 * fd since closed, one-shot and fired (EPOLL_WATCH 1).
 */
static void write_epoll_watches(struct imgw *w)
{
	struct cpt_epoll_watch ew = { .epoll = 4, .file = 1, .fd = 1,
				      .events = 0x19 | CPT_EPOLL_ET,
				      .data = 0x1122334455667788ULL };

	imgw_rec(w, CPT_REC_EPOLL_WATCH, 0, &ew, sizeof(ew), NULL, 0);
	ew.file = 3;
	ew.fd = 9;
	ew.events = CPT_EPOLL_ONESHOT;
	ew.data = 3;
	imgw_rec(w, CPT_REC_EPOLL_WATCH, 1, &ew, sizeof(ew), NULL, 0);
}

/*
 * After the FDs of FILES 0: init's locks on FILE 0, a flock (LOCK 0), a
 * POSIX lock on bytes 0-99 (LOCK 1), an OFD lock from byte 100 on
 * (LOCK 2), all shared.
 */
static void write_locks(struct imgw *w)
{
	struct cpt_lock l = { .file = 0, .owner = CPT_NO_OBJ,
			      .kind = CPT_LOCK_FLOCK, .type = CPT_LOCK_READ,
			      .pid = 1, .end = CPT_LOCK_OFFSET_MAX };

	imgw_rec(w, CPT_REC_LOCK, 0, &l, sizeof(l), NULL, 0);
	l.kind = CPT_LOCK_POSIX;
	l.owner = 0;
	l.end = 99;
	imgw_rec(w, CPT_REC_LOCK, 1, &l, sizeof(l), NULL, 0);
	l.kind = CPT_LOCK_OFD;
	l.owner = CPT_NO_OBJ;
	l.start = 100;
	l.end = CPT_LOCK_OFFSET_MAX;
	imgw_rec(w, CPT_REC_LOCK, 2, &l, sizeof(l), NULL, 0);
}

/* A UNIX_SOCK: its address, its inode's path, its peer's groups (100...). */
static void write_usock(struct imgw *w, uint32_t index, struct cpt_unix_sock s,
			const char *addr, uint32_t addr_len, const char *path)
{
	static unsigned char var[CPT_REC_MAX_LEN - sizeof(s)];
	size_t len;

	s.addr_len = addr_len;
	s.path_len = path ? (uint32_t)strlen(path) : 0;
	len = (size_t)s.addr_len + s.path_len;
	if (s.peer_ngroups > (sizeof(var) - len) / 4)
		s.peer_ngroups = (uint32_t)((sizeof(var) - len) / 4);
	if (addr_len)
		memcpy(var, addr, addr_len);
	if (path)
		memcpy(var + addr_len, path, s.path_len);
	for (uint32_t i = 0; i < s.peer_ngroups; i++, len += 4) {
		uint32_t gid = 100 + i;

		memcpy(var + len, &gid, 4);
	}
	imgw_rec(w, CPT_REC_UNIX_SOCK, index, &s, sizeof(s), var,
		 (uint32_t)len);
}

/* A FILE that is UNIX_SOCK sock. */
static void write_usock_file(struct imgw *w, uint32_t index, uint32_t sock,
			     uint32_t flags)
{
	struct cpt_file f = { .kind = CPT_FILE_UNIX, .mode = 0140777,
			      .flags = flags, .object = sock };

	imgw_rec(w, CPT_REC_FILE, index, &f, sizeof(f), NULL, 0);
}

#define UNIX_PATH	"/run/vz.sock"
#define UNIX_ABSTRACT	"\0vz-log"	/* 7 bytes: no NUL after it */

/*
 * Unix sockets, and a FILE for each but the embryo, FILE first on (7 of
 * them, returned).  The UNIX_SOCKs:
 *   0, 1  a STREAM socketpair, with peer credentials (0's peer with
 *         unix_ngroups groups)
 *   2     a STREAM socket listening on UNIX_PATH
 *   3     an embryo waiting in 2 (sharing its address), whose client
 *   4     follows it
 *   5     a DGRAM socket bound to the abstract "@vz-log"
 *   6     a SEQPACKET socket whose peer closed, shut down both ways
 *   7     a DGRAM socket connected to 5, one way.
 */
static uint32_t write_unix(struct imgw *w, const struct imgw_opts *o,
			   uint32_t first)
{
	static const char path_addr[] = UNIX_PATH;	/* with its NUL */
	struct cpt_unix_sock base = {
		.type = CPT_SOCK_STREAM, .state = CPT_UNIX_CONNECTED,
		.peer = CPT_NO_OBJ, .listener = CPT_NO_OBJ,
		.sndbuf = 212992, .rcvbuf = 212992, .rcvlowat = 1,
		.peek_off = -1,
	};
	struct cpt_unix_sock s = base;

	s.peer = CPT_UNIX_PEER_NEXT;
	s.flags = CPT_UNIX_PEERCRED;
	s.peer_pid = 1;
	s.peer_ngroups = o->unix_ngroups ? o->unix_ngroups : 30;
	write_usock(w, 0, s, NULL, 0, NULL);
	s.peer = 0;
	s.peer_ngroups = 1;
	write_usock(w, 1, s, NULL, 0, NULL);
	write_usock_file(w, first, 0, O_RDWR);
	write_usock_file(w, first + 1, 1, O_RDWR | O_NONBLOCK);

	s = base;
	s.state = CPT_UNIX_LISTEN;
	s.flags = CPT_UNIX_PASSCRED | CPT_UNIX_PEERCRED;
	s.peer_pid = 1;
	s.backlog = 128;
	write_usock(w, 2, s, path_addr, sizeof(path_addr), UNIX_PATH);
	write_usock_file(w, first + 2, 2, O_RDWR);
	s = base;
	s.flags = CPT_UNIX_EMBRYO | CPT_UNIX_PEERCRED | CPT_UNIX_SHARED_ADDR;
	s.peer_pid = 1;
	s.listener = 2;
	s.peer = CPT_UNIX_PEER_NEXT;
	write_usock(w, 3, s, path_addr, sizeof(path_addr), NULL);
	s.flags = CPT_UNIX_PEERCRED;
	s.listener = CPT_NO_OBJ;
	s.peer = 3;
	write_usock(w, 4, s, NULL, 0, NULL);
	write_usock_file(w, first + 3, 4, O_RDWR);

	s = base;
	s.type = CPT_SOCK_DGRAM;
	s.state = CPT_UNIX_UNCONNECTED;
	s.flags = CPT_UNIX_DGRAM_ESTAB | CPT_UNIX_PASSCRED;
	s.backlog = 10;
	write_usock(w, 5, s, UNIX_ABSTRACT, sizeof(UNIX_ABSTRACT) - 1, NULL);
	write_usock_file(w, first + 4, 5, O_RDWR | O_NONBLOCK);
	s = base;
	s.type = CPT_SOCK_SEQPACKET;
	s.shutdown = CPT_UNIX_SHUT_RD | CPT_UNIX_SHUT_WR;
	write_usock(w, 6, s, NULL, 0, NULL);
	write_usock_file(w, first + 5, 6, O_RDWR);
	s = base;
	s.type = CPT_SOCK_DGRAM;
	s.peer = 5;
	write_usock(w, 7, s, NULL, 0, NULL);
	write_usock_file(w, first + 6, 7, O_RDWR);
	return 7;
}

/* A UNIX_SKB: len bytes of data, then addr_len of the sender's address. */
static void write_uskb(struct imgw *w, struct cpt_unix_skb b, const char *data,
		       const char *addr, uint32_t addr_len)
{
	unsigned char var[256];

	b.addr_len = addr_len;
	memcpy(var, data, b.len);
	if (addr_len)
		memcpy(var + b.len, addr, addr_len);
	imgw_rec(w, CPT_REC_UNIX_SKB, 0, &b, sizeof(b), var, b.len + addr_len);
}

/*
 * What the sockets of write_unix() have queued: "ping" (with
 * credentials) and "pong\n" across the socketpair, "hello" from the
 * client to the embryo; on the DGRAM socket 128 bytes from a closed
 * sender that was bound to /tmp/gone.sock, then "dgram" from socket 7;
 * "bye" from the SEQPACKET socket's closed peer.
 */
static void write_unix_skbs(struct imgw *w)
{
	static const char gone[] = "/tmp/gone.sock";	/* with its NUL */
	struct cpt_unix_skb b = { .sock = 0, .sender = 1, .len = 4,
				  .flags = CPT_UNIX_SKB_CREDS, .pid = 1 };
	char log[128];

	write_uskb(w, b, "ping", NULL, 0);
	b = (struct cpt_unix_skb){ .sock = 1, .sender = 0, .len = 5 };
	write_uskb(w, b, "pong\n", NULL, 0);
	b = (struct cpt_unix_skb){ .sock = 3, .sender = 4, .len = 5 };
	write_uskb(w, b, "hello", NULL, 0);
	memset(log, '.', sizeof(log));
	memcpy(log, "<13>last words of a closed sender", 33);
	b = (struct cpt_unix_skb){ .sock = 5, .sender = CPT_NO_OBJ,
				   .len = sizeof(log) };
	write_uskb(w, b, log, gone, sizeof(gone));
	b = (struct cpt_unix_skb){ .sock = 5, .sender = 7, .len = 5 };
	write_uskb(w, b, "dgram", NULL, 0);
	b = (struct cpt_unix_skb){ .sock = 6, .sender = CPT_NO_OBJ, .len = 3 };
	write_uskb(w, b, "bye", NULL, 0);
}

int imgw_write_image(FILE *f, const struct imgw_opts *o)
{
	unsigned int veid = o->veid ? o->veid : 101;
	uint32_t nr_pages = o->nr_pages ? o->nr_pages : 2;
	uint64_t heap_end = HEAP_START + (uint64_t)nr_pages * 4096;
	const char *path = o->file_path ? o->file_path : "/sbin/init";
	struct cpt_image_header hdr;
	struct imgw w;
	struct cpt_ve ve = { .veid = veid, .nr_tasks = 1 };
	struct cpt_uts uts = { 0 };
	struct cpt_file file = { .kind = CPT_FILE_REG, .flags = 0,
				 .mode = 0100755, .size = 4096 };
	struct cpt_files files = { .max_fds = 64, .nr_fds = 1 };
	struct cpt_fd fd = { .fd = 0, .file = 0 };
	struct cpt_fs fs = { .umask = 022, .root_len = 1, .cwd_len = 1 };
	struct cpt_mm mm = { .start_code = 0x400000, .end_code = 0x401000,
			     .start_brk = HEAP_START, .brk = heap_end,
			     .start_stack = 0x7ffffffff000ULL - 64,
			     .nr_vmas = 3 };
	struct cpt_vma code = { .start = 0x400000, .end = 0x401000,
				.kind = CPT_VMA_FILE_PRIVATE, .prot = 5 };
	struct cpt_vma heap = { .start = HEAP_START, .end = heap_end,
				.kind = CPT_VMA_ANON_PRIVATE, .prot = 3 };
	struct cpt_vma stack = { .start = 0x7ffffffde000ULL,
				 .end = 0x7ffffffff000ULL,
				 .kind = CPT_VMA_ANON_PRIVATE, .prot = 3 };
	struct cpt_sighand sighand = { 0 };
	struct cpt_task task = { .pid = 1, .tgid = 1, .ppid = 0, .pgid = 1,
				 .sid = 1, .exit_signal = 17 };
	struct cpt_creds creds = { .cap_bset = ~0ULL, .ngroups = 1 };
	uint32_t groups[1] = { 0 };
	/* glibc's signature on x86. */
	struct cpt_rseq rseq = { .addr = HEAP_START + 0x100,
				 .len = CPT_RSEQ_LEN, .sig = 0x53053053 };
	struct cpt_sched sched = { .nice = -5, .policy = CPT_SCHED_FIFO,
				   .rt_priority = 10,
				   .flags = CPT_SCHED_RESET_ON_FORK };
	struct cpt_xsave xsave = { .format = CPT_FPU_FXSAVE, .size = 512 };
	unsigned char fpu[512] = { 0x7f, 0x03 };	/* FCW 0x37f */
	struct cpt_regs regs = { .ip = 0x400080, .sp = 0x7fffffffef00ULL,
				 .cs = 0x33, .ss = 0x2b, .flags = 0x202 };

	imgw_default_header(&hdr, veid);
	if (o->version)
		hdr.version = o->version;
	if (o->arch)
		hdr.arch = o->arch == ~0u ? CPT_ARCH_I386 : o->arch;
	if (o->page_size)
		hdr.page_size = o->page_size;
	if (o->hdr_ext)
		hdr.hdr_len += 16;
	imgw_begin(&w, f, &hdr);
	w.edit = o->edit;
	w.edit_arg = o->edit_arg;
	if (o->too_many_tasks)
		ve.nr_tasks = CPT_MAX_TASKS + 1;
	if (o->threads)
		ve.nr_tasks = 2;
	/* A newer writer's field, which this reader must ignore. */
	imgw_rec(&w, CPT_REC_VE, 0, &ve, sizeof(ve), "newfield",
		 o->grown_ve ? 8 : 0);
	strcpy(uts.sysname, "Linux");
	snprintf(uts.nodename, sizeof(uts.nodename), "ve%u", veid);
	strcpy(uts.release, "6.1.0-vz");
	strcpy(uts.machine, "x86_64");
	strcpy(uts.domainname, "(none)");
	imgw_rec(&w, CPT_REC_UTS, 0, &uts, sizeof(uts), NULL, 0);
	if (o->unknown_type)
		imgw_rec(&w, CPT_REC_TYPE_MAX, 0, &ve, sizeof(ve), NULL, 0);
	if (o->huge_len) {
		/* Only the header: a reader must refuse before reading on. */
		struct cpt_rec_header h = { .type = CPT_REC_FILE,
					    .len = CPT_REC_MAX_LEN + 1 };

		h.crc = crc32c(&h, sizeof(h));
		put(&w, &h, sizeof(h));
	}
	file.path_len = (uint32_t)strlen(path);
	{
		/* An older or newer writer's FILE: shorter, or with more. */
		unsigned char fixed[2 * sizeof(file)] = { 0 };
		uint32_t flen = o->file_len ? o->file_len : sizeof(file);

		memcpy(fixed, &file, sizeof(file));
		if (flen > sizeof(fixed))
			flen = sizeof(fixed);
		/* 80 + 10 bytes: 6 bytes of padding, the first maybe set. */
		rec_raw(&w, CPT_REC_FILE, o->bad_index ? 1 : 0, fixed, flen,
			path, file.path_len, o->pad_garbage ? 0x55 : 0);
	}
	if (o->pipes) {
		write_pipes(&w);
		files.nr_fds = 4;
	} else if (o->eventfd) {
		write_eventfd(&w);
		files.nr_fds = 5;
	}
	if (o->unix_socks)
		files.nr_fds += write_unix(&w, o, files.nr_fds);
	imgw_rec(&w, CPT_REC_FILES, 0, &files, sizeof(files), NULL, 0);
	imgw_rec(&w, CPT_REC_FD, 0, &fd, sizeof(fd), NULL, 0);
	for (fd.fd = 1; fd.fd < files.nr_fds; fd.fd++) {
		fd.file = fd.fd;
		imgw_rec(&w, CPT_REC_FD, 0, &fd, sizeof(fd), NULL, 0);
	}
	if (o->locks)
		write_locks(&w);
	imgw_rec(&w, CPT_REC_FS, 0, &fs, sizeof(fs), "//", 2);
	if (o->too_many_vmas)
		mm.nr_vmas = CPT_MAX_VMAS + 1;
	if (o->mlock) {
		mm.def_flags = CPT_VM_LOCKED;
		heap.vm_flags |= CPT_VM_LOCKED;
		stack.vm_flags |= CPT_VM_LOCKED | CPT_VM_LOCKONFAULT;
	}
	imgw_rec(&w, CPT_REC_MM, 0, &mm, sizeof(mm), NULL, 0);
	code.path_len = (uint32_t)strlen("/sbin/init");
	rec_str(&w, CPT_REC_VMA, 0, &code, sizeof(code), "/sbin/init");
	imgw_rec(&w, CPT_REC_VMA, 0, &heap, sizeof(heap), NULL, 0);
	imgw_rec(&w, CPT_REC_VMA, 0, &stack, sizeof(stack), NULL, 0);
	imgw_rec(&w, CPT_REC_SIGHAND, 0, &sighand, sizeof(sighand), NULL, 0);
	if (o->pages_early)
		imgw_pages(&w, 0, HEAP_START, 1);
	strcpy(task.comm, "init");
	if (o->forward_ref)
		task.mm = 1;
	imgw_rec(&w, CPT_REC_TASK, 0, &task, sizeof(task), NULL, 0);
	imgw_rec(&w, CPT_REC_CREDS, 0, &creds, sizeof(creds), groups,
		 sizeof(groups));
	if (o->sched)
		imgw_rec(&w, CPT_REC_SCHED, 0, &sched, sizeof(sched), NULL, 0);
	if (o->rseq)
		imgw_rec(&w, CPT_REC_RSEQ, 0, &rseq, sizeof(rseq), NULL, 0);
	imgw_rec(&w, CPT_REC_REGS, 0, &regs, sizeof(regs), NULL, 0);
	imgw_rec(&w, CPT_REC_XSAVE, 0, &xsave, sizeof(xsave), fpu,
		 sizeof(fpu));
	if (o->timers || o->bad_timer)
		write_timers(&w, o->bad_timer);
	if (o->threads) {
		/* As vzcpt writes a thread: exit_signal -1, shared objects. */
		task.pid = 2;
		task.ppid = 0;
		task.exit_signal = (uint32_t)-1;
		strcpy(task.comm, "init-worker");
		imgw_rec(&w, CPT_REC_TASK, 1, &task, sizeof(task), NULL, 0);
		imgw_rec(&w, CPT_REC_CREDS, 0, &creds, sizeof(creds), groups,
			 sizeof(groups));
		sched = (struct cpt_sched){ .nice = 7,
					    .policy = CPT_SCHED_BATCH };
		if (o->sched)
			imgw_rec(&w, CPT_REC_SCHED, 0, &sched, sizeof(sched),
				 NULL, 0);
		rseq.addr += CPT_RSEQ_LEN;
		if (o->rseq)
			imgw_rec(&w, CPT_REC_RSEQ, 0, &rseq, sizeof(rseq),
				 NULL, 0);
		imgw_rec(&w, CPT_REC_REGS, 0, &regs, sizeof(regs), NULL, 0);
	}
	if (o->eventfd)
		write_epoll_watches(&w);
	imgw_pages(&w, 0, HEAP_START, nr_pages);
	if (o->unix_socks)
		write_unix_skbs(&w);
	if (o->drop_record)
		account(&w, CPT_REC_SIGHAND, 0x12345678);
	if (!o->no_end)
		imgw_end(&w);
	if (o->trailing)
		put(&w, "junk", 4);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

unsigned char *imgw_image(const struct imgw_opts *o, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	if (imgw_write_image(f, o)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = size;
	return (unsigned char *)buf;
}
