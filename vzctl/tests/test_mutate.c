// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the fuzzer's mutator (tests/mutate.c): an image written
 * back unchanged is the same bytes; a case is the same for the same seed
 * and number, and different for another; most cases keep valid CRCs and
 * END, so that the checker's rules behind them are what is tested.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "tests/check.h"
#include "tests/imgwrite.h"
#include "tests/mutate.h"

static unsigned char *one_case(const struct fz_image *seed, uint64_t s,
			       uint64_t k, size_t *len, char *desc)
{
	struct fz_rng r;
	struct fz_image img;
	unsigned char *buf = NULL;

	fz_rng_init(&r, s, k);
	if (fz_copy(&img, seed))
		return NULL;
	if (fz_mutate(&r, &img, seed, 1, &buf, len, desc, 512))
		buf = NULL;
	fz_free(&img);
	return buf;
}

void test_mutate(void)
{
	struct imgw_opts o = { .timers = true, .threads = true };
	unsigned char *good, *out, *a, *b;
	struct fz_image seed;
	size_t len, out_len, la, lb;
	unsigned int n, framed = 0, refused = 0;
	char err[512], da[512], db[512];

	good = imgw_image(&o, &len);
	CHECK(good != NULL);
	CHECK_INT(fz_parse(good, len, &seed), 0);
	CHECK_INT(fz_build(&seed, &out, &out_len), 0);
	CHECK_INT((long)out_len, (long)len);
	CHECK(!memcmp(out, good, len));
	free(out);
	/* Broken framing is not a seed. */
	{
		struct fz_image bad;

		CHECK_INT(fz_parse(good, len - 8, &bad), -1);
	}

	a = one_case(&seed, 7, 42, &la, da);
	b = one_case(&seed, 7, 42, &lb, db);
	CHECK(a && b && la == lb && !memcmp(a, b, la));
	CHECK_STR(da, db);
	free(a);
	free(b);
	a = one_case(&seed, 7, 43, &la, da);
	b = one_case(&seed, 8, 42, &lb, db);
	CHECK(a && b && (la != lb || memcmp(a, b, la)));
	free(a);
	free(b);

	for (uint64_t k = 0; k < 400; k++) {
		char desc[512];

		a = one_case(&seed, 1, k, &la, desc);
		CHECK(a != NULL);
		if (!a)
			break;
		/* A CRC failure has this message; anything else got past. */
		if (imgw_validate(a, la, err, sizeof(err), &n)) {
			refused++;
			if (!strstr(err, "CRC") && !strstr(err, "crc"))
				framed++;
		} else {
			framed++;
		}
		free(a);
	}
	/* Most cases get past the CRCs; the checker still refuses most. */
	CHECK(framed > 300);
	CHECK(refused > 200);
	fz_free(&seed);
	free(good);
}
