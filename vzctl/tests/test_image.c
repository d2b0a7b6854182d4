// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the image reader (image.c, crc32c.c) on synthetic images
 * from imgwrite.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "tests/check.h"
#include "tests/imgwrite.h"

static void test_crc32c(void)
{
	CHECK_INT(crc32c("123456789", 9), 0xe3069283L);
	CHECK_INT(crc32c("", 0), 0);
	/* Incremental is the same as at once. */
	CHECK_INT(crc32c_final(crc32c_update(crc32c_update(CRC32C_INIT,
							    "1234", 4),
					      "56789", 5)), 0xe3069283L);
}

static void test_valid(void)
{
	struct imgw_opts o = { 0 };
	unsigned char *img;
	char err[512];
	unsigned int n;
	size_t len;

	img = imgw_image(&o, &len);
	CHECK(img != NULL);
	CHECK_INT(imgw_validate(img, len, err, sizeof(err), &n), 0);
	CHECK_STR(err, "");
	CHECK_INT(n, 17);	/* header aside: 16 records and END */
	free(img);

	/* Compatibility: newer minor versions' additions are skipped. */
	o.hdr_ext = true;
	o.grown_ve = true;
	o.version = CPT_IMAGE_VERSION + 3;
	CHECK_INT(imgw_validate_opts(&o, err, sizeof(err)), 0);
	CHECK_STR(err, "");

	/* A process with two threads. */
	memset(&o, 0, sizeof(o));
	o.threads = true;
	CHECK_INT(imgw_validate_opts(&o, err, sizeof(err)), 0);
	CHECK_STR(err, "");

	/* A process with POSIX timers. */
	memset(&o, 0, sizeof(o));
	o.timers = true;
	CHECK_INT(imgw_validate_opts(&o, err, sizeof(err)), 0);
	CHECK_STR(err, "");

	/* Several PAGES records for one VMA. */
	memset(&o, 0, sizeof(o));
	o.nr_pages = 600;
	CHECK_INT(imgw_validate_opts(&o, err, sizeof(err)), 0);
	CHECK_STR(err, "");
}

/* Every proper prefix is rejected, naming an offset. */
static void test_truncation(void)
{
	struct imgw_opts o = { 0 };
	unsigned char *img;
	size_t len, rejected = 0, named = 0;
	char err[512];

	img = imgw_image(&o, &len);
	for (size_t cut = 0; cut < len; cut++) {
		if (imgw_validate(img, cut, err, sizeof(err), NULL) == -1)
			rejected++;
		if (strstr(err, "offset"))
			named++;
	}
	CHECK_INT((long)rejected, (long)len);
	CHECK_INT((long)named, (long)len);
	free(img);
}

/* Any single changed byte is rejected: CRCs, zero padding, END. */
static void test_bit_flips(void)
{
	static const unsigned char masks[] = { 0x01, 0x80, 0xff, 0x10 };
	struct imgw_opts o = { 0 };
	unsigned char *img;
	size_t len, tried = 0, rejected = 0;

	img = imgw_image(&o, &len);
	for (size_t i = 0; i < len; i++) {
		/* Every byte with one mask, every 7th with all of them. */
		size_t nmasks = i % 7 ? 1 : sizeof(masks);

		for (size_t m = 0; m < nmasks; m++) {
			img[i] ^= masks[m];
			tried++;
			if (imgw_validate(img, len, NULL, 0, NULL) == -1)
				rejected++;
			img[i] ^= masks[m];
		}
	}
	CHECK_INT((long)rejected, (long)tried);
	CHECK_INT(imgw_validate(img, len, NULL, 0, NULL), 0);
	free(img);
}

static void expect_broken(const struct imgw_opts *o, const char *why)
{
	char err[512];

	CHECK_INT(imgw_validate_opts(o, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fprintf(stderr, "     error \"%s\" lacks \"%s\"\n", err, why);
	CHECK(strstr(err, why) != NULL);
}

static void test_broken(void)
{
	struct imgw_opts o;
	unsigned char *img;
	size_t len;
	char err[512];

#define BROKEN(field, value, why) \
	do { \
		memset(&o, 0, sizeof(o)); \
		o.field = value; \
		expect_broken(&o, why); \
	} while (0)
	BROKEN(version, (CPT_IMAGE_VERSION_MAJOR + 1) << 16,
	       "unsupported image version 2.0");
	BROKEN(version, 1, "unsupported image version 0.1");
	BROKEN(arch, ~0u, "unsupported architecture 0");
	BROKEN(page_size, 65536, "unsupported page size 65536");
	BROKEN(forward_ref, true, "mm 1 refers to a MM not defined before it");
	BROKEN(huge_len, true, "exceeds the limit");
	BROKEN(too_many_vmas, true, "nr_vmas 65531 exceeds 65530");
	BROKEN(too_many_tasks, true, "nr_tasks 32769 out of range");
	/* One past the last type, whichever that is. */
	snprintf(err, sizeof(err), "unknown record type %u", CPT_REC_TYPE_MAX);
	BROKEN(unknown_type, true, err);
	BROKEN(bad_index, true, "has index 1, expected 0");
	BROKEN(pad_garbage, true, "nonzero padding");
	/* A FILE shorter than a 1.4 writer's; 1.4's and a longer one pass. */
	BROKEN(file_len, 40, "FILE record at offset 536: 50 bytes is too short (at least 56)");
	BROKEN(file_len, 52, "FILE record at offset 536: variable part of 10 bytes exceeds its length 62");
	memset(&o, 0, sizeof(o));
	o.file_len = 56;
	CHECK_INT(imgw_validate_opts(&o, err, sizeof(err)), 0);
	o.file_len = sizeof(struct cpt_file) + 16;
	CHECK_INT(imgw_validate_opts(&o, err, sizeof(err)), 0);
	BROKEN(pages_early, true, "the image has 0 tasks before it");
	BROKEN(drop_record, true, "nr_records 17, but 16 records precede it");
	BROKEN(trailing, true, "trailing data after the END record");
	BROKEN(no_end, true, "missing END record");
	BROKEN(file_path, "", "path length 0 out of range");
	BROKEN(file_path, "sbin/init", "path is not absolute");
	BROKEN(bad_timer, IMGW_TIMER_NO_SIGNAL, "not after its process's SIGNAL record");
	BROKEN(bad_timer, IMGW_TIMER_ORDER, "id 0 not above the last one (0)");
	BROKEN(bad_timer, IMGW_TIMER_CLOCK, "POSIX_TIMER record at offset 5024: clock 2");
	BROKEN(bad_timer, IMGW_TIMER_NOTIFY, "notification 99");
	BROKEN(bad_timer, IMGW_TIMER_SIGNAL, "signal 65");
#undef BROKEN

	/* Bad magic: not an image at all. */
	memset(&o, 0, sizeof(o));
	img = imgw_image(&o, &len);
	img[0] ^= 0xff;
	CHECK_INT(imgw_validate(img, len, err, sizeof(err), NULL), -1);
	CHECK(strstr(err, "bad magic") != NULL);
	free(img);
	/* Empty input. */
	CHECK_INT(imgw_validate((const unsigned char *)"", 0, err, sizeof(err),
			   NULL), -1);
	CHECK(strstr(err, "truncated image") != NULL);
}

void test_image(void)
{
	test_crc32c();
	test_valid();
	test_truncation();
	test_bit_flips();
	test_broken();
}
