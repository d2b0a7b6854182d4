/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the image stream: framing, CRCs and every rule of the format
 * (through the shared checker, check.h), one record at a time.  What a
 * record means is for its owner (the record table's owner column).
 */
#ifndef _CPT_IMAGE_READER_H
#define _CPT_IMAGE_READER_H

#include <linux/types.h>
#include "image/check.h"

struct file;

struct rst_reader {
	struct file		*file;
	loff_t			pos;
	struct cpt_checker	ck;
	void			*payload;	/* of the last record */
	char			io_err[96];	/* a read failure, if any */
};

/* Reads and checks the image header.  0 or a negative errno. */
int rst_reader_init(struct rst_reader *rd, struct file *file);
/*
 * The next record, checked, in *v (its variable part stays valid until
 * the next call): 1; 0 once END was read and nothing follows it; or a
 * negative errno (-EINVAL for a bad image).
 */
int rst_reader_next(struct rst_reader *rd, struct cpt_rec_view *v);
/* Why the last call failed, for the user. */
const char *rst_reader_error(const struct rst_reader *rd);
void rst_reader_destroy(struct rst_reader *rd);

#endif
