// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces (MM records) and their memory maps (VMA records).
 *
 * Dump: an MM record with its VMAs when the first task using the mm is
 * written.  Memory contents are pages.c's.
 *
 * Restore, in the task that owns the mm: every map is made again with
 * vm_mmap() at its old address, so the kernel's own checks on addresses,
 * protections and files apply; madvise() flags through madvise(); memory
 * locks and mlockall(MCL_FUTURE) through the mm's def_flags; the vdso
 * goes back where it was.
 */
#include <linux/auxvec.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <asm/prctl.h>
#include <asm/proto.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"
#include "lib/objtab.h"
#include "lib/open.h"

struct mm_dump {
	struct cpt_objtab	mms;		/* struct mm_struct, grabbed */
	struct cpt_objtab	shmems;		/* shared anon memory */
};

struct rst_vma {
	struct cpt_vma		v;
	char			*path;		/* FILE_*: NUL-terminated */
};

struct rst_mm {
	struct cpt_mm		m;
	struct rst_vma		*vmas;
	u32			nr_vmas;	/* read so far */
	char			*exe;		/* /proc/PID/exe, or NULL */
	struct task_struct	*owner;		/* restored task using it */
};

struct mm_rst {
	struct rst_mm		*mms;
	u32			nr_mms;
	struct mutex		shmem_lock;	/* lookup-or-create of shmem */
	struct file		**shmem;	/* by cpt_vma.shared_id */
	u32			nr_shmem;	/* highest id + 1 in the image */
};

/* --- checkpoint ------------------------------------------------------- */

/* vm_flags bits we refuse: the image cannot express these mappings. */
#define CPT_VM_UNSUPPORTED	(VM_IO | VM_PFNMAP | VM_MIXEDMAP | VM_HUGETLB)
/* The memory lock bits of a map, and of an mm's def_flags. */
#define CPT_VM_LOCK_BITS	(VM_LOCKED | VM_LOCKONFAULT)

/* The image stores Linux's bits: its names must be the same. */
static_assert(CPT_VM_LOCKED == VM_LOCKED);
static_assert(CPT_VM_LOCKONFAULT == VM_LOCKONFAULT);
static_assert(CPT_MM_DEF_FLAGS == CPT_VM_LOCK_BITS);

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

int mm_vma_kind(struct vm_area_struct *vma)
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

static int cpt_dump_vma(struct cpt_dump *d, struct mm_dump *st,
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

	kind = mm_vma_kind(vma);
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
		int id = cpt_obj_find(&st->shmems, vma->vm_file->f_mapping);

		if (id < 0)
			id = cpt_obj_add(&st->shmems, vma->vm_file->f_mapping);
		if (id < 0)
			return id;
		v.shared_id = id;
	}
	if (kind == CPT_VMA_FILE_PRIVATE || kind == CPT_VMA_FILE_SHARED) {
		if (!S_ISREG(file_inode(vma->vm_file)->i_mode)) {
			cpt_err(d->ctx, "memory map %lx-%lx of a file that is not a regular file: not supported",
				vma->vm_start, vma->vm_end);
			return -EOPNOTSUPP;
		}
		if (d_unlinked(vma->vm_file->f_path.dentry)) {
			cpt_err(d->ctx, "memory map %lx-%lx of a deleted file: not supported yet",
				vma->vm_start, vma->vm_end);
			return -EOPNOTSUPP;
		}
		path = cpt_dump_path(d, &vma->vm_file->f_path, &len);
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
			path = cpt_dump_path(d, &exe->f_path, &n);
		fput(exe);
	}
	if (IS_ERR_OR_NULL(path)) {
		*len = 0;
		return NULL;
	}
	*len = n;
	return path;
}

/*
 * Memory a process keeps locked beyond its RLIMIT_MEMLOCK needs
 * CAP_IPC_LOCK (mlock(), mlockall(), MAP_LOCKED): without it in the VE's
 * mask, a process can only be there by lowering the limit afterwards,
 * and a restore would not make what the VE could not have made itself.
 * The vdso's lock (mlockall(MCL_CURRENT)) is the kernel's and not
 * restored, so not counted.  Restore: mm_rst_memlock().
 */
static bool cpt_memlock_permitted(bool ve_ipc_lock, u64 locked, u64 limit)
{
	return ve_ipc_lock || locked <= limit;
}

static int cpt_dump_memlock(struct cpt_dump *d, struct cpt_dump_task *dt,
			    struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	u64 locked = 0, limit;

	VMA_ITERATOR(vmi, mm, 0);

	for_each_vma(vmi, vma) {
		int kind = mm_vma_kind(vma);

		if ((vma->vm_flags & VM_LOCKED) && kind != CPT_VMA_VDSO &&
		    kind != CPT_VMA_VVAR)
			locked += vma->vm_end - vma->vm_start;
	}
	limit = task_rlimit(dt->tsk, RLIMIT_MEMLOCK);
	if (cpt_memlock_permitted(cpt_ve_capable(d, CAP_IPC_LOCK), locked, limit))
		return 0;
	cpt_err(d->ctx, "task %d (%s) keeps %llu bytes of memory locked, above its RLIMIT_MEMLOCK (%llu), and the VE lacks CAP_IPC_LOCK",
		dt->pid, dt->tsk->comm, locked, limit);
	return -EPERM;
}

/* Writes MM and VMA records; returns the mm's index. */
static int cpt_dump_mm(struct cpt_dump *d, struct mm_dump *st,
		       struct cpt_dump_task *dt, struct mm_struct *mm)
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
	/* mlockall()'s bits are all that def_flags holds on x86 today. */
	if (mm->def_flags & ~CPT_VM_LOCK_BITS) {
		mmap_read_unlock(mm);
		cpt_err(d->ctx, "task %d (%s): its address space's default flags %#lx are not only mlockall()'s: not supported",
			dt->pid, dt->tsk->comm, mm->def_flags);
		return -EOPNOTSUPP;
	}
	err = cpt_dump_memlock(d, dt, mm);
	if (err) {
		mmap_read_unlock(mm);
		return err;
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
	err = cpt_record_begin(&d->w, CPT_REC_MM, st->mms.nr,
			       sizeof(m) + m.exe_len);
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
		err = cpt_dump_vma(d, st, vma);
	}
	mmap_read_unlock(mm);
	if (err)
		return err;
	idx = cpt_obj_add(&st->mms, mm);
	if (idx >= 0)
		mmgrab(mm);	/* dropped in mm_dump_release() */
	return idx;
}

/*
 * An mm used by another process (not a thread of this one) dumped
 * before: vfork or CLONE_VM.  The image cannot say so yet.
 */
static bool mm_shared_with_process(struct cpt_dump *d, struct task_struct *tsk)
{
	unsigned int i;

	for (i = 0; i < d->nr_tasks && d->tasks[i] != tsk; i++) {
		struct task_struct *o = d->tasks[i];

		if (!o->exit_state && !same_thread_group(o, tsk) &&
		    o->mm == tsk->mm)
			return true;
	}
	return false;
}

int mm_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct mm_dump *st = cpt_dump_state(d, &cpt_res_mm);
	struct mm_struct *mm = dt->zombie ? NULL : get_task_mm(dt->tsk);
	int idx;

	dt->rec.mm = CPT_NO_OBJ;
	if (!mm)
		return 0;
	idx = -EOPNOTSUPP;
	if (mm_shared_with_process(d, dt->tsk))
		cpt_err(d->ctx, "task %d (%s) has memory shared with another process (vfork or CLONE_VM): not supported yet",
			dt->pid, dt->tsk->comm);
	else
		idx = cpt_obj_find(&st->mms, mm);
	if (idx == -1)
		idx = cpt_dump_mm(d, st, dt, mm);
	mmput(mm);
	if (idx < 0)
		return idx;
	dt->rec.mm = idx;
	return 0;
}

unsigned int mm_dump_count(struct cpt_dump *d)
{
	struct mm_dump *st = cpt_dump_state(d, &cpt_res_mm);

	return st->mms.nr;
}

struct mm_struct *mm_dump_get(struct cpt_dump *d, unsigned int idx)
{
	struct mm_dump *st = cpt_dump_state(d, &cpt_res_mm);

	return (struct mm_struct *)st->mms.ptr[idx];
}

static void mm_dump_release(struct cpt_dump *d, void *state)
{
	struct mm_dump *st = state;
	unsigned int i;

	for (i = 0; i < st->mms.nr; i++)
		mmdrop((struct mm_struct *)st->mms.ptr[i]);
	cpt_obj_free(&st->mms);
	cpt_obj_free(&st->shmems);
}

/* --- restore -------------------------------------------------------- */

static int mm_parse(struct rst_image *img, void *state,
		    const struct cpt_rec_view *v)
{
	struct mm_rst *st = state;
	struct rst_mm *mm;
	struct rst_vma *vma;
	int err;

	if (v->h.type == CPT_REC_MM) {
		if (!st->mms)
			mutex_init(&st->shmem_lock);
		err = cpt_grow((void **)&st->mms, st->nr_mms, sizeof(*st->mms));
		if (err)
			return err;
		mm = &st->mms[st->nr_mms++];
		mm->m = v->u.cpt_mm;
		if (mm->m.exe_len) {
			mm->exe = kmemdup_nul(v->var, v->var_len, GFP_KERNEL);
			if (!mm->exe)
				return -ENOMEM;
		}
		return 0;
	}
	/* VMA: of the last MM, which announced it (the checker saw to it). */
	mm = &st->mms[v->parent];
	err = cpt_grow((void **)&mm->vmas, mm->nr_vmas, sizeof(*mm->vmas));
	if (err)
		return err;
	vma = &mm->vmas[mm->nr_vmas++];
	vma->v = v->u.cpt_vma;
	if (vma->v.path_len) {
		vma->path = kmemdup_nul(v->var, v->var_len, GFP_KERNEL);
		if (!vma->path)
			return -ENOMEM;
	}
	if (vma->v.kind == CPT_VMA_ANON_SHARED) {
		/* Slots for every id, made now: tasks map in parallel. */
		u32 want = vma->v.shared_id + 1;

		if (want > st->nr_shmem) {
			struct file **p = kvrealloc(st->shmem,
						    st->nr_shmem * sizeof(*p),
						    want * sizeof(*p),
						    GFP_KERNEL | __GFP_ZERO);

			if (!p)
				return -ENOMEM;
			st->shmem = p;
			st->nr_shmem = want;
		}
	}
	return 0;
}

static void mm_release(struct rst_image *img, void *state)
{
	struct mm_rst *st = state;
	u32 i, j;

	for (i = 0; i < st->nr_mms; i++) {
		for (j = 0; j < st->mms[i].nr_vmas; j++)
			kfree(st->mms[i].vmas[j].path);
		kvfree(st->mms[i].vmas);
		kfree(st->mms[i].exe);
		if (st->mms[i].owner)
			put_task_struct(st->mms[i].owner);
	}
	kvfree(st->mms);
	for (i = 0; i < st->nr_shmem; i++)
		if (st->shmem[i])
			fput(st->shmem[i]);
	kvfree(st->shmem);
}

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

	file = cpt_open_kind(rv->path, shared_write ? O_RDWR : O_RDONLY,
			     S_IFREG, 0);
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

/*
 * Shared anonymous memory: the first map of an id creates it, later ones
 * (other processes, restoring in parallel) map the same shmem file.  The
 * slots were sized when the image was parsed; the lock makes "look up,
 * else create and store" one step.
 */
static int rst_map_anon_shared(struct rst_image *img, const struct cpt_vma *v)
{
	struct mm_rst *st = rst_state(img, &cpt_res_mm);
	struct vm_area_struct *vma;
	struct file **slot = &st->shmem[v->shared_id];
	unsigned long addr;
	int err = 0;

	mutex_lock(&st->shmem_lock);
	if (*slot) {
		addr = vm_mmap(*slot, v->start, v->end - v->start, v->prot,
			       rst_map_flags(v), v->pgoff << PAGE_SHIFT);
		err = IS_ERR_VALUE(addr) ? (int)addr : 0;
		goto out;
	}
	addr = vm_mmap(NULL, v->start, v->end - v->start, v->prot,
		       rst_map_flags(v) | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr)) {
		err = (int)addr;
		goto out;
	}
	/* Keep its shmem file so later maps (other tasks) share it. */
	err = -EINVAL;
	mmap_read_lock(current->mm);
	vma = find_vma(current->mm, v->start);
	if (vma && vma->vm_start == v->start && vma->vm_file) {
		*slot = get_file(vma->vm_file);
		err = 0;
	}
	mmap_read_unlock(current->mm);
out:
	mutex_unlock(&st->shmem_lock);
	return err;
}

/*
 * A locked map (mlock(), mlock2(MLOCK_ONFAULT), MAP_LOCKED, mlockall())
 * is made the way a process makes one after mlockall(MCL_FUTURE [|
 * MCL_ONFAULT]): with its lock bits in the mm's def_flags while
 * vm_mmap() maps it.  So the kernel's mmap path does all that locking
 * does: it counts the map in locked_vm, keeps it apart from unlocked
 * neighbours, and populates it unless it locks on fault, which
 * MAP_LOCKED could not say (and a module has no mlock() to call).
 * Locking before the contents are written loses nothing: pages.c writes
 * them later through access_process_vm(), and a page faulted in or
 * copied on write in a locked map is locked as it arrives, as in any
 * locked map.  The vdso and vvar come back unlocked: they are the
 * kernel's pages, resident anyway (mlockall(MCL_CURRENT) locking the
 * vdso changes only locked_vm, and the dump does not count it).
 *
 * RLIMIT_MEMLOCK: the mm is restored after the process's limits
 * (task_rst_rlimits()) but before its credentials (creds_rst_build()),
 * so with the restoring init's CAP_IPC_LOCK: the kernel's check lets a
 * non-root process's locked maps through, within the limit or beyond
 * one it lowered since.  What the VE may lock is mm_rst_memlock()'s
 * test, the dump's.
 */
static unsigned long rst_lock_bits(const struct cpt_vma *v)
{
	if (v->kind == CPT_VMA_VDSO || v->kind == CPT_VMA_VVAR)
		return 0;
	return v->vm_flags & CPT_VM_LOCK_BITS;
}

static void rst_set_def_flags(struct mm_struct *mm, unsigned long lock)
{
	mmap_write_lock(mm);
	mm->def_flags = (mm->def_flags & ~CPT_VM_LOCK_BITS) | lock;
	mmap_write_unlock(mm);
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

/* The checker saw the bounds in order; they must also fit this kernel. */
static int rst_check_layout(struct rst_image *img, struct rst_mm *mm)
{
	struct cpt_mm *m = &mm->m;
	unsigned long top = TASK_SIZE_MAX;

	if (m->end_code > top || m->end_data > top || m->brk > top ||
	    m->start_stack > top || m->arg_end > top || m->env_end > top) {
		cpt_err(img->ctx, "address space bounds beyond this kernel's user space");
		return -EINVAL;
	}
	return 0;
}

static int rst_restore_mm(struct rst_image *img, struct rst_mm *mm)
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
		unsigned long lock = rst_lock_bits(&mm->vmas[i].v);

		/* Only this task uses the mm yet: def_flags is ours. */
		if (lock != (cur->def_flags & CPT_VM_LOCK_BITS))
			rst_set_def_flags(cur, lock);
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
		struct file *exe = cpt_open_kind(mm->exe, O_RDONLY, S_IFREG, 0);

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
	/* mlockall(MCL_FUTURE [| MCL_ONFAULT]), once every map is made. */
	cur->def_flags = (cur->def_flags & ~CPT_VM_LOCK_BITS) |
			 (m->def_flags & CPT_VM_LOCK_BITS);
	BUILD_BUG_ON(sizeof(cur->saved_auxv) > sizeof(m->saved_auxv));
	memcpy(cur->saved_auxv, m->saved_auxv, sizeof(cur->saved_auxv));
	/*
	 * /proc/PID/auxv reads up to the first AT_NULL: end the array with
	 * one whatever the image says, as prctl(PR_SET_MM_AUXV) does.  The
	 * image's AT_NULL (checked) may lie beyond this kernel's array.
	 */
	cur->saved_auxv[AT_VECTOR_SIZE - 2] = AT_NULL;
	cur->saved_auxv[AT_VECTOR_SIZE - 1] = AT_NULL;
	mmap_write_unlock(cur);
	/* What set_dumpable() does; it is not exported. */
	set_mask_bits(&cur->flags, MMF_DUMPABLE_MASK,
		      m->dumpable <= SUID_DUMP_ROOT ? m->dumpable
						    : SUID_DUMP_DISABLE);
	get_task_struct(current);
	mm->owner = current;
	return 0;
}

/* The dump's test (cpt_memlock_permitted()), with the image's limit. */
static int mm_rst_memlock(struct rst_task *rt, struct rst_mm *mm)
{
	u64 locked = 0, limit = rlimit(RLIMIT_MEMLOCK);
	u32 i;

	for (i = 0; i < mm->nr_vmas; i++) {
		const struct cpt_vma *v = &mm->vmas[i].v;

		if (rst_lock_bits(v) & VM_LOCKED)
			locked += v->end - v->start;
	}
	if (cpt_memlock_permitted(rst_ve_capable(rt->img, CAP_IPC_LOCK),
				  locked, limit))
		return 0;
	cpt_err(rt->img->ctx, "process %u (%s) keeps %llu bytes of memory locked, above its RLIMIT_MEMLOCK (%llu), and the VE lacks CAP_IPC_LOCK",
		rt->t.pid, rt->t.comm, locked, limit);
	return -EPERM;
}

int mm_rst_build(struct rst_task *rt)
{
	struct mm_rst *st = rst_state(rt->img, &cpt_res_mm);
	struct rst_mm *mm = &st->mms[rt->t.mm];
	int err;

	/* One process per mm (the checker makes sure; so do we, cheaply). */
	if (mm->owner)
		return -EINVAL;
	err = mm_rst_memlock(rt, mm);
	return err ? err : rst_restore_mm(rt->img, mm);
}

struct task_struct *mm_rst_owner(struct rst_image *img, u32 idx)
{
	struct mm_rst *st = rst_state(img, &cpt_res_mm);

	return idx < st->nr_mms ? st->mms[idx].owner : NULL;
}

/* Memory contents only go inside a map of that mm that holds page data. */
bool mm_rst_holds_pages(struct rst_image *img, u32 idx, u64 start, u64 len)
{
	struct mm_rst *st = rst_state(img, &cpt_res_mm);
	struct rst_mm *mm;
	u32 i;

	if (idx >= st->nr_mms || start + len < start)
		return false;
	mm = &st->mms[idx];
	for (i = 0; i < mm->nr_vmas; i++) {
		struct cpt_vma *v = &mm->vmas[i].v;

		if (start >= v->start && start + len <= v->end &&
		    (v->kind == CPT_VMA_ANON_PRIVATE ||
		     v->kind == CPT_VMA_ANON_SHARED ||
		     v->kind == CPT_VMA_FILE_PRIVATE))
			return true;
	}
	return false;
}

const struct cpt_resource cpt_res_mm = {
	.name		= "mm",
	.dump_size	= sizeof(struct mm_dump),
	.dump_release	= mm_dump_release,
	.rst_size	= sizeof(struct mm_rst),
	.parse		= mm_parse,
	.release	= mm_release,
};
