// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpoint image reader of vzctl: reads the stream front to back
 * (it may be a pipe), computes the CRCs, and hands each piece to the
 * shared checker (kernel/cpt/image/check.c), which applies every rule of
 * Documentation/image-format.rst exactly as /proc/rst does.
 *
 * Memory is bounded whatever the image size: one non-PAGES payload (at
 * most CPT_REC_MAX_LEN), the fixed part of a PAGES record (page contents
 * are only run through the CRC), and the checker's few words per task.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

#define PAGES_KEEP		65536	/* buffered part of a PAGES record */
#define STREAM_CHUNK		65536

static void *ck_zalloc(void *priv, __u64 size)
{
	(void)priv;
	return calloc(1, size ? size : 1);
}

static void ck_free(void *priv, void *ptr)
{
	(void)priv;
	free(ptr);
}

static const struct cpt_check_ops ck_ops = {
	.zalloc = ck_zalloc,
	.free = ck_free,
};

/* A read(2) failure or a short image: not a rule of the format. */
static int io_fail(struct img_reader *r, bool io, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int io_fail(struct img_reader *r, bool io, const char *fmt, ...)
{
	va_list ap;

	if (r->err[0])
		return -1;	/* keep the first, most precise, message */
	va_start(ap, fmt);
	vsnprintf(r->io_err, sizeof(r->io_err), fmt, ap);
	va_end(ap);
	r->io_error = io;
	r->err = r->io_err;
	return -1;
}

void img_reader_init(struct img_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	cpt_check_init(&r->ck, &ck_ops, NULL);
	r->err = r->ck.err;
}

void img_reader_free(struct img_reader *r)
{
	cpt_check_release(&r->ck);
	free(r->buf);
	r->buf = NULL;
	r->buf_cap = 0;
}

/* Bytes actually read; stops early only at end of stream. */
static ssize_t read_some(struct img_reader *r, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(r->fd, (char *)buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			io_fail(r, true, "read error at offset %llu: %s",
				(unsigned long long)(r->off + done),
				strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	r->off += done;
	return (ssize_t)done;
}

static int read_full(struct img_reader *r, void *buf, size_t len,
		     const char *what, uint64_t what_off)
{
	uint64_t start = r->off;
	ssize_t n = read_some(r, buf, len);

	if (n < 0)
		return -1;
	if ((size_t)n < len)
		return io_fail(r, false, "truncated image: %s at offset %llu needs %zu bytes at offset %llu, the image ends at offset %llu",
			       what, (unsigned long long)what_off, len,
			       (unsigned long long)start,
			       (unsigned long long)r->off);
	return 0;
}

static int buf_reserve(struct img_reader *r, size_t len)
{
	unsigned char *nb;

	if (len <= r->buf_cap)
		return 0;
	nb = realloc(r->buf, len);
	if (!nb)
		return io_fail(r, true, "out of memory for a record of %zu bytes",
			       len);
	r->buf = nb;
	r->buf_cap = len;
	return 0;
}

int img_read_header(struct img_reader *r)
{
	struct cpt_image_header h;
	uint32_t state, extra;

	if (read_full(r, &h, sizeof(h), "image header", 0) ||
	    cpt_check_header_start(&r->ck, &h))
		return -1;
	extra = h.hdr_len - (uint32_t)sizeof(h);
	h.crc = 0;
	state = crc32c_update(CRC32C_INIT, &h, sizeof(h));
	if (extra) {
		/* Fields of a newer minor version: checked, not understood. */
		if (buf_reserve(r, extra) ||
		    read_full(r, r->buf, extra, "image header", 0))
			return -1;
		state = crc32c_update(state, r->buf, extra);
	}
	return cpt_check_header_end(&r->ck, crc32c_final(state));
}

/*
 * Read the payload into r->buf and run it through the CRC.  PAGES keep
 * only their first PAGES_KEEP bytes; the page contents are streamed.
 */
static int read_payload(struct img_reader *r, const struct cpt_rec_header *rh,
			uint64_t at, uint32_t *state, uint32_t *kept)
{
	uint32_t len = rh->len, keep = len;

	if (rh->type == CPT_REC_PAGES && len > PAGES_KEEP)
		keep = PAGES_KEEP;
	if (buf_reserve(r, keep ? keep : 1) ||
	    read_full(r, r->buf, keep, cpt_rec_name(rh->type), at))
		return -1;
	*state = crc32c_update(*state, r->buf, keep);
	for (uint32_t left = len - keep; left;) {
		unsigned char chunk[STREAM_CHUNK];
		uint32_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		if (read_full(r, chunk, n, cpt_rec_name(rh->type), at))
			return -1;
		*state = crc32c_update(*state, chunk, n);
		left -= n;
	}
	*kept = keep;
	return 0;
}

int img_next(struct img_reader *r, struct img_record *rec)
{
	struct cpt_rec_header h;
	unsigned char pad[8];
	uint32_t state, kept, padlen;
	uint64_t at = r->off;
	ssize_t n;

	if (r->ck.end_seen) {
		n = read_some(r, pad, 1);
		if (n < 0)
			return -1;
		return n ? cpt_check_trailing(&r->ck, at) : 0;
	}
	n = read_some(r, &h, sizeof(h));
	if (n < 0)
		return -1;
	if (n == 0)
		return cpt_check_eof(&r->ck, at);
	if ((size_t)n < sizeof(h))
		return io_fail(r, false, "truncated image: record header at offset %llu needs %zu bytes, the image ends at offset %llu",
			       (unsigned long long)at, sizeof(h),
			       (unsigned long long)r->off);
	if (cpt_check_rec_header(&r->ck, &h, at))
		return -1;
	/* The record's CRC covers its header with the crc field as 0. */
	h.crc = 0;
	state = crc32c_update(CRC32C_INIT, &h, sizeof(h));
	if (read_payload(r, &h, at, &state, &kept))
		return -1;
	padlen = CPT_ALIGN(h.len) - h.len;
	if (read_full(r, pad, padlen, "padding", at))
		return -1;
	if (cpt_check_record(&r->ck, r->buf, kept, crc32c_final(state), pad,
			     rec))
		return -1;
	return 1;
}
