// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's image reader: everything in an image is untrusted.
 *
 * Bytes are read front to back (the dump fd may be a pipe); each record's
 * type and length are checked before its payload is read and allocated,
 * its CRC and padding before anything looks at it, and then the shared
 * checker (check.c, the same code vzctl dumpinfo runs) applies every rule
 * of the format.  So a record that reaches its owner is known to be well
 * formed, in its place, and to refer only to objects already seen.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "image/reader.h"
#include "image/writer.h"

/*
 * Everything before the memory contents is kept in kernel memory while
 * the tasks are built; an image claiming more than this is refused.
 */
#define RST_MAX_METADATA	(256LL << 20)

static void *rst_ck_zalloc(void *priv, __u64 size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static void rst_ck_free(void *priv, void *ptr)
{
	kvfree(ptr);
}

static const struct cpt_check_ops rst_ck_ops = {
	.zalloc	= rst_ck_zalloc,
	.free	= rst_ck_free,
};

static int rst_io_fail(struct rst_reader *rd, int err, const char *what,
		       loff_t at)
{
	if (!rd->io_err[0] && !rd->ck.err[0])
		snprintf(rd->io_err, sizeof(rd->io_err),
			 "%s at byte %lld (%d)", what, at, err);
	return err;
}

/* Exactly @len bytes, or an error: a short image is a bad one. */
static int rst_read(struct rst_reader *rd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if (fatal_signal_pending(current))
			return -EINTR;
		n = kernel_read(rd->file, buf + done, len - done, &rd->pos);
		if (n < 0)
			return rst_io_fail(rd, n, "read error", rd->pos);
		if (n == 0)
			return rst_io_fail(rd, -EINVAL, "image truncated",
					   rd->pos);
		done += n;
	}
	return 0;
}

int rst_reader_init(struct rst_reader *rd, struct file *file)
{
	struct cpt_image_header h;
	u32 crc, extra;
	void *ext;
	int err;

	memset(rd, 0, sizeof(*rd));
	rd->file = get_file(file);
	cpt_check_init(&rd->ck, &rst_ck_ops, rd);
	err = rst_read(rd, &h, sizeof(h));
	if (err)
		return err;
	if (cpt_check_header_start(&rd->ck, &h))
		return -EINVAL;
	/* Fields of a newer minor version follow: checked, not understood. */
	extra = h.hdr_len - sizeof(h);
	h.crc = 0;
	crc = cpt_crc32c(~0U, &h, sizeof(h));
	if (extra) {
		ext = kmalloc(extra, GFP_KERNEL);
		if (!ext)
			return -ENOMEM;
		err = rst_read(rd, ext, extra);
		if (!err)
			crc = cpt_crc32c(crc, ext, extra);
		kfree(ext);
		if (err)
			return err;
	}
	return cpt_check_header_end(&rd->ck, ~crc) ? -EINVAL : 0;
}

int rst_reader_next(struct rst_reader *rd, struct cpt_rec_view *v)
{
	struct cpt_rec_header rh;
	loff_t at = rd->pos;
	u8 pad[8];
	u32 crc, stored;
	ssize_t n;
	int err;

	kvfree(rd->payload);
	rd->payload = NULL;
	if (rd->ck.end_seen) {
		/* A stream ends with END: not even one more byte. */
		n = kernel_read(rd->file, pad, 1, &rd->pos);
		if (n < 0)
			return rst_io_fail(rd, n, "read error", at);
		return n ? (cpt_check_trailing(&rd->ck, at), -EINVAL) : 0;
	}
	err = rst_read(rd, &rh, sizeof(rh));
	if (err)
		return err;
	if (cpt_check_rec_header(&rd->ck, &rh, at))
		return -EINVAL;
	if (rh.len) {
		rd->payload = kvmalloc(rh.len, GFP_KERNEL);
		if (!rd->payload)
			return -ENOMEM;
		err = rst_read(rd, rd->payload, rh.len);
		if (err)
			return err;
	}
	err = rst_read(rd, pad, CPT_ALIGN(rh.len) - rh.len);
	if (err)
		return err;
	stored = rh.crc;
	rh.crc = 0;
	crc = cpt_crc32c(~0U, &rh, sizeof(rh));
	rh.crc = stored;
	crc = ~cpt_crc32c(crc, rd->payload, rh.len);
	if (cpt_check_record(&rd->ck, rd->payload, rh.len, crc, pad, v))
		return -EINVAL;
	if (!rd->ck.metadata_done && rd->pos > RST_MAX_METADATA) {
		snprintf(rd->io_err, sizeof(rd->io_err),
			 "more task state than any VE has (%lld bytes)",
			 rd->pos);
		return -EINVAL;
	}
	return 1;
}

const char *rst_reader_error(const struct rst_reader *rd)
{
	return rd->ck.err[0] ? rd->ck.err : rd->io_err;
}

void rst_reader_destroy(struct rst_reader *rd)
{
	kvfree(rd->payload);
	rd->payload = NULL;
	cpt_check_release(&rd->ck);
	if (rd->file)
		fput(rd->file);
	rd->file = NULL;
}
