/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A structure-aware mutator of checkpoint images, for the fuzzer
 * (cpt-fuzz.c) and its unit test.  An image is split into its header and
 * records; a case applies a few changes chosen by a seeded generator to
 * fields (at their natural alignment, inside a record's fixed part, with
 * values that sit on boundaries: 0, -1, limits, addresses, other records'
 * indexes), to lengths, indexes, types, variable parts (paths), and to
 * the order of records (duplication, deletion, swaps, moves, splices from
 * another image); then the image is written back with every CRC and END
 * right, so that the rules behind the CRCs are what gets tested, except
 * for a few cases that truncate, flip or extend the written bytes.  The
 * same seed and case number always give the same image.
 */
#ifndef VZCTL_TESTS_MUTATE_H
#define VZCTL_TESTS_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fz_rec {
	uint32_t type;
	uint32_t index;
	uint32_t len;
	unsigned char *data;		/* len bytes */
	/*
	 * A copy shares its records' bytes with the seed until a change
	 * makes them its own (owned); a record's CRC is only computed
	 * again when it changed (crc_ok false): a case of a seed with
	 * megabytes of memory contents costs what was changed.
	 */
	bool owned;
	bool crc_ok;
	uint32_t crc;
};

struct fz_image {
	unsigned char *hdr;		/* hdr_len bytes, owned */
	uint32_t hdr_len;
	struct fz_rec *recs;		/* END included, last */
	size_t nr, cap;
};

struct fz_rng {
	uint64_t s;
};

/* Case @nr of the run with seed @seed: its own sequence. */
void fz_rng_init(struct fz_rng *r, uint64_t seed, uint64_t nr);
uint64_t fz_rand(struct fz_rng *r);
/* Uniform in [0, n), n > 0. */
uint64_t fz_below(struct fz_rng *r, uint64_t n);

/* Split a well-framed image; 0, or -1 if its framing is broken. */
int fz_parse(const unsigned char *buf, size_t len, struct fz_image *img);
/* A copy sharing @src's bytes: @src must outlive it, unchanged. */
int fz_copy(struct fz_image *dst, const struct fz_image *src);
void fz_free(struct fz_image *img);

/*
 * Write the image with the header's, every record's and END's CRCs and
 * END's count recomputed (a record's CRC kept if it did not change);
 * *out is malloc'ed.  0 or -1 (no memory).
 */
int fz_build(struct fz_image *img, unsigned char **out, size_t *len);

/*
 * One case: @img (a copy of one seed) changed in place, *buf and *len its
 * bytes, changed again for raw damage; @desc says what was done.
 * @seeds are the other images, for splices.  0 or -1 (no memory).
 */
int fz_mutate(struct fz_rng *r, struct fz_image *img,
	      const struct fz_image *seeds, size_t nr_seeds,
	      unsigned char **buf, size_t *len, char *desc, size_t desc_len);

#endif
