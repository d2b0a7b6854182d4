// SPDX-License-Identifier: GPL-2.0
/*
 * Memory contents (PAGES records), after everything else in the image.
 *
 * Which pages: anonymous private memory (heap, stack, anonymous maps),
 * the copied-on-write pages of private file maps, and shared anonymous
 * (shmem) memory.  Pages never touched are not written, nor are pages of
 * shared file maps, whose contents are the file's.
 *
 * On restore the VE's init writes them, once every task is parked and
 * its maps exist (mm.c), through access_process_vm(), and only inside
 * maps of that mm that the image declared and that hold page data.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

#define CPT_PAGES_PER_REC	(CPT_REC_MAX_LEN / PAGE_SIZE - 1)

static bool cpt_vma_has_pages(struct vm_area_struct *vma)
{
	int kind = mm_vma_kind(vma);

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
		bool anon_only = vma->vm_file &&
				 mm_vma_kind(vma) != CPT_VMA_ANON_SHARED;

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

int pages_dump(struct cpt_dump *d)
{
	unsigned int i, nr = mm_dump_count(d);
	struct page **run;
	int err = 0;

	run = kvcalloc(CPT_PAGES_PER_REC, sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	for (i = 0; i < nr && !err; i++)
		err = cpt_dump_mm_pages(d, i, mm_dump_get(d, i), run);
	kvfree(run);
	return err;
}

static int pages_parse(struct rst_image *img, void *state,
		       const struct cpt_rec_view *v)
{
	const struct cpt_pages *p = &v->u.cpt_pages;
	struct task_struct *owner = mm_rst_owner(img, p->mm);
	int n;

	if (!owner || !mm_rst_holds_pages(img, p->mm, p->start, v->var_len)) {
		cpt_err(img->ctx, "memory contents at %llx outside the memory maps",
			p->start);
		return -EINVAL;
	}
	n = access_process_vm(owner, p->start, (void *)v->var, v->var_len,
			      FOLL_FORCE | FOLL_WRITE);
	if (n != v->var_len) {
		cpt_err(img->ctx, "cannot write memory at %llx", p->start);
		return -EFAULT;
	}
	return 0;
}

const struct cpt_resource cpt_res_pages = {
	.name	= "pages",
	.parse	= pages_parse,
};
