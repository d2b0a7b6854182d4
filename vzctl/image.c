// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpoint image reader: every rule of Documentation/image-format.rst
 * is checked here, in stream order, so that a damaged or hostile image is
 * rejected with the byte offset of the first thing wrong.
 *
 * Nothing is ever sought: the image may be a pipe.  Memory is bounded
 * whatever the image size: one non-PAGES payload (at most
 * CPT_REC_MAX_LEN), the fixed part of a PAGES record (page contents are
 * only run through the CRC), and a few fields of each task (at most
 * CPT_MAX_TASKS).
 *
 * A record is first checked as bytes (type known, length within limits,
 * CRC, zero padding), only then is its content looked at, so a flipped
 * bit is reported as what it is.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image.h"

#define PAGES_FIXED_MAX		65536	/* buffered part of a PAGES record */
#define STREAM_CHUNK		65536

static const char *const type_names[CPT_REC_TYPE_MAX] = {
	[CPT_REC_VE]		= "VE",
	[CPT_REC_UTS]		= "UTS",
	[CPT_REC_FILE]		= "FILE",
	[CPT_REC_FILES]		= "FILES",
	[CPT_REC_FD]		= "FD",
	[CPT_REC_FS]		= "FS",
	[CPT_REC_MM]		= "MM",
	[CPT_REC_VMA]		= "VMA",
	[CPT_REC_SIGHAND]	= "SIGHAND",
	[CPT_REC_TASK]		= "TASK",
	[CPT_REC_CREDS]		= "CREDS",
	[CPT_REC_REGS]		= "REGS",
	[CPT_REC_XSAVE]		= "XSAVE",
	[CPT_REC_SIGPENDING]	= "SIGPENDING",
	[CPT_REC_SIGNAL]	= "SIGNAL",
	[CPT_REC_POSIX_TIMER]	= "POSIX_TIMER",
	[CPT_REC_PAGES]		= "PAGES",
	[CPT_REC_END]		= "END",
};

const char *cpt_rec_type_name(uint32_t type)
{
	if (type < CPT_REC_TYPE_MAX && type_names[type])
		return type_names[type];
	return "UNKNOWN";
}

/* Types other records refer to by index; all others have index 0. */
static bool is_object_type(uint32_t type)
{
	switch (type) {
	case CPT_REC_FILE:
	case CPT_REC_FILES:
	case CPT_REC_FS:
	case CPT_REC_MM:
	case CPT_REC_SIGHAND:
	case CPT_REC_TASK:
		return true;
	default:
		return false;
	}
}

/* Records that describe the last TASK. */
static bool is_task_part(uint32_t type)
{
	switch (type) {
	case CPT_REC_CREDS:
	case CPT_REC_REGS:
	case CPT_REC_XSAVE:
	case CPT_REC_SIGPENDING:
	case CPT_REC_SIGNAL:
	case CPT_REC_POSIX_TIMER:
		return true;
	default:
		return false;
	}
}

/* Most objects belong to at least one task, so the task limit bounds them. */
static uint32_t type_limit(uint32_t type)
{
	switch (type) {
	case CPT_REC_FILE:
		return CPT_MAX_FILES;
	case CPT_REC_FILES:
	case CPT_REC_FS:
	case CPT_REC_MM:
	case CPT_REC_SIGHAND:
	case CPT_REC_TASK:
		return CPT_MAX_TASKS;
	default:
		return UINT32_MAX;
	}
}

static int fail(struct img_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct img_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err[0])
		return -1;	/* keep the first, most precise, message */
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

void img_reader_init(struct img_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->crcs_state = CRC32C_INIT;
	r->last_fd = -1;
}

void img_reader_free(struct img_reader *r)
{
	free(r->buf);
	free(r->tasks);
	r->buf = NULL;
	r->tasks = NULL;
	r->buf_cap = 0;
}

/* Bytes actually read; stops early only at end of stream. */
static ssize_t read_some(struct img_reader *r, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(r->fd, (char *)buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r->io_error = true;
			fail(r, "read error at offset %llu: %s",
			     (unsigned long long)(r->off + done), strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	r->off += done;
	return (ssize_t)done;
}

static int read_full(struct img_reader *r, void *buf, size_t len,
		     const char *what, uint64_t what_off)
{
	uint64_t start = r->off;
	ssize_t n = read_some(r, buf, len);

	if (n < 0)
		return -1;
	if ((size_t)n < len)
		return fail(r, "truncated image: %s at offset %llu needs %zu bytes at offset %llu, the image ends at offset %llu",
			    what, (unsigned long long)what_off, len,
			    (unsigned long long)start,
			    (unsigned long long)r->off);
	return 0;
}

static int buf_reserve(struct img_reader *r, size_t len)
{
	unsigned char *nb;

	if (len <= r->buf_cap)
		return 0;
	nb = realloc(r->buf, len);
	if (!nb)
		return fail(r, "out of memory for a record of %zu bytes", len);
	r->buf = nb;
	r->buf_cap = len;
	return 0;
}

int img_read_header(struct img_reader *r)
{
	struct cpt_image_header *h = &r->hdr, zeroed;
	uint32_t state, extra;

	if (read_full(r, h, sizeof(*h), "image header", 0))
		return -1;
	if (memcmp(h->magic, CPT_IMAGE_MAGIC, CPT_IMAGE_MAGIC_LEN))
		return fail(r, "bad magic at offset 0: not a checkpoint image");
	if ((h->version >> 16) != CPT_IMAGE_VERSION_MAJOR)
		return fail(r, "unsupported image version %u.%u at offset 8 (this reader knows %u.x)",
			    h->version >> 16, h->version & 0xffff,
			    CPT_IMAGE_VERSION_MAJOR);
	if (h->hdr_len < sizeof(*h) || h->hdr_len > CPT_HDR_MAX_LEN ||
	    h->hdr_len % 8)
		return fail(r, "bad header length %u at offset 12 (must be a multiple of 8 from %zu to %u)",
			    h->hdr_len, sizeof(*h), CPT_HDR_MAX_LEN);
	zeroed = *h;
	zeroed.crc = 0;
	state = crc32c_update(CRC32C_INIT, &zeroed, sizeof(zeroed));
	extra = h->hdr_len - (uint32_t)sizeof(*h);
	if (extra) {
		/* Fields of a newer minor version: checked, not understood. */
		if (buf_reserve(r, extra) ||
		    read_full(r, r->buf, extra, "image header", 0))
			return -1;
		state = crc32c_update(state, r->buf, extra);
	}
	if (crc32c_final(state) != h->crc)
		return fail(r, "image header CRC mismatch (stored %08x, computed %08x)",
			    h->crc, crc32c_final(state));
	if (h->arch != CPT_ARCH_X86_64)
		return fail(r, "unsupported architecture %u in the image header (only x86_64, %u)",
			    h->arch, CPT_ARCH_X86_64);
	if (h->page_size != CPT_PAGE_SIZE)
		return fail(r, "unsupported page size %u in the image header (only %u)",
			    h->page_size, CPT_PAGE_SIZE);
	return 0;
}

/* "len - var" bytes of fixed part, at least the 1.0 struct; copy it. */
static int take_fixed(struct img_reader *r, const struct img_record *rec,
		      void *dst, size_t size, uint64_t var)
{
	uint64_t fixed;

	if (var > rec->h.len)
		return fail(r, "%s record at offset %llu: variable part of %llu bytes exceeds its length %u",
			    cpt_rec_type_name(rec->h.type),
			    (unsigned long long)rec->offset,
			    (unsigned long long)var, rec->h.len);
	fixed = rec->h.len - var;
	if (fixed < size)
		return fail(r, "%s record at offset %llu: %llu bytes is too short (at least %zu)",
			    cpt_rec_type_name(rec->h.type),
			    (unsigned long long)rec->offset,
			    (unsigned long long)fixed, size);
	memcpy(dst, r->buf, size);
	return 0;
}

static bool has_nul(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

/*
 * A path at the end of the payload: absolute, shorter than CPT_MAX_PATH
 * (a PATH_MAX path without its NUL), no NUL byte (checked by callers).
 */
static int check_path(struct img_reader *r, const struct img_record *rec,
		      const char *what, uint32_t len, bool required)
{
	if (len >= CPT_MAX_PATH || (required && len == 0))
		return fail(r, "%s record at offset %llu: %s length %u out of range (1..%u)",
			    cpt_rec_type_name(rec->h.type),
			    (unsigned long long)rec->offset, what, len,
			    CPT_MAX_PATH - 1);
	return 0;
}

/* Paths are relative to the VE's root, written as absolute ones. */
static int check_absolute(struct img_reader *r, const struct img_record *rec,
			  const char *path, uint32_t len)
{
	if (len && path[0] != '/')
		return fail(r, "%s record at offset %llu: path is not absolute",
			    cpt_rec_type_name(rec->h.type),
			    (unsigned long long)rec->offset);
	return 0;
}

static const struct img_task *find_task(const struct img_reader *r,
					uint32_t pid)
{
	for (uint32_t i = 0; i < r->count[CPT_REC_TASK]; i++)
		if (r->tasks[i].pid == pid)
			return &r->tasks[i];
	return NULL;
}

static bool pid_known(const struct img_reader *r, uint32_t pid)
{
	return find_task(r, pid) != NULL;
}

/* The last TASK is complete: nothing more can be added to it. */
static int close_task(struct img_reader *r, const struct img_record *rec)
{
	if (!r->task_open)
		return 0;
	r->task_open = false;
	if (r->task_running && r->task_regs == 0)
		return fail(r, "TASK pid %u has no REGS record (noticed at offset %llu)",
			    r->tasks[r->count[CPT_REC_TASK] - 1].pid,
			    (unsigned long long)rec->offset);
	return 0;
}

#define BAD(...) fail(r, __VA_ARGS__)
#define AT (unsigned long long)rec->offset

/* Order and reference rules that depend only on the type. */
static int check_order(struct img_reader *r, const struct img_record *rec)
{
	uint32_t type = rec->h.type, want_index;

	if (r->count[CPT_REC_VE] == 0 && type != CPT_REC_VE)
		return BAD("%s record at offset %llu: the first record must be VE",
			   cpt_rec_type_name(type), AT);
	if (r->fds_left && type != CPT_REC_FD)
		return BAD("%s record at offset %llu: %u more FD records of the last FILES expected",
			   cpt_rec_type_name(type), AT, r->fds_left);
	if (r->vmas_left && type != CPT_REC_VMA)
		return BAD("%s record at offset %llu: %u more VMA records of the last MM expected",
			   cpt_rec_type_name(type), AT, r->vmas_left);
	if (type == CPT_REC_FD && !r->fds_left)
		return BAD("FD record at offset %llu is not part of a FILES record",
			   AT);
	if (type == CPT_REC_VMA && !r->vmas_left)
		return BAD("VMA record at offset %llu is not part of an MM record",
			   AT);
	if (r->pages_seen && type != CPT_REC_PAGES && type != CPT_REC_END)
		return BAD("%s record at offset %llu after PAGES: memory contents must come last",
			   cpt_rec_type_name(type), AT);
	if (is_task_part(type) && !r->task_open)
		return BAD("%s record at offset %llu does not follow a TASK",
			   cpt_rec_type_name(type), AT);
	if (!is_task_part(type) && close_task(r, rec))
		return -1;
	if ((type == CPT_REC_VE || type == CPT_REC_UTS) && r->count[type])
		return BAD("second %s record at offset %llu",
			   cpt_rec_type_name(type), AT);
	want_index = is_object_type(type) ? r->count[type] : 0;
	if (rec->h.index != want_index)
		return BAD("%s record at offset %llu has index %u, expected %u",
			   cpt_rec_type_name(type), AT, rec->h.index, want_index);
	if (r->count[type] >= type_limit(type))
		return BAD("%s record at offset %llu: more than %u of them",
			   cpt_rec_type_name(type), AT, type_limit(type));
	return 0;
}

static int check_ref(struct img_reader *r, const struct img_record *rec,
		     const char *field, uint32_t index, uint32_t type)
{
	if (index >= r->count[type])
		return BAD("%s record at offset %llu: %s %u refers to a %s not defined before it (%u so far)",
			   cpt_rec_type_name(rec->h.type), AT, field, index,
			   cpt_rec_type_name(type), r->count[type]);
	return 0;
}

static int check_opt_ref(struct img_reader *r, const struct img_record *rec,
			 const char *field, uint32_t index, uint32_t type)
{
	return index == CPT_NO_OBJ ? 0 : check_ref(r, rec, field, index, type);
}

/*
 * At most the number the VE record announced.  nr_mms and nr_files may
 * be 0: not counted in advance (a streaming writer such as vzcpt finds
 * them as it goes); nr_tasks is always given.
 */
static int check_announced(struct img_reader *r, const struct img_record *rec,
			   uint32_t announced)
{
	if (announced == 0 && rec->h.type != CPT_REC_TASK)
		return 0;
	if (r->count[rec->h.type] >= announced)
		return BAD("%s record at offset %llu: more than the %u the VE record announced",
			   cpt_rec_type_name(rec->h.type), AT, announced);
	return 0;
}

static int check_ve(struct img_reader *r, struct img_record *rec)
{
	struct cpt_ve *v = &rec->u.ve;

	if (take_fixed(r, rec, v, sizeof(*v), 0))
		return -1;
	if (v->veid != r->hdr.veid)
		return BAD("VE record at offset %llu: veid %u differs from the header's %u",
			   AT, v->veid, r->hdr.veid);
	if (v->nr_tasks == 0 || v->nr_tasks > CPT_MAX_TASKS)
		return BAD("VE record at offset %llu: nr_tasks %u out of range (1..%u)",
			   AT, v->nr_tasks, CPT_MAX_TASKS);
	if (v->nr_mms > v->nr_tasks)
		return BAD("VE record at offset %llu: nr_mms %u exceeds nr_tasks %u",
			   AT, v->nr_mms, v->nr_tasks);
	if (v->nr_files > CPT_MAX_FILES)
		return BAD("VE record at offset %llu: nr_files %u exceeds %u",
			   AT, v->nr_files, CPT_MAX_FILES);
	r->ve = *v;
	r->tasks = malloc(sizeof(*r->tasks) * v->nr_tasks);
	if (!r->tasks)
		return BAD("out of memory");
	return 0;
}

static int check_uts(struct img_reader *r, struct img_record *rec)
{
	struct cpt_uts *u = &rec->u.uts;
	const char *fields[] = { u->sysname, u->nodename, u->release,
				 u->version, u->machine, u->domainname };

	if (take_fixed(r, rec, u, sizeof(*u), 0))
		return -1;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!has_nul(fields[i], 65))
			return BAD("UTS record at offset %llu: string %zu is not NUL-terminated",
				   AT, i);
	return 0;
}

static int check_file(struct img_reader *r, struct img_record *rec)
{
	struct cpt_file *f = &rec->u.file;
	uint32_t plen;

	if (rec->h.len < sizeof(*f))
		return take_fixed(r, rec, f, sizeof(*f), 0);
	memcpy(&plen, r->buf + offsetof(struct cpt_file, path_len),
	       sizeof(plen));
	if (check_announced(r, rec, r->ve.nr_files) ||
	    take_fixed(r, rec, f, sizeof(*f), plen))
		return -1;
	if (f->kind < CPT_FILE_REG || f->kind > CPT_FILE_DIR)
		return BAD("FILE record at offset %llu: unknown kind %u", AT,
			   f->kind);
	if (check_path(r, rec, "path", plen, f->kind != CPT_FILE_CHR))
		return -1;
	rec->str1 = (const char *)r->buf + rec->h.len - plen;
	rec->str1_len = plen;
	if (has_nul(rec->str1, plen))
		return BAD("FILE record at offset %llu: NUL byte in the path",
			   AT);
	return check_absolute(r, rec, rec->str1, plen);
}

static int check_files(struct img_reader *r, struct img_record *rec)
{
	struct cpt_files *f = &rec->u.files;

	if (take_fixed(r, rec, f, sizeof(*f), 0))
		return -1;
	if (f->max_fds > CPT_MAX_FDS || f->nr_fds > f->max_fds)
		return BAD("FILES record at offset %llu: max_fds %u / nr_fds %u out of range (max_fds <= %u, nr_fds <= max_fds)",
			   AT, f->max_fds, f->nr_fds, CPT_MAX_FDS);
	r->fds_left = f->nr_fds;
	r->fds_max = f->max_fds;
	r->last_fd = -1;
	return 0;
}

static int check_fd(struct img_reader *r, struct img_record *rec)
{
	struct cpt_fd *f = &rec->u.fd;

	if (take_fixed(r, rec, f, sizeof(*f), 0))
		return -1;
	if (f->fd >= r->fds_max || (int64_t)f->fd <= r->last_fd)
		return BAD("FD record at offset %llu: fd %u out of order or beyond max_fds %u",
			   AT, f->fd, r->fds_max);
	if (check_ref(r, rec, "file", f->file, CPT_REC_FILE))
		return -1;
	if (f->cloexec > 1)
		return BAD("FD record at offset %llu: cloexec %u is not 0 or 1",
			   AT, f->cloexec);
	r->last_fd = f->fd;
	r->fds_left--;
	return 0;
}

static int check_fs(struct img_reader *r, struct img_record *rec)
{
	struct cpt_fs *f = &rec->u.fs;
	uint32_t lens[2];
	uint64_t var;

	if (rec->h.len < sizeof(*f))
		return take_fixed(r, rec, f, sizeof(*f), 0);
	memcpy(lens, r->buf + offsetof(struct cpt_fs, root_len), sizeof(lens));
	var = (uint64_t)lens[0] + lens[1];
	if (take_fixed(r, rec, f, sizeof(*f), var) ||
	    check_path(r, rec, "root", f->root_len, true) ||
	    check_path(r, rec, "cwd", f->cwd_len, true))
		return -1;
	if (f->umask > 0777)
		return BAD("FS record at offset %llu: umask %o out of range",
			   AT, f->umask);
	rec->str1 = (const char *)r->buf + rec->h.len - var;
	rec->str1_len = f->root_len;
	rec->str2 = rec->str1 + f->root_len;
	rec->str2_len = f->cwd_len;
	if (has_nul(rec->str1, (size_t)var))
		return BAD("FS record at offset %llu: NUL byte in a path", AT);
	return check_absolute(r, rec, rec->str1, rec->str1_len) ||
	       check_absolute(r, rec, rec->str2, rec->str2_len) ? -1 : 0;
}

static int check_mm(struct img_reader *r, struct img_record *rec)
{
	struct cpt_mm *m = &rec->u.mm;

	if (check_announced(r, rec, r->ve.nr_mms) ||
	    take_fixed(r, rec, m, sizeof(*m), 0))
		return -1;
	if (m->nr_vmas > CPT_MAX_VMAS)
		return BAD("MM record at offset %llu: nr_vmas %u exceeds %u",
			   AT, m->nr_vmas, CPT_MAX_VMAS);
	r->vmas_left = m->nr_vmas;
	r->last_vma_end = 0;
	return 0;
}

static int check_vma(struct img_reader *r, struct img_record *rec)
{
	struct cpt_vma *v = &rec->u.vma;
	bool file_backed;
	uint32_t plen;

	if (rec->h.len < sizeof(*v))
		return take_fixed(r, rec, v, sizeof(*v), 0);
	memcpy(&plen, r->buf + offsetof(struct cpt_vma, path_len),
	       sizeof(plen));
	if (take_fixed(r, rec, v, sizeof(*v), plen))
		return -1;
	if (v->start >= v->end || v->start % CPT_PAGE_SIZE ||
	    v->end % CPT_PAGE_SIZE || v->end > CPT_USER_TOP ||
	    v->start < r->last_vma_end)
		return BAD("VMA record at offset %llu: range %#llx-%#llx is not page aligned, empty, beyond user space, or overlaps/precedes the previous one",
			   AT, (unsigned long long)v->start,
			   (unsigned long long)v->end);
	if (v->kind < CPT_VMA_ANON_PRIVATE || v->kind > CPT_VMA_VVAR)
		return BAD("VMA record at offset %llu: unknown kind %u", AT,
			   v->kind);
	if (v->prot > 7)
		return BAD("VMA record at offset %llu: bad prot %#x", AT,
			   v->prot);
	file_backed = v->kind == CPT_VMA_FILE_PRIVATE ||
		      v->kind == CPT_VMA_FILE_SHARED;
	if (!file_backed && plen)
		return BAD("VMA record at offset %llu: a path on a mapping that has no file",
			   AT);
	if (check_path(r, rec, "path", plen, file_backed))
		return -1;
	rec->str1 = (const char *)r->buf + rec->h.len - plen;
	rec->str1_len = plen;
	if (has_nul(rec->str1, plen))
		return BAD("VMA record at offset %llu: NUL byte in the path", AT);
	if (check_absolute(r, rec, rec->str1, plen))
		return -1;
	if (v->pgoff > (UINT64_MAX >> 12))
		return BAD("VMA record at offset %llu: file offset out of range",
			   AT);
	if (v->kind == CPT_VMA_ANON_SHARED && v->shared_id >= CPT_MAX_VMAS)
		return BAD("VMA record at offset %llu: shared memory id %u out of range",
			   AT, v->shared_id);
	r->last_vma_end = v->end;
	r->vmas_left--;
	return 0;
}

static int check_task(struct img_reader *r, struct img_record *rec)
{
	struct cpt_task *t = &rec->u.task;
	const struct img_task *parent, *leader;
	uint32_t n = r->count[CPT_REC_TASK];

	if (check_announced(r, rec, r->ve.nr_tasks) ||
	    take_fixed(r, rec, t, sizeof(*t), 0))
		return -1;
	if (t->pid == 0 || t->tgid == 0 || pid_known(r, t->pid) ||
	    t->pid > CPT_PID_MAX || t->tgid > CPT_PID_MAX ||
	    t->pgid > CPT_PID_MAX || t->sid > CPT_PID_MAX)
		return BAD("TASK record at offset %llu: pid %u is 0, repeated or out of range",
			   AT, t->pid);
	if (n == 0 && (t->pid != 1 || t->tgid != 1 || t->ppid != 0))
		return BAD("TASK record at offset %llu: the first task must be the VE's init (pid 1, ppid 0), not pid %u ppid %u",
			   AT, t->pid, t->ppid);
	/* A parent is a live process; only init's threads share its
	 * parent outside the VE. */
	parent = find_task(r, t->ppid);
	if (n > 0 && !(t->ppid == 0 && t->tgid == 1) &&
	    (!parent || parent->tgid != parent->pid ||
	     parent->state != CPT_TASK_RUNNING))
		return BAD("TASK record at offset %llu: pid %u has parent %u, which is not an earlier live process",
			   AT, t->pid, t->ppid);
	leader = find_task(r, t->tgid);
	if (t->tgid != t->pid &&
	    (!leader || leader->tgid != leader->pid))
		return BAD("TASK record at offset %llu: pid %u is in thread group %u, whose leader is not an earlier task",
			   AT, t->pid, t->tgid);
	if (t->tgid != t->pid &&
	    (leader->mm != t->mm || leader->sighand != t->sighand))
		return BAD("TASK record at offset %llu: thread %u does not share its leader's mm and sighand",
			   AT, t->pid);
	if (t->state != CPT_TASK_RUNNING && t->state != CPT_TASK_ZOMBIE)
		return BAD("TASK record at offset %llu: unknown state %u", AT,
			   t->state);
	/* A thread's exit_signal is -1. */
	if ((t->exit_signal > 64 && t->exit_signal != (uint32_t)-1) ||
	    t->pdeath_signal > 64)
		return BAD("TASK record at offset %llu: bad signal number", AT);
	if (!has_nul(t->comm, sizeof(t->comm)))
		return BAD("TASK record at offset %llu: comm is not NUL-terminated",
			   AT);
	if (t->restart_fn > CPT_RESTART_POLL)
		return BAD("TASK record at offset %llu: unknown restart_fn %u",
			   AT, t->restart_fn);
	if (t->state == CPT_TASK_RUNNING &&
	    (t->mm == CPT_NO_OBJ || t->files == CPT_NO_OBJ ||
	     t->fs == CPT_NO_OBJ || t->sighand == CPT_NO_OBJ))
		return BAD("TASK record at offset %llu: live task %u without mm, files, fs or sighand",
			   AT, t->pid);
	/* CPT_NO_OBJ: given up (a zombie's mm, files, ...). */
	if (check_opt_ref(r, rec, "mm", t->mm, CPT_REC_MM) ||
	    check_opt_ref(r, rec, "files", t->files, CPT_REC_FILES) ||
	    check_opt_ref(r, rec, "fs", t->fs, CPT_REC_FS) ||
	    check_opt_ref(r, rec, "sighand", t->sighand, CPT_REC_SIGHAND))
		return -1;
	r->tasks[n] = (struct img_task){ .pid = t->pid, .tgid = t->tgid,
		.state = t->state, .mm = t->mm, .sighand = t->sighand };
	r->task_open = true;
	r->task_running = t->state == CPT_TASK_RUNNING;
	r->task_regs = r->task_creds = r->task_xsave = 0;
	r->task_signal = false;
	r->last_timer_id = -1;
	return 0;
}

static int once_per_task(struct img_reader *r, const struct img_record *rec,
			 uint32_t *counter)
{
	if ((*counter)++)
		return BAD("second %s record for one TASK at offset %llu",
			   cpt_rec_type_name(rec->h.type), AT);
	return 0;
}

static int check_creds(struct img_reader *r, struct img_record *rec)
{
	struct cpt_creds *c = &rec->u.creds;
	uint32_t ng;

	if (rec->h.len < sizeof(*c))
		return take_fixed(r, rec, c, sizeof(*c), 0);
	memcpy(&ng, r->buf + offsetof(struct cpt_creds, ngroups), sizeof(ng));
	if (ng > CPT_NGROUPS_MAX)
		return BAD("CREDS record at offset %llu: ngroups %u exceeds %u",
			   AT, ng, CPT_NGROUPS_MAX);
	if (take_fixed(r, rec, c, sizeof(*c), (uint64_t)ng * 4))
		return -1;
	return once_per_task(r, rec, &r->task_creds);
}

/* The same rules as vzrst's rst_timer_checks(). */
static int check_posix_timer(struct img_reader *r, struct img_record *rec)
{
	const struct cpt_posix_timer *t = &rec->u.timer;

	if (take_fixed(r, rec, &rec->u.timer, sizeof(rec->u.timer), 0))
		return -1;
	if (!r->task_signal)
		return BAD("POSIX_TIMER record at offset %llu: not after its process's SIGNAL record",
			   AT);
	if (t->id > INT32_MAX || (int64_t)t->id <= r->last_timer_id)
		return BAD("POSIX_TIMER record at offset %llu: id %u not above the last one (%lld)",
			   AT, t->id, (long long)r->last_timer_id);
	r->last_timer_id = t->id;
	if (t->clock != CLOCK_REALTIME && t->clock != CLOCK_MONOTONIC &&
	    t->clock != CLOCK_BOOTTIME && t->clock != CLOCK_TAI)
		return BAD("POSIX_TIMER record at offset %llu: clock %u", AT, t->clock);
	switch (t->sigev_notify) {
	case SIGEV_NONE:
		break;
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		if (t->sigev_signo < 1 || t->sigev_signo > 64)
			return BAD("POSIX_TIMER record at offset %llu: signal %u",
				   AT, t->sigev_signo);
		break;
	default:
		return BAD("POSIX_TIMER record at offset %llu: notification %u",
			   AT, t->sigev_notify);
	}
	if (t->value_ns > INT64_MAX || t->interval_ns > INT64_MAX)
		return BAD("POSIX_TIMER record at offset %llu: times out of range", AT);
	return 0;
}

static int check_xsave(struct img_reader *r, struct img_record *rec)
{
	struct cpt_xsave *x = &rec->u.xsave;
	uint32_t size;

	if (rec->h.len < sizeof(*x))
		return take_fixed(r, rec, x, sizeof(*x), 0);
	memcpy(&size, r->buf + offsetof(struct cpt_xsave, size), sizeof(size));
	if (size > CPT_MAX_XSAVE)
		return BAD("XSAVE record at offset %llu: size %u exceeds %u",
			   AT, size, CPT_MAX_XSAVE);
	if (take_fixed(r, rec, x, sizeof(*x), size))
		return -1;
	if (!(x->format == CPT_FPU_FXSAVE && size == CPT_FXSAVE_SIZE) &&
	    !(x->format == CPT_FPU_XSAVE && size >= CPT_XSAVE_MIN))
		return BAD("XSAVE record at offset %llu: format %u with %u bytes is neither FXSAVE (%u) nor XSAVE (at least %u)",
			   AT, x->format, size, CPT_FXSAVE_SIZE,
			   CPT_XSAVE_MIN);
	return once_per_task(r, rec, &r->task_xsave);
}

static int check_pages(struct img_reader *r, struct img_record *rec,
		       uint32_t nr_pages)
{
	struct cpt_pages *p = &rec->u.pages;
	uint64_t bytes = (uint64_t)nr_pages * CPT_PAGE_SIZE;

	if (take_fixed(r, rec, p, sizeof(*p), bytes))
		return -1;
	if (p->nr_pages == 0)
		return BAD("PAGES record at offset %llu has no pages", AT);
	if (check_ref(r, rec, "mm", p->mm, CPT_REC_MM))
		return -1;
	if (p->start % CPT_PAGE_SIZE || p->start >= CPT_USER_TOP ||
	    bytes > CPT_USER_TOP - p->start)
		return BAD("PAGES record at offset %llu: pages at %#llx are not page aligned or beyond user space",
			   AT, (unsigned long long)p->start);
	r->pages_seen = true;
	return 0;
}

static int check_end(struct img_reader *r, struct img_record *rec)
{
	struct cpt_end *e = &rec->u.end;
	uint32_t crcs = crc32c_final(r->crcs_state);

	if (take_fixed(r, rec, e, sizeof(*e), 0))
		return -1;
	if (e->nr_records != r->nr_records)
		return BAD("END record at offset %llu: nr_records %llu, but %llu records precede it",
			   AT, (unsigned long long)e->nr_records,
			   (unsigned long long)r->nr_records);
	if (e->crc_of_crcs != crcs)
		return BAD("END record at offset %llu: crc_of_crcs %08x, computed %08x (records dropped, repeated or reordered)",
			   AT, e->crc_of_crcs, crcs);
	if (r->count[CPT_REC_TASK] != r->ve.nr_tasks ||
	    (r->ve.nr_mms && r->count[CPT_REC_MM] != r->ve.nr_mms) ||
	    (r->ve.nr_files && r->count[CPT_REC_FILE] != r->ve.nr_files))
		return BAD("END record at offset %llu: the image has %u tasks, %u MMs, %u files; the VE record announced %u, %u, %u",
			   AT, r->count[CPT_REC_TASK], r->count[CPT_REC_MM],
			   r->count[CPT_REC_FILE], r->ve.nr_tasks,
			   r->ve.nr_mms, r->ve.nr_files);
	r->end_seen = true;
	return 0;
}

static int check_content(struct img_reader *r, struct img_record *rec,
			 uint32_t nr_pages)
{
	switch (rec->h.type) {
	case CPT_REC_VE:
		return check_ve(r, rec);
	case CPT_REC_UTS:
		return check_uts(r, rec);
	case CPT_REC_FILE:
		return check_file(r, rec);
	case CPT_REC_FILES:
		return check_files(r, rec);
	case CPT_REC_FD:
		return check_fd(r, rec);
	case CPT_REC_FS:
		return check_fs(r, rec);
	case CPT_REC_MM:
		return check_mm(r, rec);
	case CPT_REC_VMA:
		return check_vma(r, rec);
	case CPT_REC_SIGHAND:
		return take_fixed(r, rec, &rec->u.sighand,
				  sizeof(rec->u.sighand), 0);
	case CPT_REC_TASK:
		return check_task(r, rec);
	case CPT_REC_CREDS:
		return check_creds(r, rec);
	case CPT_REC_REGS:
		if (take_fixed(r, rec, &rec->u.regs, sizeof(rec->u.regs), 0))
			return -1;
		return once_per_task(r, rec, &r->task_regs);
	case CPT_REC_XSAVE:
		return check_xsave(r, rec);
	case CPT_REC_SIGPENDING:
		if (take_fixed(r, rec, &rec->u.siginfo,
			       sizeof(rec->u.siginfo), 0))
			return -1;
		if (rec->u.siginfo.shared > 1)
			return BAD("SIGPENDING record at offset %llu: shared %u is not 0 or 1",
				   AT, rec->u.siginfo.shared);
		return 0;
	case CPT_REC_SIGNAL:
		if (take_fixed(r, rec, &rec->u.signal, sizeof(rec->u.signal), 0))
			return -1;
		if (!pid_known(r, rec->u.signal.leader_pid))
			return BAD("SIGNAL record at offset %llu: leader pid %u is not an earlier task",
				   AT, rec->u.signal.leader_pid);
		r->task_signal = true;
		return 0;
	case CPT_REC_POSIX_TIMER:
		return check_posix_timer(r, rec);
	case CPT_REC_PAGES:
		return check_pages(r, rec, nr_pages);
	case CPT_REC_END:
		return check_end(r, rec);
	}
	return BAD("unknown record type %u at offset %llu", rec->h.type, AT);
}

/*
 * Read the payload into r->buf and run it through the CRC.  PAGES keep
 * only their fixed part; the page contents are streamed.
 */
static int read_payload(struct img_reader *r, struct img_record *rec,
			uint32_t *state, uint32_t *nr_pages)
{
	uint32_t len = rec->h.len, keep = len;

	*nr_pages = 0;
	if (rec->h.type == CPT_REC_PAGES && len > PAGES_FIXED_MAX)
		keep = PAGES_FIXED_MAX;
	if (buf_reserve(r, keep ? keep : 1) ||
	    read_full(r, r->buf, keep, cpt_rec_type_name(rec->h.type),
		      rec->offset))
		return -1;
	*state = crc32c_update(*state, r->buf, keep);
	if (rec->h.type == CPT_REC_PAGES && len >= sizeof(struct cpt_pages))
		memcpy(nr_pages, r->buf + offsetof(struct cpt_pages, nr_pages),
		       sizeof(*nr_pages));
	for (uint32_t left = len - keep; left;) {
		unsigned char chunk[STREAM_CHUNK];
		uint32_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		if (read_full(r, chunk, n, cpt_rec_type_name(rec->h.type),
			      rec->offset))
			return -1;
		*state = crc32c_update(*state, chunk, n);
		left -= n;
	}
	/* A PAGES record whose pages start inside the kept part. */
	if (rec->h.type == CPT_REC_PAGES && keep == PAGES_FIXED_MAX &&
	    (uint64_t)*nr_pages * CPT_PAGE_SIZE < (uint64_t)len - keep)
		return fail(r, "PAGES record at offset %llu: fixed part larger than %u bytes",
			    AT, PAGES_FIXED_MAX);
	return 0;
}

int img_next(struct img_reader *r, struct img_record *rec)
{
	struct cpt_rec_header zeroed;
	unsigned char pad[8];
	uint32_t state, crc, nr_pages, padlen;
	ssize_t n;

	memset(rec, 0, sizeof(*rec));
	rec->offset = r->off;
	if (r->end_seen) {
		n = read_some(r, pad, 1);
		if (n < 0)
			return -1;
		if (n)
			return fail(r, "trailing data after the END record at offset %llu",
				    (unsigned long long)rec->offset);
		return 0;
	}
	n = read_some(r, &rec->h, sizeof(rec->h));
	if (n < 0)
		return -1;
	if (n == 0)
		return fail(r, "missing END record: the image ends at offset %llu",
			    AT);
	if ((size_t)n < sizeof(rec->h))
		return fail(r, "truncated image: record header at offset %llu needs %zu bytes, the image ends at offset %llu",
			    AT, sizeof(rec->h), (unsigned long long)r->off);
	if (rec->h.type == 0 || rec->h.type >= CPT_REC_TYPE_MAX)
		return fail(r, "unknown record type %u at offset %llu",
			    rec->h.type, AT);
	if (rec->h.len > CPT_REC_MAX_LEN)
		return fail(r, "%s record at offset %llu: length %u exceeds the limit %u",
			    cpt_rec_type_name(rec->h.type), AT, rec->h.len,
			    CPT_REC_MAX_LEN);
	zeroed = rec->h;
	zeroed.crc = 0;
	state = crc32c_update(CRC32C_INIT, &zeroed, sizeof(zeroed));
	if (read_payload(r, rec, &state, &nr_pages))
		return -1;
	crc = crc32c_final(state);
	if (crc != rec->h.crc)
		return fail(r, "%s record at offset %llu: CRC mismatch (stored %08x, computed %08x)",
			    cpt_rec_type_name(rec->h.type), AT, rec->h.crc,
			    crc);
	padlen = CPT_ALIGN(rec->h.len) - rec->h.len;
	if (padlen) {
		if (read_full(r, pad, padlen, "padding", rec->offset))
			return -1;
		for (uint32_t i = 0; i < padlen; i++)
			if (pad[i])
				return fail(r, "%s record at offset %llu: nonzero padding byte at offset %llu",
					    cpt_rec_type_name(rec->h.type), AT,
					    (unsigned long long)(r->off - padlen + i));
	}
	if (check_order(r, rec) || check_content(r, rec, nr_pages))
		return -1;
	if (rec->h.type != CPT_REC_END) {
		uint32_t le = rec->h.crc;	/* the host is little-endian */

		r->crcs_state = crc32c_update(r->crcs_state, &le, sizeof(le));
		r->nr_records++;
	}
	r->count[rec->h.type]++;
	return 1;
}
