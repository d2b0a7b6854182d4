// SPDX-License-Identifier: GPL-2.0
/*
 * Reading an image: everything in it is untrusted.
 *
 * Every record is checked (type, length, CRC, zero padding) before it is
 * looked at, every length, count and index is checked against the limits
 * of include/uapi/linux/cpt_image.h and against what came before, and all
 * records except memory contents are read and checked before any task is
 * created.  A bad image is refused with an error naming the byte offset.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/vmalloc.h>
#include <linux/signal.h>
#include <linux/mm.h>
#include <linux/capability.h>
#include <linux/mman.h>
#include <linux/file.h>
#include <linux/log2.h>
#include <linux/ktime.h>
#include <linux/time.h>

#include "restore.h"

/*
 * Everything before the memory contents is kept in kernel memory while
 * the tasks are built; an image claiming more than this is refused.
 */
#define RST_MAX_METADATA	(256LL << 20)

static int rst_read(struct rst_image *img, void *buf, size_t len)
{
	loff_t start = img->pos;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = kernel_read(img->file, buf + done, len - done, &img->pos);
		if (n < 0)
			return n;
		if (n == 0) {
			cpt_err(img->ctx, "image truncated at byte %lld", start + done);
			return -EINVAL;
		}
		done += n;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

static int rst_bad(struct rst_image *img, loff_t at, const char *what)
{
	cpt_err(img->ctx, "bad image at byte %lld: %s", at, what);
	return -EINVAL;
}

static int rst_read_header(struct rst_image *img)
{
	struct cpt_image_header *h = &img->hdr;
	u32 crc, want;

	if (rst_read(img, h, sizeof(*h)))
		return -EINVAL;
	if (memcmp(h->magic, CPT_IMAGE_MAGIC, CPT_IMAGE_MAGIC_LEN))
		return rst_bad(img, 0, "not a checkpoint image (bad magic)");
	if ((h->version >> 16) != CPT_IMAGE_VERSION_MAJOR) {
		cpt_err(img->ctx, "image version %u.%u, this kernel reads %u.x",
			h->version >> 16, h->version & 0xffff,
			CPT_IMAGE_VERSION_MAJOR);
		return -EINVAL;
	}
	/* v1 readers know only the v1 header; a longer one is v1.x. */
	if (h->hdr_len != sizeof(*h))
		return rst_bad(img, 12, "header length");
	want = h->crc;
	h->crc = 0;
	crc = ~cpt_crc32c(~0U, h, sizeof(*h));
	h->crc = want;
	if (crc != want)
		return rst_bad(img, 0, "header checksum mismatch");
	if (h->arch != CPT_ARCH_X86_64) {
		cpt_err(img->ctx, "image is for architecture %u, this is x86_64",
			h->arch);
		return -EINVAL;
	}
	if (h->page_size != PAGE_SIZE)
		return rst_bad(img, 20, "page size");
	return 0;
}

/*
 * Reads one record.  *payload is a kvmalloc'ed copy (freed by caller),
 * or NULL for an empty payload.
 */
static int rst_read_record(struct rst_image *img, struct cpt_rec_header *rh,
			   void **payload)
{
	loff_t at = img->pos;
	u8 pad[8];
	u32 crc, want, padlen, i;
	int err;

	*payload = NULL;
	err = rst_read(img, rh, sizeof(*rh));
	if (err)
		return err;
	if (rh->type == 0 || rh->type >= CPT_REC_TYPE_MAX)
		return rst_bad(img, at, "unknown record type");
	if (rh->len > CPT_REC_MAX_LEN)
		return rst_bad(img, at, "record too long");
	if (rh->len) {
		*payload = kvmalloc(rh->len, GFP_KERNEL);
		if (!*payload)
			return -ENOMEM;
		err = rst_read(img, *payload, rh->len);
		if (err)
			goto fail;
	}
	padlen = CPT_ALIGN(rh->len) - rh->len;
	err = rst_read(img, pad, padlen);
	if (err)
		goto fail;
	for (i = 0; i < padlen; i++)
		if (pad[i]) {
			err = rst_bad(img, at, "nonzero padding");
			goto fail;
		}
	want = rh->crc;
	rh->crc = 0;
	crc = cpt_crc32c(~0U, rh, sizeof(*rh));
	if (rh->len)
		crc = cpt_crc32c(crc, *payload, rh->len);
	crc = ~crc;
	rh->crc = want;
	if (crc != want) {
		err = rst_bad(img, at, "record checksum mismatch");
		goto fail;
	}
	img->crc_before_end = img->crc_of_crcs;
	img->crc_of_crcs = cpt_crc32c(img->crc_of_crcs, &rh->crc,
				      sizeof(rh->crc));
	img->nr_records++;
	return 0;
fail:
	kvfree(*payload);
	*payload = NULL;
	return err;
}

/*
 * Copies the fixed part of a payload: at least @min bytes must be there
 * (the v1 size); a longer fixed part from a newer writer is cut to what
 * we know.  @var is the length of the variable data at the payload's end.
 */
static int rst_fixed(struct rst_image *img, loff_t at,
		     const struct cpt_rec_header *rh, const void *payload,
		     void *dst, size_t size, u64 var)
{
	if (var > rh->len || rh->len - var < size)
		return rst_bad(img, at, "record shorter than its contents");
	memcpy(dst, payload, size);
	return 0;
}

/* A NUL-terminated copy of @len bytes at the end of a payload. */
static char *rst_string(struct rst_image *img, loff_t at,
			const struct cpt_rec_header *rh, const void *payload,
			u32 len)
{
	char *s;

	if (!len || len >= CPT_MAX_PATH || len > rh->len) {
		rst_bad(img, at, "bad path length");
		return NULL;
	}
	s = kmalloc(len + 1, GFP_KERNEL);
	if (!s)
		return NULL;
	memcpy(s, payload + rh->len - len, len);
	s[len] = '\0';
	if (strlen(s) != len || s[0] != '/') {
		kfree(s);
		rst_bad(img, at, "path must be absolute, without NUL bytes");
		return NULL;
	}
	return s;
}

/*
 * Makes room for element @nr of an array of @size-byte elements, which
 * grows to 16, 32, 64, ... elements as records come in.
 */
static int rst_grow(void **arr, u32 nr, size_t size, u32 limit)
{
	u32 cap = nr <= 16 ? 16 : roundup_pow_of_two(nr);
	void *p;

	if (nr >= limit)
		return -E2BIG;
	if (*arr && nr < cap)
		return 0;
	cap = *arr ? cap * 2 : 16;
	p = kvrealloc(*arr, nr * size, (size_t)cap * size,
		      GFP_KERNEL | __GFP_ZERO);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

static bool rst_ref_ok(u32 ref, u32 nr)
{
	return ref == CPT_NO_OBJ || ref < nr;
}

static int rst_task_checks(struct rst_image *img, loff_t at,
			   struct rst_task *rt)
{
	struct cpt_task *t = &rt->t;
	u32 i;

	t->comm[sizeof(t->comm) - 1] = '\0';
	if (!t->pid || t->pid > PID_MAX_LIMIT || !t->tgid ||
	    t->tgid > PID_MAX_LIMIT || t->pgid > PID_MAX_LIMIT ||
	    t->sid > PID_MAX_LIMIT)
		return rst_bad(img, at, "pid out of range");
	if (img->nr_tasks == 0) {
		if (t->pid != 1 || t->tgid != 1 || t->ppid)
			return rst_bad(img, at, "first task must be the VE's init");
	} else if (!t->ppid && t->tgid != 1) {
		/* Only the init (and its threads) has no parent in the VE. */
		return rst_bad(img, at, "task without a parent");
	}
	if (t->state != CPT_TASK_RUNNING && t->state != CPT_TASK_ZOMBIE)
		return rst_bad(img, at, "task state");
	/* Threads have exit_signal -1 (none). */
	if ((t->pid == t->tgid && !valid_signal(t->exit_signal)) ||
	    (t->pid != t->tgid && t->exit_signal != (u32)-1) ||
	    !valid_signal(t->pdeath_signal))
		return rst_bad(img, at, "signal number");
	if (!rst_ref_ok(t->mm, img->nr_mms) ||
	    !rst_ref_ok(t->files, img->nr_fdtables) ||
	    !rst_ref_ok(t->fs, img->nr_fss) ||
	    !rst_ref_ok(t->sighand, img->nr_sighands))
		return rst_bad(img, at, "reference to an object not yet defined");
	if (t->state == CPT_TASK_RUNNING &&
	    (t->mm == CPT_NO_OBJ || t->files == CPT_NO_OBJ ||
	     t->fs == CPT_NO_OBJ || t->sighand == CPT_NO_OBJ))
		return rst_bad(img, at, "live task without mm, files, fs or signal handlers");
	if (t->restart_fn > CPT_RESTART_POLL)
		return rst_bad(img, at, "restart kind");
	for (i = 0; i < img->nr_tasks; i++) {
		struct cpt_task *o = &img->tasks[i].t;

		if (o->pid == t->pid)
			return rst_bad(img, at, "two tasks with the same pid");
	}
	/* Parent and thread group leader must come first (and be alive). */
	if (t->ppid && t->pid == t->tgid) {
		for (i = 0; i < img->nr_tasks; i++)
			if (img->tasks[i].t.pid == t->ppid &&
			    img->tasks[i].t.tgid == t->ppid &&
			    img->tasks[i].t.state == CPT_TASK_RUNNING)
				break;
		if (i == img->nr_tasks)
			return rst_bad(img, at, "parent not restored before child");
	}
	if (t->tgid != t->pid) {
		for (i = 0; i < img->nr_tasks; i++)
			if (img->tasks[i].t.pid == t->tgid &&
			    img->tasks[i].t.tgid == t->tgid)
				break;
		if (i == img->nr_tasks)
			return rst_bad(img, at, "thread before its group leader");
		if (img->tasks[i].t.mm != t->mm ||
		    img->tasks[i].t.sighand != t->sighand)
			return rst_bad(img, at, "thread not sharing its leader's memory");
	}
	return 0;
}

static int rst_vma_checks(struct rst_image *img, loff_t at, struct rst_mm *mm,
			  struct cpt_vma *v)
{
	if (v->start >= v->end || !PAGE_ALIGNED(v->start) ||
	    !PAGE_ALIGNED(v->end) || v->end > TASK_SIZE_MAX)
		return rst_bad(img, at, "memory map address range");
	if (mm->nr_vmas && v->start < mm->vmas[mm->nr_vmas - 1].v.end)
		return rst_bad(img, at, "memory maps overlap or are not sorted");
	if (v->kind < CPT_VMA_ANON_PRIVATE || v->kind > CPT_VMA_VVAR)
		return rst_bad(img, at, "memory map kind");
	if (v->prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return rst_bad(img, at, "memory protection");
	if (v->pgoff > (ULONG_MAX >> PAGE_SHIFT))
		return rst_bad(img, at, "file offset");
	if (v->kind == CPT_VMA_ANON_SHARED && v->shared_id >= CPT_MAX_VMAS)
		return rst_bad(img, at, "shared memory id");
	return 0;
}

static int rst_timer_checks(struct rst_image *img, loff_t at,
			    struct rst_task *rt, const struct cpt_posix_timer *pt)
{
	if (!rt->has_signal)
		return rst_bad(img, at, "POSIX timer not after its process's signal record");
	if (pt->id > INT_MAX ||
	    (rt->nr_timers && pt->id <= rt->timers[rt->nr_timers - 1].id))
		return rst_bad(img, at, "POSIX timer ids not increasing");
	switch (pt->clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		break;
	default:
		return rst_bad(img, at, "POSIX timer clock");
	}
	switch (pt->sigev_notify) {
	case SIGEV_NONE:
		break;
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		if (!valid_signal(pt->sigev_signo) || !pt->sigev_signo)
			return rst_bad(img, at, "POSIX timer signal");
		break;
	default:
		return rst_bad(img, at, "POSIX timer notification");
	}
	if (pt->value_ns > KTIME_MAX || pt->interval_ns > KTIME_MAX)
		return rst_bad(img, at, "POSIX timer times");
	return 0;
}

/* Records that belong to the last TASK. */
static struct rst_task *rst_last_task(struct rst_image *img, loff_t at)
{
	if (!img->nr_tasks) {
		rst_bad(img, at, "task data before any task");
		return NULL;
	}
	return &img->tasks[img->nr_tasks - 1];
}

static int rst_parse(struct rst_image *img, loff_t at,
		     struct cpt_rec_header *rh, void *pl)
{
	struct rst_task *rt;
	int err;

	switch (rh->type) {
	case CPT_REC_VE:
		if (img->has_ve || img->nr_records != 1)
			return rst_bad(img, at, "VE record must come first, once");
		err = rst_fixed(img, at, rh, pl, &img->ve, sizeof(img->ve), 0);
		if (err)
			return err;
		if (img->ve.nr_tasks > CPT_MAX_TASKS)
			return rst_bad(img, at, "too many tasks");
		img->has_ve = true;
		return 0;
	case CPT_REC_UTS:
		if (img->has_uts)
			return rst_bad(img, at, "second UTS record");
		err = rst_fixed(img, at, rh, pl, &img->uts, sizeof(img->uts), 0);
		img->uts.nodename[64] = '\0';
		img->uts.domainname[64] = '\0';
		img->has_uts = true;
		return err;
	case CPT_REC_FILE: {
		struct rst_file *f;

		if (rh->index != img->nr_files)
			return rst_bad(img, at, "file index out of sequence");
		err = rst_grow((void **)&img->files, img->nr_files,
			       sizeof(*img->files), CPT_MAX_FILES);
		if (err)
			return err == -E2BIG ? rst_bad(img, at, "too many files") : err;
		f = &img->files[img->nr_files];
		err = rst_fixed(img, at, rh, pl, &f->f, sizeof(f->f), 0);
		if (err)
			return err;
		err = rst_fixed(img, at, rh, pl, &f->f, sizeof(f->f), f->f.path_len);
		if (err)
			return err;
		if (f->f.kind < CPT_FILE_REG || f->f.kind > CPT_FILE_DIR)
			return rst_bad(img, at, "file kind");
		f->path = rst_string(img, at, rh, pl, f->f.path_len);
		if (!f->path)
			return -EINVAL;
		img->nr_files++;
		return 0;
	}
	case CPT_REC_FILES: {
		struct rst_fdtable *ft;

		if (rh->index != img->nr_fdtables)
			return rst_bad(img, at, "fd table index out of sequence");
		if (img->nr_fdtables &&
		    img->fdtables[img->nr_fdtables - 1].nr !=
		    img->fdtables[img->nr_fdtables - 1].hdr.nr_fds)
			return rst_bad(img, at, "fd table incomplete");
		err = rst_grow((void **)&img->fdtables, img->nr_fdtables,
			       sizeof(*img->fdtables), CPT_MAX_TASKS);
		if (err)
			return err;
		ft = &img->fdtables[img->nr_fdtables];
		err = rst_fixed(img, at, rh, pl, &ft->hdr, sizeof(ft->hdr), 0);
		if (err)
			return err;
		if (ft->hdr.nr_fds > CPT_MAX_FDS)
			return rst_bad(img, at, "too many fds");
		/* fds grow as FD records come: memory follows the image size. */
		img->nr_fdtables++;
		return 0;
	}
	case CPT_REC_FD: {
		struct rst_fdtable *ft;
		struct cpt_fd fd;
		u32 i;

		if (!img->nr_fdtables)
			return rst_bad(img, at, "fd before fd table");
		ft = &img->fdtables[img->nr_fdtables - 1];
		if (ft->nr >= ft->hdr.nr_fds)
			return rst_bad(img, at, "more fds than announced");
		err = rst_fixed(img, at, rh, pl, &fd, sizeof(fd), 0);
		if (err)
			return err;
		if (fd.fd >= CPT_MAX_FDS ||
		    fd.file >= img->nr_files || fd.cloexec > 1)
			return rst_bad(img, at, "fd number or file reference");
		for (i = 0; i < ft->nr; i++)
			if (ft->fds[i].fd == fd.fd)
				return rst_bad(img, at, "same fd twice");
		err = rst_grow((void **)&ft->fds, ft->nr, sizeof(*ft->fds),
			       CPT_MAX_FDS);
		if (err)
			return err;
		ft->fds[ft->nr++] = fd;
		return 0;
	}
	case CPT_REC_FS: {
		struct rst_fs *fs;

		if (rh->index != img->nr_fss)
			return rst_bad(img, at, "fs index out of sequence");
		err = rst_grow((void **)&img->fss, img->nr_fss, sizeof(*img->fss),
			       CPT_MAX_TASKS);
		if (err)
			return err;
		fs = &img->fss[img->nr_fss];
		err = rst_fixed(img, at, rh, pl, &fs->f, sizeof(fs->f), 0);
		if (err)
			return err;
		err = rst_fixed(img, at, rh, pl, &fs->f, sizeof(fs->f),
				(u64)fs->f.root_len + fs->f.cwd_len);
		if (err)
			return err;
		if (fs->f.umask & ~0777)
			return rst_bad(img, at, "umask");
		/* root, then cwd, at the end of the payload */
		fs->cwd = rst_string(img, at, rh, pl, fs->f.cwd_len);
		if (!fs->cwd)
			return -EINVAL;
		{
			struct cpt_rec_header cut = *rh;

			cut.len -= fs->f.cwd_len;
			fs->root = rst_string(img, at, &cut, pl, fs->f.root_len);
		}
		if (!fs->root)
			return -EINVAL;
		img->nr_fss++;
		return 0;
	}
	case CPT_REC_MM: {
		struct rst_mm *mm;

		if (rh->index != img->nr_mms)
			return rst_bad(img, at, "mm index out of sequence");
		if (img->nr_mms && img->mms[img->nr_mms - 1].nr_vmas !=
		    img->mms[img->nr_mms - 1].m.nr_vmas)
			return rst_bad(img, at, "memory maps of the last mm missing");
		err = rst_grow((void **)&img->mms, img->nr_mms, sizeof(*img->mms),
			       CPT_MAX_TASKS);
		if (err)
			return err;
		mm = &img->mms[img->nr_mms];
		err = rst_fixed(img, at, rh, pl, &mm->m, sizeof(mm->m), 0);
		if (!err)
			err = rst_fixed(img, at, rh, pl, &mm->m, sizeof(mm->m),
					mm->m.exe_len);
		if (err)
			return err;
		if (mm->m.exe_len) {
			mm->exe = rst_string(img, at, rh, pl, mm->m.exe_len);
			if (!mm->exe)
				return -EINVAL;
		}
		if (!mm->m.nr_vmas || mm->m.nr_vmas > CPT_MAX_VMAS)
			return rst_bad(img, at, "number of memory maps");
		img->nr_mms++;
		return 0;
	}
	case CPT_REC_VMA: {
		struct rst_mm *mm;
		struct rst_vma *v;

		if (!img->nr_mms)
			return rst_bad(img, at, "memory map before mm");
		mm = &img->mms[img->nr_mms - 1];
		if (mm->nr_vmas >= mm->m.nr_vmas)
			return rst_bad(img, at, "more memory maps than announced");
		err = rst_grow((void **)&mm->vmas, mm->nr_vmas, sizeof(*mm->vmas),
			       CPT_MAX_VMAS);
		if (err)
			return err;
		v = &mm->vmas[mm->nr_vmas];
		err = rst_fixed(img, at, rh, pl, &v->v, sizeof(v->v), 0);
		if (!err)
			err = rst_fixed(img, at, rh, pl, &v->v, sizeof(v->v),
					v->v.path_len);
		if (!err)
			err = rst_vma_checks(img, at, mm, &v->v);
		if (err)
			return err;
		if (v->v.kind == CPT_VMA_FILE_PRIVATE ||
		    v->v.kind == CPT_VMA_FILE_SHARED) {
			v->path = rst_string(img, at, rh, pl, v->v.path_len);
			if (!v->path)
				return -EINVAL;
		} else if (v->v.path_len) {
			return rst_bad(img, at, "path on an anonymous map");
		}
		mm->nr_vmas++;
		return 0;
	}
	case CPT_REC_SIGHAND:
		if (rh->index != img->nr_sighands)
			return rst_bad(img, at, "sighand index out of sequence");
		err = rst_grow((void **)&img->sighands, img->nr_sighands,
			       sizeof(*img->sighands), CPT_MAX_TASKS);
		if (!err)
			err = rst_fixed(img, at, rh, pl,
					&img->sighands[img->nr_sighands],
					sizeof(*img->sighands), 0);
		if (!err)
			img->nr_sighands++;
		return err;
	case CPT_REC_TASK:
		if (rh->index != img->nr_tasks || !img->has_ve ||
		    img->nr_tasks >= img->ve.nr_tasks)
			return rst_bad(img, at, "task index out of sequence");
		err = rst_grow((void **)&img->tasks, img->nr_tasks,
			       sizeof(*img->tasks), CPT_MAX_TASKS);
		if (err)
			return err;
		rt = &img->tasks[img->nr_tasks];
		err = rst_fixed(img, at, rh, pl, &rt->t, sizeof(rt->t), 0);
		if (!err)
			err = rst_task_checks(img, at, rt);
		if (err)
			return err;
		rt->img = img;
		rt->idx = img->nr_tasks++;
		return 0;
	case CPT_REC_CREDS: {
		u64 glen;

		rt = rst_last_task(img, at);
		if (!rt)
			return -EINVAL;
		if (rt->has_creds)
			return rst_bad(img, at, "second credentials record");
		err = rst_fixed(img, at, rh, pl, &rt->creds, sizeof(rt->creds), 0);
		if (err)
			return err;
		if (rt->creds.ngroups > NGROUPS_MAX)
			return rst_bad(img, at, "too many groups");
		glen = (u64)rt->creds.ngroups * sizeof(u32);
		err = rst_fixed(img, at, rh, pl, &rt->creds, sizeof(rt->creds),
				glen);
		if (err)
			return err;
		rt->groups = kvmalloc(max_t(u64, glen, 1), GFP_KERNEL);
		if (!rt->groups)
			return -ENOMEM;
		memcpy(rt->groups, pl + rh->len - glen, glen);
		rt->has_creds = true;
		return 0;
	}
	case CPT_REC_REGS:
		rt = rst_last_task(img, at);
		if (!rt)
			return -EINVAL;
		if (rt->has_regs)
			return rst_bad(img, at, "second registers record");
		err = rst_fixed(img, at, rh, pl, &rt->regs, sizeof(rt->regs), 0);
		rt->has_regs = !err;
		return err;
	case CPT_REC_XSAVE:
		rt = rst_last_task(img, at);
		if (!rt)
			return -EINVAL;
		if (rt->xsave)
			return rst_bad(img, at, "second FPU record");
		err = rst_fixed(img, at, rh, pl, &rt->xsave_hdr,
				sizeof(rt->xsave_hdr), 0);
		if (err)
			return err;
		if ((rt->xsave_hdr.format != CPT_FPU_XSAVE &&
		     rt->xsave_hdr.format != CPT_FPU_FXSAVE) ||
		    rt->xsave_hdr.size < 512 ||
		    rt->xsave_hdr.size > CPT_MAX_XSAVE)
			return rst_bad(img, at, "FPU state format or size");
		err = rst_fixed(img, at, rh, pl, &rt->xsave_hdr,
				sizeof(rt->xsave_hdr), rt->xsave_hdr.size);
		if (err)
			return err;
		rt->xsave = kmemdup(pl + rh->len - rt->xsave_hdr.size,
				    rt->xsave_hdr.size, GFP_KERNEL);
		return rt->xsave ? 0 : -ENOMEM;
	case CPT_REC_SIGPENDING: {
		struct cpt_siginfo si;

		rt = rst_last_task(img, at);
		if (!rt)
			return -EINVAL;
		err = rst_fixed(img, at, rh, pl, &si, sizeof(si), 0);
		if (err)
			return err;
		if (rt->nr_sigs >= 4096)
			return rst_bad(img, at, "too many queued signals");
		err = rst_grow((void **)&rt->sigs, rt->nr_sigs, sizeof(*rt->sigs),
			       4096);
		if (err)
			return err;
		rt->sigs[rt->nr_sigs++] = si;
		return 0;
	}
	case CPT_REC_SIGNAL:
		rt = rst_last_task(img, at);
		if (!rt)
			return -EINVAL;
		if (rt->has_signal || rt->t.pid != rt->t.tgid)
			return rst_bad(img, at, "signal record not on a group leader");
		err = rst_fixed(img, at, rh, pl, &rt->signal, sizeof(rt->signal), 0);
		rt->has_signal = !err;
		return err;
	case CPT_REC_POSIX_TIMER: {
		struct cpt_posix_timer pt;

		rt = rst_last_task(img, at);
		if (!rt)
			return -EINVAL;
		err = rst_fixed(img, at, rh, pl, &pt, sizeof(pt), 0);
		if (!err)
			err = rst_timer_checks(img, at, rt, &pt);
		if (!err)
			err = rst_grow((void **)&rt->timers, rt->nr_timers,
				       sizeof(*rt->timers), CPT_MAX_POSIX_TIMERS);
		if (err)
			return err;
		rt->timers[rt->nr_timers++] = pt;
		return 0;
	}
	}
	return rst_bad(img, at, "record type not expected here");
}

/* The checks that need the whole metadata. */
static int rst_final_checks(struct rst_image *img)
{
	u32 i;

	if (!img->has_ve || !img->nr_tasks || img->nr_tasks != img->ve.nr_tasks)
		return rst_bad(img, img->pos, "task count does not match the VE record");
	if (img->nr_mms && img->mms[img->nr_mms - 1].nr_vmas !=
	    img->mms[img->nr_mms - 1].m.nr_vmas)
		return rst_bad(img, img->pos, "memory maps missing");
	if (img->nr_fdtables && img->fdtables[img->nr_fdtables - 1].nr !=
	    img->fdtables[img->nr_fdtables - 1].hdr.nr_fds)
		return rst_bad(img, img->pos, "fds missing");
	for (i = 0; i < img->nr_tasks; i++) {
		struct rst_task *rt = &img->tasks[i];

		if (rt->t.state == CPT_TASK_RUNNING &&
		    (!rt->has_creds || !rt->has_regs))
			return rst_bad(img, img->pos, "task without credentials or registers");
	}
	return 0;
}

/*
 * Reads and checks everything up to the first PAGES record (kept in
 * img->next) or END.
 */
struct rst_image *rst_read_image(struct cpt_context *ctx)
{
	struct rst_image *img;
	struct cpt_rec_header rh;
	void *pl;
	loff_t at;
	int err;

	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return ERR_PTR(-ENOMEM);
	img->ctx = ctx;
	img->file = ctx->dump_file;
	img->crc_of_crcs = ~0U;
	refcount_set(&img->refcount, 1);
	init_waitqueue_head(&img->ready_wq);
	init_waitqueue_head(&img->resume_wq);
	atomic_set(&img->nr_ready, 0);
	atomic_set(&img->nr_failed, 0);

	err = rst_read_header(img);
	while (!err) {
		at = img->pos;
		err = rst_read_record(img, &rh, &pl);
		if (err)
			break;
		if (img->pos > RST_MAX_METADATA) {
			kvfree(pl);
			err = rst_bad(img, at, "more task state than any VE has");
			break;
		}
		if (rh.type == CPT_REC_PAGES || rh.type == CPT_REC_END) {
			img->next = rh;
			img->next_payload = pl;
			img->nr_records--;	/* counted again when consumed */
			err = rst_final_checks(img);
			if (!err)
				return img;
			break;
		}
		err = rst_parse(img, at, &rh, pl);
		kvfree(pl);
	}
	rst_image_put(img);
	return ERR_PTR(err);
}

/*
 * Reads the memory contents that follow the metadata and writes them into
 * the restored tasks, then checks the END record.  A page run may only
 * land inside a memory map of its mm that the image declared.
 */
int rst_read_pages(struct rst_image *img)
{
	struct cpt_rec_header rh = img->next;
	void *pl = img->next_payload;
	struct cpt_end end;
	loff_t at = img->pos;
	int err = 0;

	img->next_payload = NULL;
	img->nr_records++;	/* the record read ahead by rst_read_image() */
	while (rh.type == CPT_REC_PAGES) {
		struct cpt_pages p;

		err = rst_fixed(img, at, &rh, pl, &p, sizeof(p), 0);
		if (!err && (p.mm >= img->nr_mms || !p.nr_pages ||
			     (u64)p.nr_pages * PAGE_SIZE != rh.len - sizeof(p)))
			err = rst_bad(img, at, "page run header");
		if (!err)
			err = rst_write_pages(img, &p, pl + sizeof(p));
		kvfree(pl);
		pl = NULL;
		if (err)
			return err;
		at = img->pos;
		err = rst_read_record(img, &rh, &pl);
		if (err)
			return err;
	}
	if (rh.type != CPT_REC_END) {
		kvfree(pl);
		return rst_bad(img, at, "only memory contents may follow the tasks");
	}
	err = rst_fixed(img, at, &rh, pl, &end, sizeof(end), 0);
	kvfree(pl);
	if (err)
		return err;
	/* Nothing may follow END: a stream ends there. */
	{
		u8 extra;
		ssize_t n = kernel_read(img->file, &extra, 1, &img->pos);

		if (n != 0)
			return n < 0 ? n : rst_bad(img, img->pos - 1,
						   "data after the end record");
	}
	/* END is not part of what END counts. */
	img->nr_records--;
	if (end.nr_records != img->nr_records)
		return rst_bad(img, at, "record count mismatch (records lost?)");
	/* Undo chaining END's own CRC: recompute over what preceded it. */
	if (end.crc_of_crcs != ~img->crc_before_end)
		return rst_bad(img, at, "records reordered or replaced");
	return 0;
}

void rst_image_put(struct rst_image *img)
{
	u32 i, j;

	if (!img || !refcount_dec_and_test(&img->refcount))
		return;
	for (i = 0; i < img->nr_files; i++) {
		kfree(img->files[i].path);
		if (img->files[i].filp)
			fput(img->files[i].filp);
	}
	kvfree(img->files);
	for (i = 0; i < img->nr_fdtables; i++)
		kvfree(img->fdtables[i].fds);
	kvfree(img->fdtables);
	for (i = 0; i < img->nr_fss; i++) {
		kfree(img->fss[i].root);
		kfree(img->fss[i].cwd);
	}
	kvfree(img->fss);
	for (i = 0; i < img->nr_mms; i++) {
		for (j = 0; j < img->mms[i].nr_vmas; j++)
			kfree(img->mms[i].vmas[j].path);
		kvfree(img->mms[i].vmas);
		kfree(img->mms[i].exe);
		if (img->mms[i].owner)
			put_task_struct(img->mms[i].owner);
	}
	kvfree(img->mms);
	kvfree(img->sighands);
	for (i = 0; i < img->nr_tasks; i++) {
		kvfree(img->tasks[i].groups);
		kfree(img->tasks[i].xsave);
		kvfree(img->tasks[i].sigs);
		kvfree(img->tasks[i].timers);
		if (img->tasks[i].task)
			put_task_struct(img->tasks[i].task);
	}
	kvfree(img->tasks);
	for (i = 0; i < img->nr_shmem; i++)
		if (img->shmem[i])
			fput(img->shmem[i]);
	kvfree(img->shmem);
	kvfree(img->next_payload);
	kfree(img);
}
