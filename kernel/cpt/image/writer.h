/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing the image stream (include/uapi/linux/cpt_image.h): records
 * with CRC32C, 8-byte padding and an END record.
 */
#ifndef _CPT_IMAGE_WRITER_H
#define _CPT_IMAGE_WRITER_H

#include <linux/types.h>
#include <linux/cpt_image.h>

struct file;

/* A sequential writer: no seeks, so the dump fd may be a pipe. */
struct cpt_writer {
	struct file	*file;
	loff_t		pos;
	u8		*buf;		/* staging buffer, CPT_WBUF_SIZE */
	size_t		fill;
	u64		nr_records;
	u32		crc_of_crcs;	/* running, not finalised */
	u32		rec_crc;	/* running CRC of the open record */
	size_t		rec_hdr;	/* offset of its header in buf */
	u32		rec_left;	/* payload bytes still to come */
	u32		rec_len;
	int		error;		/* sticky: first write error */
};

u32 cpt_crc32c(u32 crc, const void *data, size_t len);

int cpt_writer_init(struct cpt_writer *w, struct file *file);
int cpt_writer_finish(struct cpt_writer *w);	/* END record + flush */
void cpt_writer_destroy(struct cpt_writer *w);

int cpt_write_header(struct cpt_writer *w, const struct cpt_image_header *h);
/* A whole record at once. */
int cpt_write_record(struct cpt_writer *w, u32 type, u32 index,
		     const void *payload, u32 len);
/*
 * A record in pieces: begin with the total payload length, then add
 * exactly that many bytes, then end.
 */
int cpt_record_begin(struct cpt_writer *w, u32 type, u32 index, u32 len);
int cpt_record_add(struct cpt_writer *w, const void *data, u32 len);
int cpt_record_end(struct cpt_writer *w);

#endif
