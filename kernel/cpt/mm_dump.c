// SPDX-License-Identifier: GPL-2.0
/*
 * Dumping memory: an MM record with its VMAs when the first task using
 * the mm is written, and the contents of populated pages (PAGES records)
 * after everything else.
 *
 * Which pages: anonymous private memory (heap, stack, anonymous maps),
 * the copied-on-write pages of private file maps, and shared anonymous
 * (shmem) memory.  Pages never touched are not written, nor are pages of
 * shared file maps, whose contents are the file's.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/highmem.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/file.h>

#include "dump.h"

#define CPT_PAGES_PER_REC	(CPT_REC_MAX_LEN / PAGE_SIZE - 1)

/* vm_flags bits we refuse: the image cannot express these mappings. */
#define CPT_VM_UNSUPPORTED	(VM_IO | VM_PFNMAP | VM_MIXEDMAP | VM_HUGETLB)

/*
 * MAP_SHARED|MAP_ANONYMOUS memory is a shmem file the kernel names
 * "dev/zero" (shmem_zero_setup()); /proc/PID/maps shows it so too.
 */
static bool cpt_vma_is_anon_shared(struct vm_area_struct *vma)
{
	return vma->vm_file && vma_is_shmem(vma) &&
	       !strcmp(vma->vm_file->f_path.dentry->d_name.name, "dev/zero");
}

static u32 cpt_vma_prot(unsigned long flags)
{
	return ((flags & VM_READ) ? PROT_READ : 0) |
	       ((flags & VM_WRITE) ? PROT_WRITE : 0) |
	       ((flags & VM_EXEC) ? PROT_EXEC : 0);
}

static const char *cpt_special_name(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	return NULL;
}

static int cpt_vma_kind(struct vm_area_struct *vma)
{
	const char *special = cpt_special_name(vma);

	if (special && !strcmp(special, "[vdso]"))
		return CPT_VMA_VDSO;
	if (special && !strcmp(special, "[vvar]"))
		return CPT_VMA_VVAR;
	if (special)
		return -EOPNOTSUPP;
	if (!vma->vm_file)
		return CPT_VMA_ANON_PRIVATE;
	if (cpt_vma_is_anon_shared(vma))
		return CPT_VMA_ANON_SHARED;
	return (vma->vm_flags & VM_SHARED) ? CPT_VMA_FILE_SHARED
					   : CPT_VMA_FILE_PRIVATE;
}

static int cpt_dump_vma(struct cpt_dump *d, struct mm_struct *mm,
			struct vm_area_struct *vma)
{
	struct cpt_vma v = {
		.start = vma->vm_start,
		.end = vma->vm_end,
		.pgoff = vma->vm_pgoff,
		.vm_flags = vma->vm_flags,
		.prot = cpt_vma_prot(vma->vm_flags),
	};
	const char *path = NULL;
	int kind, len = 0, err;

	kind = cpt_vma_kind(vma);
	/* vdso and vvar are special mappings the restore recreates. */
	if (kind < 0 || (kind != CPT_VMA_VDSO && kind != CPT_VMA_VVAR &&
			 (vma->vm_flags & CPT_VM_UNSUPPORTED))) {
		cpt_err(d->ctx, "memory map %lx-%lx (%s) is not supported",
			vma->vm_start, vma->vm_end,
			cpt_special_name(vma) ?: "special device mapping");
		return -EOPNOTSUPP;
	}
	v.kind = kind;
	if (kind == CPT_VMA_ANON_SHARED) {
		int id = cpt_obj_find(&d->shmems, vma->vm_file->f_mapping);

		if (id < 0)
			id = cpt_obj_add(&d->shmems, vma->vm_file->f_mapping);
		if (id < 0)
			return id;
		v.shared_id = id;
	}
	if (kind == CPT_VMA_FILE_PRIVATE || kind == CPT_VMA_FILE_SHARED) {
		if (d_unlinked(vma->vm_file->f_path.dentry)) {
			cpt_err(d->ctx, "memory map %lx-%lx of a deleted file: not supported yet",
				vma->vm_start, vma->vm_end);
			return -EOPNOTSUPP;
		}
		path = cpt_ve_path(d, &vma->vm_file->f_path, &len);
		if (IS_ERR(path)) {
			cpt_err(d->ctx, "memory map %lx-%lx of a file outside the VE",
				vma->vm_start, vma->vm_end);
			return PTR_ERR(path);
		}
		v.path_len = len;
	}
	err = cpt_record_begin(&d->w, CPT_REC_VMA, 0, sizeof(v) + len);
	if (!err)
		err = cpt_record_add(&d->w, &v, sizeof(v));
	if (!err && len)
		err = cpt_record_add(&d->w, path, len);
	if (!err)
		err = cpt_record_end(&d->w);
	return err;
}

/*
 * The path of the mm's executable (/proc/PID/exe) inside the VE, in
 * d->pathbuf; none (length 0) if it is deleted or outside the VE.
 */
static const char *cpt_mm_exe(struct cpt_dump *d, struct mm_struct *mm,
			      u32 *len)
{
	const char *path = NULL;
	struct file *exe;
	int n = 0;

	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	if (exe && !get_file_rcu(exe))
		exe = NULL;
	rcu_read_unlock();
	if (exe) {
		if (!d_unlinked(exe->f_path.dentry))
			path = cpt_ve_path(d, &exe->f_path, &n);
		fput(exe);
	}
	if (IS_ERR_OR_NULL(path)) {
		*len = 0;
		return NULL;
	}
	*len = n;
	return path;
}

/* Writes MM and VMA records; returns the mm's index. */
int cpt_dump_mm(struct cpt_dump *d, struct mm_struct *mm)
{
	const char *exe;
	struct vm_area_struct *vma;
	struct cpt_mm m = {};
	int err, idx, nr = 0;

	VMA_ITERATOR(vmi, mm, 0);

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for_each_vma(vmi, vma)
		nr++;
	if (nr > CPT_MAX_VMAS) {
		mmap_read_unlock(mm);
		return -E2BIG;
	}
	m.start_code = mm->start_code;
	m.end_code = mm->end_code;
	m.start_data = mm->start_data;
	m.end_data = mm->end_data;
	m.start_brk = mm->start_brk;
	m.brk = mm->brk;
	m.start_stack = mm->start_stack;
	m.arg_start = mm->arg_start;
	m.arg_end = mm->arg_end;
	m.env_start = mm->env_start;
	m.env_end = mm->env_end;
	m.vdso_base = (unsigned long)mm->context.vdso;
	m.def_flags = mm->def_flags;
	m.nr_vmas = nr;
	m.dumpable = get_dumpable(mm);
	BUILD_BUG_ON(sizeof(m.saved_auxv) < sizeof(mm->saved_auxv));
	memcpy(m.saved_auxv, mm->saved_auxv, sizeof(mm->saved_auxv));

	exe = cpt_mm_exe(d, mm, &m.exe_len);
	err = cpt_record_begin(&d->w, CPT_REC_MM, d->mms.nr, sizeof(m) + m.exe_len);
	if (!err)
		err = cpt_record_add(&d->w, &m, sizeof(m));
	if (!err && m.exe_len)
		err = cpt_record_add(&d->w, exe, m.exe_len);
	if (!err)
		err = cpt_record_end(&d->w);
	vma_iter_init(&vmi, mm, 0);
	for_each_vma(vmi, vma) {
		if (err)
			break;
		err = cpt_dump_vma(d, mm, vma);
	}
	mmap_read_unlock(mm);
	if (err)
		return err;
	idx = cpt_obj_add(&d->mms, mm);
	if (idx >= 0)
		mmgrab(mm);	/* dropped in cpt_dump_put_mms() */
	return idx;
}

static bool cpt_vma_has_pages(struct vm_area_struct *vma)
{
	int kind = cpt_vma_kind(vma);

	return kind == CPT_VMA_ANON_PRIVATE || kind == CPT_VMA_ANON_SHARED ||
	       kind == CPT_VMA_FILE_PRIVATE;
}

static int cpt_write_run(struct cpt_dump *d, u32 mm_idx, unsigned long start,
			 struct page **pages, unsigned int nr)
{
	struct cpt_pages hdr = { .mm = mm_idx, .nr_pages = nr, .start = start };
	unsigned int i;
	int err;

	err = cpt_record_begin(&d->w, CPT_REC_PAGES, 0,
			       sizeof(hdr) + nr * PAGE_SIZE);
	if (!err)
		err = cpt_record_add(&d->w, &hdr, sizeof(hdr));
	for (i = 0; i < nr && !err; i++) {
		void *p = kmap_local_page(pages[i]);

		err = cpt_record_add(&d->w, p, PAGE_SIZE);
		kunmap_local(p);
	}
	if (!err)
		err = cpt_record_end(&d->w);
	return err;
}

static int cpt_dump_mm_pages(struct cpt_dump *d, u32 mm_idx,
			     struct mm_struct *mm, struct page **run)
{
	struct vm_area_struct *vma;
	unsigned long addr, run_start = 0;
	unsigned int nr = 0, i;
	int err = 0;

	VMA_ITERATOR(vmi, mm, 0);

	if (!mmget_not_zero(mm))
		return 0;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	for_each_vma(vmi, vma) {
		bool anon_only = vma->vm_file && !cpt_vma_is_anon_shared(vma);

		if (!cpt_vma_has_pages(vma))
			continue;
		/* A run never crosses a map: the restore checks each run. */
		if (nr) {
			err = cpt_write_run(d, mm_idx, run_start, run, nr);
			for (i = 0; i < nr; i++)
				put_page(run[i]);
			nr = 0;
			if (err)
				break;
		}
		for (addr = vma->vm_start; addr < vma->vm_end && !err;
		     addr += PAGE_SIZE) {
			struct page *page = NULL;
			long got;

			/* FOLL_DUMP: holes and the zero page give no page. */
			got = get_user_pages_remote(mm, addr, 1,
						    FOLL_DUMP | FOLL_FORCE,
						    &page, NULL, NULL);
			if (got == 1 && anon_only && !PageAnon(page)) {
				put_page(page);
				got = 0;
			}
			if (got == 1 && nr && run_start + nr * PAGE_SIZE == addr &&
			    nr < CPT_PAGES_PER_REC) {
				run[nr++] = page;
				continue;
			}
			if (nr) {
				err = cpt_write_run(d, mm_idx, run_start, run, nr);
				for (i = 0; i < nr; i++)
					put_page(run[i]);
				nr = 0;
			}
			if (got == 1) {
				run_start = addr;
				run[nr++] = page;
			}
			if (fatal_signal_pending(current))
				err = -EINTR;
		}
		if (err)
			break;
	}
	if (nr && !err)
		err = cpt_write_run(d, mm_idx, run_start, run, nr);
	for (i = 0; i < nr; i++)
		put_page(run[i]);
	mmap_read_unlock(mm);
	mmput(mm);
	return err;
}

int cpt_dump_pages(struct cpt_dump *d)
{
	struct page **run;
	unsigned int i;
	int err = 0;

	run = kvcalloc(CPT_PAGES_PER_REC, sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	for (i = 0; i < d->mms.nr && !err; i++)
		err = cpt_dump_mm_pages(d, i, (struct mm_struct *)d->mms.ptr[i],
					run);
	kvfree(run);
	return err;
}

void cpt_dump_put_mms(struct cpt_dump *d)
{
	unsigned int i;

	for (i = 0; i < d->mms.nr; i++)
		mmdrop((struct mm_struct *)d->mms.ptr[i]);
}
