/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The record table of the checkpoint image: one line per record type,
 * saying what every reader must know about it.  The kernel's image reader
 * (/proc/rst) and vzctl's (vzctl dumpinfo) both get their record names,
 * struct sizes, ordering and count rules from here, through the shared
 * checker (kernel/cpt/image/check.c), so they cannot disagree.  The
 * structs themselves are in cpt_image.h; Documentation/image-format.rst
 * explains both.
 *
 *   X(name, struct, kind, parent, owner, var, limit)
 *
 * name    CPT_REC_<name>, and the name readers print.
 * struct  the payload's fixed part: struct <struct> (at least its size).
 * kind    CPT_RK_ONCE      at most once per image (VE first, exactly once)
 *         CPT_RK_OBJECT    numbered per type from 0 in stream order (the
 *                          record header's index), referred to by that
 *                          number, and only after it has been seen
 *         CPT_RK_MEMBER    one entry of the last <parent> object, which
 *                          announced how many follow it at once
 *         CPT_RK_TASK      a part of the last TASK, before any record of
 *                          a kind other than CPT_RK_TASK
 *         CPT_RK_CONTENTS  after every other record but END
 *         CPT_RK_END       once, last; nothing follows it
 * parent  for CPT_RK_MEMBER, the object type it belongs to; else NONE.
 * owner   the kernel resource (kernel/cpt/res/<owner>.c) that dumps and
 *         restores it; "image" for the reader's own records.
 * var     length of the variable part that follows the fixed part at the
 *         end of the payload, as an expression of "s", a pointer to the
 *         fixed part; 0 for none.
 * limit   most records of this type per image (ONCE, OBJECT, CONTENTS),
 *         per parent (MEMBER) or per task (TASK); 0 for no limit of its
 *         own.
 *
 * A new record type is appended to enum cpt_rec_type (numbers never
 * change) and gets a line here, in the place where it is written.
 */
#ifndef _UAPI_LINUX_CPT_RECORDS_H
#define _UAPI_LINUX_CPT_RECORDS_H

#include <linux/cpt_image.h>

#define CPT_REC_NONE		0

enum cpt_rec_kind {
	CPT_RK_ONCE = 1,
	CPT_RK_OBJECT,
	CPT_RK_MEMBER,
	CPT_RK_TASK,
	CPT_RK_CONTENTS,
	CPT_RK_END,
};

#define CPT_RECORDS(X)							\
	X(VE, cpt_ve, CPT_RK_ONCE, NONE, ve, 0, 1)			\
	X(UTS, cpt_uts, CPT_RK_ONCE, NONE, ve, 0, 1)			\
	X(PIPE, cpt_pipe, CPT_RK_OBJECT, NONE, pipe, 0, CPT_MAX_FILES)	\
	X(PIPE_BUF, cpt_pipe_buf, CPT_RK_MEMBER, PIPE, pipe, s->len,	\
	  CPT_MAX_PIPE_SIZE / CPT_PAGE_SIZE)				\
	X(UNIX_SOCK, cpt_unix_sock, CPT_RK_OBJECT, NONE, unix,		\
	  (__u64)s->addr_len + s->path_len + (__u64)s->peer_ngroups * 4, \
	  CPT_MAX_FILES)						\
	X(FILE, cpt_file, CPT_RK_OBJECT, NONE, files,			\
	  s->path_len, CPT_MAX_FILES)					\
	X(FILES, cpt_files, CPT_RK_OBJECT, NONE, files, 0, CPT_MAX_TASKS) \
	X(FD, cpt_fd, CPT_RK_MEMBER, FILES, files, 0, CPT_MAX_FDS)	\
	X(LOCK, cpt_lock, CPT_RK_OBJECT, NONE, locks, 0, CPT_MAX_LOCKS)	\
	X(FS, cpt_fs, CPT_RK_OBJECT, NONE, fs,				\
	  (__u64)s->root_len + s->cwd_len, CPT_MAX_TASKS)		\
	X(MM, cpt_mm, CPT_RK_OBJECT, NONE, mm, s->exe_len, CPT_MAX_TASKS) \
	X(VMA, cpt_vma, CPT_RK_MEMBER, MM, mm, s->path_len, CPT_MAX_VMAS) \
	X(SIGHAND, cpt_sighand, CPT_RK_OBJECT, NONE, signal, 0,		\
	  CPT_MAX_TASKS)						\
	X(TASK, cpt_task, CPT_RK_OBJECT, NONE, task, 0, CPT_MAX_TASKS)	\
	X(CREDS, cpt_creds, CPT_RK_TASK, NONE, creds,			\
	  (__u64)s->ngroups * 4, 1)					\
	X(SCHED, cpt_sched, CPT_RK_TASK, NONE, sched, 0, 1)		\
	X(RSEQ, cpt_rseq, CPT_RK_TASK, NONE, rseq, 0, 1)		\
	X(REGS, cpt_regs, CPT_RK_TASK, NONE, regs, 0, 1)		\
	X(XSAVE, cpt_xsave, CPT_RK_TASK, NONE, regs, s->size, 1)	\
	X(SIGPENDING, cpt_siginfo, CPT_RK_TASK, NONE, signal, 0,	\
	  CPT_MAX_SIGPENDING)						\
	X(SIGNAL, cpt_signal, CPT_RK_TASK, NONE, timers, 0, 1)		\
	X(POSIX_TIMER, cpt_posix_timer, CPT_RK_TASK, NONE, timers, 0,	\
	  CPT_MAX_POSIX_TIMERS)						\
	X(EPOLL_WATCH, cpt_epoll_watch, CPT_RK_OBJECT, NONE, epoll, 0,	\
	  CPT_MAX_EPOLL_WATCHES)					\
	X(PAGES, cpt_pages, CPT_RK_CONTENTS, NONE, pages,		\
	  (__u64)s->nr_pages * CPT_PAGE_SIZE, 0)			\
	X(UNIX_SKB, cpt_unix_skb, CPT_RK_CONTENTS, NONE, unix,		\
	  (__u64)s->len + s->addr_len, CPT_MAX_UNIX_SKBS)		\
	X(END, cpt_end, CPT_RK_END, NONE, image, 0, 1)

#endif /* _UAPI_LINUX_CPT_RECORDS_H */
