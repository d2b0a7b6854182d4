// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's side of the test images: run bytes, or an image
 * imgwrite.c makes, through vzctl's reader (image.c, and with it the
 * shared checker, kernel/cpt/image/check.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "image.h"
#include "tests/check.h"
#include "tests/imgwrite.h"

/* 0 if valid, else -1 with the reader's message in err (if given). */
int imgw_validate(const unsigned char *buf, size_t len, char *err,
		    size_t errlen, unsigned int *nrec)
{
	struct img_reader r;
	struct img_record rec;
	int fd = bytes_fd(buf, len), ret;
	unsigned int n = 0;

	img_reader_init(&r, fd);
	ret = img_read_header(&r);
	if (!ret)
		while ((ret = img_next(&r, &rec)) == 1)
			n++;
	if (err)
		snprintf(err, errlen, "%s", r.err);
	if (nrec)
		*nrec = n;
	img_reader_free(&r);
	close(fd);
	return ret;
}

int imgw_validate_opts(const struct imgw_opts *o, char *err, size_t errlen)
{
	size_t len;
	unsigned char *img = imgw_image(o, &len);
	int ret;

	if (!img)
		return -2;
	ret = imgw_validate(img, len, err, errlen, NULL);
	free(img);
	return ret;
}

