// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of the checkpoint image format (Documentation/image-format.rst),
 * for every reader: see check.h.  Freestanding on purpose: the kernel and
 * vzctl compile this same file, so /proc/rst and vzctl dumpinfo accept
 * and refuse exactly the same images, with the same words.
 *
 * A record is judged in three steps: as bytes (type, length, CRC, zero
 * padding), by its place in the stream (order, index, count, which
 * object it belongs to), then by its content (ranges, references to
 * earlier objects, strings).  The record table (cpt_records.h) supplies
 * everything the first two steps need; the third is one function per
 * record type below.
 */
#include "check.h"

#define CK_NO_PARENT	0xffffffffU
#define CK_NULL		((void *)0)

/* --- a small formatter: no libc here ---------------------------------- */

struct ck_buf {
	char	*p;
	__u32	len, max;
};

static void ck_putc(struct ck_buf *b, char c)
{
	if (b->len + 1 < b->max)
		b->p[b->len++] = c;
}

static void ck_putnum(struct ck_buf *b, __u64 v, unsigned int base,
		      unsigned int width, int zero)
{
	char digits[24];
	unsigned int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width > n) {
		ck_putc(b, zero ? '0' : ' ');
		width--;
	}
	while (n)
		ck_putc(b, digits[--n]);
}

/*
 * %u %d %x %o %s %c and %llu %lld %llx %llo, with the flags '#' and '0'
 * and a width: what the messages below use, and nothing more.
 */
static void ck_vformat(struct ck_buf *b, const char *fmt,
		       __builtin_va_list ap)
{
	for (; *fmt; fmt++) {
		unsigned int width = 0, base = 10;
		int alt = 0, zero = 0, ll = 0;
		__s64 sv;
		__u64 v;

		if (*fmt != '%') {
			ck_putc(b, *fmt);
			continue;
		}
		fmt++;
		for (; *fmt == '#' || *fmt == '0'; fmt++) {
			if (*fmt == '#')
				alt = 1;
			else
				zero = 1;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (unsigned int)(*fmt - '0');
		if (fmt[0] == 'l' && fmt[1] == 'l') {
			ll = 1;
			fmt += 2;
		}
		switch (*fmt) {
		case 's': {
			const char *s = __builtin_va_arg(ap, const char *);

			while (*s)
				ck_putc(b, *s++);
			continue;
		}
		case 'c':
			ck_putc(b, (char)__builtin_va_arg(ap, int));
			continue;
		case 'd':
			sv = ll ? __builtin_va_arg(ap, long long) :
				  __builtin_va_arg(ap, int);
			if (sv < 0) {
				ck_putc(b, '-');
				v = (__u64)0 - (__u64)sv;
			} else {
				v = (__u64)sv;
			}
			ck_putnum(b, v, 10, width, zero);
			continue;
		case 'x':
			base = 16;
			break;
		case 'o':
			base = 8;
			break;
		case 'u':
			break;
		default:
			ck_putc(b, '?');
			if (!*fmt)
				return;
			continue;
		}
		v = ll ? __builtin_va_arg(ap, unsigned long long) :
			 __builtin_va_arg(ap, unsigned int);
		if (alt && base == 16 && v) {
			ck_putc(b, '0');
			ck_putc(b, 'x');
		} else if (alt && base == 8 && v) {
			ck_putc(b, '0');
		}
		ck_putnum(b, v, base, width, zero);
	}
}

/* Keeps the first failure only: it is the most precise one. */
static int ck_fail(struct cpt_checker *ck, const char *fmt, ...)
{
	struct ck_buf b = { .p = ck->err, .max = sizeof(ck->err) };
	__builtin_va_list ap;

	if (ck->err[0])
		return -1;
	__builtin_va_start(ap, fmt);
	ck_vformat(&b, fmt, ap);
	__builtin_va_end(ap);
	ck->err[b.len] = '\0';
	return -1;
}

/* "<TYPE> record at offset <N>: " and the rest. */
static int ck_bad(struct cpt_checker *ck, const char *fmt, ...)
{
	struct ck_buf b = { .p = ck->err, .max = sizeof(ck->err) };
	__builtin_va_list ap;
	const char *s;

	if (ck->err[0])
		return -1;
	for (s = cpt_rec_name(ck->type); *s; s++)
		ck_putc(&b, *s);
	for (s = " record at offset "; *s; s++)
		ck_putc(&b, *s);
	ck_putnum(&b, ck->offset, 10, 0, 0);
	ck_putc(&b, ':');
	ck_putc(&b, ' ');
	__builtin_va_start(ap, fmt);
	ck_vformat(&b, fmt, ap);
	__builtin_va_end(ap);
	ck->err[b.len] = '\0';
	return -1;
}

/* --- small helpers ------------------------------------------------------ */

static void ck_copy(void *dst, const void *src, __u64 len)
{
	__u8 *d = dst;
	const __u8 *s = src;

	while (len--)
		*d++ = *s++;
}

static void ck_zero(void *dst, __u64 len)
{
	__u8 *d = dst;

	while (len--)
		*d++ = 0;
}

static int ck_has_nul(const char *s, __u64 len)
{
	__u64 i;

	for (i = 0; i < len; i++)
		if (!s[i])
			return 1;
	return 0;
}

/* CRC32C of a little-endian word, bit by bit: 4 bytes per record. */
static __u32 ck_crc32c_le32(__u32 state, __u32 word)
{
	int i, k;

	for (i = 0; i < 4; i++) {
		state ^= (word >> (8 * i)) & 0xff;
		for (k = 0; k < 8; k++)
			state = (state & 1) ? (state >> 1) ^ 0x82f63b78U
					    : state >> 1;
	}
	return state;
}

/* --- the record table, as data ------------------------------------------ */

struct ck_type {
	const char	*name;
	__u32		size;		/* of the fixed part, at least */
	__u32		kind;		/* enum cpt_rec_kind */
	__u32		parent;
	__u32		limit;
	__u64		(*var)(const void *fixed);
};

/* The record table's var column, as a function of the fixed part. */
#define CK_VAR_FN(id, type, kind, parent, owner, var, limit)		\
static __u64 ck_var_##id(const void *fixed)				\
{									\
	const struct type *s = fixed;					\
									\
	(void)s;							\
	return var;							\
}

CPT_RECORDS(CK_VAR_FN)
#undef CK_VAR_FN

#define CK_TYPE(id, type, kind_, parent_, owner, var_, limit_)		\
	[CPT_REC_##id] = {						\
		.name = #id, .kind = kind_,				\
		.size = sizeof(((union cpt_rec_fixed *)0)->type),	\
		.parent = CPT_REC_##parent_, .limit = limit_,		\
		.var = ck_var_##id,					\
	},
static const struct ck_type ck_types[CPT_REC_TYPE_MAX] = {
	CPT_RECORDS(CK_TYPE)
};

#undef CK_TYPE

const char *cpt_rec_name(__u32 type)
{
	if (type < CPT_REC_TYPE_MAX && ck_types[type].name)
		return ck_types[type].name;
	return "UNKNOWN";
}

/* --- state ---------------------------------------------------------------- */

void cpt_check_init(struct cpt_checker *ck, const struct cpt_check_ops *ops,
		    void *priv)
{
	ck_zero(ck, sizeof(*ck));
	ck->ops = ops;
	ck->priv = priv;
	ck->crcs = 0xffffffffU;
	ck->member_parent = CK_NO_PARENT;
}

void cpt_check_release(struct cpt_checker *ck)
{
	if (ck->tasks)
		ck->ops->free(ck->priv, ck->tasks);
	if (ck->pid_hash)
		ck->ops->free(ck->priv, ck->pid_hash);
	if (ck->pipes)
		ck->ops->free(ck->priv, ck->pipes);
	if (ck->usocks)
		ck->ops->free(ck->priv, ck->usocks);
	if (ck->file_kinds)
		ck->ops->free(ck->priv, ck->file_kinds);
	ck->file_kinds = CK_NULL;
	ck->tasks = CK_NULL;
	ck->pid_hash = CK_NULL;
	ck->pipes = CK_NULL;
	ck->usocks = CK_NULL;
}

static const struct cpt_check_task *ck_find_task(const struct cpt_checker *ck,
						 __u32 pid)
{
	__u32 i, slot;

	if (!ck->pid_hash)
		return CK_NULL;
	for (i = 0; i <= ck->hash_mask; i++) {
		slot = ck->pid_hash[(pid * 2654435761U + i) & ck->hash_mask];
		if (!slot)
			return CK_NULL;
		if (ck->tasks[slot - 1].pid == pid)
			return &ck->tasks[slot - 1];
	}
	return CK_NULL;
}

static void ck_add_task(struct cpt_checker *ck, __u32 idx)
{
	__u32 pid = ck->tasks[idx].pid, i;

	for (i = 0; i <= ck->hash_mask; i++) {
		__u32 *slot = &ck->pid_hash[(pid * 2654435761U + i) &
					    ck->hash_mask];

		if (!*slot) {
			*slot = idx + 1;
			return;
		}
	}
}

/* --- the header ------------------------------------------------------------ */

int cpt_check_header_start(struct cpt_checker *ck,
			   const struct cpt_image_header *h)
{
	static const char magic[] = CPT_IMAGE_MAGIC;
	int i;

	for (i = 0; i < CPT_IMAGE_MAGIC_LEN; i++)
		if (h->magic[i] != (__u8)magic[i])
			return ck_fail(ck, "bad magic at offset 0: not a checkpoint image");
	if ((h->version >> 16) != CPT_IMAGE_VERSION_MAJOR)
		return ck_fail(ck, "unsupported image version %u.%u at offset 8 (this reader knows %u.x)",
			       h->version >> 16, h->version & 0xffff,
			       CPT_IMAGE_VERSION_MAJOR);
	if (h->hdr_len < sizeof(*h) || h->hdr_len > CPT_MAX_HDR_LEN ||
	    h->hdr_len % 8)
		return ck_fail(ck, "bad header length %u at offset 12 (must be a multiple of 8 from %u to %u)",
			       h->hdr_len, (unsigned int)sizeof(*h),
			       CPT_MAX_HDR_LEN);
	ck->hdr = *h;
	return 0;
}

int cpt_check_header_end(struct cpt_checker *ck, __u32 crc)
{
	const struct cpt_image_header *h = &ck->hdr;

	if (!h->hdr_len)
		return ck_fail(ck, "header not checked");
	if (crc != h->crc)
		return ck_fail(ck, "image header CRC mismatch (stored %08x, computed %08x)",
			       h->crc, crc);
	if (h->arch != CPT_ARCH_X86_64)
		return ck_fail(ck, "unsupported architecture %u in the image header (only x86_64, %u)",
			       h->arch, CPT_ARCH_X86_64);
	if (h->page_size != CPT_PAGE_SIZE)
		return ck_fail(ck, "unsupported page size %u in the image header (only %u)",
			       h->page_size, CPT_PAGE_SIZE);
	ck->header_ok = 1;
	return 0;
}

/* --- rules shared by several record types ------------------------------- */

/* A reference to an object of @type seen before this record. */
static int ck_ref(struct cpt_checker *ck, const char *field, __u32 index,
		  __u32 type)
{
	if (index >= ck->count[type])
		return ck_bad(ck, "%s %u refers to a %s not defined before it (%u so far)",
			      field, index, cpt_rec_name(type),
			      ck->count[type]);
	return 0;
}

static int ck_opt_ref(struct cpt_checker *ck, const char *field, __u32 index,
		      __u32 type)
{
	return index == CPT_NO_OBJ ? 0 : ck_ref(ck, field, index, type);
}

/*
 * A path: absolute (relative to the VE's root), shorter than
 * CPT_MAX_PATH (a PATH_MAX path without its NUL), no NUL byte.
 */
static int ck_path(struct cpt_checker *ck, const char *what, const char *p,
		   __u32 len, int required)
{
	if (len >= CPT_MAX_PATH || (required && !len))
		return ck_bad(ck, "%s length %u out of range (1..%u)", what,
			      len, CPT_MAX_PATH - 1);
	if (ck_has_nul(p, len))
		return ck_bad(ck, "NUL byte in the %s", what);
	if (len && p[0] != '/')
		return ck_bad(ck, "%s is not absolute", what);
	return 0;
}

static int ck_signo(__u32 sig)
{
	return sig >= 1 && sig <= CPT_NSIG;
}

/* --- order: what may come where ----------------------------------------- */

/* The last TASK gets no more parts: is it complete? */
static int ck_close_task(struct cpt_checker *ck)
{
	const struct cpt_check_task *t;

	if (!ck->task_open)
		return 0;
	ck->task_open = 0;
	t = &ck->tasks[ck->count[CPT_REC_TASK] - 1];
	if (t->state == CPT_TASK_RUNNING &&
	    (!ck->task_parts[CPT_REC_REGS] || !ck->task_parts[CPT_REC_CREDS]))
		return ck_fail(ck, "TASK pid %u has no %s record (noticed at offset %llu)",
			       t->pid,
			       ck->task_parts[CPT_REC_REGS] ? "CREDS" : "REGS",
			       ck->offset);
	return 0;
}

/* What has happened to a UNIX_SOCK so far: ck->usocks[index].bits. */
#define CK_USOCK_EMBRYO	1	/* a connection not yet accepted */
#define CK_USOCK_OPEN	2	/* a FILE is it */

/*
 * Every connection is complete, and every socket but an embryo is an
 * open file, once the metadata ends.
 */
static int ck_usocks_done(struct cpt_checker *ck)
{
	__u32 i;

	if (ck->usock_pending)
		return ck_bad(ck, "UNIX_SOCK %u has peer PEER_NEXT, but no UNIX_SOCK follows it",
			      ck->usock_pending - 1);
	for (i = 0; i < ck->count[CPT_REC_UNIX_SOCK]; i++)
		if (!ck->usocks[i].bits)
			return ck_bad(ck, "UNIX_SOCK %u is not an embryo, yet no FILE is it",
				      i);
	return 0;
}

/*
 * Rules that hold when the task state ends: at the first CONTENTS record
 * (PAGES, UNIX_SKB), or END.
 */
static int ck_metadata_end(struct cpt_checker *ck)
{
	if (ck->metadata_done)
		return 0;
	ck->metadata_done = 1;
	if (ck->count[CPT_REC_TASK] != ck->ve.nr_tasks)
		return ck_bad(ck, "the image has %u tasks before it, the VE record announced %u",
			      ck->count[CPT_REC_TASK], ck->ve.nr_tasks);
	return ck_usocks_done(ck);
}

static int ck_order(struct cpt_checker *ck, const struct cpt_rec_header *rh)
{
	const struct ck_type *t = &ck_types[rh->type];
	__u32 want_index;

	if (!ck->count[CPT_REC_VE] && rh->type != CPT_REC_VE)
		return ck_bad(ck, "the first record must be VE");
	if (ck->members_left && rh->type != ck->member_type)
		return ck_bad(ck, "%u more %s records of the last %s expected",
			      ck->members_left, cpt_rec_name(ck->member_type),
			      cpt_rec_name(ck_types[ck->member_type].parent));
	if (t->kind == CPT_RK_MEMBER && !ck->members_left)
		return ck_bad(ck, "not part of a %s record (or more than it announced)",
			      cpt_rec_name(t->parent));
	if (ck->metadata_done && t->kind != CPT_RK_CONTENTS &&
	    t->kind != CPT_RK_END)
		return ck_bad(ck, "after PAGES or UNIX_SKB: the contents must come last");
	if (t->kind == CPT_RK_TASK && !ck->task_open)
		return ck_bad(ck, "does not follow a TASK");
	if (t->kind != CPT_RK_TASK && ck_close_task(ck))
		return -1;
	if ((t->kind == CPT_RK_ONCE || t->kind == CPT_RK_END) &&
	    ck->count[rh->type])
		return ck_fail(ck, "second %s record at offset %llu",
			       t->name, ck->offset);
	want_index = t->kind == CPT_RK_OBJECT ? ck->count[rh->type] : 0;
	if (rh->index != want_index)
		return ck_bad(ck, "has index %u, expected %u", rh->index,
			      want_index);
	/* A CONTENTS type's limit, if it has one, is per image too. */
	if ((t->kind == CPT_RK_OBJECT || t->kind == CPT_RK_CONTENTS) &&
	    t->limit && ck->count[rh->type] >= t->limit)
		return ck_bad(ck, "more than %u of them", t->limit);
	if (t->kind == CPT_RK_TASK && ck->task_parts[rh->type] >= t->limit)
		return t->limit == 1 ?
			ck_fail(ck, "second %s record for one TASK at offset %llu",
				t->name, ck->offset) :
			ck_bad(ck, "more than %u for one TASK", t->limit);
	if (t->kind == CPT_RK_CONTENTS || t->kind == CPT_RK_END)
		return ck_metadata_end(ck);
	return 0;
}

/* --- content: one function per record type ----------------------------- */

static int ck_ve(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_ve *ve = &v->u.cpt_ve;
	__u32 size = 16;

	if (ve->veid != ck->hdr.veid)
		return ck_bad(ck, "veid %u differs from the header's %u",
			      ve->veid, ck->hdr.veid);
	if (!ve->nr_tasks || ve->nr_tasks > CPT_MAX_TASKS)
		return ck_bad(ck, "nr_tasks %u out of range (1..%u)",
			      ve->nr_tasks, CPT_MAX_TASKS);
	while (size < 2 * ve->nr_tasks)
		size *= 2;
	ck->tasks = ck->ops->zalloc(ck->priv,
				    (__u64)ve->nr_tasks * sizeof(*ck->tasks));
	ck->pid_hash = ck->ops->zalloc(ck->priv,
				       (__u64)size * sizeof(*ck->pid_hash));
	if (!ck->tasks || !ck->pid_hash)
		return ck_fail(ck, "out of memory for %u tasks", ve->nr_tasks);
	ck->hash_mask = size - 1;
	ck->ve = *ve;
	return 0;
}

/* sysname, nodename, release, version, machine, domainname: in a row. */
#define CK_UTS_STRINGS	6

static int ck_uts(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_uts *u = &v->u.cpt_uts;
	unsigned int i;

	for (i = 0; i < CK_UTS_STRINGS; i++)
		if (!ck_has_nul((const char *)u + i * sizeof(u->sysname),
				sizeof(u->sysname)))
			return ck_bad(ck, "string %u is not NUL-terminated", i);
	return 0;
}

/* What has used a PIPE so far: ck->pipes[index]. */
#define CK_PIPE_READER	1	/* the read end of an unnamed pipe */
#define CK_PIPE_WRITER	2	/* its write end */
#define CK_PIPE_FIFO	4	/* a FIFO opened by path */

#define CK_O_ACCMODE	3
#define CK_O_WRONLY	1
#define CK_O_RDWR	2
#define CK_S_IFMT	0170000
#define CK_S_IFIFO	0010000
#define CK_S_IFSOCK	0140000

static int ck_pipe(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_pipe *p = &v->u.cpt_pipe;
	__u32 pages = p->size / CPT_PAGE_SIZE;

	if (p->size % CPT_PAGE_SIZE || !pages || (pages & (pages - 1)) ||
	    p->size > CPT_MAX_PIPE_SIZE)
		return ck_bad(ck, "size %u is not a power of two pages up to %u",
			      p->size, CPT_MAX_PIPE_SIZE);
	if (p->nr_bufs > pages)
		return ck_bad(ck, "%u buffers do not fit in its %u pages",
			      p->nr_bufs, pages);
	if (!ck->pipes) {
		ck->pipes = ck->ops->zalloc(ck->priv, CPT_MAX_FILES);
		if (!ck->pipes)
			return ck_fail(ck, "out of memory for pipes");
	}
	ck->member_type = CPT_REC_PIPE_BUF;
	ck->members_left = p->nr_bufs;
	return 0;
}

static int ck_pipe_buf(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_pipe_buf *b = &v->u.cpt_pipe_buf;

	if (!b->len || b->len > CPT_PAGE_SIZE)
		return ck_bad(ck, "length %u out of range (1..%u)", b->len,
			      CPT_PAGE_SIZE);
	if (b->flags & ~CPT_PIPE_BUF_PACKET)
		return ck_bad(ck, "unknown flags %#x", b->flags);
	return 0;
}

/*
 * A FILE on a PIPE: an unnamed pipe has one read end and one write end
 * (each one open file, shared by whoever holds it) and no path; a FIFO
 * is opened by path, as often as it was, and is never also unnamed.
 */
static int ck_pipe_file(struct cpt_checker *ck, const struct cpt_file *f)
{
	__u32 acc = f->flags & CK_O_ACCMODE;
	__u8 *used, bit;

	if (ck_ref(ck, "pipe", f->object, CPT_REC_PIPE))
		return -1;
	if ((f->mode & CK_S_IFMT) != CK_S_IFIFO)
		return ck_bad(ck, "pipe or FIFO with mode %o", f->mode);
	used = &ck->pipes[f->object];
	if (f->kind == CPT_FILE_FIFO) {
		bit = CK_PIPE_FIFO;
	} else {
		if (f->path_len)
			return ck_bad(ck, "unnamed pipe with a path");
		if (acc >= CK_O_RDWR)
			return ck_bad(ck, "unnamed pipe end open with access mode %u",
				      acc);
		bit = acc == CK_O_WRONLY ? CK_PIPE_WRITER : CK_PIPE_READER;
		if (*used & bit)
			return ck_bad(ck, "second %s end of pipe %u",
				      bit == CK_PIPE_WRITER ? "write" : "read",
				      f->object);
	}
	if ((*used | bit) & CK_PIPE_FIFO && (*used | bit) != CK_PIPE_FIFO)
		return ck_bad(ck, "pipe %u is both unnamed and a FIFO", f->object);
	*used |= bit;
	return 0;
}

/*
 * A FILE on a UNIX_SOCK (1.4): mode S_IFSOCK, no position or size, and
 * one per socket, the one every fd of it shares; an embryo, not yet
 * accepted, is no file at all.
 */
static int ck_unix_file(struct cpt_checker *ck, const struct cpt_file *f)
{
	struct cpt_check_usock *u;

	if (ck_ref(ck, "sock", f->object, CPT_REC_UNIX_SOCK))
		return -1;
	if ((f->mode & CK_S_IFMT) != CK_S_IFSOCK)
		return ck_bad(ck, "unix socket with mode %o", f->mode);
	if (f->pos || f->size)
		return ck_bad(ck, "unix socket with pos %llu and size %llu (both 0)",
			      f->pos, f->size);
	u = &ck->usocks[f->object];
	if (u->bits & CK_USOCK_EMBRYO)
		return ck_bad(ck, "sock %u is a connection not yet accepted: no FILE is it",
			      f->object);
	if (u->bits & CK_USOCK_OPEN)
		return ck_bad(ck, "second FILE for sock %u (its fds share one)",
			      f->object);
	u->bits |= CK_USOCK_OPEN;
	return 0;
}

/*
 * A timerfd (1.5) on a clock timerfd_create() takes, with times a
 * timerfd_settime() takes.  Its settime flags are the ones there are;
 * only an absolute CANCEL_ON_SET timer on a CLOCK_REALTIME clock can
 * have been canceled by a setting of the clock.  Any number of expiries
 * may wait to be read.
 */
static int ck_timerfd(struct cpt_checker *ck, const struct cpt_file *f)
{
	const __u32 c = f->timer_clock;
	const int realtime = c == CPT_CLOCK_REALTIME ||
			     c == CPT_CLOCK_REALTIME_ALARM;
	const __u32 cancel = CPT_TFD_ABSTIME | CPT_TFD_CANCEL_ON_SET;

	if (!realtime && c != CPT_CLOCK_MONOTONIC && c != CPT_CLOCK_BOOTTIME &&
	    c != CPT_CLOCK_BOOTTIME_ALARM)
		return ck_bad(ck, "timerfd clock %u is not one timerfd_create() takes",
			      c);
	if (f->state_flags & ~CPT_TFD_FLAGS)
		return ck_bad(ck, "timerfd flags %#x unknown", f->state_flags);
	if ((f->state_flags & CPT_TFD_CANCELED) &&
	    (!realtime || (f->state_flags & cancel) != cancel))
		return ck_bad(ck, "timerfd canceled by a clock setting, but not an absolute CANCEL_ON_SET timer on CLOCK_REALTIME");
	if (f->timer_value > CPT_TIMER_NS_MAX ||
	    f->timer_interval > CPT_TIMER_NS_MAX)
		return ck_bad(ck, "timerfd value %llu / interval %llu ns out of range (at most %llu)",
			      f->timer_value, f->timer_interval,
			      CPT_TIMER_NS_MAX);
	return 0;
}

/*
 * An eventfd, a signalfd, (1.4) a unix socket or (1.5) a timerfd: no
 * path, open read-write (what eventfd(), signalfd(), socket() and
 * timerfd_create() give) with O_NONBLOCK at most (and O_LARGEFILE, but
 * for a socket, that a restore's open adds).  An eventfd's counter is
 * one a write could have made (below 2^64 - 1), with the semaphore flag
 * at most; a signalfd's mask never has SIGKILL or SIGSTOP (signalfd()
 * drops them), and it has no flags.
 */
#define CK_O_NONBLOCK	04000
#define CK_O_LARGEFILE	0100000
#define CK_SIGKILL_BIT	(1ULL << (9 - 1))
#define CK_SIGSTOP_BIT	(1ULL << (19 - 1))

static int ck_anon_file(struct cpt_checker *ck, const struct cpt_file *f,
			__u64 var_len)
{
	const char *what = f->kind == CPT_FILE_EVENTFD ? "eventfd" :
			   f->kind == CPT_FILE_SIGNALFD ? "signalfd" :
			   f->kind == CPT_FILE_TIMERFD ? "timerfd" :
			   f->kind == CPT_FILE_EPOLL ? "epoll instance" :
			   "unix socket";
	__u32 large = f->kind == CPT_FILE_UNIX ? 0 : CK_O_LARGEFILE;

	if (f->path_len || var_len)
		return ck_bad(ck, "%s with a path", what);
	if (f->flags & ~(CK_O_RDWR | CK_O_NONBLOCK | large) ||
	    (f->flags & CK_O_ACCMODE) != CK_O_RDWR)
		return ck_bad(ck, "%s with flags %#x (O_RDWR, O_NONBLOCK only)",
			      what, f->flags);
	if (f->kind == CPT_FILE_UNIX)
		return ck_unix_file(ck, f);
	if (f->object)
		return ck_bad(ck, "pipe %u given for a file that is not one",
			      f->object);
	if (f->kind == CPT_FILE_TIMERFD)
		return ck_timerfd(ck, f);
	if (f->kind == CPT_FILE_EPOLL)
		return f->state || f->state_flags ?
			ck_bad(ck, "state %llu/%#x given for an epoll instance",
			       f->state, f->state_flags) : 0;
	if (f->kind == CPT_FILE_EVENTFD) {
		if (f->state == ~0ULL)
			return ck_bad(ck, "eventfd counter %llu out of range",
				      f->state);
		if (f->state_flags & ~CPT_EFD_SEMAPHORE)
			return ck_bad(ck, "eventfd flags %#x unknown",
				      f->state_flags);
		return 0;
	}
	if (f->state & (CK_SIGKILL_BIT | CK_SIGSTOP_BIT))
		return ck_bad(ck, "signalfd mask %#llx has SIGKILL or SIGSTOP",
			      f->state);
	if (f->state_flags)
		return ck_bad(ck, "signalfd flags %#x unknown", f->state_flags);
	return 0;
}

static int ck_file_kind(struct cpt_checker *ck, struct cpt_rec_view *v);

/* A FILE, whose kind EPOLL_WATCH rules need later. */
static int ck_file(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	if (!ck->file_kinds) {
		ck->file_kinds = ck->ops->zalloc(ck->priv, CPT_MAX_FILES);
		if (!ck->file_kinds)
			return ck_fail(ck, "out of memory for files");
	}
	if (ck_file_kind(ck, v))
		return -1;
	/* The record table's limit keeps the index below CPT_MAX_FILES. */
	ck->file_kinds[v->h.index] = (__u8)v->u.cpt_file.kind;
	return 0;
}

static int ck_file_kind(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_file *f = &v->u.cpt_file;

	if (f->kind < CPT_FILE_REG || f->kind > CPT_FILE_EPOLL)
		return ck_bad(ck, "unknown kind %u", f->kind);
	if (f->pad || f->pad2)
		return ck_bad(ck, "reserved field is %u, not 0",
			      f->pad ? f->pad : f->pad2);
	if (f->kind != CPT_FILE_TIMERFD &&
	    (f->timer_value || f->timer_interval || f->timer_clock))
		return ck_bad(ck, "timer %llu/%llu/%u given for a file that is not a timerfd",
			      f->timer_value, f->timer_interval,
			      f->timer_clock);
	if (f->kind == CPT_FILE_EVENTFD || f->kind == CPT_FILE_SIGNALFD ||
	    f->kind == CPT_FILE_TIMERFD || f->kind == CPT_FILE_EPOLL)
		return ck_anon_file(ck, f, v->var_len);
	if (f->state || f->state_flags)
		return ck_bad(ck, "state %llu/%#x given for a file that is not an eventfd, signalfd or timerfd",
			      f->state, f->state_flags);
	if (f->kind == CPT_FILE_UNIX)
		return ck_anon_file(ck, f, v->var_len);
	if (f->kind == CPT_FILE_CHR && !CPT_CHRDEV_ALLOWED(f->rdev))
		return ck_bad(ck, "character device %#x is not one a VE may hold (null, zero, full, random, urandom)",
			      f->rdev);
	if (f->kind == CPT_FILE_PIPE || f->kind == CPT_FILE_FIFO) {
		if (ck_pipe_file(ck, f))
			return -1;
	} else if (f->object) {
		return ck_bad(ck, "pipe %u given for a file that is not one",
			      f->object);
	}
	if (f->kind == CPT_FILE_PIPE)
		return 0;
	return ck_path(ck, "path", (const char *)v->var, f->path_len, 1);
}

/*
 * An epoll watch (1.5): of an epoll instance, on a file that can be
 * polled (not a regular file or directory), never the instance itself,
 * as an fd number an fd table can have, with events and flags
 * epoll_ctl() takes: EPOLLEXCLUSIVE only with IN, OUT, ERR, HUP, WAKEUP
 * and ET, and not on another epoll instance.  Whether a watch repeats
 * another, or instances watch each other in a loop or too deep, the
 * restore's epoll_ctl() finds, as it would have.
 */
static int ck_epoll_watch(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_epoll_watch *w = &v->u.cpt_epoll_watch;
	__u8 target;

	if (ck_ref(ck, "epoll", w->epoll, CPT_REC_FILE) ||
	    ck_ref(ck, "file", w->file, CPT_REC_FILE))
		return -1;
	if (ck->file_kinds[w->epoll] != CPT_FILE_EPOLL)
		return ck_bad(ck, "FILE %u is not an epoll instance", w->epoll);
	target = ck->file_kinds[w->file];
	if (w->file == w->epoll || target == CPT_FILE_REG ||
	    target == CPT_FILE_DIR)
		return ck_bad(ck, "FILE %u (kind %u) cannot be watched by epoll FILE %u",
			      w->file, target, w->epoll);
	if (w->fd >= CPT_MAX_FDS)
		return ck_bad(ck, "fd %u out of range (below %u)", w->fd,
			      CPT_MAX_FDS);
	if (w->events & ~CPT_EPOLL_EVENTS)
		return ck_bad(ck, "events %#x unknown", w->events);
	if ((w->events & CPT_EPOLL_EXCLUSIVE) &&
	    ((w->events & ~CPT_EPOLL_EXCLUSIVE_OK) || target == CPT_FILE_EPOLL))
		return ck_bad(ck, "EPOLLEXCLUSIVE with events %#x or on an epoll instance",
			      w->events);
	return 0;
}

static int ck_files(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_files *f = &v->u.cpt_files;

	if (f->max_fds > CPT_MAX_FDS || f->nr_fds > f->max_fds)
		return ck_bad(ck, "max_fds %u / nr_fds %u out of range (max_fds <= %u, nr_fds <= max_fds)",
			      f->max_fds, f->nr_fds, CPT_MAX_FDS);
	ck->member_type = CPT_REC_FD;
	ck->members_left = f->nr_fds;
	ck->fds_max = f->max_fds;
	ck->next_min = 0;
	return 0;
}

static int ck_fd(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_fd *fd = &v->u.cpt_fd;

	if (fd->fd >= ck->fds_max || fd->fd < ck->next_min)
		return ck_bad(ck, "fd %u out of order or beyond max_fds %u",
			      fd->fd, ck->fds_max);
	if (ck_ref(ck, "file", fd->file, CPT_REC_FILE))
		return -1;
	if (fd->cloexec > 1)
		return ck_bad(ck, "cloexec %u is not 0 or 1", fd->cloexec);
	ck->next_min = (__u64)fd->fd + 1;
	return 0;
}

/*
 * A file lock: a known kind and type, through a FILE defined before it;
 * a POSIX lock's owner a FILES defined before it, no owner for the
 * others; a byte range the kernel can hold (a flock lock: the file).
 */
static int ck_lock(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_lock *l = &v->u.cpt_lock;

	if (l->kind < CPT_LOCK_FLOCK || l->kind > CPT_LOCK_OFD)
		return ck_bad(ck, "unknown kind %u", l->kind);
	if (l->type != CPT_LOCK_READ && l->type != CPT_LOCK_WRITE)
		return ck_bad(ck, "unknown type %u", l->type);
	if (ck_ref(ck, "file", l->file, CPT_REC_FILE))
		return -1;
	if (l->kind == CPT_LOCK_POSIX) {
		if (ck_ref(ck, "owner", l->owner, CPT_REC_FILES))
			return -1;
	} else if (l->owner != CPT_NO_OBJ) {
		return ck_bad(ck, "owner %u given for a lock an open file owns",
			      l->owner);
	}
	if (l->pid >= CPT_PID_MAX)
		return ck_bad(ck, "pid %u out of range (0..%u)", l->pid,
			      CPT_PID_MAX - 1);
	if (l->start > l->end || l->end > CPT_LOCK_OFFSET_MAX)
		return ck_bad(ck, "range %llu-%llu out of order or beyond %llu",
			      l->start, l->end, CPT_LOCK_OFFSET_MAX);
	if (l->kind == CPT_LOCK_FLOCK &&
	    (l->start || l->end != CPT_LOCK_OFFSET_MAX))
		return ck_bad(ck, "flock lock on a range (%llu-%llu), not the whole file",
			      l->start, l->end);
	return 0;
}

/* --- unix sockets (1.4) --------------------------------------------------- */

#define CK_MAX_ERRNO	4095

/*
 * An address as the kernel keeps sun_path (@a NULL: not given, only its
 * length is checked): a path one is the path and its NUL, the only one;
 * an abstract one starts with a NUL.
 */
static int ck_unix_addr(struct cpt_checker *ck, const char *what,
			const __u8 *a, __u32 len)
{
	if (len > CPT_UNIX_ADDR_MAX)
		return ck_bad(ck, "%s length %u exceeds %u", what, len,
			      CPT_UNIX_ADDR_MAX);
	if (a && len && a[0] &&
	    (a[len - 1] || ck_has_nul((const char *)a, len - 1)))
		return ck_bad(ck, "%s of %u bytes is neither a path ending in its only NUL nor abstract (a NUL first)",
			      what, len);
	return 0;
}

/*
 * Credentials a socket carries (a peer's, a message's): only with the
 * flag @flag names, all 0 without it; ids that are valid, as CREDS's.
 */
static int ck_unix_creds(struct cpt_checker *ck, const char *flag,
			 __u32 set, __u32 any, const char *what, __u32 pid,
			 __u32 uid, __u32 gid)
{
	if (!set && any)
		return ck_bad(ck, "credentials given without %s", flag);
	if (pid > CPT_PID_MAX)
		return ck_bad(ck, "%s %u out of range (0..%u)", what, pid,
			      CPT_PID_MAX);
	if (uid == CPT_INVALID_ID || gid == CPT_INVALID_ID)
		return ck_bad(ck, "uid or gid %u is not valid", CPT_INVALID_ID);
	return 0;
}

/* An earlier UNIX_SOCK, as @field, of the same type as this one. */
static int ck_unix_ref(struct cpt_checker *ck, const char *field, __u32 index,
		       __u32 type)
{
	if (ck_ref(ck, field, index, CPT_REC_UNIX_SOCK))
		return -1;
	if (ck->usocks[index].type != type)
		return ck_bad(ck, "%s %u is a socket of type %u, not %u", field,
			      index, ck->usocks[index].type, type);
	return 0;
}

/*
 * An embryo, a connection not yet accepted, waits in an earlier listening
 * socket of its type, connected to its client (the next UNIX_SOCK) or to
 * none (the client closed).  Other sockets wait in none.
 */
static int ck_unix_listener(struct cpt_checker *ck,
			    const struct cpt_unix_sock *s)
{
	if (!(s->flags & CPT_UNIX_EMBRYO)) {
		if (s->listener != CPT_NO_OBJ)
			return ck_bad(ck, "listener %u given for a socket that is not an embryo",
				      s->listener);
		return 0;
	}
	if (s->state != CPT_UNIX_CONNECTED)
		return ck_bad(ck, "embryo in state %u, not CONNECTED", s->state);
	if (s->peer != CPT_UNIX_PEER_NEXT && s->peer != CPT_NO_OBJ)
		return ck_bad(ck, "embryo with peer %u (its client is the next UNIX_SOCK, PEER_NEXT, or none)",
			      s->peer);
	if (ck_unix_ref(ck, "listener", s->listener, s->type))
		return -1;
	if (ck->usocks[s->listener].state != CPT_UNIX_LISTEN)
		return ck_bad(ck, "listener %u is not listening", s->listener);
	return 0;
}

/*
 * The peer: none unless connected.  A connection is a socket with peer
 * PEER_NEXT and the next UNIX_SOCK, which names it back; a datagram
 * socket may name an earlier one that is not connected back; a connected
 * socket's peer may have closed (none).  Returns the peer, PEER_NEXT
 * resolved, in *peer.
 */
static int ck_unix_peer(struct cpt_checker *ck, const struct cpt_unix_sock *s,
			__u32 *peer)
{
	__u32 n = ck->count[CPT_REC_UNIX_SOCK], first;

	*peer = s->peer == CPT_UNIX_PEER_NEXT ? n + 1 : s->peer;
	first = ck->usock_pending - 1;
	if (ck->usock_pending && s->peer != first)
		return ck_bad(ck, "does not name UNIX_SOCK %u back, whose peer is PEER_NEXT",
			      first);
	if (s->peer != CPT_NO_OBJ && s->state != CPT_UNIX_CONNECTED)
		return ck_bad(ck, "a peer given for a socket that is not connected");
	if (ck->usock_pending) {
		ck->usock_pending = 0;
		return ck_unix_ref(ck, "peer", first, s->type);
	}
	if (s->peer == CPT_UNIX_PEER_NEXT) {
		ck->usock_pending = n + 1;
		return 0;
	}
	if (s->peer == CPT_NO_OBJ)
		return 0;
	if (s->type != CPT_SOCK_DGRAM)
		return ck_bad(ck, "peer %u: only a datagram socket names an earlier socket it is connected to",
			      s->peer);
	return ck_unix_ref(ck, "peer", s->peer, s->type);
}

/*
 * Its address, then the path of its inode: a socket bound to a path
 * address itself has it, one that shares another's (SHARED_ADDR: an
 * accepted socket, an embryo) or is bound to an abstract one has none.
 */
static int ck_unix_bound(struct cpt_checker *ck, const struct cpt_unix_sock *s,
			 const __u8 *addr)
{
	int own_path = s->addr_len && addr[0] &&
		       !(s->flags & CPT_UNIX_SHARED_ADDR);

	if (ck_unix_addr(ck, "address", addr, s->addr_len))
		return -1;
	if ((s->flags & CPT_UNIX_SHARED_ADDR) && !s->addr_len)
		return ck_bad(ck, "SHARED_ADDR without an address");
	if (s->path_len && !own_path)
		return ck_bad(ck, "a path, but the socket is not bound to a path address of its own");
	if (own_path && !s->path_len)
		return ck_bad(ck, "bound to a path address, but without its path");
	if (ck_path(ck, "path", (const char *)addr + s->addr_len,
		    s->path_len, 0))
		return -1;
	if ((s->flags & CPT_UNIX_UNLINKED) && !s->path_len)
		return ck_bad(ck, "UNLINKED without a path");
	return 0;
}

/* Its peer's groups: valid ids, as CREDS's. */
static int ck_unix_groups(struct cpt_checker *ck, const struct cpt_unix_sock *s,
			  const __u8 *groups)
{
	__u32 i, gid;

	if (s->peer_ngroups > CPT_MAX_GROUPS)
		return ck_bad(ck, "peer_ngroups %u exceeds %u", s->peer_ngroups,
			      CPT_MAX_GROUPS);
	for (i = 0; i < s->peer_ngroups; i++) {
		ck_copy(&gid, groups + 4 * i, 4);
		if (gid == CPT_INVALID_ID)
			return ck_bad(ck, "group %u is not valid", gid);
	}
	return 0;
}

/*
 * A unix socket: its type, state and options; its address, then the path
 * of its inode if it is the socket bound to it, then its peer's groups.
 */
static int ck_unix_sock(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_unix_sock *s = &v->u.cpt_unix_sock;
	const __u8 *addr = v->var;
	struct cpt_check_usock *u;
	__u32 peer;

	if (!ck->usocks) {
		ck->usocks = ck->ops->zalloc(ck->priv, (__u64)CPT_MAX_FILES *
					     sizeof(*ck->usocks));
		if (!ck->usocks)
			return ck_fail(ck, "out of memory for unix sockets");
	}
	if (s->type != CPT_SOCK_STREAM && s->type != CPT_SOCK_DGRAM &&
	    s->type != CPT_SOCK_SEQPACKET)
		return ck_bad(ck, "unknown type %u (SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET)",
			      s->type);
	if (s->state > CPT_UNIX_CONNECTED)
		return ck_bad(ck, "unknown state %u", s->state);
	if (s->flags & ~CPT_UNIX_FLAGS)
		return ck_bad(ck, "unknown flags %#x", s->flags);
	if (s->shutdown & ~(CPT_UNIX_SHUT_RD | CPT_UNIX_SHUT_WR))
		return ck_bad(ck, "shutdown %#x has bits other than SHUT_RD and SHUT_WR",
			      s->shutdown);
	if (s->err > CK_MAX_ERRNO)
		return ck_bad(ck, "pending error %u out of range (0..%u)",
			      s->err, CK_MAX_ERRNO);
	if (s->peek_off < -1)
		return ck_bad(ck, "peek_off %d below -1 (off)", s->peek_off);
	if (s->backlog > 0x7fffffffU)
		return ck_bad(ck, "backlog %u exceeds %u", s->backlog,
			      0x7fffffffU);
	if (ck_unix_bound(ck, s, addr))
		return -1;
	if (s->state == CPT_UNIX_LISTEN && s->type == CPT_SOCK_DGRAM)
		return ck_bad(ck, "a datagram socket does not listen");
	if (s->state == CPT_UNIX_LISTEN && !s->addr_len)
		return ck_bad(ck, "listening socket without an address");
	if ((s->flags & CPT_UNIX_DGRAM_ESTAB) && s->type != CPT_SOCK_DGRAM)
		return ck_bad(ck, "DGRAM_ESTAB on a socket of type %u (SOCK_DGRAM only)",
			      s->type);
	if (ck_unix_groups(ck, s, addr + s->addr_len + s->path_len) ||
	    ck_unix_creds(ck, "PEERCRED", s->flags & CPT_UNIX_PEERCRED,
			  s->peer_pid | s->peer_uid | s->peer_gid |
			  s->peer_ngroups, "peer_pid", s->peer_pid,
			  s->peer_uid, s->peer_gid) ||
	    ck_unix_listener(ck, s) || ck_unix_peer(ck, s, &peer))
		return -1;
	u = &ck->usocks[ck->count[CPT_REC_UNIX_SOCK]];
	u->peer = peer;
	u->type = (__u8)s->type;
	u->state = (__u8)s->state;
	u->bits = s->flags & CPT_UNIX_EMBRYO ? CK_USOCK_EMBRYO : 0;
	return 0;
}

/*
 * A message queued on a socket that is not listening, from a sender of
 * its type or one no longer in the image.  A stream or seqpacket socket
 * is connected, and its data come from its peer (none: closed), without
 * an address; a datagram socket's come from any socket, and one from a
 * closed sender may carry the address it had.
 */
static int ck_unix_skb(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_unix_skb *b = &v->u.cpt_unix_skb;
	const struct cpt_check_usock *u;

	if (ck_ref(ck, "sock", b->sock, CPT_REC_UNIX_SOCK))
		return -1;
	u = &ck->usocks[b->sock];
	if (u->state == CPT_UNIX_LISTEN)
		return ck_bad(ck, "sock %u is listening: only connections wait in it",
			      b->sock);
	if (b->sender != CPT_NO_OBJ && ck_unix_ref(ck, "sender", b->sender,
						   u->type))
		return -1;
	if (!b->len || b->len > CPT_MAX_UNIX_SKB)
		return ck_bad(ck, "length %u out of range (1..%u)", b->len,
			      CPT_MAX_UNIX_SKB);
	if (b->flags & ~CPT_UNIX_SKB_CREDS)
		return ck_bad(ck, "unknown flags %#x", b->flags);
	if (ck_unix_creds(ck, "CREDS", b->flags & CPT_UNIX_SKB_CREDS,
			  b->pid | b->uid | b->gid, "pid", b->pid, b->uid,
			  b->gid))
		return -1;
	if (u->type == CPT_SOCK_DGRAM) {
		if (b->addr_len && b->sender != CPT_NO_OBJ)
			return ck_bad(ck, "a sender address, but sender %u is in the image",
				      b->sender);
		return ck_unix_addr(ck, "sender address",
				    v->var ? v->var + b->len : CK_NULL,
				    b->addr_len);
	}
	if (u->state != CPT_UNIX_CONNECTED)
		return ck_bad(ck, "sock %u is a stream or seqpacket socket that is not connected",
			      b->sock);
	if (b->sender != u->peer)
		return ck_bad(ck, "sender %d is not the peer (%d) of sock %u (-1: none)",
			      (int)b->sender, (int)u->peer, b->sock);
	if (b->addr_len)
		return ck_bad(ck, "a sender address on a stream or seqpacket socket's data");
	return 0;
}

static int ck_fs(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_fs *f = &v->u.cpt_fs;
	const char *root = (const char *)v->var;

	if (f->umask > 0777)
		return ck_bad(ck, "umask %o out of range", f->umask);
	if (ck_path(ck, "root", root, f->root_len, 1) ||
	    ck_path(ck, "cwd", root + f->root_len, f->cwd_len, 1))
		return -1;
	return 0;
}

static int ck_mm(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_mm *m = &v->u.cpt_mm;
	const __u64 top = CPT_USER_TOP;
	unsigned int i;

	if (m->nr_vmas > CPT_MAX_VMAS)
		return ck_bad(ck, "nr_vmas %u exceeds %u", m->nr_vmas,
			      CPT_MAX_VMAS);
	if (m->start_code > m->end_code || m->start_data > m->end_data ||
	    m->start_brk > m->brk || m->arg_start > m->arg_end ||
	    m->env_start > m->env_end || m->end_code > top ||
	    m->end_data > top || m->brk > top || m->start_stack > top ||
	    m->arg_end > top || m->env_end > top)
		return ck_bad(ck, "code, data, brk, stack, argument or environment bounds out of order or beyond user space");
	for (i = 0; i < CPT_AUXV_WORDS && m->saved_auxv[i]; i += 2)
		;
	if (i >= CPT_AUXV_WORDS)
		return ck_bad(ck, "saved auxv has no AT_NULL entry");
	if (m->def_flags & ~CPT_MM_DEF_FLAGS)
		return ck_bad(ck, "def_flags %#llx has bits other than mlockall()'s (%#llx)",
			      m->def_flags, CPT_MM_DEF_FLAGS);
	if ((m->def_flags & CPT_MM_DEF_FLAGS) == CPT_VM_LOCKONFAULT)
		return ck_bad(ck, "def_flags %#llx locks on fault without locking",
			      m->def_flags);
	if (ck_path(ck, "executable path", (const char *)v->var, m->exe_len,
		    0))
		return -1;
	ck->member_type = CPT_REC_VMA;
	ck->members_left = m->nr_vmas;
	ck->next_min = 0;
	return 0;
}

static int ck_vma(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_vma *m = &v->u.cpt_vma;
	int file_backed;

	if (m->start >= m->end || m->start % CPT_PAGE_SIZE ||
	    m->end % CPT_PAGE_SIZE || m->end > CPT_USER_TOP ||
	    m->start < ck->next_min)
		return ck_bad(ck, "range %#llx-%#llx is not page aligned, empty, beyond user space, or overlaps/precedes the previous one",
			      m->start, m->end);
	if (m->kind < CPT_VMA_ANON_PRIVATE || m->kind > CPT_VMA_VVAR)
		return ck_bad(ck, "unknown kind %u", m->kind);
	if (m->prot & ~CPT_PROT_MASK)
		return ck_bad(ck, "bad prot %#x", m->prot);
	if ((m->vm_flags & (CPT_VM_LOCKED | CPT_VM_LOCKONFAULT)) ==
	    CPT_VM_LOCKONFAULT)
		return ck_bad(ck, "vm_flags %#llx lock on fault without locking",
			      m->vm_flags);
	file_backed = m->kind == CPT_VMA_FILE_PRIVATE ||
		      m->kind == CPT_VMA_FILE_SHARED;
	if (!file_backed && m->path_len)
		return ck_bad(ck, "a path on a mapping that has no file");
	if (ck_path(ck, "path", (const char *)v->var, m->path_len,
		    file_backed))
		return -1;
	if (m->pgoff > (~0ULL >> 12))
		return ck_bad(ck, "file offset out of range");
	if (m->kind == CPT_VMA_ANON_SHARED && m->shared_id >= CPT_MAX_VMAS)
		return ck_bad(ck, "shared memory id %u out of range",
			      m->shared_id);
	ck->next_min = m->end;
	return 0;
}

static int ck_sighand(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_sighand *sh = &v->u.cpt_sighand;
	unsigned int i;

	for (i = 0; i < CPT_NSIG; i++)
		if (sh->action[i].flags & ~(__u64)CPT_SA_FLAGS_MASK)
			return ck_bad(ck, "signal %u: handler flags %#llx", i + 1,
				      sh->action[i].flags);
	return 0;
}

/*
 * Each process has its own mm, fd table, fs and handlers, written just
 * before its first task (a dump refuses processes that share them): so
 * a process's objects are newer than every earlier process's.
 */
static int ck_own_objects(struct cpt_checker *ck, const struct cpt_task *t)
{
	const __u32 refs[CK_PROC_OBJS] = { t->mm, t->files, t->fs, t->sighand };
	unsigned int i;

	for (i = 0; i < CK_PROC_OBJS; i++)
		if (refs[i] < ck->proc_next[i])
			return ck_bad(ck, "process %u shares its mm, files, fs or handlers with an earlier process",
				      t->pid);
	for (i = 0; i < CK_PROC_OBJS; i++)
		ck->proc_next[i] = refs[i] + 1;
	return 0;
}

static int ck_task_tree(struct cpt_checker *ck, const struct cpt_task *t)
{
	const struct cpt_check_task *parent, *leader;
	__u32 n = ck->count[CPT_REC_TASK];

	if (!n && (t->pid != 1 || t->tgid != 1 || t->ppid))
		return ck_bad(ck, "the first task must be the VE's init (pid 1, ppid 0), not pid %u ppid %u",
			      t->pid, t->ppid);
	/* A parent is a live process; only init's threads have none. */
	parent = ck_find_task(ck, t->ppid);
	if (n && !(t->ppid == 0 && t->tgid == 1) &&
	    (!parent || parent->tgid != parent->pid ||
	     parent->state != CPT_TASK_RUNNING))
		return ck_bad(ck, "pid %u has parent %u, which is not an earlier live process",
			      t->pid, t->ppid);
	if (t->tgid == t->pid)
		return 0;
	leader = ck_find_task(ck, t->tgid);
	if (!leader || leader->tgid != leader->pid)
		return ck_bad(ck, "pid %u is in thread group %u, whose leader is not an earlier task",
			      t->pid, t->tgid);
	if (leader->mm != t->mm || leader->sighand != t->sighand)
		return ck_bad(ck, "thread %u does not share its leader's mm and sighand",
			      t->pid);
	return 0;
}

static int ck_task(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_task *t = &v->u.cpt_task;
	__u32 n = ck->count[CPT_REC_TASK], i;
	int leader = t->pid == t->tgid;

	/* ck->tasks has the VE record's nr_tasks slots. */
	if (n >= ck->ve.nr_tasks)
		return ck_bad(ck, "more TASK records than the VE record's nr_tasks %u",
			      ck->ve.nr_tasks);
	if (!t->pid || !t->tgid || ck_find_task(ck, t->pid) ||
	    t->pid > CPT_PID_MAX || t->tgid > CPT_PID_MAX ||
	    t->pgid > CPT_PID_MAX || t->sid > CPT_PID_MAX)
		return ck_bad(ck, "pid %u is 0, repeated or out of range",
			      t->pid);
	if (t->state != CPT_TASK_RUNNING && t->state != CPT_TASK_ZOMBIE)
		return ck_bad(ck, "unknown state %u", t->state);
	if (t->state == CPT_TASK_ZOMBIE && !leader)
		return ck_bad(ck, "thread %u is a zombie (threads are reaped as they exit)",
			      t->pid);
	if (ck_task_tree(ck, t))
		return -1;
	/* A thread's exit_signal is -1: it notifies nobody. */
	if ((leader && t->exit_signal > CPT_NSIG) ||
	    (!leader && t->exit_signal != 0xffffffffU) ||
	    t->pdeath_signal > CPT_NSIG)
		return ck_bad(ck, "bad signal number");
	if (!ck_has_nul(t->comm, sizeof(t->comm)))
		return ck_bad(ck, "comm is not NUL-terminated");
	if (t->restart_fn > CPT_RESTART_POLL)
		return ck_bad(ck, "unknown restart_fn %u", t->restart_fn);
	/* The clocks a dump takes a sleep from (restart.c). */
	if (t->restart_fn == CPT_RESTART_NANOSLEEP &&
	    t->restart_block[0] != CPT_CLOCK_REALTIME &&
	    t->restart_block[0] != CPT_CLOCK_MONOTONIC &&
	    t->restart_block[0] != CPT_CLOCK_BOOTTIME)
		return ck_bad(ck, "nanosleep on clock %llu", t->restart_block[0]);
	if (t->state == CPT_TASK_RUNNING &&
	    (t->mm == CPT_NO_OBJ || t->files == CPT_NO_OBJ ||
	     t->fs == CPT_NO_OBJ || t->sighand == CPT_NO_OBJ))
		return ck_bad(ck, "live task %u without mm, files, fs or sighand",
			      t->pid);
	if (ck_opt_ref(ck, "mm", t->mm, CPT_REC_MM) ||
	    ck_opt_ref(ck, "files", t->files, CPT_REC_FILES) ||
	    ck_opt_ref(ck, "fs", t->fs, CPT_REC_FS) ||
	    ck_opt_ref(ck, "sighand", t->sighand, CPT_REC_SIGHAND))
		return -1;
	if (leader && t->state == CPT_TASK_RUNNING && ck_own_objects(ck, t))
		return -1;
	for (i = 0; i < CPT_NR_RLIMITS; i++)
		if (t->rlim_cur[i] > t->rlim_max[i])
			return ck_bad(ck, "resource limit %u: soft limit above the hard one",
				      i);
	if (t->sas_ss_flags & ~(CPT_SS_DISABLE | CPT_SS_AUTODISARM) ||
	    t->sas_ss_size > (1ULL << 31))
		return ck_bad(ck, "alternate signal stack flags %#x or size %llu",
			      t->sas_ss_flags, t->sas_ss_size);
	ck->tasks[n] = (struct cpt_check_task){
		.pid = t->pid, .tgid = t->tgid, .state = t->state,
		.mm = t->mm, .sighand = t->sighand,
	};
	ck_add_task(ck, n);
	ck->task_open = 1;
	ck_zero(ck->task_parts, sizeof(ck->task_parts));
	ck->next_timer_id = 0;
	return 0;
}

#define CK_NR_IDS	8	/* uid, euid, suid, fsuid, and the gids */

static int ck_creds(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_creds *c = &v->u.cpt_creds;
	const __u32 ids[CK_NR_IDS] = { c->uid, c->euid, c->suid, c->fsuid,
				       c->gid, c->egid, c->sgid, c->fsgid };
	__u32 i, gid;

	if (c->ngroups > CPT_MAX_GROUPS)
		return ck_bad(ck, "ngroups %u exceeds %u", c->ngroups,
			      CPT_MAX_GROUPS);
	for (i = 0; i < CK_NR_IDS; i++)
		if (ids[i] == CPT_INVALID_ID)
			return ck_bad(ck, "uid or gid %u is not valid", ids[i]);
	for (i = 0; i < c->ngroups; i++) {
		ck_copy(&gid, v->var + 4 * i, 4);
		if (gid == CPT_INVALID_ID)
			return ck_bad(ck, "group %u is not valid", gid);
	}
	if (c->securebits & ~CPT_SECUREBITS_MASK)
		return ck_bad(ck, "securebits %#x", c->securebits);
	return 0;
}

static int ck_sched(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_sched *s = &v->u.cpt_sched;
	int rt = s->policy == CPT_SCHED_FIFO || s->policy == CPT_SCHED_RR;

	if (ck->tasks[v->task].state == CPT_TASK_ZOMBIE)
		return ck_bad(ck, "for zombie %u: a zombie has no scheduling attributes",
			      ck->tasks[v->task].pid);
	if (!rt && s->policy != CPT_SCHED_NORMAL &&
	    s->policy != CPT_SCHED_BATCH && s->policy != CPT_SCHED_IDLE)
		return ck_bad(ck, "policy %u is not SCHED_NORMAL, _BATCH, _IDLE, _FIFO or _RR",
			      s->policy);
	if (s->nice < CPT_NICE_MIN || s->nice > CPT_NICE_MAX)
		return ck_bad(ck, "nice %d out of range (%d..%d)", s->nice,
			      CPT_NICE_MIN, CPT_NICE_MAX);
	if (rt ? s->rt_priority < 1 || s->rt_priority > CPT_RT_PRIO_MAX :
		 s->rt_priority != 0)
		return ck_bad(ck, "rt_priority %u with policy %u (1..%u for SCHED_FIFO and _RR, else 0)",
			      s->rt_priority, s->policy, CPT_RT_PRIO_MAX);
	if (s->flags & ~CPT_SCHED_RESET_ON_FORK)
		return ck_bad(ck, "flags %#x", s->flags);
	return 0;
}

static int ck_rseq(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_rseq *r = &v->u.cpt_rseq;

	if (ck->tasks[v->task].state == CPT_TASK_ZOMBIE)
		return ck_bad(ck, "for zombie %u: a zombie has no rseq area",
			      ck->tasks[v->task].pid);
	if (r->len != CPT_RSEQ_LEN)
		return ck_bad(ck, "len %u (an rseq area is %u bytes)", r->len,
			      CPT_RSEQ_LEN);
	if (!r->addr || r->addr % CPT_RSEQ_LEN ||
	    r->addr > CPT_USER_TOP - CPT_RSEQ_LEN)
		return ck_bad(ck, "addr %#llx is not a %u-aligned user address",
			      (unsigned long long)r->addr, CPT_RSEQ_LEN);
	return 0;
}

static int ck_xsave(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_xsave *x = &v->u.cpt_xsave;

	if (x->size > CPT_MAX_XSAVE)
		return ck_bad(ck, "size %u exceeds %u", x->size,
			      CPT_MAX_XSAVE);
	if (!(x->format == CPT_FPU_FXSAVE && x->size == CPT_FXSAVE_SIZE) &&
	    !(x->format == CPT_FPU_XSAVE && x->size >= CPT_XSAVE_MIN))
		return ck_bad(ck, "format %u with %u bytes is neither FXSAVE (%u) nor XSAVE (at least %u)",
			      x->format, x->size, CPT_FXSAVE_SIZE,
			      CPT_XSAVE_MIN);
	return 0;
}

static int ck_sigpending(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_siginfo *si = &v->u.cpt_siginfo;
	__u32 signo;

	ck_copy(&signo, si->info, sizeof(signo));	/* si_signo */
	if (si->shared > 1)
		return ck_bad(ck, "shared %u is not 0 or 1", si->shared);
	if (!ck_signo(signo) || signo == CPT_SIGKILL || signo == CPT_SIGSTOP)
		return ck_bad(ck, "signal %u cannot be queued", signo);
	return 0;
}

static int ck_signal(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_check_task *t = &ck->tasks[v->task];

	if (t->pid != t->tgid || v->u.cpt_signal.leader_pid != t->pid)
		return ck_bad(ck, "leader pid %u: not for the thread group leader %u",
			      v->u.cpt_signal.leader_pid, t->tgid);
	return 0;
}

static int ck_posix_timer(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_posix_timer *t = &v->u.cpt_posix_timer;

	if (!ck->task_parts[CPT_REC_SIGNAL])
		return ck_bad(ck, "not after its process's SIGNAL record");
	if (t->id > 0x7fffffffU || t->id < ck->next_timer_id)
		return ck_bad(ck, "id %u not above the last one (%lld)", t->id,
			      (long long)ck->next_timer_id - 1);
	ck->next_timer_id = (__u64)t->id + 1;
	if (t->clock != CPT_CLOCK_REALTIME && t->clock != CPT_CLOCK_MONOTONIC &&
	    t->clock != CPT_CLOCK_BOOTTIME && t->clock != CPT_CLOCK_TAI)
		return ck_bad(ck, "clock %u", t->clock);
	switch (t->sigev_notify) {
	case CPT_SIGEV_NONE:
		break;
	case CPT_SIGEV_SIGNAL:
	case CPT_SIGEV_THREAD:
	case CPT_SIGEV_SIGNAL | CPT_SIGEV_THREAD_ID:
		if (!ck_signo(t->sigev_signo))
			return ck_bad(ck, "signal %u", t->sigev_signo);
		break;
	default:
		return ck_bad(ck, "notification %u", t->sigev_notify);
	}
	if (t->value_ns > 0x7fffffffffffffffULL ||
	    t->interval_ns > 0x7fffffffffffffffULL)
		return ck_bad(ck, "times out of range");
	return 0;
}

static int ck_pages(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_pages *p = &v->u.cpt_pages;

	if (!p->nr_pages)
		return ck_bad(ck, "no pages");
	if (ck_ref(ck, "mm", p->mm, CPT_REC_MM))
		return -1;
	if (p->start % CPT_PAGE_SIZE || p->start >= CPT_USER_TOP ||
	    v->var_len > CPT_USER_TOP - p->start)
		return ck_bad(ck, "pages at %#llx are not page aligned or beyond user space",
			      p->start);
	return 0;
}

static int ck_end(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	const struct cpt_end *e = &v->u.cpt_end;
	__u32 crcs = ~ck->crcs;

	if (e->nr_records != ck->nr_records)
		return ck_bad(ck, "nr_records %llu, but %llu records precede it",
			      e->nr_records, ck->nr_records);
	if (e->crc_of_crcs != crcs)
		return ck_bad(ck, "crc_of_crcs %08x, computed %08x (records dropped, repeated or reordered)",
			      e->crc_of_crcs, crcs);
	ck->end_seen = 1;
	return 0;
}

static int ck_none(struct cpt_checker *ck, struct cpt_rec_view *v)
{
	(void)ck;
	(void)v;
	return 0;
}

static int (*const ck_content[CPT_REC_TYPE_MAX])(struct cpt_checker *,
						 struct cpt_rec_view *) = {
	[CPT_REC_VE]		= ck_ve,
	[CPT_REC_UTS]		= ck_uts,
	[CPT_REC_FILE]		= ck_file,
	[CPT_REC_EPOLL_WATCH]	= ck_epoll_watch,
	[CPT_REC_FILES]		= ck_files,
	[CPT_REC_FD]		= ck_fd,
	[CPT_REC_FS]		= ck_fs,
	[CPT_REC_MM]		= ck_mm,
	[CPT_REC_VMA]		= ck_vma,
	[CPT_REC_SIGHAND]	= ck_sighand,
	[CPT_REC_TASK]		= ck_task,
	[CPT_REC_CREDS]		= ck_creds,
	[CPT_REC_SCHED]		= ck_sched,
	[CPT_REC_RSEQ]		= ck_rseq,
	[CPT_REC_REGS]		= ck_none,
	[CPT_REC_XSAVE]		= ck_xsave,
	[CPT_REC_SIGPENDING]	= ck_sigpending,
	[CPT_REC_SIGNAL]	= ck_signal,
	[CPT_REC_POSIX_TIMER]	= ck_posix_timer,
	[CPT_REC_PAGES]		= ck_pages,
	[CPT_REC_END]		= ck_end,
	[CPT_REC_PIPE]		= ck_pipe,
	[CPT_REC_PIPE_BUF]	= ck_pipe_buf,
	[CPT_REC_LOCK]		= ck_lock,
	[CPT_REC_UNIX_SOCK]	= ck_unix_sock,
	[CPT_REC_UNIX_SKB]	= ck_unix_skb,
};

/* --- records ------------------------------------------------------------ */

int cpt_check_rec_header(struct cpt_checker *ck,
			 const struct cpt_rec_header *rh, __u64 offset)
{
	ck->offset = offset;
	ck->type = 0;
	if (ck->err[0])
		return -1;
	if (!ck->header_ok)
		return ck_fail(ck, "record at offset %llu before a valid header",
			       offset);
	if (!rh->type || rh->type >= CPT_REC_TYPE_MAX ||
	    !ck_types[rh->type].name)
		return ck_fail(ck, "unknown record type %u at offset %llu",
			       rh->type, offset);
	ck->type = rh->type;
	ck->rh = *rh;
	if (rh->len > CPT_REC_MAX_LEN)
		return ck_bad(ck, "length %u exceeds the limit %u", rh->len,
			      CPT_REC_MAX_LEN);
	return 0;
}

/*
 * Fixed parts that grew since the oldest image version a reader takes:
 * the size they had in it.  Every other fixed part is as large as its
 * struct.  What a record that short lacks reads as 0 ("absent").
 */
static const struct {
	__u32	type;
	__u32	size;
} ck_older_sizes[] = {
	/* 1.5 added the timer of a TIMERFD. */
	{ CPT_REC_FILE, __builtin_offsetof(struct cpt_file, timer_value) },
	{ CPT_REC_NONE, 0 }
};

static __u32 ck_min_size(__u32 type)
{
	__u32 i;

	for (i = 0; ck_older_sizes[i].type != CPT_REC_NONE; i++)
		if (ck_older_sizes[i].type == type)
			return ck_older_sizes[i].size;
	return ck_types[type].size;
}

/*
 * The fixed part and the variable part at the end of the payload.  The
 * fixed part is what comes before the variable part: from an older
 * writer, shorter than the struct (its newer fields read as 0); from a
 * newer one, longer (the fields this reader does not know are skipped).
 * The fields that give the variable part's length are in every version.
 */
static int ck_split(struct cpt_checker *ck, const struct cpt_rec_header *rh,
		    const __u8 *payload, __u64 avail, struct cpt_rec_view *v)
{
	const struct ck_type *t = &ck_types[rh->type];
	const __u32 min = ck_min_size(rh->type);
	__u32 copy = rh->len < t->size ? rh->len : t->size;

	if (rh->len < min)
		return ck_bad(ck, "%u bytes is too short (at least %u)",
			      rh->len, min);
	if (avail < copy || (t->kind != CPT_RK_CONTENTS && avail < rh->len))
		return ck_bad(ck, "payload not given to the checker");
	ck_zero(&v->u, t->size);
	ck_copy(&v->u, payload, copy);
	v->var_len = t->var(&v->u);
	if (v->var_len > rh->len - min)
		return ck_bad(ck, "variable part of %llu bytes exceeds its length %u",
			      v->var_len, rh->len);
	if (rh->len - v->var_len < copy)
		ck_zero((__u8 *)&v->u + (rh->len - v->var_len),
			copy - (rh->len - v->var_len));
	v->var = rh->len <= avail ? payload + (rh->len - v->var_len) : CK_NULL;
	return 0;
}

int cpt_check_record(struct cpt_checker *ck, const void *payload, __u64 avail,
		     __u32 crc, const __u8 *pad, struct cpt_rec_view *v)
{
	const struct cpt_rec_header *rh = &ck->rh;
	__u32 i, padlen;

	if (ck->err[0] || !ck->type)
		return ck_fail(ck, "record at offset %llu not checked in order",
			       ck->offset);
	v->h = *rh;
	if (crc != rh->crc)
		return ck_bad(ck, "CRC mismatch (stored %08x, computed %08x)",
			      rh->crc, crc);
	padlen = CPT_ALIGN(rh->len) - rh->len;
	for (i = 0; i < padlen; i++)
		if (pad[i])
			return ck_bad(ck, "nonzero padding byte at offset %llu",
				      ck->offset + sizeof(*rh) + rh->len + i);
	if (ck_order(ck, rh))
		return -1;
	v->offset = ck->offset;
	v->task = ck->count[CPT_REC_TASK] - 1;
	v->parent = ck_types[rh->type].kind == CPT_RK_MEMBER ?
		    ck->count[ck_types[rh->type].parent] - 1 : CK_NO_PARENT;
	if (ck_split(ck, rh, payload, avail, v) || ck_content[rh->type](ck, v))
		return -1;
	if (ck_types[rh->type].kind == CPT_RK_MEMBER)
		ck->members_left--;
	if (ck_types[rh->type].kind == CPT_RK_TASK)
		ck->task_parts[rh->type]++;
	if (rh->type != CPT_REC_END) {
		ck->crcs = ck_crc32c_le32(ck->crcs, rh->crc);
		ck->nr_records++;
	}
	ck->count[rh->type]++;
	return 0;
}

int cpt_check_eof(struct cpt_checker *ck, __u64 at)
{
	if (ck->end_seen)
		return 0;
	return ck_fail(ck, "missing END record: the image ends at offset %llu",
		       at);
}

int cpt_check_trailing(struct cpt_checker *ck, __u64 at)
{
	return ck_fail(ck, "trailing data after the END record at offset %llu",
		       at);
}
