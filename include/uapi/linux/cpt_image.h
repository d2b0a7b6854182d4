/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The checkpoint image format: the single definition, shared by the
 * kernel's vzcpt/vzrst modules and by userspace (vzctl dumpinfo).
 * Documentation/image-format.rst explains it; this header is normative.
 *
 * An image is one sequential stream, written and read with no seeking, so
 * it can go through a pipe or a socket:
 *
 *   struct cpt_image_header
 *   record, record, ..., CPT_REC_END record
 *
 * Every record is a struct cpt_rec_header followed by hdr.len payload
 * bytes and zero padding up to a multiple of 8.  A record's CRC32C covers
 * its header (with crc = 0) and its payload (not the padding, which must
 * be zero), so corruption of any byte, and truncation anywhere, is
 * detected.  CRC32C is the Castagnoli CRC of iSCSI and ext4: initial
 * value ~0, final xor ~0, so "123456789" gives 0xe3069283.  The END record carries the
 * number of records and the CRC32C of the concatenated record CRCs, so
 * dropped or reordered records are detected too.
 *
 * Objects (tasks, memory maps, files, ...) are numbered per type in the
 * order they appear, starting at 0, and refer to each other by those
 * indexes.  An object is always written before anything that refers to
 * it.  Memory contents (CPT_REC_PAGES) come after all other records, so
 * a restore can read and check every other record before it creates any
 * process.
 *
 * Compatibility: payload structs only grow at the end.  A reader copies
 * min(len, sizeof) bytes and zero-fills the rest, so it ignores fields it
 * does not know, and old images read as "field absent = 0".  Incompatible
 * changes bump CPT_IMAGE_VERSION_MAJOR.  All integers are little-endian
 * (the only architecture is x86_64).
 */
#ifndef _UAPI_LINUX_CPT_IMAGE_H
#define _UAPI_LINUX_CPT_IMAGE_H

#include <linux/types.h>

#define CPT_IMAGE_MAGIC		"\x79\x1c\x01\x63VZCR"	/* 8 bytes */
#define CPT_IMAGE_MAGIC_LEN	8
#define CPT_IMAGE_VERSION_MAJOR	1
#define CPT_IMAGE_VERSION_MINOR	6
#define CPT_IMAGE_VERSION	((CPT_IMAGE_VERSION_MAJOR << 16) | \
				 CPT_IMAGE_VERSION_MINOR)

#define CPT_ARCH_I386		0
#define CPT_ARCH_X86_64		1

/* Hard limits a reader enforces before it allocates or loops. */
#define CPT_REC_MAX_LEN		(1U << 20)	/* one record's payload */
#define CPT_MAX_TASKS		32768
#define CPT_MAX_VMAS		65530		/* vm.max_map_count default */
#define CPT_MAX_FILES		65536
#define CPT_MAX_FDS		(1U << 20)
#define CPT_MAX_PATH		4096
#define CPT_MAX_XSAVE		8192
#define CPT_MAX_POSIX_TIMERS	65536		/* of one process */
#define CPT_MAX_SIGPENDING	65536		/* queued signals of one task */
#define CPT_MAX_GROUPS		65536		/* NGROUPS_MAX */
#define CPT_MAX_HDR_LEN		4096		/* header with extensions */
#define CPT_MAX_PIPE_SIZE	(1U << 20)	/* pipe-max-size default */
#define CPT_MAX_LOCKS		65536		/* file locks of a VE */
#define CPT_MAX_UNIX_SKBS	(1U << 20)	/* queued unix messages */
#define CPT_MAX_UNIX_SKB	(CPT_REC_MAX_LEN - 256)	/* one's data */
#define CPT_UNIX_ADDR_MAX	108		/* sizeof(sun_path) */
#define CPT_PAGE_SIZE		4096
#define CPT_PID_MAX		4194304		/* PID_MAX_LIMIT */
#define CPT_USER_TOP		(1ULL << 56)	/* x86_64, 5-level paging */
#define CPT_FXSAVE_SIZE		512		/* legacy FXSAVE area */
#define CPT_XSAVE_MIN		576		/* legacy area + XSAVE header */
#define CPT_NSIG		64
#define CPT_NR_RLIMITS		16

/*
 * Values the image stores as Linux defines them on x86_64, named here so
 * that readers need no other header.
 */
#define CPT_PROT_MASK		7		/* PROT_READ|WRITE|EXEC */
#define CPT_CLOCK_REALTIME	0
#define CPT_CLOCK_MONOTONIC	1
#define CPT_CLOCK_BOOTTIME	7
#define CPT_CLOCK_REALTIME_ALARM 8
#define CPT_CLOCK_BOOTTIME_ALARM 9
#define CPT_CLOCK_TAI		11
#define CPT_SIGEV_SIGNAL	0
#define CPT_SIGEV_NONE		1
#define CPT_SIGEV_THREAD	2
#define CPT_SIGEV_THREAD_ID	4
#define CPT_SIGKILL		9
#define CPT_SIGSTOP		19
#define CPT_SS_DISABLE		2		/* sas_ss_flags bits */
#define CPT_SS_AUTODISARM	(1U << 31)
#define CPT_SECUREBITS_MASK	0xff		/* SECURE_ALL_BITS and locks */
#define CPT_INVALID_ID		0xffffffffU	/* (uid_t)-1: no such uid */
/*
 * sa_flags a handler may have: what sigaction() keeps on x86 (SA_NOCLDSTOP,
 * SA_NOCLDWAIT, SA_SIGINFO, SA_EXPOSE_TAGBITS, SA_ONSTACK, SA_RESTART,
 * SA_NODEFER, SA_RESETHAND, SA_RESTORER) and the ABI marks it adds.
 */
#define CPT_SA_FLAGS_MASK	0xdf000807U
#define CPT_AUXV_WORDS		48		/* cpt_mm.saved_auxv */
/*
 * Memory locks: vm_flags bits of a VMA (mlock(), mlock2(MLOCK_ONFAULT),
 * MAP_LOCKED) and of an mm's def_flags (mlockall(MCL_FUTURE [|
 * MCL_ONFAULT])).  ONFAULT never comes without LOCKED.
 */
#define CPT_VM_LOCKED		0x00002000ULL	/* VM_LOCKED */
#define CPT_VM_LOCKONFAULT	0x00080000ULL	/* VM_LOCKONFAULT */
/* 1.3: the def_flags bits an image may have, and a restore sets. */
#define CPT_MM_DEF_FLAGS	(CPT_VM_LOCKED | CPT_VM_LOCKONFAULT)

/*
 * The character devices a FILE may be, by new_encode_dev() number: the
 * memory devices that are the same on every machine (major 1: null,
 * zero, full, random, urandom).
 */
#define CPT_CHRDEV_ALLOWED(rdev)					\
	((rdev) == 0x103 || (rdev) == 0x105 || (rdev) == 0x107 ||	\
	 (rdev) == 0x108 || (rdev) == 0x109)

/* cpt_image_header.cpu_caps: CPU features the image's tasks may use. */
#define CPT_CPU_FXSR		(1ULL << 0)
#define CPT_CPU_XSAVE		(1ULL << 1)
#define CPT_CPU_AVX		(1ULL << 2)
#define CPT_CPU_AVX512		(1ULL << 3)
#define CPT_CPU_FSGSBASE	(1ULL << 4)

struct cpt_image_header {
	__u8	magic[CPT_IMAGE_MAGIC_LEN];
	__u32	version;	/* CPT_IMAGE_VERSION of the writer */
	__u32	hdr_len;	/* sizeof(struct cpt_image_header) of writer */
	__u32	arch;		/* CPT_ARCH_* */
	__u32	page_size;
	__u32	hz;
	__u32	veid;
	__u64	cpu_caps;	/* CPT_CPU_* */
	__u64	xfeatures;	/* XCR0 of the dumping machine */
	__u64	kernel_caps;	/* reserved, 0 */
	__u64	realtime_ns;	/* CLOCK_REALTIME when the VE was frozen */
	__u64	monotonic_ns;	/* CLOCK_MONOTONIC then */
	__u64	boottime_ns;	/* CLOCK_BOOTTIME then */
	__u32	flags;		/* reserved, 0 */
	__u32	crc;		/* CRC32C of hdr_len bytes with crc = 0 */
};

struct cpt_rec_header {
	__u32	type;		/* CPT_REC_* */
	__u32	len;		/* payload bytes, <= CPT_REC_MAX_LEN */
	__u32	index;		/* object index within its type, or 0 */
	__u32	crc;		/* CRC32C of header (crc = 0) and payload */
};

/* An object reference that refers to nothing (e.g. a zombie's mm). */
#define CPT_NO_OBJ		0xffffffffU

#define CPT_ALIGN(x)		(((x) + 7) & ~7U)

enum cpt_rec_type {
	CPT_REC_VE = 1,		/* struct cpt_ve: once, first */
	CPT_REC_UTS,		/* struct cpt_uts */
	CPT_REC_FILE,		/* struct cpt_file + path bytes */
	CPT_REC_FILES,		/* struct cpt_files: an fd table */
	CPT_REC_FD,		/* struct cpt_fd: one entry of the last FILES */
	CPT_REC_FS,		/* struct cpt_fs + root path + cwd path */
	CPT_REC_MM,		/* struct cpt_mm + exe path */
	CPT_REC_VMA,		/* struct cpt_vma (+ path for file maps) */
	CPT_REC_SIGHAND,	/* struct cpt_sighand */
	CPT_REC_TASK,		/* struct cpt_task */
	CPT_REC_CREDS,		/* struct cpt_creds + groups; for last TASK */
	CPT_REC_REGS,		/* struct cpt_regs; for last TASK */
	CPT_REC_XSAVE,		/* struct cpt_xsave + area; for last TASK */
	CPT_REC_SIGPENDING,	/* struct cpt_siginfo; for last TASK */
	CPT_REC_SIGNAL,		/* struct cpt_signal; per thread group */
	CPT_REC_POSIX_TIMER,	/* struct cpt_posix_timer; for last TASK */
	CPT_REC_PAGES,		/* struct cpt_pages + nr_pages * page_size */
	CPT_REC_END,		/* struct cpt_end: once, last */
	CPT_REC_PIPE,		/* 1.2: struct cpt_pipe: a pipe or FIFO */
	CPT_REC_PIPE_BUF,	/* 1.2: struct cpt_pipe_buf + data */
	CPT_REC_SCHED,		/* 1.3: struct cpt_sched; for last TASK */
	CPT_REC_LOCK,		/* 1.3: struct cpt_lock: a file lock */
	CPT_REC_UNIX_SOCK,	/* 1.4: struct cpt_unix_sock + var: a socket */
	CPT_REC_UNIX_SKB,	/* 1.4: struct cpt_unix_skb + data, addr */
	CPT_REC_EPOLL_WATCH,	/* 1.5: struct cpt_epoll_watch */
	CPT_REC_RSEQ,		/* 1.6: struct cpt_rseq; for last TASK */
	CPT_REC_TYPE_MAX
};

struct cpt_end {
	__u64	nr_records;	/* records before this one */
	__u32	crc_of_crcs;	/* CRC32C of the le32 CRCs of those records */
	__u32	pad;
};

struct cpt_ve {
	__u32	veid;		/* equals the header's */
	__u32	nr_tasks;	/* TASK records in the image */
	__u32	reserved[2];	/* 1.0 "nr_mms", "nr_files": never used */
	__u64	start_boottime_ns;	/* VE start, relative to boot */
};

struct cpt_uts {
	char	sysname[65];
	char	nodename[65];
	char	release[65];
	char	version[65];
	char	machine[65];
	char	domainname[65];
	__u8	pad[2];
};

#define CPT_FILE_REG		1	/* regular file by path */
#define CPT_FILE_CHR		2	/* character device by rdev */
#define CPT_FILE_DIR		3
#define CPT_FILE_PIPE		4	/* 1.2: an end of an unnamed pipe */
#define CPT_FILE_FIFO		5	/* 1.2: a named FIFO by path */
#define CPT_FILE_EVENTFD	6	/* 1.3: an eventfd, by its state */
#define CPT_FILE_SIGNALFD	7	/* 1.3: a signalfd, by its mask */
#define CPT_FILE_UNIX		8	/* 1.4: a unix socket: UNIX_SOCK */
#define CPT_FILE_TIMERFD	9	/* 1.5: a timerfd, by its timer */
#define CPT_FILE_EPOLL		10	/* 1.5: an epoll instance: its
					 * EPOLL_WATCHes come later */

/* cpt_file.state_flags of an EVENTFD */
#define CPT_EFD_SEMAPHORE	1	/* EFD_SEMAPHORE */

/*
 * cpt_file.state_flags of a TIMERFD: the flags of its last
 * timerfd_settime(), and whether the clock was set since (CANCELED: the
 * next read fails with ECANCELED), which only a CANCEL_ON_SET timer on a
 * CLOCK_REALTIME clock with ABSTIME has.
 */
#define CPT_TFD_ABSTIME		1	/* TFD_TIMER_ABSTIME */
#define CPT_TFD_CANCEL_ON_SET	2	/* TFD_TIMER_CANCEL_ON_SET */
#define CPT_TFD_CANCELED	4
#define CPT_TFD_FLAGS		7

struct cpt_file {
	__u32	kind;		/* CPT_FILE_* */
	__u32	flags;		/* f_flags (O_*) */
	__u64	pos;
	__u32	mode;		/* i_mode */
	__u32	rdev;		/* new_encode_dev() for CHR */
	__u64	size;		/* i_size at dump, to detect changed files */
	__u32	path_len;	/* path follows, not NUL-terminated */
	__u32	object;		/* 1.2: PIPE, FIFO: index of a CPT_REC_PIPE;
				 * 1.4: UNIX: of a CPT_REC_UNIX_SOCK */
	/* 1.3: the state of a file with no path; 0 for other kinds */
	__u64	state;		/* EVENTFD: the counter; SIGNALFD: the
				 * signals it reads, bit N-1 for N;
				 * 1.5: TIMERFD: expiries not yet read */
	__u32	state_flags;	/* EVENTFD: CPT_EFD_*; TIMERFD: CPT_TFD_* */
	__u32	pad;
	/*
	 * 1.5: a TIMERFD's timer; 0 for other kinds.  timer_value is the
	 * time to its next expiry in ns, 0 if it is disarmed; for ABSTIME
	 * on CLOCK_REALTIME(_ALARM) it is the CLOCK_REALTIME time it
	 * expires at instead, so that it keeps to the wall clock (and
	 * expires at once on a restore after that time).  At most
	 * CPT_TIMER_NS_MAX, as the interval.
	 */
	__u64	timer_value;
	__u64	timer_interval;	/* ns; 0: not periodic */
	__u32	timer_clock;	/* CPT_CLOCK_* but TAI */
	__u32	pad2;
};

/* The largest time a timerfd_settime() takes: KTIME_MAX ns. */
#define CPT_TIMER_NS_MAX	0x7fffffffffffffffULL

/*
 * 1.5: one watch of an epoll instance (a FILE of kind EPOLL): the file
 * it watches, by the fd number it was added as (the watch set's key
 * with the file; that fd may have been closed since), with its events
 * and data as epoll_ctl() set them, or what is left of them (a fired
 * EPOLLONESHOT watch keeps only its flags).  Written after every task,
 * when every FILE is, in each instance's order.  The restore adds them
 * as epoll_ctl(EPOLL_CTL_ADD) would; what is ready is polled again.
 */
struct cpt_epoll_watch {
	__u32	epoll;		/* index of the FILE of kind EPOLL */
	__u32	file;		/* index of the FILE it watches */
	__u32	fd;		/* below CPT_MAX_FDS */
	__u32	events;		/* CPT_EPOLL_EVENTS bits */
	__u64	data;
};

/* EPOLLIN ... EPOLLMSG, EPOLLRDHUP, and the flags. */
#define CPT_EPOLL_EXCLUSIVE	(1U << 28)
#define CPT_EPOLL_WAKEUP	(1U << 29)
#define CPT_EPOLL_ONESHOT	(1U << 30)
#define CPT_EPOLL_ET		(1U << 31)
#define CPT_EPOLL_EVENTS	(0x27ffU | CPT_EPOLL_EXCLUSIVE | \
				 CPT_EPOLL_WAKEUP | CPT_EPOLL_ONESHOT | \
				 CPT_EPOLL_ET)
/* What an EXCLUSIVE watch may have: IN, OUT, ERR, HUP and the flags. */
#define CPT_EPOLL_EXCLUSIVE_OK	(0x1dU | CPT_EPOLL_EXCLUSIVE | \
				 CPT_EPOLL_WAKEUP | CPT_EPOLL_ET)
#define CPT_MAX_EPOLL_WATCHES	(1U << 20)	/* of a VE */

/*
 * The pipe behind PIPE and FIFO files: its capacity and the data in it,
 * as nr_bufs CPT_REC_PIPE_BUF records that follow, oldest first.
 */
struct cpt_pipe {
	__u32	size;		/* F_GETPIPE_SZ: a power of two pages */
	__u32	nr_bufs;	/* at most size / CPT_PAGE_SIZE */
};

#define CPT_PIPE_BUF_PACKET	1	/* one packet (O_DIRECT write) */

struct cpt_pipe_buf {
	__u32	len;		/* data bytes that follow, 1..CPT_PAGE_SIZE */
	__u32	flags;		/* CPT_PIPE_BUF_* */
};

/*
 * 1.4: a unix socket (AF_UNIX): one per socket, written before the FILE
 * that is it, or for a connection not yet accepted, just after its
 * listening socket.  Its address, where a path-bound socket's inode is,
 * and its peer's supplementary groups follow.  What it has queued to
 * read comes with the memory contents (UNIX_SKB), when every socket and
 * every process of the image exists.
 *
 * A connection is two sockets that name each other.  The first of the
 * two written has peer CPT_UNIX_PEER_NEXT: the next UNIX_SOCK is its
 * peer and names it back.  A datagram socket connected to one that is
 * not connected back names an earlier socket.  A connected socket
 * whose peer was closed has peer CPT_NO_OBJ.
 */
#define CPT_UNIX_UNCONNECTED	0	/* never connected, or disconnected */
#define CPT_UNIX_LISTEN		1	/* listen() */
#define CPT_UNIX_CONNECTED	2	/* connected, or its peer closed */

#define CPT_UNIX_PEER_NEXT	0xfffffffeU	/* cpt_unix_sock.peer */

/* cpt_unix_sock.flags */
#define CPT_UNIX_PASSCRED	0x01	/* SO_PASSCRED */
#define CPT_UNIX_PASSSEC	0x02	/* SO_PASSSEC */
#define CPT_UNIX_SNDBUF_LOCK	0x04	/* SO_SNDBUF was set */
#define CPT_UNIX_RCVBUF_LOCK	0x08	/* SO_RCVBUF was set */
#define CPT_UNIX_UNLINKED	0x10	/* bound to a path since unlinked */
#define CPT_UNIX_EMBRYO		0x20	/* a connection not yet accepted */
#define CPT_UNIX_PEERCRED	0x40	/* peer_*: SO_PEERCRED is set */
#define CPT_UNIX_DGRAM_ESTAB	0x80	/* DGRAM: a socket connected to it */
/* Its address is another's: an accepted socket's is its listener's. */
#define CPT_UNIX_SHARED_ADDR	0x100
/* Options that are a flag each, as setsockopt() sets them. */
#define CPT_UNIX_REUSEADDR	0x200	/* SO_REUSEADDR */
#define CPT_UNIX_REUSEPORT	0x400	/* SO_REUSEPORT */
#define CPT_UNIX_KEEPALIVE	0x800	/* SO_KEEPALIVE */
#define CPT_UNIX_BROADCAST	0x1000	/* SO_BROADCAST */
#define CPT_UNIX_DONTROUTE	0x2000	/* SO_DONTROUTE */
#define CPT_UNIX_OOBINLINE	0x4000	/* SO_OOBINLINE */
#define CPT_UNIX_FLAGS		0x7fff

#define CPT_UNIX_SHUT_RD	1	/* shutdown(SHUT_RD), or by the peer */
#define CPT_UNIX_SHUT_WR	2

#define CPT_SOCK_STREAM		1
#define CPT_SOCK_DGRAM		2
#define CPT_SOCK_SEQPACKET	5

struct cpt_unix_sock {
	__u32	type;		/* CPT_SOCK_* */
	__u32	state;		/* CPT_UNIX_UNCONNECTED, _LISTEN, _CONNECTED */
	__u32	peer;		/* see above; CPT_NO_OBJ for none */
	__u32	listener;	/* EMBRYO: the earlier LISTEN socket it
				 * waits in, in queue order; else NO_OBJ */
	__u32	flags;		/* CPT_UNIX_* */
	__u32	shutdown;	/* CPT_UNIX_SHUT_* */
	__u32	err;		/* a pending error (SO_ERROR), errno */
	__u32	backlog;	/* LISTEN: listen()'s; DGRAM: queue limit */
	__u32	sndbuf;		/* SO_SNDBUF, SO_RCVBUF, as read back */
	__u32	rcvbuf;
	__u32	rcvlowat;	/* SO_RCVLOWAT */
	__s32	peek_off;	/* SO_PEEK_OFF, -1 for off */
	__u64	rcvtimeo_ns;	/* SO_RCVTIMEO, SO_SNDTIMEO; 0 for none */
	__u64	sndtimeo_ns;
	__u32	priority;	/* SO_PRIORITY */
	__u32	mark;		/* SO_MARK */
	__u32	uid;		/* who created it: the socket inode's */
	__u32	gid;
	__u32	peer_pid;	/* PEERCRED: SO_PEERCRED in the VE, pid 0 */
	__u32	peer_uid;	/* for a process that has exited */
	__u32	peer_gid;
	__u32	peer_ngroups;	/* SO_PEERGROUPS: last after the paths */
	__u32	addr_len;	/* bytes of sun_path (getsockname()), 0 for
				 * unbound; abstract ones start with 0 */
	__u32	path_len;	/* bound to a path: its inode's, from the
				 * VE's root; 0 for abstract, unbound */
};

/*
 * 1.4: one message (DGRAM, SEQPACKET) or run of bytes (STREAM) queued to
 * be read by UNIX_SOCK @sock, in queue order; its data follow, then for
 * a sender not in the image, the sender's address.  Contents: after
 * every socket, with the memory contents.
 */
#define CPT_UNIX_SKB_CREDS	1	/* pid, uid, gid: SCM_CREDENTIALS */

struct cpt_unix_skb {
	__u32	sock;		/* UNIX_SOCK whose receive queue holds it */
	__u32	sender;		/* UNIX_SOCK that sent it, or NO_OBJ for a
				 * closed one (a STREAM socket's closed
				 * peer, a DGRAM sender long gone) */
	__u32	len;		/* data bytes, 1..CPT_MAX_UNIX_SKB */
	__u32	flags;		/* CPT_UNIX_SKB_* */
	__u32	pid;		/* CREDS: in the VE; 0 for one that exited */
	__u32	uid;
	__u32	gid;
	__u32	addr_len;	/* sender NO_OBJ, DGRAM: its address */
};

struct cpt_files {
	__u32	max_fds;
	__u32	nr_fds;		/* CPT_REC_FD records that follow */
};

struct cpt_fd {
	__u32	fd;
	__u32	file;		/* index of a CPT_REC_FILE */
	__u32	cloexec;
	__u32	pad;
};

/*
 * A file lock, held through FILE @file: a flock(2) lock or an open file
 * description (OFD) lock, owned by that open file; or a POSIX record
 * lock, owned by the process whose fd table is FILES @owner.  Written
 * after the FILES (and its FDs) that first holds the file, or for a
 * POSIX lock after its owner's.
 */
#define CPT_LOCK_FLOCK		1	/* flock(2): the whole file */
#define CPT_LOCK_POSIX		2	/* fcntl(F_SETLK) */
#define CPT_LOCK_OFD		3	/* fcntl(F_OFD_SETLK) */
#define CPT_LOCK_READ		1	/* shared (F_RDLCK, LOCK_SH) */
#define CPT_LOCK_WRITE		2	/* exclusive (F_WRLCK, LOCK_EX) */
#define CPT_LOCK_OFFSET_MAX	0x7fffffffffffffffULL	/* to end of file */

struct cpt_lock {
	__u32	file;		/* index of a CPT_REC_FILE */
	__u32	owner;		/* POSIX: its CPT_REC_FILES; else CPT_NO_OBJ */
	__u16	kind;		/* CPT_LOCK_FLOCK, _POSIX, _OFD */
	__u16	type;		/* CPT_LOCK_READ, _WRITE */
	__u32	pid;		/* who took it, in the VE; 0: not a VE task */
	__u64	start;		/* first byte; 0 for FLOCK */
	__u64	end;		/* last byte, up to CPT_LOCK_OFFSET_MAX */
};

struct cpt_fs {
	__u32	umask;
	__u32	root_len;	/* root path follows, then cwd path */
	__u32	cwd_len;
	__u32	pad;
};

struct cpt_mm {
	__u64	start_code, end_code, start_data, end_data;
	__u64	start_brk, brk, start_stack;
	__u64	arg_start, arg_end, env_start, env_end;
	__u64	vdso_base;	/* where the vdso was mapped */
	__u64	def_flags;	/* CPT_MM_DEF_FLAGS bits; restored since 1.3 */
	__u32	nr_vmas;
	__u32	dumpable;
	__u64	saved_auxv[CPT_AUXV_WORDS];	/* with an AT_NULL (0) pair */
	__u32	exe_len;	/* /proc/PID/exe path follows, or 0 */
	__u32	pad;
};

#define CPT_VMA_ANON_PRIVATE	1
#define CPT_VMA_ANON_SHARED	2	/* shmem; shared by index */
#define CPT_VMA_FILE_PRIVATE	3
#define CPT_VMA_FILE_SHARED	4
#define CPT_VMA_VDSO		5
#define CPT_VMA_VVAR		6

struct cpt_vma {
	__u64	start;
	__u64	end;
	__u64	pgoff;		/* in pages */
	__u64	vm_flags;	/* Linux's VM_* bits (see docs), with
				 * CPT_VM_LOCKED and _LOCKONFAULT */
	__u32	kind;		/* CPT_VMA_* */
	__u32	prot;		/* PROT_* */
	__u32	shared_id;	/* ANON_SHARED: same id = same memory */
	__u32	path_len;	/* FILE_*: path follows */
};

struct cpt_pages {
	__u32	mm;		/* CPT_REC_MM index */
	__u32	nr_pages;	/* contiguous pages that follow */
	__u64	start;		/* user address of the first page */
};

/* What a task interrupted in a system call restarts with. */
#define CPT_RESTART_NONE	0	/* nothing, or a plain restart */
#define CPT_RESTART_NANOSLEEP	1	/* [0] clockid [1] type [2] rmtp
					 * [3] ns left at dump */
#define CPT_RESTART_FUTEX	2	/* [0] uaddr [1] val [2] flags
					 * [3] bitset [4] ns left, or the
					 * CLOCK_REALTIME deadline if flags
					 * has 2 [5] has timeout */
#define CPT_RESTART_POLL	3	/* [0] ufds [1] nfds [2] has timeout
					 * [3] ns left */

#define CPT_TASK_RUNNING	0
#define CPT_TASK_ZOMBIE		1

struct cpt_task {
	__u32	pid;		/* in the VE's pid namespace */
	__u32	tgid;
	__u32	ppid;		/* real parent's pid; 0 for the VE's init */
	__u32	pgid;
	__u32	sid;
	__u32	state;		/* CPT_TASK_* */
	__u32	exit_code;	/* zombies */
	__u32	exit_signal;
	__u32	mm;		/* CPT_REC_MM index */
	__u32	files;		/* CPT_REC_FILES index */
	__u32	fs;		/* CPT_REC_FS index */
	__u32	sighand;	/* CPT_REC_SIGHAND index */
	__u32	personality;
	__u32	reserved;	/* 1.0 "flags": never used */
	__u64	blocked;	/* blocked signal mask */
	__u64	sas_ss_sp;
	__u64	sas_ss_size;
	__u32	sas_ss_flags;
	__u32	no_new_privs;
	__u64	clear_child_tid;
	__u64	set_child_tid;
	__u64	robust_list;
	__u64	reserved2;	/* 1.0 "robust_list_len": always the
				 * size of struct robust_list_head */
	__u64	restart_block[8];	/* interrupted nanosleep etc. */
	__u32	restart_fn;	/* CPT_RESTART_* */
	__u32	pdeath_signal;
	char	comm[16];
	__u64	rlim_cur[16];
	__u64	rlim_max[16];
};

#define CPT_FPU_FXSAVE		1	/* 512-byte FXSAVE area */
#define CPT_FPU_XSAVE		2	/* standard-format XSAVE area */

struct cpt_xsave {
	__u32	format;		/* CPT_FPU_* */
	__u32	size;		/* bytes that follow, <= CPT_MAX_XSAVE */
};

struct cpt_creds {
	__u32	uid, euid, suid, fsuid;
	__u32	gid, egid, sgid, fsgid;
	__u64	cap_inheritable, cap_permitted, cap_effective;
	__u64	cap_bset, cap_ambient;
	__u32	securebits;
	__u32	ngroups;	/* __u32 gids follow */
};

/* Scheduling policies, as Linux numbers them (SCHED_*). */
#define CPT_SCHED_NORMAL	0
#define CPT_SCHED_FIFO		1
#define CPT_SCHED_RR		2
#define CPT_SCHED_BATCH		3
#define CPT_SCHED_IDLE		5
/* cpt_sched.flags */
#define CPT_SCHED_RESET_ON_FORK	1	/* SCHED_RESET_ON_FORK */
#define CPT_NICE_MIN		(-20)
#define CPT_NICE_MAX		19
#define CPT_RT_PRIO_MAX		99	/* FIFO and RR: 1 to this */

/* 1.3: a live task's scheduling attributes (a zombie has none). */
struct cpt_sched {
	__s32	nice;		/* CPT_NICE_MIN to CPT_NICE_MAX */
	__u32	policy;		/* CPT_SCHED_NORMAL, _FIFO, ... */
	__u32	rt_priority;	/* FIFO, RR: 1 to CPT_RT_PRIO_MAX; else 0 */
	__u32	flags;		/* CPT_SCHED_RESET_ON_FORK */
};

/* cpt_rseq.len: struct rseq as Linux 6.1 registers it, and its alignment */
#define CPT_RSEQ_LEN		32

/*
 * 1.6: a live task's restartable sequences area (rseq(2)), if it
 * registered one: glibc does for every thread.  The area itself is in
 * the task's memory.
 */
struct cpt_rseq {
	__u64	addr;		/* user address, CPT_RSEQ_LEN-aligned */
	__u32	len;		/* CPT_RSEQ_LEN */
	__u32	sig;		/* the signature before each abort handler */
};

/* struct user_regs_struct of x86_64, field for field. */
struct cpt_regs {
	__u64	r15, r14, r13, r12, bp, bx, r11, r10;
	__u64	r9, r8, ax, cx, dx, si, di, orig_ax;
	__u64	ip, cs, flags, sp, ss, fs_base, gs_base;
	__u64	ds, es, fs, gs;
};

struct cpt_sighand_action {
	__u64	handler;
	__u64	flags;
	__u64	restorer;
	__u64	mask;
};

struct cpt_sighand {
	struct cpt_sighand_action action[64];
};

struct cpt_siginfo {
	__u32	shared;		/* 1: shared (process) queue */
	__u32	pad;
	__u8	info[128];	/* kernel siginfo as copied to user */
};

struct cpt_signal {
	__u32	leader_pid;
	__u32	next_timer_id;	/* 1.1: id timer_create() tries next */
	__u64	it_real_value_ns;	/* ITIMER_REAL remaining */
	__u64	it_real_interval_ns;
	__u64	it_virt_value, it_virt_incr;	/* ns of CPU time */
	__u64	it_prof_value, it_prof_incr;
};

/*
 * A POSIX timer on CLOCK_REALTIME, _MONOTONIC, _BOOTTIME or _TAI, as
 * timer_create() was given it and timer_gettime() reports it.  The
 * process's timers follow its SIGNAL record in increasing id order.
 */
struct cpt_posix_timer {
	__u32	id;		/* timer_t, at most INT_MAX */
	__u32	clock;		/* clockid_t */
	__u32	sigev_notify;	/* SIGEV_SIGNAL, _NONE, _THREAD, _THREAD_ID */
	__u32	sigev_signo;
	__u64	sigev_value;
	__u32	sigev_tid;	/* SIGEV_THREAD_ID target, VE pid */
	__u32	overrun;	/* timer_getoverrun() */
	__u64	value_ns;	/* remaining until expiry, 0 = disarmed */
	__u64	interval_ns;
};

#endif /* _UAPI_LINUX_CPT_IMAGE_H */
