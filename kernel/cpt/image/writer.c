// SPDX-License-Identifier: GPL-2.0
/*
 * The image writer: records with CRC32C, 8-byte padding and an END record
 * carrying the record count and the CRC of all record CRCs.
 *
 * CRC32C is the Castagnoli CRC as used by iSCSI and ext4: initial value
 * ~0, final xor ~0 ("123456789" -> 0xe3069283).
 */
#include <linux/crc32.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "image/writer.h"

/* Room for the largest record, so records never straddle a flush. */
#define CPT_WBUF_SIZE	(CPT_REC_MAX_LEN + (64 << 10))

u32 cpt_crc32c(u32 crc, const void *data, size_t len)
{
	return __crc32c_le(crc, data, len);
}

int cpt_writer_init(struct cpt_writer *w, struct file *file)
{
	memset(w, 0, sizeof(*w));
	w->file = get_file(file);
	w->buf = kvmalloc(CPT_WBUF_SIZE, GFP_KERNEL);
	w->crc_of_crcs = ~0U;
	return w->buf ? 0 : -ENOMEM;
}

void cpt_writer_destroy(struct cpt_writer *w)
{
	kvfree(w->buf);
	w->buf = NULL;
	if (w->file)
		fput(w->file);
	w->file = NULL;
}

static int cpt_flush(struct cpt_writer *w)
{
	size_t done = 0;
	ssize_t n;

	while (!w->error && done < w->fill) {
		n = kernel_write(w->file, w->buf + done, w->fill - done, &w->pos);
		if (n < 0)
			w->error = n;
		else if (n == 0)
			w->error = -EIO;
		else
			done += n;
	}
	w->fill = 0;
	return w->error;
}

static int cpt_put(struct cpt_writer *w, const void *data, size_t len)
{
	const u8 *p = data;

	while (len && !w->error) {
		size_t room = CPT_WBUF_SIZE - w->fill;
		size_t n = min(room, len);

		memcpy(w->buf + w->fill, p, n);
		w->fill += n;
		p += n;
		len -= n;
		if (w->fill == CPT_WBUF_SIZE && !w->rec_left)
			cpt_flush(w);
	}
	return w->error;
}

int cpt_write_header(struct cpt_writer *w, const struct cpt_image_header *h)
{
	struct cpt_image_header copy = *h;

	copy.hdr_len = sizeof(copy);
	copy.crc = 0;
	copy.crc = ~cpt_crc32c(~0U, &copy, sizeof(copy));
	return cpt_put(w, &copy, sizeof(copy));
}

/*
 * A record is staged whole in the buffer (len <= CPT_REC_MAX_LEN fits),
 * so its CRC can be patched into its header before any of it is written.
 */
int cpt_record_begin(struct cpt_writer *w, u32 type, u32 index, u32 len)
{
	struct cpt_rec_header hdr = {
		.type = type, .len = len, .index = index, .crc = 0,
	};

	if (w->error)
		return w->error;
	if (WARN_ON_ONCE(w->rec_left || len > CPT_REC_MAX_LEN))
		return -EINVAL;
	if (w->fill + sizeof(hdr) + CPT_ALIGN(len) > CPT_WBUF_SIZE &&
	    cpt_flush(w))
		return w->error;
	w->rec_hdr = w->fill;
	w->rec_crc = cpt_crc32c(~0U, &hdr, sizeof(hdr));
	w->rec_left = len;
	w->rec_len = len;
	return cpt_put(w, &hdr, sizeof(hdr));
}

int cpt_record_add(struct cpt_writer *w, const void *data, u32 len)
{
	if (WARN_ON_ONCE(len > w->rec_left))
		return -EINVAL;
	w->rec_crc = cpt_crc32c(w->rec_crc, data, len);
	w->rec_left -= len;
	return cpt_put(w, data, len);
}

int cpt_record_end(struct cpt_writer *w)
{
	static const u8 zeros[8];
	struct cpt_rec_header *hdr;
	u32 pad;

	if (WARN_ON_ONCE(w->rec_left))
		return -EINVAL;
	if (w->error)
		return w->error;
	pad = CPT_ALIGN(w->rec_len) - w->rec_len;
	hdr = (struct cpt_rec_header *)(w->buf + w->rec_hdr);
	hdr->crc = ~w->rec_crc;
	/* The END record chains the CRCs in their on-disk (le32) form. */
	w->crc_of_crcs = cpt_crc32c(w->crc_of_crcs, &hdr->crc, sizeof(hdr->crc));
	w->nr_records++;
	return cpt_put(w, zeros, pad);
}

int cpt_write_record(struct cpt_writer *w, u32 type, u32 index,
		     const void *payload, u32 len)
{
	int err = cpt_record_begin(w, type, index, len);

	if (!err && len)
		err = cpt_record_add(w, payload, len);
	if (!err)
		err = cpt_record_end(w);
	return err;
}

int cpt_writer_finish(struct cpt_writer *w)
{
	struct cpt_end end = {
		.nr_records = w->nr_records,
		.crc_of_crcs = ~w->crc_of_crcs,
	};
	int err = cpt_write_record(w, CPT_REC_END, 0, &end, sizeof(end));

	return err ? err : cpt_flush(w);
}
