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
#include <linux/fs.h>
#include <linux/fs_struct.h>
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

static bool cpt_listed(struct cpt_dump *d, unsigned int upto,
		       struct task_struct *t)
{
	unsigned int i;

	for (i = 0; i < upto; i++)
		if (d->tasks[i] == t)
			return true;
	return false;
}

/*
 * All tasks of the VE, zombies included, ordered so that a task's real
 * parent and its thread group leader come before it.
 */
static int cpt_collect_tasks(struct cpt_dump *d)
{
	struct task_struct *g, *t;
	unsigned int n = 0, i, done, placed;

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

	/* Stable topological sort in place. */
	for (done = 0; done < d->nr_tasks; done += placed) {
		placed = 0;
		for (i = done; i < d->nr_tasks; i++) {
			struct task_struct *p = d->tasks[i], *parent, *leader;

			rcu_read_lock();
			parent = rcu_dereference(p->real_parent);
			leader = p->group_leader;
			rcu_read_unlock();
			if ((parent == p || !ve_owns_task(d->ve, parent) ||
			     cpt_listed(d, done, parent)) &&
			    (leader == p || cpt_listed(d, done, leader))) {
				swap(d->tasks[i], d->tasks[done + placed]);
				placed++;
			}
		}
		if (!placed) {
			cpt_err(d->ctx, "task tree of the VE is not a tree");
			return -EINVAL;
		}
	}
	return 0;
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
