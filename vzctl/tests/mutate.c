// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's mutator (mutate.h): what a case changes, and writing the
 * image back with its CRCs right.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/cpt_records.h>

#include "../image.h"
#include "mutate.h"

/* Fixed part of each record type: fields live there. */
static const uint32_t fixed_size[CPT_REC_TYPE_MAX] = {
#define X(name, st, kind, parent, owner, var, limit) \
	[CPT_REC_##name] = sizeof(struct st),
	CPT_RECORDS(X)
#undef X
};

/* Where the header's CRC is: it is recomputed, never a target. */
#define HDR_CRC_OFF	offsetof(struct cpt_image_header, crc)
#define HDR_FIELDS_OFF	CPT_IMAGE_MAGIC_LEN

void fz_rng_init(struct fz_rng *r, uint64_t seed, uint64_t nr)
{
	r->s = seed ^ (nr * 0x9e3779b97f4a7c15ull) ^ 0x5851f42d4c957f2dull;
	for (int i = 0; i < 4; i++)
		fz_rand(r);
}

/* splitmix64: small, and good enough to spread cases. */
uint64_t fz_rand(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t fz_below(struct fz_rng *r, uint64_t n)
{
	return fz_rand(r) % n;
}

static int chance(struct fz_rng *r, unsigned int percent)
{
	return fz_below(r, 100) < percent;
}

void fz_free(struct fz_image *img)
{
	for (size_t i = 0; i < img->nr; i++)
		if (img->recs[i].owned)
			free(img->recs[i].data);
	free(img->recs);
	free(img->hdr);
	memset(img, 0, sizeof(*img));
}

static int reserve(struct fz_image *img, size_t n)
{
	struct fz_rec *recs;
	size_t cap;

	if (n <= img->cap)
		return 0;
	cap = img->cap ? img->cap * 2 : 64;
	while (cap < n)
		cap *= 2;
	recs = realloc(img->recs, cap * sizeof(*recs));
	if (!recs)
		return -1;
	img->recs = recs;
	img->cap = cap;
	return 0;
}

static unsigned char *dup_bytes(const unsigned char *p, size_t len)
{
	unsigned char *q = malloc(len ? len : 1);

	if (q && len)
		memcpy(q, p, len);
	return q;
}

/*
 * Insert @rec before position @at.  Bytes of a seed (@borrow) are shared;
 * bytes the image owns are copied, as the original may change or go.
 */
static int insert_rec(struct fz_image *img, size_t at, const struct fz_rec *rec,
		      bool borrow)
{
	struct fz_rec copy = *rec;

	copy.owned = !borrow && rec->owned;
	if (copy.owned)
		copy.data = dup_bytes(rec->data, rec->len);
	if (!copy.data || reserve(img, img->nr + 1)) {
		if (copy.owned)
			free(copy.data);
		return -1;
	}
	memmove(&img->recs[at + 1], &img->recs[at],
		(img->nr - at) * sizeof(*img->recs));
	img->recs[at] = copy;
	img->nr++;
	return 0;
}

/* Before a change of @rec's bytes: its own copy, its CRC to redo. */
static int own_rec(struct fz_rec *rec)
{
	unsigned char *p;

	rec->crc_ok = false;
	if (rec->owned)
		return 0;
	p = dup_bytes(rec->data, rec->len);
	if (!p)
		return -1;
	rec->data = p;
	rec->owned = true;
	return 0;
}

static void delete_rec(struct fz_image *img, size_t at)
{
	if (img->recs[at].owned)
		free(img->recs[at].data);
	memmove(&img->recs[at], &img->recs[at + 1],
		(img->nr - at - 1) * sizeof(*img->recs));
	img->nr--;
}

int fz_parse(const unsigned char *buf, size_t len, struct fz_image *img)
{
	struct cpt_image_header h;
	size_t off;

	memset(img, 0, sizeof(*img));
	if (len < sizeof(h))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (h.hdr_len < sizeof(h) || h.hdr_len > len || h.hdr_len % 8)
		return -1;
	img->hdr_len = h.hdr_len;
	img->hdr = dup_bytes(buf, h.hdr_len);
	if (!img->hdr)
		return -1;
	for (off = h.hdr_len; off < len;) {
		struct cpt_rec_header rh;
		struct fz_rec rec;

		if (len - off < sizeof(rh))
			goto bad;
		memcpy(&rh, buf + off, sizeof(rh));
		off += sizeof(rh);
		if (rh.len > len - off)
			goto bad;
		rec = (struct fz_rec){ .type = rh.type, .index = rh.index,
				       .len = rh.len,
				       .data = dup_bytes(buf + off, rh.len) };
		if (!rec.data || insert_rec(img, img->nr, &rec, true)) {
			free(rec.data);
			goto bad;
		}
		img->recs[img->nr - 1].owned = true;
		img->recs[img->nr - 1].crc = rh.crc;
		img->recs[img->nr - 1].crc_ok = true;
		off += CPT_ALIGN(rh.len);
	}
	if (!img->nr || img->recs[img->nr - 1].type != CPT_REC_END)
		goto bad;
	return 0;
bad:
	fz_free(img);
	return -1;
}

int fz_copy(struct fz_image *dst, const struct fz_image *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->hdr_len = src->hdr_len;
	dst->hdr = dup_bytes(src->hdr, src->hdr_len);
	if (!dst->hdr || reserve(dst, src->nr))
		goto fail;
	for (size_t i = 0; i < src->nr; i++)
		if (insert_rec(dst, i, &src->recs[i], true))
			goto fail;
	return 0;
fail:
	fz_free(dst);
	return -1;
}

int fz_build(struct fz_image *img, unsigned char **out, size_t *len)
{
	uint32_t crcs = CRC32C_INIT, crc;
	uint64_t nr = 0;
	size_t total = img->hdr_len, off;
	unsigned char *p;

	for (size_t i = 0; i < img->nr; i++)
		total += sizeof(struct cpt_rec_header) +
			 CPT_ALIGN(img->recs[i].type == CPT_REC_END ?
				   sizeof(struct cpt_end) : img->recs[i].len);
	p = calloc(1, total);
	if (!p)
		return -1;
	memcpy(p, img->hdr, img->hdr_len);
	memset(p + HDR_CRC_OFF, 0, 4);
	crc = crc32c(p, img->hdr_len);
	memcpy(p + HDR_CRC_OFF, &crc, 4);
	off = img->hdr_len;
	for (size_t i = 0; i < img->nr; i++) {
		struct fz_rec *rec = &img->recs[i];
		struct cpt_rec_header rh = { .type = rec->type,
					     .len = rec->len,
					     .index = rec->index };
		const unsigned char *data = rec->data;
		struct cpt_end end;

		if (rec->type == CPT_REC_END) {
			/* END counts what came before it, as written. */
			end = (struct cpt_end){ .nr_records = nr,
						.crc_of_crcs = crc32c_final(crcs) };
			data = (const unsigned char *)&end;
			rh.len = sizeof(end);
		}
		if (rec->crc_ok && rec->type != CPT_REC_END) {
			rh.crc = rec->crc;
		} else {
			crc = crc32c_update(CRC32C_INIT, &rh, sizeof(rh));
			rh.crc = crc32c_final(crc32c_update(crc, data, rh.len));
		}
		rec->crc = rh.crc;
		rec->crc_ok = true;
		memcpy(p + off, &rh, sizeof(rh));
		memcpy(p + off + sizeof(rh), data, rh.len);
		off += sizeof(rh) + CPT_ALIGN(rh.len);
		crcs = crc32c_update(crcs, &rh.crc, 4);
		nr++;
	}
	*out = p;
	*len = total;
	return 0;
}

/* --- what a case changes ------------------------------------------------ */

struct desc {
	char *p;
	size_t left;
};

static void say(struct desc *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (d->left < 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(d->p, d->left, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= d->left)
		n = (int)d->left - 1;
	d->p += n;
	d->left -= (size_t)n;
}

/* Values that sit on edges: of integer types, of the format, of x86_64. */
static const uint64_t edge_values[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255,
	256, 1023, 1024, 4095, 4096, 4097, 8191, 8192, 65535, 65536, 65537,
	CPT_MAX_TASKS, CPT_MAX_TASKS + 1, CPT_MAX_VMAS, CPT_MAX_VMAS + 1,
	CPT_MAX_FDS, CPT_MAX_FDS + 1, CPT_REC_MAX_LEN, CPT_REC_MAX_LEN + 1,
	CPT_MAX_PATH, CPT_MAX_PATH + 1, CPT_MAX_XSAVE + 1,
	0x7fffffffull, 0x80000000ull, 0xfffffffeull, 0xffffffffull,
	0x100000000ull, 0x400000ull, 0x7ffffffff000ull, 0x7fffffffffffull,
	0x800000000000ull, 0xffff800000000000ull, 0xffff888000000000ull,
	0xffffffff81000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xfffffffffffff000ull, 0xffffffffffffffffull,
};

/* Paths a hostile image would try, in place of a variable part. */
static const char *const hostile_paths[] = {
	"../../../../../../../../etc/shadow", "/proc/self/mem", "/dev/mem",
	"/proc/cpt", "/proc/rst", "/dev/vzctl", "/proc/sysrq-trigger",
	"/sys/kernel/debug/kmemleak", "/", ".", "..", "", "/dev/sda",
	"/proc/kcore", "/var/../../../../..", "/proc/1/root/etc/passwd",
};

static uint64_t get_le(const unsigned char *p, unsigned int w)
{
	uint64_t v = 0;

	memcpy(&v, p, w);
	return v;
}

static void put_le(unsigned char *p, unsigned int w, uint64_t v)
{
	memcpy(p, &v, w);
}

/* A count or index that exists elsewhere in the image. */
static uint64_t image_number(struct fz_rng *r, const struct fz_image *img)
{
	const struct fz_rec *rec = &img->recs[fz_below(r, img->nr)];
	uint32_t n = 0;

	if (chance(r, 50))
		return rec->index;
	for (size_t i = 0; i < img->nr; i++)
		n += img->recs[i].type == rec->type;
	return n - 1 + fz_below(r, 3);
}

/* A new value for a field of width @w (1, 2, 4, 8) holding @old. */
static uint64_t new_value(struct fz_rng *r, const struct fz_image *img,
			  uint64_t old, unsigned int w)
{
	uint64_t v;

	switch (fz_below(r, 6)) {
	case 0:
	case 1:
		v = edge_values[fz_below(r, sizeof(edge_values) /
					      sizeof(edge_values[0]))];
		break;
	case 2:		/* near the old value */
		v = old + (uint64_t)(int64_t)((int)fz_below(r, 33) - 16);
		break;
	case 3:		/* one bit of it */
		v = old ^ (1ull << fz_below(r, w * 8));
		break;
	case 4:		/* a page off, or scaled */
		v = chance(r, 50) ? old + (chance(r, 50) ? 4096 : -4096ull)
				  : (chance(r, 50) ? old << 1 : old >> 1);
		break;
	default:	/* another object's number */
		v = image_number(r, img);
		break;
	}
	return chance(r, 10) ? -v : v;
}

/*
 * Change one field in @p (@len bytes, fields in the first @fixed, none
 * in [@skip_from, @skip_to)); false if it found none to change.
 */
static bool mutate_field(struct fz_rng *r, const struct fz_image *img,
			 unsigned char *p, uint32_t len, uint32_t fixed,
			 uint32_t skip_from, uint32_t skip_to, struct desc *d)
{
	static const unsigned int widths[] = { 4, 4, 4, 8, 8, 2, 1 };
	unsigned int w = widths[fz_below(r, sizeof(widths) / sizeof(widths[0]))];
	uint32_t span = fixed < len ? fixed : len, off;
	uint64_t old, v;

	if (chance(r, 10))
		span = len;	/* now and then in the variable part too */
	if (span < w)
		w = 1;
	if (span < w)
		return false;
	off = (uint32_t)fz_below(r, span / w) * w;
	if (off + w > skip_from && off < skip_to)
		return false;
	old = get_le(p + off, w);
	v = new_value(r, img, old, w);
	put_le(p + off, w, v);
	say(d, "+%u/%u=%#llx ", off, w, (unsigned long long)get_le(p + off, w));
	return get_le(p + off, w) != old;
}

/* A hostile path in place of a variable part, at the same length. */
static bool mutate_path(struct fz_rng *r, struct fz_rec *rec, struct desc *d)
{
	uint32_t fixed = rec->type < CPT_REC_TYPE_MAX ? fixed_size[rec->type] : 0;
	const char *path = hostile_paths[fz_below(r, sizeof(hostile_paths) /
						      sizeof(hostile_paths[0]))];
	uint32_t var, n = (uint32_t)strlen(path), at;

	if (rec->len <= fixed || own_rec(rec))
		return false;
	var = rec->len - fixed;
	/* Right-aligned: leading slashes keep an absolute path the same. */
	if (n > var)
		n = var;
	at = fixed + var - n;
	memset(rec->data + fixed, '/', var - n);
	memcpy(rec->data + at, path + strlen(path) - n, n);
	if (chance(r, 30))
		rec->data[fixed + fz_below(r, var)] = chance(r, 50) ? 0 : 0xff;
	say(d, "path=%s ", path);
	return true;
}

static size_t pick_rec(struct fz_rng *r, const struct fz_image *img,
		       int with_end)
{
	size_t n = with_end ? img->nr : img->nr - 1;

	return n ? fz_below(r, n) : 0;
}

/* One change: 1, or 0 if the one chosen changed nothing, or -1. */
static int mutate_once(struct fz_rng *r, struct fz_image *img,
		       const struct fz_image *seeds, size_t nr_seeds,
		       struct desc *d)
{
	size_t i = pick_rec(r, img, 0), j;
	struct fz_rec *rec = &img->recs[i];
	unsigned int op = (unsigned int)fz_below(r, 100);
	uint32_t fixed;

	if (img->nr < 2)
		op = 0;		/* header only */
	if (op < 10) {
		say(d, "hdr");
		return mutate_field(r, img, img->hdr, img->hdr_len,
				    img->hdr_len, 0, HDR_FIELDS_OFF, d);
	}
	say(d, "%s#%zu:", cpt_rec_name(rec->type), i);
	fixed = rec->type < CPT_REC_TYPE_MAX ? fixed_size[rec->type] : 0;
	if (op < 50) {
		if (own_rec(rec))
			return -1;
		return mutate_field(r, img, rec->data, rec->len, fixed, 0, 0, d);
	} else if (op < 56) {
		return mutate_path(r, rec, d);
	} else if (op < 62) {	/* a shorter or longer payload */
		uint32_t len = chance(r, 50) && rec->len ?
			(uint32_t)fz_below(r, rec->len) :
			rec->len + 1 + (uint32_t)fz_below(r, chance(r, 90) ? 64 : 8192);
		unsigned char *p;

		if (own_rec(rec))
			return -1;
		p = realloc(rec->data, len ? len : 1);
		if (!p)
			return -1;
		if (len > rec->len)
			memset(p + rec->len, chance(r, 50) ? 0 : 0xa5, len - rec->len);
		rec->data = p;
		say(d, "len %u->%u ", rec->len, len);
		rec->len = len;
	} else if (op < 68) {
		uint32_t old = rec->index;

		rec->index = (uint32_t)new_value(r, img, old, 4);
		rec->crc_ok = false;
		say(d, "index %u->%u ", old, rec->index);
		return rec->index != old;
	} else if (op < 72) {
		uint32_t old = rec->type;

		rec->type = (uint32_t)fz_below(r, CPT_REC_TYPE_MAX + 2);
		rec->crc_ok = false;
		say(d, "type %s->%s ", cpt_rec_name(old), cpt_rec_name(rec->type));
		return rec->type != old;
	} else if (op < 79) {	/* duplicate, near or anywhere */
		j = chance(r, 70) ? i + 1 : pick_rec(r, img, 1);
		if (insert_rec(img, j, rec, false))
			return -1;
		say(d, "dup->%zu ", j);
	} else if (op < 86) {
		size_t n = 1 + fz_below(r, 3);

		for (size_t k = 0; k < n && i < img->nr - 1; k++)
			delete_rec(img, i);
		say(d, "del %zu ", n);
	} else if (op < 93) {	/* swap with a neighbour, or anyone */
		struct fz_rec t = *rec;

		j = chance(r, 70) && i + 1 < img->nr - 1 ? i + 1 : pick_rec(r, img, 0);
		img->recs[i] = img->recs[j];
		img->recs[j] = t;
		say(d, "swap %zu ", j);
	} else {		/* splice: records of another image */
		const struct fz_image *o = &seeds[fz_below(r, nr_seeds)];
		size_t from = pick_rec(r, o, 0), n = 1 + fz_below(r, 4);

		if (o->nr < 2)
			return 0;	/* nothing to take */
		if (chance(r, 50))
			delete_rec(img, i);
		for (size_t k = 0; k < n && from + k < o->nr - 1; k++)
			if (insert_rec(img, i + k, &o->recs[from + k], true))
				return -1;
		say(d, "splice %zu+%zu ", from, n);
	}
	return 1;
}

int fz_mutate(struct fz_rng *r, struct fz_image *img,
	      const struct fz_image *seeds, size_t nr_seeds,
	      unsigned char **buf, size_t *len, char *desc, size_t desc_len)
{
	struct desc d = { desc, desc_len };
	unsigned int n, roll;
	unsigned char *p;

	desc[0] = '\0';
	roll = (unsigned int)fz_below(r, 100);
	n = roll < 60 ? 1 : roll < 85 ? 2 : 3 + (unsigned int)fz_below(r, 3);
	for (unsigned int k = 0; k < n; k++) {
		int changed = 0;

		/* A change that changed nothing makes a case wasted. */
		for (int tries = 0; !changed && tries < 8; tries++)
			changed = mutate_once(r, img, seeds, nr_seeds, &d);
		if (changed < 0)
			return -1;
		say(&d, "; ");
	}
	if (fz_build(img, buf, len))
		return -1;
	roll = (unsigned int)fz_below(r, 100);
	if (roll < 4) {		/* cut anywhere */
		*len = fz_below(r, *len);
		say(&d, "cut@%zu", *len);
	} else if (roll < 8) {	/* bits flipped after the CRCs */
		for (unsigned int k = 1 + (unsigned int)fz_below(r, 4); k; k--) {
			size_t at = fz_below(r, *len);

			(*buf)[at] ^= (unsigned char)(1u << fz_below(r, 8));
			say(&d, "flip@%zu ", at);
		}
	} else if (roll < 9) {	/* bytes after END */
		size_t extra = 1 + fz_below(r, 64);

		p = realloc(*buf, *len + extra);
		if (!p)
			return -1;
		for (size_t k = 0; k < extra; k++)
			p[*len + k] = (unsigned char)fz_rand(r);
		*buf = p;
		*len += extra;
		say(&d, "tail+%zu", extra);
	}
	return 0;
}
