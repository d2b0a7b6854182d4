// SPDX-License-Identifier: GPL-2.0
/*
 * Memory contents (PAGES records), after everything else in the image.
 *
 * Which pages: anonymous private memory (heap, stack, anonymous maps),
 * the copied-on-write pages of private file maps, and shared anonymous
 * (shmem) memory.  Pages never touched are not written, nor are pages of
 * shared file maps, whose contents are the file's.  They are found
 * without faulting anything in (the page tables of private maps, the
 * shmem object's cache of shared ones), so what the dump costs is what
 * the VE wrote, not the size of its maps: a VE cannot make a checkpoint
 * allocate or read a terabyte by mapping one.
 *
 * On restore the VE's init writes them, once every task is parked and
 * its maps exist (mm.c), through access_process_vm(), and only inside
 * maps of that mm that the image declared and that hold page data.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/pagewalk.h>
#include <linux/sched/mm.h>
#include <linux/xarray.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

#define CPT_PAGES_PER_REC	(CPT_REC_MAX_LEN / PAGE_SIZE - 1)

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

/*
 * Pages at consecutive addresses of one map, written as one record.  A
 * run is collected with the address space's mmap_lock held and written
 * after it is dropped: writing the dump file takes the file system's
 * freeze protection, which ranks above mmap_lock (a write faults its
 * source in with sb_writers held), so writing under mmap_lock could
 * deadlock; lockdep on the debug kernel said so.
 */
struct page_run {
	struct cpt_dump		*d;
	u32			mm_idx;
	unsigned long		start;
	unsigned int		nr;
	struct page		**pages;	/* CPT_PAGES_PER_REC, referenced */
};

static int run_flush(struct page_run *r)
{
	unsigned int i;
	int err;

	if (!r->nr)
		return 0;
	err = cpt_write_run(r->d, r->mm_idx, r->start, r->pages, r->nr);
	for (i = 0; i < r->nr; i++)
		put_page(r->pages[i]);
	r->nr = 0;
	return err;
}

/* Can the run take the page at @addr, or must it be written first? */
static bool run_fits(const struct page_run *r, unsigned long addr)
{
	return !r->nr || (r->start + r->nr * PAGE_SIZE == addr &&
			  r->nr < CPT_PAGES_PER_REC);
}

/* Takes over the reference to @page; run_fits() said yes. */
static void run_add(struct page_run *r, unsigned long addr, struct page *page)
{
	if (!r->nr)
		r->start = addr;
	r->pages[r->nr++] = page;
}

/*
 * What the collectors return: 0 when a map is done, RUN_FULL with
 * *@next set when the run must be written before @next can go in, or a
 * negative errno.
 */
#define RUN_FULL	1

/*
 * The page at @addr, if it has data: through get_user_pages, which
 * brings a swapped-out page back.  FOLL_DUMP makes a hole or the zero
 * page an -EFAULT, which is nothing to write; any other failure fails
 * the dump rather than lose the page.
 */
static int dump_one(struct page_run *r, struct mm_struct *mm,
		    unsigned long addr, bool anon_only, unsigned long *next)
{
	struct page *page = NULL;
	long got;

	if (!run_fits(r, addr)) {
		*next = addr;
		return RUN_FULL;
	}
	got = get_user_pages_remote(mm, addr, 1, FOLL_DUMP | FOLL_FORCE,
				    &page, NULL, NULL);
	if (got == -EFAULT || got == 0)
		return 0;
	if (got < 0)
		return (int)got;
	if (anon_only && !PageAnon(page)) {
		put_page(page);
		return 0;
	}
	run_add(r, addr, page);
	return 0;
}

/*
 * Addresses of a private map that have a page table entry (a page, or a
 * swap entry), found without faulting anything in: an untouched part of
 * a map costs nothing, however large.  The walk stops when the batch is
 * full and goes on from @resume.
 */
#define CPT_WALK_BATCH	1024

struct present_addrs {
	unsigned int	n;
	unsigned long	resume;
	unsigned long	addr[CPT_WALK_BATCH];
};

static int present_pte(pte_t *pte, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	struct present_addrs *p = walk->private;

	if (pte_none(*pte))
		return 0;
	if (p->n == CPT_WALK_BATCH) {
		p->resume = addr;
		return 1;
	}
	p->addr[p->n++] = addr;
	return 0;
}

/* A huge page: every address of it (and no split into small ones). */
static int present_pmd(pmd_t *pmd, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	struct present_addrs *p = walk->private;

	if (!pmd_trans_huge(*pmd))
		return 0;
	walk->action = ACTION_CONTINUE;
	if (p->n + (next - addr) / PAGE_SIZE > CPT_WALK_BATCH) {
		p->resume = addr;
		return 1;
	}
	for (; addr < next; addr += PAGE_SIZE)
		p->addr[p->n++] = addr;
	return 0;
}

static const struct mm_walk_ops present_ops = {
	.pmd_entry	= present_pmd,
	.pte_entry	= present_pte,
};

/*
 * A private map from *@next on: its anonymous pages (of a file map, the
 * copied ones).
 */
static int dump_private(struct page_run *r, struct mm_struct *mm,
			struct vm_area_struct *vma, struct present_addrs *p,
			unsigned long *next)
{
	bool anon_only = vma->vm_file;
	unsigned long start = max(*next, vma->vm_start);
	unsigned int i;
	int more, err;

	/* A file map nobody wrote to has no page of its own. */
	if (anon_only && !vma->anon_vma)
		return 0;
	do {
		p->n = 0;
		more = walk_page_range(mm, start, vma->vm_end, &present_ops, p);
		if (more < 0)
			return more;
		for (i = 0; i < p->n; i++) {
			err = dump_one(r, mm, p->addr[i], anon_only, next);
			if (err)
				return err;
		}
		start = p->resume;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	} while (more);
	return 0;
}

/*
 * The page at @idx of a shmem folio, if it has data: one not up to date
 * (from fallocate) reads as zeroes, nothing to write.
 */
static int dump_shmem_page(struct page_run *r, struct vm_area_struct *vma,
			   struct folio *folio, pgoff_t idx, unsigned long *next)
{
	unsigned long addr = vma->vm_start +
			     ((idx - vma->vm_pgoff) << PAGE_SHIFT);
	struct page *page;

	if (!folio_test_uptodate(folio))
		return 0;
	if (!run_fits(r, addr)) {
		*next = addr;
		return RUN_FULL;
	}
	page = folio_file_page(folio, idx);
	get_page(page);
	run_add(r, addr, page);
	return 0;
}

/*
 * The next entry at or after *@idx, up to @last, of a shmem object's
 * cache: a folio (referenced), or NULL with *@swapped set for a page on
 * swap, or NULL for none.  Holes are skipped by the xarray, at no cost.
 */
static struct folio *shmem_next(struct address_space *mapping, pgoff_t *idx,
				pgoff_t last, bool *swapped)
{
	XA_STATE(xas, &mapping->i_pages, *idx);
	struct folio *folio;

	*swapped = false;
	rcu_read_lock();
	for (;;) {
		folio = xas_find(&xas, last);
		if (xas_retry(&xas, folio))
			continue;
		if (!folio || xa_is_value(folio)) {
			*swapped = !!folio;
			folio = NULL;
			break;
		}
		if (!folio_try_get_rcu(folio)) {
			xas_reset(&xas);
			continue;
		}
		if (unlikely(folio != xas_reload(&xas))) {
			folio_put(folio);
			xas_reset(&xas);
			continue;
		}
		break;
	}
	*idx = xas.xa_index;
	rcu_read_unlock();
	return folio;
}

/*
 * Shared anonymous memory from *@next on: its pages are the shmem
 * object's, whichever process wrote them, so they are looked up there,
 * never allocated.  A page out on swap is brought back through the map.
 */
static int dump_shared(struct page_run *r, struct mm_struct *mm,
		       struct vm_area_struct *vma, unsigned long *next)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	pgoff_t first = vma->vm_pgoff, last = first + vma_pages(vma) - 1;
	pgoff_t idx = first, i, to;
	struct folio *folio;
	bool swapped;
	int err = 0;

	if (*next > vma->vm_start)
		idx += (*next - vma->vm_start) >> PAGE_SHIFT;
	while (!err && idx <= last) {
		folio = shmem_next(mapping, &idx, last, &swapped);
		if (!folio && !swapped)
			break;
		if (swapped) {
			err = dump_one(r, mm, vma->vm_start +
				       ((idx - first) << PAGE_SHIFT), false,
				       next);
			idx++;
		} else {
			to = min(folio->index + folio_nr_pages(folio) - 1, last);
			for (i = max(idx, folio->index); i <= to && !err; i++)
				err = dump_shmem_page(r, vma, folio, i, next);
			folio_put(folio);
			idx = to + 1;
		}
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		cond_resched();
	}
	return err;
}

/*
 * One run of @mm from *@next on, with mmap_lock held: RUN_FULL (write
 * it, then come back for *@next), 0 when the address space is done, or
 * a negative errno.
 */
static int collect_run(struct page_run *r, struct mm_struct *mm,
		       struct present_addrs *p, unsigned long *next)
{
	struct vm_area_struct *vma;
	int kind, err;

	VMA_ITERATOR(vmi, mm, *next);

	for_each_vma(vmi, vma) {
		kind = mm_vma_kind(vma);
		if (kind != CPT_VMA_ANON_PRIVATE && kind != CPT_VMA_FILE_PRIVATE &&
		    kind != CPT_VMA_ANON_SHARED)
			continue;
		/* A run never crosses a map: the restore checks each run. */
		if (r->nr) {
			*next = vma->vm_start;
			return RUN_FULL;
		}
		if (kind == CPT_VMA_ANON_SHARED)
			err = dump_shared(r, mm, vma, next);
		else
			err = dump_private(r, mm, vma, p, next);
		if (err)
			return err;
	}
	return 0;
}

static int cpt_dump_mm_pages(struct page_run *r, struct mm_struct *mm,
			     struct present_addrs *p)
{
	unsigned long next = 0;
	int more, err;

	if (!mmget_not_zero(mm))
		return 0;
	do {
		if (mmap_read_lock_killable(mm)) {
			err = -EINTR;
			break;
		}
		more = collect_run(r, mm, p, &next);
		mmap_read_unlock(mm);
		/* Written without mmap_lock (see struct page_run). */
		err = more < 0 ? more : run_flush(r);
	} while (!err && more == RUN_FULL);
	mmput(mm);
	return err;
}

int pages_dump(struct cpt_dump *d)
{
	unsigned int i, nr = mm_dump_count(d);
	struct present_addrs *p;
	struct page_run r = { .d = d };
	int err = 0;

	r.pages = kvcalloc(CPT_PAGES_PER_REC, sizeof(*r.pages), GFP_KERNEL);
	p = kvmalloc(sizeof(*p), GFP_KERNEL);
	if (!r.pages || !p) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nr && !err; i++) {
		r.mm_idx = i;
		err = cpt_dump_mm_pages(&r, mm_dump_get(d, i), p);
	}
	/* After a failure, the references of an unwritten run. */
	for (i = 0; i < r.nr; i++)
		put_page(r.pages[i]);
out:
	kvfree(p);
	kvfree(r.pages);
	return err;
}

static int pages_check(struct rst_image *img, void *state,
		       const struct cpt_rec_view *v)
{
	const struct cpt_pages *p = &v->u.cpt_pages;

	if (!mm_rst_holds_pages(img, p->mm, p->start, v->var_len)) {
		cpt_err(img->ctx, "memory contents at %llx outside the memory maps",
			p->start);
		return -EINVAL;
	}
	return 0;
}

static int pages_parse(struct rst_image *img, void *state,
		       const struct cpt_rec_view *v)
{
	const struct cpt_pages *p = &v->u.cpt_pages;
	struct task_struct *owner = mm_rst_owner(img, p->mm);
	int n;

	n = pages_check(img, state, v);
	if (n)
		return n;
	if (!owner) {
		cpt_err(img->ctx, "memory contents at %llx of an address space no task has",
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
	.check	= pages_check,
};
