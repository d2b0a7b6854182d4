// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring memory, in the task that owns it: every memory map is made
 * again with vm_mmap() at its old address, so the kernel's own checks on
 * addresses, protections and files apply; the vdso goes back where it
 * was.  Memory contents are written later by the VE's init, through
 * access_process_vm(), and only inside maps the image declared.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/sched/mm.h>
#include <asm/prctl.h>
#include <asm/proto.h>

#include "restore.h"

static unsigned long rst_map_flags(const struct cpt_vma *v)
{
	unsigned long flags = MAP_FIXED;

	flags |= (v->kind == CPT_VMA_ANON_SHARED ||
		  v->kind == CPT_VMA_FILE_SHARED) ? MAP_SHARED : MAP_PRIVATE;
	if (v->vm_flags & VM_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	if (v->vm_flags & VM_NORESERVE)
		flags |= MAP_NORESERVE;
	return flags;
}

static int rst_map_file(struct rst_image *img, const struct rst_vma *rv)
{
	const struct cpt_vma *v = &rv->v;
	bool shared_write = v->kind == CPT_VMA_FILE_SHARED &&
			    (v->vm_flags & VM_MAYWRITE);
	struct file *file;
	unsigned long addr;

	file = filp_open(rv->path, shared_write ? O_RDWR : O_RDONLY, 0);
	if (IS_ERR(file)) {
		cpt_err(img->ctx, "cannot open %s for a memory map: %ld",
			rv->path, PTR_ERR(file));
		return PTR_ERR(file);
	}
	addr = vm_mmap(file, v->start, v->end - v->start, v->prot,
		       rst_map_flags(v), v->pgoff << PAGE_SHIFT);
	fput(file);
	return IS_ERR_VALUE(addr) ? (int)addr : 0;
}

static int rst_map_anon_shared(struct rst_image *img, const struct cpt_vma *v)
{
	struct vm_area_struct *vma;
	struct file **slot;
	unsigned long addr;
	int err;

	if (v->shared_id >= img->nr_shmem) {
		u32 nr = v->shared_id + 1;
		struct file **p = kvrealloc(img->shmem,
					    img->nr_shmem * sizeof(*p),
					    nr * sizeof(*p),
					    GFP_KERNEL | __GFP_ZERO);

		if (!p)
			return -ENOMEM;
		img->shmem = p;
		img->nr_shmem = nr;
	}
	slot = &img->shmem[v->shared_id];
	if (*slot) {
		addr = vm_mmap(*slot, v->start, v->end - v->start, v->prot,
			       rst_map_flags(v), v->pgoff << PAGE_SHIFT);
		return IS_ERR_VALUE(addr) ? (int)addr : 0;
	}
	addr = vm_mmap(NULL, v->start, v->end - v->start, v->prot,
		       rst_map_flags(v) | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr))
		return (int)addr;
	/* Keep its shmem file so later maps (other tasks) share it. */
	err = -EINVAL;
	mmap_read_lock(current->mm);
	vma = find_vma(current->mm, v->start);
	if (vma && vma->vm_start == v->start && vma->vm_file) {
		*slot = get_file(vma->vm_file);
		err = 0;
	}
	mmap_read_unlock(current->mm);
	return err;
}

static int rst_map_vma(struct rst_image *img, const struct rst_vma *rv)
{
	const struct cpt_vma *v = &rv->v;
	unsigned long addr;

	switch (v->kind) {
	case CPT_VMA_ANON_PRIVATE:
		addr = vm_mmap(NULL, v->start, v->end - v->start, v->prot,
			       rst_map_flags(v) | MAP_ANONYMOUS, 0);
		return IS_ERR_VALUE(addr) ? (int)addr : 0;
	case CPT_VMA_ANON_SHARED:
		return rst_map_anon_shared(img, v);
	case CPT_VMA_FILE_PRIVATE:
	case CPT_VMA_FILE_SHARED:
		return rst_map_file(img, rv);
	case CPT_VMA_VVAR: {
		/* vvar and the vdso after it are mapped as one. */
		long ret = do_arch_prctl_64(current, ARCH_MAP_VDSO_64, v->start);

		return ret < 0 ? ret : 0;	/* success is the vdso's size */
	}
	case CPT_VMA_VDSO:
		return 0;
	}
	return -EINVAL;
}

/* madvise() flags worth keeping, and the advice that sets each. */
static const struct {
	unsigned long	vm_flag;
	int		advice;
} rst_advice[] = {
	{ VM_DONTCOPY,		MADV_DONTFORK },
	{ VM_DONTDUMP,		MADV_DONTDUMP },
	{ VM_WIPEONFORK,	MADV_WIPEONFORK },
	{ VM_RAND_READ,		MADV_RANDOM },
	{ VM_SEQ_READ,		MADV_SEQUENTIAL },
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	{ VM_HUGEPAGE,		MADV_HUGEPAGE },
	{ VM_NOHUGEPAGE,	MADV_NOHUGEPAGE },
#endif
};

/*
 * Through madvise() itself, after all maps exist: it splits and merges
 * maps the way the flags require.  vdso and vvar are the kernel's.
 */
static int rst_madvise(struct rst_image *img, const struct cpt_vma *v)
{
	unsigned int i;
	int err;

	if (v->kind == CPT_VMA_VDSO || v->kind == CPT_VMA_VVAR)
		return 0;
	for (i = 0; i < ARRAY_SIZE(rst_advice); i++) {
		if (!(v->vm_flags & rst_advice[i].vm_flag))
			continue;
		err = do_madvise(current->mm, v->start, v->end - v->start,
				 rst_advice[i].advice);
		if (err) {
			cpt_err(img->ctx, "madvise(%d) of %llx-%llx: %d",
				rst_advice[i].advice, v->start, v->end, err);
			return err;
		}
	}
	return 0;
}

static int rst_check_layout(struct rst_image *img, struct rst_mm *mm)
{
	struct cpt_mm *m = &mm->m;
	unsigned long top = TASK_SIZE_MAX;

	if (m->start_code > m->end_code || m->start_data > m->end_data ||
	    m->start_brk > m->brk || m->arg_start > m->arg_end ||
	    m->env_start > m->env_end || m->end_code > top ||
	    m->end_data > top || m->brk > top || m->start_stack > top ||
	    m->arg_end > top || m->env_end > top)
		return -EINVAL;
	return 0;
}

int rst_restore_mm(struct rst_image *img, struct rst_mm *mm)
{
	struct mm_struct *cur = current->mm;
	struct cpt_mm *m = &mm->m;
	u32 i;
	int err;

	if (!cur || rst_check_layout(img, mm))
		return -EINVAL;
	/* Start from an empty address space. */
	err = vm_munmap(0, TASK_SIZE_MAX);
	if (err)
		return err;
	for (i = 0; i < mm->nr_vmas; i++) {
		err = rst_map_vma(img, &mm->vmas[i]);
		if (err) {
			cpt_err(img->ctx, "cannot map %llx-%llx: %d",
				mm->vmas[i].v.start, mm->vmas[i].v.end, err);
			return err;
		}
	}
	for (i = 0; i < mm->nr_vmas; i++) {
		err = rst_madvise(img, &mm->vmas[i].v);
		if (err)
			return err;
	}
	if (m->vdso_base && (unsigned long)cur->context.vdso != m->vdso_base) {
		cpt_err(img->ctx, "the vdso cannot go back to %llx (different kernel?)",
			m->vdso_base);
		return -EINVAL;
	}
	if (mm->exe) {
		struct file *exe = filp_open(mm->exe, O_RDONLY, 0);

		err = PTR_ERR_OR_ZERO(exe);
		if (!err) {
			err = replace_mm_exe_file(cur, exe);
			fput(exe);
		}
		if (err) {
			cpt_err(img->ctx, "cannot make %s the executable: %d",
				mm->exe, err);
			return err;
		}
	}
	if (mmap_write_lock_killable(cur))
		return -EINTR;
	cur->start_code = m->start_code;
	cur->end_code = m->end_code;
	cur->start_data = m->start_data;
	cur->end_data = m->end_data;
	cur->start_brk = m->start_brk;
	cur->brk = m->brk;
	cur->start_stack = m->start_stack;
	cur->arg_start = m->arg_start;
	cur->arg_end = m->arg_end;
	cur->env_start = m->env_start;
	cur->env_end = m->env_end;
	BUILD_BUG_ON(sizeof(cur->saved_auxv) > sizeof(m->saved_auxv));
	memcpy(cur->saved_auxv, m->saved_auxv, sizeof(cur->saved_auxv));
	mmap_write_unlock(cur);
	/* What set_dumpable() does; it is not exported. */
	set_mask_bits(&cur->flags, MMF_DUMPABLE_MASK,
		      m->dumpable <= SUID_DUMP_ROOT ? m->dumpable
						    : SUID_DUMP_DISABLE);
	get_task_struct(current);
	mm->owner = current;
	return 0;
}

/* Memory contents: only inside a map of that mm that holds page data. */
int rst_write_pages(struct rst_image *img, struct cpt_pages *p, void *data)
{
	struct rst_mm *mm = &img->mms[p->mm];
	u64 len = (u64)p->nr_pages * PAGE_SIZE;
	u32 i;
	int n;

	if (!mm->owner || !PAGE_ALIGNED(p->start))
		return -EINVAL;
	for (i = 0; i < mm->nr_vmas; i++) {
		struct cpt_vma *v = &mm->vmas[i].v;

		if (p->start >= v->start && p->start + len <= v->end &&
		    p->start + len > p->start &&
		    (v->kind == CPT_VMA_ANON_PRIVATE ||
		     v->kind == CPT_VMA_ANON_SHARED ||
		     v->kind == CPT_VMA_FILE_PRIVATE))
			break;
	}
	if (i == mm->nr_vmas) {
		cpt_err(img->ctx, "memory contents at %llx outside the memory maps",
			p->start);
		return -EINVAL;
	}
	n = access_process_vm(mm->owner, p->start, data, len,
			      FOLL_FORCE | FOLL_WRITE);
	if (n != len) {
		cpt_err(img->ctx, "cannot write memory at %llx", p->start);
		return -EFAULT;
	}
	return 0;
}
