/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and checking checkpoint images (include/uapi/linux/cpt_image.h,
 * Documentation/image-format.rst): a strictly sequential reader, so that
 * an image can come through a pipe, with bounded memory whatever its
 * size.
 */
#ifndef VZCTL_IMAGE_H
#define VZCTL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/cpt_image.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "image reader assumes a little-endian host, as the image is"
#endif

#define CRC32C_INIT		0xffffffffu
static inline uint32_t crc32c_final(uint32_t state)
{
	return ~state;
}
uint32_t crc32c_update(uint32_t state, const void *buf, size_t len);
uint32_t crc32c(const void *buf, size_t len);

/* Header extensions of newer minor versions, at most this long in all. */
#define CPT_HDR_MAX_LEN		4096
#define CPT_PAGE_SIZE		4096
#define CPT_NGROUPS_MAX		65536
#define CPT_PID_MAX		4194304		/* PID_MAX_LIMIT */
#define CPT_FXSAVE_SIZE	512
#define CPT_XSAVE_MIN		576	/* legacy area + XSAVE header */
#define CPT_USER_TOP		(1ULL << 56)	/* x86_64 with 5-level paging */

/* What later records are checked against, per TASK. */
struct img_task {
	uint32_t pid, tgid, state, mm, sighand;
};

/* One record as returned by img_next(): its fixed part zero-filled. */
struct img_record {
	uint64_t offset;		/* of the record header in the stream */
	struct cpt_rec_header h;
	union {
		struct cpt_ve ve;
		struct cpt_uts uts;
		struct cpt_file file;
		struct cpt_files files;
		struct cpt_fd fd;
		struct cpt_fs fs;
		struct cpt_mm mm;
		struct cpt_vma vma;
		struct cpt_sighand sighand;
		struct cpt_task task;
		struct cpt_creds creds;
		struct cpt_regs regs;
		struct cpt_xsave xsave;
		struct cpt_siginfo siginfo;
		struct cpt_signal signal;
		struct cpt_posix_timer timer;
		struct cpt_pages pages;
		struct cpt_end end;
	} u;
	/* Variable parts inside the payload buffer (valid until next call). */
	const char *str1;		/* FILE/VMA path, FS root */
	uint32_t str1_len;
	const char *str2;		/* FS cwd */
	uint32_t str2_len;
};

struct img_reader {
	int fd;
	uint64_t off;			/* bytes consumed so far */
	struct cpt_image_header hdr;
	char err[512];
	bool io_error;			/* the failure was read(2), not the data */

	/* Validation state. */
	uint32_t count[CPT_REC_TYPE_MAX];
	uint64_t nr_records;
	uint32_t crcs_state;		/* CRC32C over the record CRCs so far */
	struct cpt_ve ve;
	bool pages_seen, end_seen;
	uint32_t fds_left, fds_max;	/* FD records the last FILES wants */
	int64_t last_fd;
	uint32_t vmas_left;		/* VMA records the last MM wants */
	uint64_t last_vma_end;
	struct img_task *tasks;		/* the TASKs so far */
	bool task_open, task_running;
	uint32_t task_regs, task_creds, task_xsave;
	bool task_signal;		/* the last TASK has its SIGNAL */
	int64_t last_timer_id;		/* its last POSIX_TIMER, or -1 */

	unsigned char *buf;		/* payload of the current record */
	size_t buf_cap;
};

const char *cpt_rec_type_name(uint32_t type);
void img_reader_init(struct img_reader *r, int fd);
void img_reader_free(struct img_reader *r);
/* 0 or -1 with r->err set. */
int img_read_header(struct img_reader *r);
/* 1: *rec is the next record; 0: END was read and nothing follows; -1. */
int img_next(struct img_reader *r, struct img_record *rec);

/* cmd_dumpinfo.c, exported for the tests. */
int dumpinfo_fd(int fd, FILE *out, bool json);

#endif
