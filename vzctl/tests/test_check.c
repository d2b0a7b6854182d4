// SPDX-License-Identifier: GPL-2.0
/*
 * One test per rule of the image format's checker (kernel/cpt/image/
 * check.c, which /proc/rst runs too): the standard test image with one
 * field of one record changed, or one record left out, every CRC still
 * right, so that the rule itself is what refuses it; and the valid
 * variants the rules must let through.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "tests/check.h"
#include "tests/imgwrite.h"

/* What to change: in the nth record of a type, through a function. */
struct edit {
	uint32_t type, nth;
	void (*fn)(void *fixed, void *var);
	bool drop;
};

static bool apply(uint32_t type, uint32_t nth, void *fixed, uint32_t fixed_len,
		  void *var, uint32_t var_len, void *arg)
{
	const struct edit *e = arg;

	(void)fixed_len;
	(void)var_len;
	if (type != e->type || nth != e->nth)
		return true;
	if (e->fn)
		e->fn(fixed, var);
	return !e->drop;
}

/* The image of o, edited as e says: "" if valid, else the message. */
static const char *verdict(struct imgw_opts o, struct edit e)
{
	static char err[512];

	o.edit = apply;
	o.edit_arg = &e;
	if (imgw_validate_opts(&o, err, sizeof(err)) == 0)
		return "";
	return err;
}

static void expect(const char *got, const char *want, const char *rule)
{
	bool ok = *want ? strstr(got, want) != NULL : !*got;

	if (!ok)
		fprintf(stderr, "     rule \"%s\": got \"%s\", want \"%s\"\n",
			rule, got, want);
	check(ok, rule, __FILE__, __LINE__);
}

#define RULE(opts, type, nth, fn, want)					\
	expect(verdict(opts, (struct edit){ CPT_REC_##type, nth, fn, false }), \
	       want, #type " " #fn)
#define DROPPED(opts, type, nth, want)					\
	expect(verdict(opts, (struct edit){ CPT_REC_##type, nth, NULL, true }), \
	       want, "no " #type)

/* The edits: named after what they make of the record. */
#define EDIT(name, type, body)						\
static void name(void *fixed, void *var)				\
{									\
	type *r = fixed;						\
									\
	(void)var;							\
	body;								\
}

EDIT(ve_other_veid, struct cpt_ve, r->veid = 7)
EDIT(ve_reserved, struct cpt_ve, r->reserved[0] = 5; r->reserved[1] = 6)
EDIT(ve_one_task, struct cpt_ve, r->nr_tasks = 1)
EDIT(uts_unterminated, struct cpt_uts, memset(r->release, 'x', 65))
EDIT(file_chr_sda, struct cpt_file, r->kind = CPT_FILE_CHR; r->rdev = 0x800)
EDIT(file_chr_null, struct cpt_file, r->kind = CPT_FILE_CHR; r->rdev = 0x103)
EDIT(pipe_three_pages, struct cpt_pipe, r->size = 3 * 4096)
EDIT(pipe_2mb, struct cpt_pipe, r->size = 2 << 20)
EDIT(pipe_bufs_overflow, struct cpt_pipe, r->size = 4096)
EDIT(pipe_one_buf, struct cpt_pipe, r->nr_bufs = 1)
EDIT(pipe_buf_empty, struct cpt_pipe_buf, r->len = 0)
EDIT(pipe_buf_flags, struct cpt_pipe_buf, r->flags = 2)
EDIT(file_pipe_undefined, struct cpt_file, r->object = 5)
EDIT(file_pipe_rdwr, struct cpt_file, r->flags = 2)
EDIT(file_pipe_second_reader, struct cpt_file, r->flags = 0)
EDIT(file_pipe_regular_mode, struct cpt_file, r->mode = 0100600)
EDIT(file_fifo_on_unnamed, struct cpt_file, r->object = 0)
EDIT(file_reg_with_pipe, struct cpt_file, r->object = 1)
EDIT(file_unnamed_with_path, struct cpt_file, r->kind = CPT_FILE_PIPE; r->flags = 0)
EDIT(file_fifo_write_only, struct cpt_file, r->flags = 1)
EDIT(fd_beyond, struct cpt_fd, r->fd = 64)
EDIT(fd_cloexec_2, struct cpt_fd, r->cloexec = 2)
EDIT(files_two_fds, struct cpt_files, r->nr_fds = 2)
EDIT(mm_no_vmas_valid, struct cpt_mm, r->nr_vmas = 0)
EDIT(mm_brk_below_start, struct cpt_mm, r->brk = r->start_brk - 4096)
EDIT(mm_auxv_no_null, struct cpt_mm, memset(r->saved_auxv, 0x41, sizeof(r->saved_auxv)))
EDIT(mm_auxv_null_last, struct cpt_mm,
     memset(r->saved_auxv, 0x41, 46 * 8))
EDIT(mm_mlockall_onfault, struct cpt_mm,
     r->def_flags = CPT_VM_LOCKED | CPT_VM_LOCKONFAULT)
EDIT(mm_def_flags_other, struct cpt_mm,
     r->def_flags = CPT_VM_LOCKED | 0x40000000)
EDIT(mm_def_flags_onfault_only, struct cpt_mm,
     r->def_flags = CPT_VM_LOCKONFAULT)
EDIT(vma_onfault_only, struct cpt_vma, r->vm_flags = CPT_VM_LOCKONFAULT | 3)
EDIT(sighand_bad_flags, struct cpt_sighand, r->action[13].flags = 0x200)
EDIT(task_zombie, struct cpt_task, r->state = CPT_TASK_ZOMBIE)
EDIT(sched_idle_19, struct cpt_sched,
     r->policy = CPT_SCHED_IDLE; r->rt_priority = 0; r->nice = 19)
EDIT(sched_rr_99, struct cpt_sched,
     r->policy = CPT_SCHED_RR; r->rt_priority = 99; r->nice = -20)
EDIT(sched_deadline, struct cpt_sched, r->policy = 6)
EDIT(sched_nice_low, struct cpt_sched, r->nice = -21)
EDIT(sched_nice_high, struct cpt_sched, r->nice = 20)
EDIT(sched_fifo_prio_0, struct cpt_sched, r->rt_priority = 0)
EDIT(sched_fifo_prio_100, struct cpt_sched, r->rt_priority = 100)
EDIT(sched_batch_prio, struct cpt_sched, r->rt_priority = 1)
EDIT(sched_flags, struct cpt_sched, r->flags = 2)
EDIT(rseq_len_0, struct cpt_rseq, r->len = 0)
EDIT(rseq_len_64, struct cpt_rseq, r->len = 64)
EDIT(rseq_addr_0, struct cpt_rseq, r->addr = 0)
EDIT(rseq_misaligned, struct cpt_rseq, r->addr += 16)
EDIT(rseq_kernel, struct cpt_rseq, r->addr = 0xffff888000000000ULL)
EDIT(rseq_top, struct cpt_rseq, r->addr = CPT_USER_TOP)
EDIT(rseq_last, struct cpt_rseq, r->addr = CPT_USER_TOP - CPT_RSEQ_LEN)
EDIT(sighand_restorer, struct cpt_sighand,
     r->action[13].flags = 0x04000004)
EDIT(task_leader_no_exit_signal, struct cpt_task, r->exit_signal = (uint32_t)-1)
EDIT(task_rlimit_inverted, struct cpt_task,
     r->rlim_cur[7] = 10; r->rlim_max[7] = 5)
EDIT(task_sas_flags, struct cpt_task, r->sas_ss_flags = 1)
EDIT(task_sas_autodisarm, struct cpt_task,
     r->sas_ss_flags = CPT_SS_AUTODISARM)
EDIT(task_nanosleep_bad_clock, struct cpt_task,
     r->restart_fn = CPT_RESTART_NANOSLEEP; r->restart_block[0] = 0xffffffff)
EDIT(task_nanosleep_boottime, struct cpt_task,
     r->restart_fn = CPT_RESTART_NANOSLEEP;
     r->restart_block[0] = CPT_CLOCK_BOOTTIME)
EDIT(task_reserved, struct cpt_task, r->reserved = 9; r->reserved2 = 24)
EDIT(thread_exit_signal, struct cpt_task, r->exit_signal = 17)
EDIT(thread_zombie, struct cpt_task, r->state = CPT_TASK_ZOMBIE)
EDIT(thread_as_process, struct cpt_task,
     r->tgid = 2; r->ppid = 1; r->exit_signal = 17)
EDIT(creds_uid_invalid, struct cpt_creds, r->euid = CPT_INVALID_ID)
EDIT(creds_securebits, struct cpt_creds, r->securebits = 0x100)
EDIT(xsave_short_xsave, struct cpt_xsave, r->format = CPT_FPU_XSAVE)
EDIT(signal_other_leader, struct cpt_signal, r->leader_pid = 2)

EDIT(lock_kind_4, struct cpt_lock, r->kind = 4)
EDIT(lock_type_0, struct cpt_lock, r->type = 0)
EDIT(lock_file_undefined, struct cpt_lock, r->file = 1)
EDIT(lock_owner_undefined, struct cpt_lock, r->owner = 1)
EDIT(lock_flock_owner, struct cpt_lock, r->owner = 0)
EDIT(lock_range_reversed, struct cpt_lock, r->start = 100; r->end = 99)
EDIT(lock_range_beyond, struct cpt_lock, r->end = CPT_LOCK_OFFSET_MAX + 1)
EDIT(lock_flock_range, struct cpt_lock, r->end = 10)
EDIT(lock_pid_huge, struct cpt_lock, r->pid = CPT_PID_MAX)
EDIT(lock_posix_write_eof, struct cpt_lock,
     r->type = CPT_LOCK_WRITE; r->end = CPT_LOCK_OFFSET_MAX; r->pid = 0)

EDIT(efd_count_max, struct cpt_file, r->state = ~0ULL)
EDIT(efd_flags_2, struct cpt_file, r->state_flags = 2)
EDIT(efd_append, struct cpt_file, r->flags |= 02000)
EDIT(efd_rdonly, struct cpt_file, r->flags &= ~3)
EDIT(efd_pipe, struct cpt_file, r->object = 1)
EDIT(file_state_on_reg, struct cpt_file, r->state = 3)
EDIT(file_pad, struct cpt_file, r->pad = 1)
EDIT(efd_count_big, struct cpt_file, r->state = ~0ULL - 1)
EDIT(sfd_sigkill, struct cpt_file, r->state |= 1ULL << 8)
EDIT(sfd_flags, struct cpt_file, r->state_flags = 1)
EDIT(sfd_wronly, struct cpt_file, r->flags = 1)
EDIT(tfd_clock_tai, struct cpt_file, r->timer_clock = CPT_CLOCK_TAI)
EDIT(tfd_clock_monotonic, struct cpt_file, r->timer_clock = CPT_CLOCK_MONOTONIC)
EDIT(tfd_clock_alarm, struct cpt_file,
     r->timer_clock = CPT_CLOCK_REALTIME_ALARM)
EDIT(tfd_flags_8, struct cpt_file, r->state_flags |= 8)
EDIT(tfd_canceled, struct cpt_file, r->state_flags |= CPT_TFD_CANCELED)
EDIT(tfd_canceled_relative, struct cpt_file,
     r->state_flags = CPT_TFD_CANCEL_ON_SET | CPT_TFD_CANCELED)
EDIT(tfd_value_big, struct cpt_file, r->timer_value = CPT_TIMER_NS_MAX + 1)
EDIT(tfd_interval_big, struct cpt_file, r->timer_interval = ~0ULL)
EDIT(tfd_value_max, struct cpt_file,
     r->timer_value = CPT_TIMER_NS_MAX; r->timer_interval = CPT_TIMER_NS_MAX)
EDIT(tfd_ticks_max, struct cpt_file, r->state = ~0ULL)
EDIT(tfd_append, struct cpt_file, r->flags |= 02000)
EDIT(file_timer_on_sfd, struct cpt_file, r->timer_interval = 1)
EDIT(file_timer_clock_on_reg, struct cpt_file, r->timer_clock = 1)
EDIT(file_pad2, struct cpt_file, r->pad2 = 2)
EDIT(ep_state, struct cpt_file, r->state = 1)
EDIT(ep_nonblock, struct cpt_file, r->flags |= 04000)
EDIT(ep_wronly, struct cpt_file, r->flags = 1)
EDIT(epw_epoll_2, struct cpt_epoll_watch, r->epoll = 2)
EDIT(epw_epoll_5, struct cpt_epoll_watch, r->epoll = 5)
EDIT(epw_file_0, struct cpt_epoll_watch, r->file = 0)
EDIT(epw_file_self, struct cpt_epoll_watch, r->file = 4)
EDIT(epw_file_2, struct cpt_epoll_watch, r->file = 2)
EDIT(epw_fd_big, struct cpt_epoll_watch, r->fd = 1U << 20)
EDIT(epw_fd_max, struct cpt_epoll_watch, r->fd = (1U << 20) - 1)
EDIT(epw_events_unknown, struct cpt_epoll_watch, r->events |= 0x800)
EDIT(epw_exclusive, struct cpt_epoll_watch,
     r->events = CPT_EPOLL_EXCLUSIVE | 0x1)
EDIT(epw_exclusive_pri, struct cpt_epoll_watch,
     r->events = CPT_EPOLL_EXCLUSIVE | 0x3)
EDIT(epw_all, struct cpt_epoll_watch,
     r->events = CPT_EPOLL_EVENTS & ~CPT_EPOLL_EXCLUSIVE)

/* Unix sockets (the unix_socks image: see imgwrite.c's write_unix()). */
EDIT(usock_type_3, struct cpt_unix_sock, r->type = 3)
EDIT(usock_state_3, struct cpt_unix_sock, r->state = 3)
EDIT(usock_flags_unknown, struct cpt_unix_sock, r->flags |= 0x8000)
EDIT(usock_shared, struct cpt_unix_sock, r->flags |= CPT_UNIX_SHARED_ADDR)
EDIT(usock_own_addr, struct cpt_unix_sock, r->flags &= ~CPT_UNIX_SHARED_ADDR)
EDIT(usock_peer_uid_invalid, struct cpt_unix_sock, r->peer_uid = CPT_INVALID_ID)
EDIT(usock_shutdown_4, struct cpt_unix_sock, r->shutdown = 4)
EDIT(usock_err_4096, struct cpt_unix_sock, r->err = 4096)
EDIT(usock_peek_off_2, struct cpt_unix_sock, r->peek_off = -2)
EDIT(usock_backlog_big, struct cpt_unix_sock, r->backlog = 0x80000000U)
EDIT(usock_addr_109, struct cpt_unix_sock,
     r->peer_ngroups = 0; r->addr_len = 109)
EDIT(usock_unlinked, struct cpt_unix_sock, r->flags |= CPT_UNIX_UNLINKED)
EDIT(usock_listen_dgram, struct cpt_unix_sock, r->type = CPT_SOCK_DGRAM)
EDIT(usock_listen, struct cpt_unix_sock, r->state = CPT_UNIX_LISTEN)
EDIT(usock_dgram_estab, struct cpt_unix_sock,
     r->flags |= CPT_UNIX_DGRAM_ESTAB)
EDIT(usock_no_peercred, struct cpt_unix_sock,
     r->flags &= ~CPT_UNIX_PEERCRED)
EDIT(usock_peer_pid_max, struct cpt_unix_sock, r->peer_pid = CPT_PID_MAX)
EDIT(usock_peer_pid_big, struct cpt_unix_sock,
     r->peer_pid = CPT_PID_MAX + 1)
EDIT(usock_listener_2, struct cpt_unix_sock, r->listener = 2)
EDIT(usock_listener_1, struct cpt_unix_sock, r->listener = 1)
EDIT(usock_listener_3, struct cpt_unix_sock, r->listener = 3)
EDIT(usock_unconnected, struct cpt_unix_sock,
     r->state = CPT_UNIX_UNCONNECTED)
EDIT(usock_seqpacket, struct cpt_unix_sock, r->type = CPT_SOCK_SEQPACKET)
EDIT(usock_peer_0, struct cpt_unix_sock, r->peer = 0)
EDIT(usock_peer_4, struct cpt_unix_sock, r->peer = 4)
EDIT(usock_peer_6, struct cpt_unix_sock, r->peer = 6)
EDIT(usock_peer_8, struct cpt_unix_sock, r->peer = 8)
EDIT(usock_peer_none, struct cpt_unix_sock, r->peer = CPT_NO_OBJ)
EDIT(usock_peer_next, struct cpt_unix_sock, r->peer = CPT_UNIX_PEER_NEXT)
EDIT(file_unix_on_reg, struct cpt_file,
     r->kind = CPT_FILE_UNIX; r->flags = O_RDWR)
EDIT(file_unix_mode, struct cpt_file, r->mode = 0100777)
EDIT(file_unix_append, struct cpt_file, r->flags |= 02000)
EDIT(file_unix_largefile, struct cpt_file, r->flags |= 0100000)
EDIT(file_unix_pos, struct cpt_file, r->pos = 5)
EDIT(file_unix_state, struct cpt_file, r->state = 1)
EDIT(file_unix_sock_0, struct cpt_file, r->object = 0)
EDIT(file_unix_sock_3, struct cpt_file, r->object = 3)
EDIT(file_unix_sock_8, struct cpt_file, r->object = 8)
EDIT(file_unix_to_signalfd, struct cpt_file,
     r->kind = CPT_FILE_SIGNALFD; r->object = 0)
EDIT(uskb_sock_2, struct cpt_unix_skb, r->sock = 2)
EDIT(uskb_sock_8, struct cpt_unix_skb, r->sock = 8)
EDIT(uskb_sender_0, struct cpt_unix_skb, r->sender = 0)
EDIT(uskb_sender_6, struct cpt_unix_skb, r->sender = 6)
EDIT(uskb_sender_9, struct cpt_unix_skb, r->sender = 9)
EDIT(uskb_sender_none, struct cpt_unix_skb, r->sender = CPT_NO_OBJ)
EDIT(uskb_empty, struct cpt_unix_skb, r->len = 0)
EDIT(uskb_flags_3, struct cpt_unix_skb, r->flags = 3)
EDIT(uskb_no_creds, struct cpt_unix_skb, r->flags = 0)
EDIT(uskb_pid_big, struct cpt_unix_skb, r->pid = CPT_PID_MAX + 1)
EDIT(uskb_gid_invalid, struct cpt_unix_skb, r->gid = CPT_INVALID_ID)
EDIT(uskb_addr_4, struct cpt_unix_skb, r->len = 1; r->addr_len = 4)
EDIT(uskb_addr_109, struct cpt_unix_skb, r->len = 1; r->addr_len = 109)
EDIT(uskb_addr_none, struct cpt_unix_skb, r->len += r->addr_len; r->addr_len = 0)

/* A byte of a variable part: an address's, a path's. */
#define VAR_BYTE(name, i, c)						\
static void name(void *fixed, void *var)				\
{									\
	(void)fixed;							\
	((unsigned char *)var)[i] = c;					\
}

/* "/run/vz.sock" and its NUL, then the path "/run/vz.sock". */
VAR_BYTE(usock_addr_unterminated, 12, 'x')
VAR_BYTE(usock_addr_nul_inside, 4, 0)
VAR_BYTE(usock_addr_abstract, 0, 0)
VAR_BYTE(usock_path_relative, 13, 'r')
/* 128 bytes of data, then "/tmp/gone.sock" and its NUL. */
VAR_BYTE(uskb_addr_unterminated, 128 + 14, 'x')

/*
 * The UNIX_SKB limit, without a million records: the reader's count is
 * set to the limit after the first one, so the second is one too many.
 */
static void uskb_limit(void)
{
	struct imgw_opts o = { .unix_socks = true };
	struct img_reader r;
	struct img_record rec;
	size_t len;
	unsigned char *img = imgw_image(&o, &len);
	int fd = bytes_fd(img, len), ret;

	img_reader_init(&r, fd);
	ret = img_read_header(&r);
	while (!ret && img_next(&r, &rec) == 1)
		if (rec.h.type == CPT_REC_UNIX_SKB)
			r.ck.count[CPT_REC_UNIX_SKB] = CPT_MAX_UNIX_SKBS;
	expect(r.err, "UNIX_SKB record at offset 15208: more than 1048576 of them",
	       "UNIX_SKB limit");
	img_reader_free(&r);
	close(fd);
	free(img);
}

/* The first group of CREDS, of a UNIX_SOCK without address or path. */
static void group_invalid(void *fixed, void *var)
{
	uint32_t g = CPT_INVALID_ID;

	(void)fixed;
	memcpy(var, &g, sizeof(g));
}

static void xsave_fx_576(void *fixed, void *var)
{
	struct cpt_xsave *x = fixed;

	(void)var;
	x->size = 576;		/* fixed part only: its length stays 512 */
}

void test_check(void)
{
	struct imgw_opts plain = { 0 }, threads = { .threads = true };
	struct imgw_opts timers = { .timers = true }, mlock = { .mlock = true };
	struct imgw_opts pipes = { .pipes = true }, locks = { .locks = true };
	struct imgw_opts efd = { .eventfd = true };
	struct imgw_opts sched = { .sched = true };
	struct imgw_opts sched_threads = { .sched = true, .threads = true };
	struct imgw_opts rseq = { .rseq = true, .threads = true };
	struct imgw_opts usock = { .unix_socks = true };
	struct imgw_opts usock_pipes = { .unix_socks = true, .pipes = true };
	struct imgw_opts usock_groups = { .unix_socks = true,
					  .unix_ngroups = CPT_MAX_GROUPS };
	struct imgw_opts usock_groups_over = { .unix_socks = true,
					       .unix_ngroups = CPT_MAX_GROUPS + 1 };

	/* The valid ones first: what the rules must let through. */
	RULE(plain, VE, 0, ve_reserved, "");
	RULE(plain, TASK, 0, task_reserved, "");
	RULE(plain, TASK, 0, task_sas_autodisarm, "");
	RULE(plain, TASK, 0, task_nanosleep_boottime, "");
	RULE(plain, SIGHAND, 0, sighand_restorer, "");
	RULE(plain, MM, 0, mm_auxv_null_last, "");
	RULE(plain, FILE, 0, file_chr_null, "");
	RULE(pipes, FILE, 3, file_fifo_write_only, "");
	RULE(mlock, MM, 0, NULL, "");
	RULE(mlock, MM, 0, mm_mlockall_onfault, "");
	RULE(sched_threads, SCHED, 1, NULL, "");
	/* Found by the fuzzer: the checker wrote past its task table. */
	RULE(sched_threads, VE, 0, ve_one_task, "more TASK records than the VE record's nr_tasks 1");
	RULE(sched, SCHED, 0, sched_idle_19, "");
	RULE(sched, SCHED, 0, sched_rr_99, "");
	RULE(locks, LOCK, 0, NULL, "");
	RULE(efd, FILE, 1, NULL, "");
	RULE(efd, FILE, 1, efd_count_big, "");
	RULE(efd, FILE, 2, NULL, "");
	RULE(efd, FILE, 3, NULL, "");
	RULE(efd, FILE, 3, tfd_clock_monotonic, "");
	RULE(efd, FILE, 3, tfd_clock_alarm, "");
	RULE(efd, FILE, 3, tfd_canceled, "");
	RULE(efd, FILE, 3, tfd_value_max, "");
	RULE(efd, FILE, 3, tfd_ticks_max, "");
	RULE(efd, FILE, 4, NULL, "");
	RULE(efd, FILE, 4, ep_nonblock, "");
	RULE(efd, EPOLL_WATCH, 0, NULL, "");
	RULE(efd, EPOLL_WATCH, 1, NULL, "");
	RULE(efd, EPOLL_WATCH, 0, epw_file_2, "");
	RULE(efd, EPOLL_WATCH, 0, epw_fd_max, "");
	RULE(efd, EPOLL_WATCH, 0, epw_exclusive, "");
	RULE(efd, EPOLL_WATCH, 1, epw_all, "");
	RULE(locks, LOCK, 1, lock_posix_write_eof, "");
	RULE(usock, UNIX_SOCK, 0, NULL, "");
	RULE(usock_pipes, UNIX_SOCK, 0, NULL, "");
	RULE(usock, UNIX_SOCK, 2, usock_unlinked, "");
	RULE(usock, UNIX_SOCK, 0, usock_peer_pid_max, "");
	RULE(usock_groups, UNIX_SOCK, 0, NULL, "");
	RULE(usock, UNIX_SKB, 3, uskb_addr_none, "");
	RULE(usock, UNIX_SOCK, 7, usock_peer_none, "");

	/* The header and the VE. */
	RULE(plain, VE, 0, ve_other_veid, "veid 7 differs from the header's 101");
	RULE(plain, UTS, 0, uts_unterminated, "string 2 is not NUL-terminated");
	/* Files and fds. */
	RULE(plain, FILE, 0, file_chr_sda, "character device 0x800 is not one a VE may hold");
	/* Pipes and FIFOs. */
	expect(verdict(pipes, (struct edit){ 0, 0, NULL, false }), "", "pipes valid");
	RULE(pipes, PIPE, 0, pipe_three_pages, "size 12288 is not a power of two pages");
	RULE(pipes, PIPE, 1, pipe_2mb, "size 2097152 is not a power of two pages up to 1048576");
	RULE(pipes, PIPE, 0, pipe_bufs_overflow, "2 buffers do not fit in its 1 pages");
	RULE(pipes, PIPE, 0, pipe_one_buf, "not part of a PIPE record");
	RULE(pipes, PIPE_BUF, 0, pipe_buf_empty, "length 0 out of range (1..4096)");
	RULE(pipes, PIPE_BUF, 1, pipe_buf_flags, "unknown flags 0x2");
	RULE(pipes, FILE, 1, file_pipe_undefined, "pipe 5 refers to a PIPE not defined before it");
	RULE(pipes, FILE, 1, file_pipe_rdwr, "unnamed pipe end open with access mode 2");
	RULE(pipes, FILE, 2, file_pipe_second_reader, "second read end of pipe 0");
	RULE(pipes, FILE, 1, file_pipe_regular_mode, "pipe or FIFO with mode 100600");
	RULE(pipes, FILE, 3, file_fifo_on_unnamed, "pipe 0 is both unnamed and a FIFO");
	RULE(pipes, FILE, 0, file_reg_with_pipe, "pipe 1 given for a file that is not one");
	RULE(pipes, FILE, 3, file_unnamed_with_path, "unnamed pipe with a path");
	/* Eventfds. */
	RULE(efd, FILE, 1, efd_count_max, "eventfd counter 18446744073709551615 out of range");
	RULE(efd, FILE, 1, efd_flags_2, "eventfd flags 0x2 unknown");
	RULE(efd, FILE, 1, efd_append, "eventfd with flags 0xc02 (O_RDWR, O_NONBLOCK only)");
	RULE(efd, FILE, 1, efd_rdonly, "eventfd with flags 0x800 (O_RDWR, O_NONBLOCK only)");
	RULE(efd, FILE, 1, efd_pipe, "pipe 1 given for a file that is not one");
	RULE(plain, FILE, 0, file_state_on_reg, "state 3/0 given for a file that is not an eventfd, signalfd or timerfd");
	RULE(plain, FILE, 0, file_pad, "reserved field is 1, not 0");
	RULE(efd, FILE, 2, sfd_sigkill, "signalfd mask 0xb00 has SIGKILL or SIGSTOP");
	RULE(efd, FILE, 2, sfd_flags, "signalfd flags 0x1 unknown");
	RULE(efd, FILE, 2, sfd_wronly, "signalfd with flags 0x1 (O_RDWR, O_NONBLOCK only)");
	/* Timerfds. */
	RULE(efd, FILE, 3, tfd_clock_tai, "timerfd clock 11 is not one timerfd_create() takes");
	RULE(efd, FILE, 3, tfd_flags_8, "timerfd flags 0xb unknown");
	RULE(efd, FILE, 3, tfd_canceled_relative, "timerfd canceled by a clock setting, but not an absolute CANCEL_ON_SET timer on CLOCK_REALTIME");
	RULE(efd, FILE, 3, tfd_value_big, "timerfd value 9223372036854775808 / interval 1000000000 ns out of range (at most 9223372036854775807)");
	RULE(efd, FILE, 3, tfd_interval_big, "timerfd value 1893456000000000000 / interval 18446744073709551615 ns out of range (at most 9223372036854775807)");
	RULE(efd, FILE, 3, tfd_append, "timerfd with flags 0x402 (O_RDWR, O_NONBLOCK only)");
	RULE(efd, FILE, 2, file_timer_on_sfd, "timer 0/1/0 given for a file that is not a timerfd");
	RULE(plain, FILE, 0, file_timer_clock_on_reg, "timer 0/0/1 given for a file that is not a timerfd");
	RULE(plain, FILE, 0, file_pad2, "reserved field is 2, not 0");
	/* Epoll instances and their watches. */
	RULE(efd, FILE, 4, ep_state, "state 1/0 given for an epoll instance");
	RULE(efd, FILE, 4, ep_wronly, "epoll instance with flags 0x1 (O_RDWR, O_NONBLOCK only)");
	RULE(efd, EPOLL_WATCH, 0, epw_epoll_2, "FILE 2 is not an epoll instance");
	RULE(efd, EPOLL_WATCH, 1, epw_epoll_5, "epoll 5 refers to a FILE not defined before it (5 so far)");
	RULE(efd, EPOLL_WATCH, 0, epw_file_0, "FILE 0 (kind 1) cannot be watched by epoll FILE 4");
	RULE(efd, EPOLL_WATCH, 0, epw_file_self, "FILE 4 (kind 10) cannot be watched by epoll FILE 4");
	RULE(efd, EPOLL_WATCH, 0, epw_fd_big, "fd 1048576 out of range (below 1048576)");
	RULE(efd, EPOLL_WATCH, 0, epw_events_unknown, "events 0x80000819 unknown");
	RULE(efd, EPOLL_WATCH, 0, epw_exclusive_pri, "EPOLLEXCLUSIVE with events 0x10000003 or on an epoll instance");
	DROPPED(efd, EPOLL_WATCH, 0, "");
	/* File locks. */
	RULE(locks, LOCK, 0, lock_kind_4, "unknown kind 4");
	RULE(locks, LOCK, 1, lock_type_0, "unknown type 0");
	RULE(locks, LOCK, 2, lock_file_undefined, "file 1 refers to a FILE not defined before it");
	RULE(locks, LOCK, 1, lock_owner_undefined, "owner 1 refers to a FILES not defined before it");
	RULE(locks, LOCK, 0, lock_flock_owner, "owner 0 given for a lock an open file owns");
	RULE(locks, LOCK, 1, lock_range_reversed, "range 100-99 out of order");
	RULE(locks, LOCK, 2, lock_range_beyond, "range 100-9223372036854775808 out of order or beyond 9223372036854775807");
	RULE(locks, LOCK, 0, lock_flock_range, "flock lock on a range (0-10), not the whole file");
	RULE(locks, LOCK, 1, lock_pid_huge, "pid 4194304 out of range (0..4194303)");
	RULE(plain, FD, 0, fd_beyond, "fd 64 out of order or beyond max_fds 64");
	RULE(plain, FD, 0, fd_cloexec_2, "cloexec 2 is not 0 or 1");
	RULE(plain, FILES, 0, files_two_fds, "1 more FD records of the last FILES expected");
	/* Unix sockets. */
	RULE(usock, UNIX_SOCK, 0, usock_type_3, "unknown type 3 (SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET)");
	RULE(usock, UNIX_SOCK, 1, usock_state_3, "unknown state 3");
	RULE(usock, UNIX_SOCK, 0, usock_flags_unknown, "unknown flags 0x8040");
	RULE(usock, UNIX_SOCK, 6, usock_shutdown_4, "shutdown 0x4 has bits other than SHUT_RD and SHUT_WR");
	RULE(usock, UNIX_SOCK, 6, usock_err_4096, "pending error 4096 out of range (0..4095)");
	RULE(usock, UNIX_SOCK, 5, usock_peek_off_2, "peek_off -2 below -1 (off)");
	RULE(usock, UNIX_SOCK, 2, usock_backlog_big, "backlog 2147483648 exceeds 2147483647");
	RULE(usock, UNIX_SOCK, 0, usock_addr_109, "address length 109 exceeds 108");
	RULE(usock, UNIX_SOCK, 2, usock_addr_unterminated, "address of 13 bytes is neither a path ending in its only NUL nor abstract (a NUL first)");
	RULE(usock, UNIX_SOCK, 2, usock_addr_nul_inside, "address of 13 bytes is neither a path ending in its only NUL");
	RULE(usock, UNIX_SOCK, 0, usock_shared, "SHARED_ADDR without an address");
	RULE(usock, UNIX_SOCK, 2, usock_addr_abstract, "a path, but the socket is not bound to a path address of its own");
	RULE(usock, UNIX_SOCK, 2, usock_shared, "a path, but the socket is not bound to a path address of its own");
	RULE(usock, UNIX_SOCK, 3, usock_own_addr, "bound to a path address, but without its path");
	RULE(usock, UNIX_SOCK, 2, usock_path_relative, "path is not absolute");
	RULE(usock, UNIX_SOCK, 0, usock_unlinked, "UNLINKED without a path");
	RULE(usock, UNIX_SOCK, 2, usock_listen_dgram, "a datagram socket does not listen");
	RULE(usock, UNIX_SOCK, 6, usock_listen, "listening socket without an address");
	RULE(usock, UNIX_SOCK, 0, usock_dgram_estab, "DGRAM_ESTAB on a socket of type 1 (SOCK_DGRAM only)");
	RULE(usock_groups_over, UNIX_SOCK, 0, NULL, "peer_ngroups 65537 exceeds 65536");
	RULE(usock, UNIX_SOCK, 0, usock_no_peercred, "credentials given without PEERCRED");
	RULE(usock, UNIX_SOCK, 0, usock_peer_pid_big, "peer_pid 4194305 out of range (0..4194304)");
	RULE(usock, UNIX_SOCK, 0, usock_peer_uid_invalid, "uid or gid 4294967295 is not valid");
	RULE(usock, UNIX_SOCK, 0, group_invalid, "group 4294967295 is not valid");
	RULE(usock, UNIX_SOCK, 4, usock_listener_2, "listener 2 given for a socket that is not an embryo");
	RULE(usock, UNIX_SOCK, 3, usock_unconnected, "embryo in state 0, not CONNECTED");
	RULE(usock, UNIX_SOCK, 3, usock_peer_0, "embryo with peer 0 (its client is the next UNIX_SOCK, PEER_NEXT, or none)");
	RULE(usock, UNIX_SOCK, 3, usock_listener_3, "listener 3 refers to a UNIX_SOCK not defined before it (3 so far)");
	RULE(usock, UNIX_SOCK, 3, usock_seqpacket, "listener 2 is a socket of type 1, not 5");
	RULE(usock, UNIX_SOCK, 3, usock_listener_1, "listener 1 is not listening");
	RULE(usock, UNIX_SOCK, 1, usock_peer_none, "UNIX_SOCK record at offset 888: does not name UNIX_SOCK 0 back, whose peer is PEER_NEXT");
	RULE(usock, UNIX_SOCK, 7, usock_peer_next, "PAGES record at offset 6928: UNIX_SOCK 7 has peer PEER_NEXT, but no UNIX_SOCK follows it");
	RULE(usock, UNIX_SOCK, 5, usock_peer_0, "a peer given for a socket that is not connected");
	RULE(usock, UNIX_SOCK, 6, usock_peer_4, "peer 4: only a datagram socket names an earlier socket it is connected to");
	RULE(usock, UNIX_SOCK, 7, usock_peer_8, "peer 8 refers to a UNIX_SOCK not defined before it (7 so far)");
	RULE(usock, UNIX_SOCK, 7, usock_peer_6, "peer 6 is a socket of type 5, not 2");
	RULE(usock, UNIX_SOCK, 1, usock_seqpacket, "peer 0 is a socket of type 1, not 5");
	RULE(plain, FILE, 0, file_unix_on_reg, "unix socket with a path");
	RULE(usock, FILE, 1, file_unix_mode, "unix socket with mode 100777");
	RULE(usock, FILE, 1, file_unix_append, "unix socket with flags 0x402 (O_RDWR, O_NONBLOCK only)");
	RULE(usock, FILE, 2, file_unix_largefile, "unix socket with flags 0x8802 (O_RDWR, O_NONBLOCK only)");
	RULE(usock, FILE, 1, file_unix_pos, "unix socket with pos 5 and size 0 (both 0)");
	RULE(usock, FILE, 1, file_unix_state, "state 1/0 given for a file that is not an eventfd, signalfd or timerfd");
	RULE(usock, FILE, 7, file_unix_sock_8, "sock 8 refers to a UNIX_SOCK not defined before it (8 so far)");
	RULE(usock, FILE, 4, file_unix_sock_3, "sock 3 is a connection not yet accepted: no FILE is it");
	RULE(usock, FILE, 2, file_unix_sock_0, "second FILE for sock 0 (its fds share one)");
	RULE(usock, FILE, 7, file_unix_to_signalfd, "PAGES record at offset 6928: UNIX_SOCK 7 is not an embryo, yet no FILE is it");
	RULE(usock, UNIX_SKB, 0, uskb_sock_8, "sock 8 refers to a UNIX_SOCK not defined before it (8 so far)");
	RULE(usock, UNIX_SKB, 0, uskb_sender_9, "sender 9 refers to a UNIX_SOCK not defined before it (8 so far)");
	RULE(usock, UNIX_SKB, 2, uskb_sock_2, "sock 2 is listening: only connections wait in it");
	RULE(usock, UNIX_SKB, 4, uskb_sender_6, "sender 6 is a socket of type 5, not 2");
	RULE(usock, UNIX_SKB, 5, uskb_empty, "length 0 out of range (1..1048320)");
	RULE(usock, UNIX_SKB, 0, uskb_flags_3, "unknown flags 0x3");
	RULE(usock, UNIX_SKB, 0, uskb_no_creds, "credentials given without CREDS");
	RULE(usock, UNIX_SKB, 0, uskb_pid_big, "pid 4194305 out of range (0..4194304)");
	RULE(usock, UNIX_SKB, 0, uskb_gid_invalid, "uid or gid 4294967295 is not valid");
	RULE(usock, UNIX_SOCK, 6, usock_unconnected, "sock 6 is a stream or seqpacket socket that is not connected");
	RULE(usock, UNIX_SKB, 0, uskb_sender_0, "sender 0 is not the peer (1) of sock 0 (-1: none)");
	RULE(usock, UNIX_SKB, 2, uskb_sender_none, "sender -1 is not the peer (4) of sock 3 (-1: none)");
	RULE(usock, UNIX_SKB, 1, uskb_addr_4, "a sender address on a stream or seqpacket socket's data");
	RULE(usock, UNIX_SKB, 4, uskb_addr_4, "a sender address, but sender 7 is in the image");
	RULE(usock, UNIX_SKB, 3, uskb_addr_109, "sender address length 109 exceeds 108");
	RULE(usock, UNIX_SKB, 3, uskb_addr_unterminated, "sender address of 15 bytes is neither a path ending in its only NUL");
	uskb_limit();
	/* Memory. */
	RULE(plain, MM, 0, mm_no_vmas_valid, "not part of a MM record");
	RULE(plain, MM, 0, mm_brk_below_start, "bounds out of order");
	RULE(plain, MM, 0, mm_auxv_no_null, "saved auxv has no AT_NULL entry");
	RULE(mlock, MM, 0, mm_def_flags_other, "def_flags 0x40002000 has bits other than mlockall()'s (0x82000)");
	RULE(mlock, MM, 0, mm_def_flags_onfault_only, "def_flags 0x80000 locks on fault without locking");
	RULE(mlock, VMA, 2, vma_onfault_only, "VMA record at offset 1408: vm_flags 0x80003 lock on fault without locking");
	/* Signals. */
	RULE(plain, SIGHAND, 0, sighand_bad_flags, "signal 14: handler flags 0x200");
	/* Tasks. */
	RULE(plain, TASK, 0, task_leader_no_exit_signal, "bad signal number");
	RULE(plain, TASK, 0, task_rlimit_inverted, "resource limit 7: soft limit above the hard one");
	RULE(plain, TASK, 0, task_sas_flags, "alternate signal stack flags 0x1");
	RULE(plain, TASK, 0, task_nanosleep_bad_clock, "nanosleep on clock 4294967295");
	RULE(threads, TASK, 1, thread_exit_signal, "bad signal number");
	RULE(threads, TASK, 1, thread_zombie, "thread 2 is a zombie");
	RULE(threads, TASK, 1, thread_as_process, "process 2 shares its mm, files, fs or handlers with an earlier process");
	DROPPED(threads, CREDS, 1, "TASK pid 2 has no CREDS record");
	DROPPED(plain, REGS, 0, "TASK pid 1 has no REGS record");
	DROPPED(plain, TASK, 0, "CREDS record at offset 3536: does not follow a TASK");
	/* Credentials. */
	RULE(plain, CREDS, 0, creds_uid_invalid, "uid or gid 4294967295 is not valid");
	RULE(plain, CREDS, 0, group_invalid, "group 4294967295 is not valid");
	RULE(plain, CREDS, 0, creds_securebits, "securebits 0x100");
	/* Scheduling attributes. */
	RULE(sched, TASK, 0, task_zombie, "SCHED record at offset 4120: for zombie 1: a zombie has no scheduling attributes");
	RULE(sched, SCHED, 0, sched_deadline, "policy 6 is not SCHED_NORMAL, _BATCH, _IDLE, _FIFO or _RR");
	RULE(sched, SCHED, 0, sched_nice_low, "nice -21 out of range (-20..19)");
	RULE(sched_threads, SCHED, 1, sched_nice_high, "nice 20 out of range (-20..19)");
	RULE(sched, SCHED, 0, sched_fifo_prio_0, "rt_priority 0 with policy 1 (1..99 for SCHED_FIFO and _RR, else 0)");
	/* rseq areas: one per live task, 32 bytes, aligned, in user space. */
	RULE(rseq, RSEQ, 0, NULL, "");
	RULE(rseq, RSEQ, 1, rseq_last, "");
	RULE(rseq, TASK, 0, task_zombie, "for zombie 1: a zombie has no rseq area");
	RULE(rseq, RSEQ, 0, rseq_len_0, "len 0 (an rseq area is 32 bytes)");
	RULE(rseq, RSEQ, 1, rseq_len_64, "len 64 (an rseq area is 32 bytes)");
	RULE(rseq, RSEQ, 0, rseq_addr_0, "addr 0 is not a 32-aligned user address");
	RULE(rseq, RSEQ, 1, rseq_misaligned, "addr 0x600130 is not a 32-aligned user address");
	RULE(rseq, RSEQ, 0, rseq_kernel, "addr 0xffff888000000000 is not a 32-aligned user address");
	RULE(rseq, RSEQ, 0, rseq_top, "addr 0x100000000000000 is not a 32-aligned user address");
	RULE(sched, SCHED, 0, sched_fifo_prio_100, "rt_priority 100 with policy 1");
	RULE(sched_threads, SCHED, 1, sched_batch_prio, "rt_priority 1 with policy 3");
	RULE(sched, SCHED, 0, sched_flags, "SCHED record at offset 4120: flags 0x2");
	/* FPU state. */
	RULE(plain, XSAVE, 0, xsave_fx_576, "variable part of 576 bytes exceeds its length 520");
	RULE(plain, XSAVE, 0, xsave_short_xsave, "format 2 with 512 bytes is neither FXSAVE (512) nor XSAVE (at least 576)");
	/* Timers: SIGNAL belongs to the process's leader. */
	RULE(timers, SIGNAL, 0, signal_other_leader, "leader pid 2: not for the thread group leader 1");
}
