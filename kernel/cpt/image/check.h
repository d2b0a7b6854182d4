/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules of the checkpoint image format, written once.
 *
 * check.c is freestanding: it uses only the __u32-style types of
 * <linux/types.h> and the image headers, no kernel and no libc function,
 * so the same file is compiled into the kernel's image reader (vzrst,
 * /proc/rst) and into vzctl (vzctl dumpinfo).  A reader does the I/O and
 * the CRC arithmetic and feeds the checker the header, then each record
 * as it arrives; the checker applies every rule of
 * Documentation/image-format.rst in stream order and says what is wrong,
 * with the byte offset, in one message both readers print.
 *
 * Memory: the checker keeps a few words per task (allocated through the
 * caller's ops when the VE record says how many tasks follow) and, once
 * the image has pipes or unix sockets, a byte per possible PIPE and a
 * struct cpt_check_usock per possible UNIX_SOCK (CPT_MAX_FILES of each);
 * nothing else that grows with the image.
 */
#ifndef _CPT_IMAGE_CHECK_H
#define _CPT_IMAGE_CHECK_H

#include <linux/types.h>
#include <linux/cpt_image.h>
#include <linux/cpt_records.h>

#define CPT_CHECK_ERR_LEN	320

/*
 * The fixed part of any record, one member per record struct, named as
 * the struct is (check.c fails to build if a record type has none).
 */
union cpt_rec_fixed {
	struct cpt_ve		cpt_ve;
	struct cpt_uts		cpt_uts;
	struct cpt_pipe		cpt_pipe;
	struct cpt_pipe_buf	cpt_pipe_buf;
	struct cpt_file		cpt_file;
	struct cpt_files	cpt_files;
	struct cpt_fd		cpt_fd;
	struct cpt_lock		cpt_lock;
	struct cpt_unix_sock	cpt_unix_sock;
	struct cpt_unix_skb	cpt_unix_skb;
	struct cpt_epoll_watch	cpt_epoll_watch;
	struct cpt_fs		cpt_fs;
	struct cpt_mm		cpt_mm;
	struct cpt_vma		cpt_vma;
	struct cpt_sighand	cpt_sighand;
	struct cpt_task		cpt_task;
	struct cpt_creds	cpt_creds;
	struct cpt_sched	cpt_sched;
	struct cpt_rseq		cpt_rseq;
	struct cpt_regs		cpt_regs;
	struct cpt_xsave	cpt_xsave;
	struct cpt_siginfo	cpt_siginfo;
	struct cpt_signal	cpt_signal;
	struct cpt_posix_timer	cpt_posix_timer;
	struct cpt_pages	cpt_pages;
	struct cpt_end		cpt_end;
};

/* A record that passed every rule, as the checker understood it. */
struct cpt_rec_view {
	struct cpt_rec_header	h;
	__u64			offset;		/* of its header in the stream */
	union cpt_rec_fixed	u;
	/* The variable part, in the caller's payload; NULL if not given. */
	const __u8		*var;
	__u64			var_len;
	__u32			task;		/* CPT_RK_TASK: its TASK's index */
	__u32			parent;		/* CPT_RK_MEMBER: its object's */
};

/* What later records are checked against, per TASK. */
struct cpt_check_task {
	__u32	pid, tgid, state, mm, sighand;
};

#define CK_PROC_OBJS	4	/* mm, files, fs, sighand */

/* What later records are checked against, per UNIX_SOCK. */
struct cpt_check_usock {
	__u32	peer;		/* the UNIX_SOCK it is connected to, or NO_OBJ */
	__u8	type;		/* CPT_SOCK_* */
	__u8	state;		/* CPT_UNIX_UNCONNECTED, _LISTEN, _CONNECTED */
	__u8	bits;		/* CK_USOCK_* (check.c) */
	__u8	pad;
};

struct cpt_check_ops {
	/* Zeroed memory, or NULL; and its release. */
	void	*(*zalloc)(void *priv, __u64 size);
	void	(*free)(void *priv, void *ptr);
};

struct cpt_checker {
	const struct cpt_check_ops *ops;
	void			*priv;
	struct cpt_image_header	hdr;
	struct cpt_ve		ve;
	__u64			offset;		/* of the record being checked */
	__u32			type;
	struct cpt_rec_header	rh;
	__u32			count[CPT_REC_TYPE_MAX];
	__u64			nr_records;	/* checked, before END */
	__u32			crcs;		/* running CRC32C of their CRCs */
	int			header_ok;
	int			metadata_done;	/* a CONTENTS or END was seen */
	int			end_seen;

	/* The last object with members (FILES, MM) and what it wants. */
	__u32			member_type;
	__u32			members_left;
	__u32			member_parent;
	__u32			fds_max;
	__u64			next_min;	/* lowest fd / VMA start allowed */

	/* The lowest mm, files, fs, sighand index the next process may use. */
	__u32			proc_next[CK_PROC_OBJS];

	/* The last TASK, while its parts may follow. */
	int			task_open;
	__u32			task_parts[CPT_REC_TYPE_MAX];
	__u64			next_timer_id;	/* lowest POSIX timer id allowed */

	/* Per PIPE: which files use it (CK_PIPE_* bits), once one does. */
	__u8			*pipes;
	/* Per FILE: its kind (CPT_FILE_*), from the first one on. */
	__u8			*file_kinds;

	/*
	 * Per UNIX_SOCK, from the first one on; and the one whose peer is
	 * CPT_UNIX_PEER_NEXT while the next UNIX_SOCK has not come, + 1
	 * (0: none).
	 */
	struct cpt_check_usock	*usocks;
	__u32			usock_pending;

	struct cpt_check_task	*tasks;		/* the TASKs so far */
	__u32			*pid_hash;	/* task index + 1, by pid */
	__u32			hash_mask;

	char			err[CPT_CHECK_ERR_LEN];	/* the first failure */
};

const char *cpt_rec_name(__u32 type);

void cpt_check_init(struct cpt_checker *ck, const struct cpt_check_ops *ops,
		    void *priv);
void cpt_check_release(struct cpt_checker *ck);

/*
 * The image header: first the sizeof(struct cpt_image_header) bytes as
 * read (magic, version, length); then, once the caller has read the
 * hdr_len - sizeof bytes of newer fields that may follow and computed the
 * CRC32C of all hdr_len bytes with the crc field as 0, that CRC.
 * Each returns 0, or -1 with ck->err set.
 */
int cpt_check_header_start(struct cpt_checker *ck,
			   const struct cpt_image_header *h);
int cpt_check_header_end(struct cpt_checker *ck, __u32 crc);

/* A record header, before its payload is read (type, length). */
int cpt_check_rec_header(struct cpt_checker *ck,
			 const struct cpt_rec_header *rh, __u64 offset);
/*
 * The record whose header cpt_check_rec_header() just passed: @avail bytes of its payload
 * (all of it, except that a CONTENTS record needs only its fixed part),
 * the CRC32C the reader computed over header (crc 0) and whole payload,
 * and its padding bytes.  Fills @v on success.
 */
int cpt_check_record(struct cpt_checker *ck, const void *payload, __u64 avail,
		     __u32 crc, const __u8 *pad, struct cpt_rec_view *v);
/* The stream ended (@at bytes) before END, or went on after it. */
int cpt_check_eof(struct cpt_checker *ck, __u64 at);
int cpt_check_trailing(struct cpt_checker *ck, __u64 at);

#endif
