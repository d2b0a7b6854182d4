// SPDX-License-Identifier: GPL-2.0
/*
 * CPT_DUMP: the driver that writes the image of a frozen VE.
 *
 * It knows no kind of object: it writes the image header, lists the VE's
 * tasks parents first, and walks the dump steps of cpt_steps[]
 * (resources.c, which also says why they come in that order): VE-wide
 * state, then every task, then memory contents, then END.  Anything the
 * image cannot express makes a step fail with an error naming it; the VE
 * stays frozen and vzctl resumes it.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/hash.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/pid_namespace.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/ve.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "lib/cpucaps.h"

void *cpt_dump_state(struct cpt_dump *d, const struct cpt_resource *res)
{
	return d->state[cpt_resource_slot(res)];
}

/*
 * vzctl drops what a VE may not have from its init's bounding set
 * before anything of the VE runs (Documentation/ve-api.rst,
 * "Containment"), so no task of the VE can ever have held a capability
 * outside that set: it is the VE's capability mask.
 */
bool cpt_ve_capable(struct cpt_dump *d, int cap)
{
	bool ret;

	rcu_read_lock();
	ret = cap_raised(__task_cred(d->ve->init_task)->cap_bset, cap);
	rcu_read_unlock();
	return ret;
}

static int cpt_dump_header(struct cpt_dump *d)
{
	struct cpt_image_header h = {
		.version = CPT_IMAGE_VERSION,
		.arch = CPT_ARCH_X86_64,
		.page_size = PAGE_SIZE,
		.hz = HZ,
		.veid = d->ve->veid,
		.cpu_caps = cpt_cpu_caps(),
		.realtime_ns = ktime_get_real_ns(),
		.monotonic_ns = ktime_get_ns(),
		.boottime_ns = ktime_get_boottime_ns(),
	};

	memcpy(h.magic, CPT_IMAGE_MAGIC, CPT_IMAGE_MAGIC_LEN);
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		h.xfeatures = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	return cpt_write_header(&d->w, &h);
}

/* Index of every listed task by its task_struct, for the sort. */
struct cpt_task_map {
	struct task_struct	**key;
	unsigned int		*idx;
	unsigned int		mask;
};

static unsigned int cpt_map_slot(const struct cpt_task_map *m,
				 const struct task_struct *t)
{
	unsigned int h = hash_ptr(t, 32) & m->mask;

	while (m->key[h] && m->key[h] != t)
		h = (h + 1) & m->mask;
	return h;
}

/* The index of @t among the listed tasks, or -1. */
static int cpt_map_find(const struct cpt_task_map *m,
			const struct task_struct *t)
{
	unsigned int h = cpt_map_slot(m, t);

	return m->key[h] ? (int)m->idx[h] : -1;
}

/*
 * Order the tasks so that a task's real parent (if in the VE) and its
 * thread group leader come before it: a topological sort (Kahn's),
 * linear in the number of tasks, so that a VE of a long chain of
 * processes cannot hold the dump (and the VE frozen) for long.
 */
static int cpt_sort_tasks(struct cpt_dump *d)
{
	unsigned int n = d->nr_tasks, size = 16, i, k, head = 0, tail = 0;
	struct task_struct **sorted = NULL;
	struct cpt_task_map map = {};
	int *dep = NULL, *deg = NULL, *first = NULL, *next = NULL;
	int err = -ENOMEM;

	while (size < 2 * n)
		size *= 2;
	map.mask = size - 1;
	map.key = kvcalloc(size, sizeof(*map.key), GFP_KERNEL);
	map.idx = kvcalloc(size, sizeof(*map.idx), GFP_KERNEL);
	dep = kvcalloc(2 * n, sizeof(*dep), GFP_KERNEL);	/* parent, leader */
	deg = kvcalloc(n, sizeof(*deg), GFP_KERNEL);
	first = kvcalloc(n, sizeof(*first), GFP_KERNEL);	/* dependents */
	next = kvcalloc(2 * n, sizeof(*next), GFP_KERNEL);
	sorted = kvcalloc(n, sizeof(*sorted), GFP_KERNEL);
	if (!map.key || !map.idx || !dep || !deg || !first || !next || !sorted)
		goto out;
	for (i = 0; i < n; i++) {
		k = cpt_map_slot(&map, d->tasks[i]);
		map.key[k] = d->tasks[i];
		map.idx[k] = i;
	}
	err = 0;
	rcu_read_lock();
	for (i = 0; i < n && !err; i++) {
		struct task_struct *p = d->tasks[i];
		struct task_struct *parent = rcu_dereference(p->real_parent);
		bool parent_in = parent != p && ve_owns_task(d->ve, parent);

		dep[2 * i] = parent_in ? cpt_map_find(&map, parent) : -1;
		dep[2 * i + 1] = p->group_leader == p ? -1 :
				 cpt_map_find(&map, p->group_leader);
		/* A parent or leader in the VE that was not listed: gone. */
		if ((parent_in && dep[2 * i] < 0) ||
		    (p->group_leader != p && dep[2 * i + 1] < 0))
			err = -EINVAL;
	}
	rcu_read_unlock();
	if (err) {
		cpt_err(d->ctx, "task tree of the VE changed while frozen");
		goto out;
	}
	for (i = 0; i < n; i++)
		first[i] = -1;
	for (i = 0; i < 2 * n; i++) {
		if (dep[i] < 0)
			continue;
		deg[i / 2]++;
		next[i] = first[dep[i]];
		first[dep[i]] = i;
	}
	for (i = 0; i < n; i++)
		if (!deg[i])
			sorted[tail++] = d->tasks[i];
	while (head < tail) {
		int t = cpt_map_find(&map, sorted[head++]), e;

		for (e = first[t]; e >= 0; e = next[e])
			if (!--deg[e / 2])
				sorted[tail++] = d->tasks[e / 2];
		if (!(head % 1024))
			cond_resched();
	}
	if (tail != n) {
		cpt_err(d->ctx, "task tree of the VE is not a tree");
		err = -EINVAL;
		goto out;
	}
	memcpy(d->tasks, sorted, n * sizeof(*sorted));
out:
	kvfree(map.key);
	kvfree(map.idx);
	kvfree(dep);
	kvfree(deg);
	kvfree(first);
	kvfree(next);
	kvfree(sorted);
	return err;
}

/*
 * All tasks of the VE, zombies included, ordered so that a task's real
 * parent and its thread group leader come before it.
 */
static int cpt_collect_tasks(struct cpt_dump *d)
{
	struct task_struct *g, *t;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process_thread(g, t)
		if (ve_owns_task(d->ve, t))
			n++;
	rcu_read_unlock();
	if (n > CPT_MAX_TASKS) {
		cpt_err(d->ctx, "%u tasks, more than the image allows (%u)",
			n, CPT_MAX_TASKS);
		return -E2BIG;
	}
	/* Frozen tasks cannot fork; allow for exiting ones only. */
	d->tasks = kvcalloc(n, sizeof(*d->tasks), GFP_KERNEL);
	if (!d->tasks)
		return -ENOMEM;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (!ve_owns_task(d->ve, t) || d->nr_tasks == n)
			continue;
		get_task_struct(t);
		d->tasks[d->nr_tasks++] = t;
	}
	rcu_read_unlock();

	return cpt_sort_tasks(d);
}

/* Does per-task step @s apply to @dt? */
static bool cpt_step_applies(const struct cpt_step *s,
			     const struct cpt_dump_task *dt)
{
	switch (s->who) {
	case CPT_LIVE:
		return !dt->zombie;
	case CPT_LEADER:
		return !dt->zombie && thread_group_leader(dt->tsk);
	}
	return true;
}

static int cpt_dump_one_task(struct cpt_dump *d, struct task_struct *tsk)
{
	struct cpt_dump_task *dt;
	unsigned int i;
	int err = 0;

	dt = kzalloc(sizeof(*dt), GFP_KERNEL);
	if (!dt)
		return -ENOMEM;
	dt->tsk = tsk;
	dt->pid = task_pid_nr_ns(tsk, d->ve->pid_ns);
	dt->zombie = tsk->exit_state != 0;
	for (i = 0; !err && i < cpt_nr_steps; i++) {
		const struct cpt_step *s = &cpt_steps[i];

		if (s->phase == CPT_DUMP_TASK && cpt_step_applies(s, dt))
			err = s->dump_task(d, dt);
	}
	kfree(dt);
	return err;
}

static int cpt_dump_walk(struct cpt_dump *d)
{
	unsigned int i, t;
	int err = 0;

	for (i = 0; !err && i < cpt_nr_steps; i++)
		if (cpt_steps[i].phase == CPT_DUMP_VE)
			err = cpt_steps[i].dump_ve(d);
	for (t = 0; !err && t < d->nr_tasks; t++)
		err = cpt_dump_one_task(d, d->tasks[t]);
	for (i = 0; !err && i < cpt_nr_steps; i++)
		if (cpt_steps[i].phase == CPT_DUMP_LATE)
			err = cpt_steps[i].dump_ve(d);
	for (i = 0; !err && i < cpt_nr_steps; i++)
		if (cpt_steps[i].phase == CPT_DUMP_CONTENTS)
			err = cpt_steps[i].dump_ve(d);
	return err;
}

static int cpt_dump_alloc_state(struct cpt_dump *d)
{
	unsigned int i;

	d->state = kcalloc(cpt_nr_resources, sizeof(*d->state), GFP_KERNEL);
	if (!d->state)
		return -ENOMEM;
	for (i = 0; i < cpt_nr_resources; i++) {
		if (!cpt_resources[i]->dump_size)
			continue;
		d->state[i] = kzalloc(cpt_resources[i]->dump_size, GFP_KERNEL);
		if (!d->state[i])
			return -ENOMEM;
	}
	return 0;
}

static void cpt_dump_free(struct cpt_dump *d)
{
	unsigned int i;

	for (i = 0; d->state && i < cpt_nr_resources; i++) {
		if (d->state[i] && cpt_resources[i]->dump_release)
			cpt_resources[i]->dump_release(d, d->state[i]);
		kfree(d->state[i]);
	}
	kfree(d->state);
	for (i = 0; i < d->nr_tasks; i++)
		put_task_struct(d->tasks[i]);
	kvfree(d->tasks);
	kfree(d->pathbuf);
	path_put(&d->ve_root);
	cpt_writer_destroy(&d->w);
	kfree(d);
}

int cpt_dump_ve(struct cpt_context *ctx)
{
	struct cpt_dump *d;
	int err;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->ctx = ctx;
	d->ve = ctx->ve;
	d->pathbuf = kmalloc(2 * PATH_MAX, GFP_KERNEL);
	err = cpt_writer_init(&d->w, ctx->dump_file);
	if (err || !d->pathbuf || cpt_dump_alloc_state(d)) {
		err = -ENOMEM;
		goto out;
	}
	task_lock(d->ve->init_task);
	if (d->ve->init_task->fs)
		get_fs_root(d->ve->init_task->fs, &d->ve_root);
	task_unlock(d->ve->init_task);
	if (!d->ve_root.mnt) {
		err = -ESRCH;
		goto out;
	}

	err = cpt_collect_tasks(d);
	if (!err)
		err = cpt_dump_header(d);
	if (!err)
		err = cpt_dump_walk(d);
	if (!err)
		err = cpt_writer_finish(&d->w);
	if (err && d->w.error)
		cpt_err(ctx, "writing the dump failed: %d", d->w.error);
	else if (!err)
		pr_info("CPT: VE %u dumped: %u tasks, %llu records, %lld bytes\n",
			d->ve->veid, d->nr_tasks, d->w.nr_records, d->w.pos);
out:
	cpt_dump_free(d);
	return err;
}
