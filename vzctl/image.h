/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading checkpoint images (include/uapi/linux/cpt_image.h,
 * Documentation/image-format.rst): a strictly sequential reader, so that
 * an image can come through a pipe, with bounded memory whatever its
 * size.  The rules are not here: every record goes through the checker
 * the kernel's reader uses too (kernel/cpt/image/check.c).
 */
#ifndef VZCTL_IMAGE_H
#define VZCTL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/cpt_image.h>
#include "check.h"

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

/* One record as returned by img_next(), checked. */
#define img_record cpt_rec_view

struct img_reader {
	int fd;
	uint64_t off;			/* bytes consumed so far */
	struct cpt_checker ck;		/* the rules, and the first failure */
	const char *err;		/* = the message, "" while all is well */
	bool io_error;			/* the failure was read(2), not the data */
	char io_err[256];

	unsigned char *buf;		/* payload of the current record */
	size_t buf_cap;
};

void img_reader_init(struct img_reader *r, int fd);
void img_reader_free(struct img_reader *r);
/* 0 or -1 with r->err set.  r->ck.hdr is the header afterwards. */
int img_read_header(struct img_reader *r);
/* 1: *rec is the next record; 0: END was read and nothing follows; -1. */
int img_next(struct img_reader *r, struct img_record *rec);

#endif
