// SPDX-License-Identifier: GPL-2.0
/*
 * CPT_DUMP: write the image of a frozen VE.
 *
 * Order (every object before its users, memory last):
 *   header, VE, UTS,
 *   per task, parents before children:
 *     [MM + VMAs] [FILE... FILES + FDs] [FS] [SIGHAND]  (first user only)
 *     TASK, CREDS, REGS, XSAVE, SIGPENDING..., [SIGNAL for leaders]
 *   PAGES..., END
 * Anything the image cannot express yet makes the dump fail with an error
 * naming it; the VE stays frozen and vzctl resumes it.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/utsname.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/pid_namespace.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/timekeeping.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>

#include "dump.h"

int cpt_obj_find(const struct cpt_objtab *tab, const void *ptr)
{
	unsigned int i;

	for (i = 0; i < tab->nr; i++)
		if (tab->ptr[i] == ptr)
			return i;
	return -1;
}

int cpt_obj_add(struct cpt_objtab *tab, const void *ptr)
{
	if (tab->nr == tab->max) {
		unsigned int max = tab->max ? tab->max * 2 : 16;
		const void **p = krealloc_array(tab->ptr, max, sizeof(*p),
						GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		tab->ptr = p;
		tab->max = max;
	}
	tab->ptr[tab->nr] = ptr;
	return tab->nr++;
}

const char *cpt_ve_path(struct cpt_dump *d, const struct path *path, int *len)
{
	char *root, *p;
	int rootlen;

	/* The VE root's host path, then the object's; strip the prefix. */
	root = d_path(&d->ve_root, d->pathbuf, PATH_MAX);
	if (IS_ERR(root))
		return root;
	rootlen = strlen(root);
	if (rootlen == 1)
		rootlen = 0;	/* the VE's root is the host's */
	memmove(d->pathbuf + PATH_MAX, root, rootlen);
	p = d_path(path, d->pathbuf, PATH_MAX);
	if (IS_ERR(p))
		return p;
	if (strncmp(p, d->pathbuf + PATH_MAX, rootlen) ||
	    (p[rootlen] != '/' && p[rootlen] != '\0'))
		return ERR_PTR(-EXDEV);	/* outside the VE's root */
	p += rootlen;
	if (!*p)
		p = "/";
	*len = strlen(p);
	return p;
}

long cpt_cpu_caps(void)
{
	long caps = 0;

	if (boot_cpu_has(X86_FEATURE_FXSR))
		caps |= CPT_CPU_FXSR;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		caps |= CPT_CPU_XSAVE;
	if (boot_cpu_has(X86_FEATURE_AVX))
		caps |= CPT_CPU_AVX;
	if (boot_cpu_has(X86_FEATURE_AVX512F))
		caps |= CPT_CPU_AVX512;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		caps |= CPT_CPU_FSGSBASE;
	return caps;
}
EXPORT_SYMBOL_GPL(cpt_cpu_caps);

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

static int cpt_dump_uts(struct cpt_dump *d)
{
	struct new_utsname *n = &d->ve->ns->uts_ns->name;
	struct cpt_uts u = {};

	/*
	 * No uts_sem (not exported): the VE is frozen, and a torn name from
	 * a concurrent host-side change is fixed by the NUL terminators.
	 */
	memcpy(u.sysname, n->sysname, sizeof(u.sysname));
	memcpy(u.nodename, n->nodename, sizeof(u.nodename));
	memcpy(u.release, n->release, sizeof(u.release));
	memcpy(u.version, n->version, sizeof(u.version));
	memcpy(u.machine, n->machine, sizeof(u.machine));
	memcpy(u.domainname, n->domainname, sizeof(u.domainname));
	u.sysname[64] = '\0';
	u.nodename[64] = '\0';
	u.release[64] = '\0';
	u.version[64] = '\0';
	u.machine[64] = '\0';
	u.domainname[64] = '\0';
	return cpt_write_record(&d->w, CPT_REC_UTS, 0, &u, sizeof(u));
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

	/* Stable topological sort in place: O(n^2), n is small. */
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

static void cpt_dump_free(struct cpt_dump *d)
{
	unsigned int i;

	for (i = 0; i < d->nr_tasks; i++)
		put_task_struct(d->tasks[i]);
	kvfree(d->tasks);
	cpt_dump_put_mms(d);
	kfree(d->mms.ptr);
	kfree(d->files.ptr);
	kfree(d->fss.ptr);
	kfree(d->sighands.ptr);
	kfree(d->filps.ptr);
	kfree(d->shmems.ptr);
	kfree(d->pathbuf);
	path_put(&d->ve_root);
	cpt_writer_destroy(&d->w);
}

/* ipc/util.h: the index of each kind in ipc_namespace.ids[] */
#define CPT_IPC_SEM_IDS	0
#define CPT_IPC_MSG_IDS	1
#define CPT_IPC_SHM_IDS	2

/*
 * SysV IPC objects and POSIX message queues live in the VE's IPC
 * namespace, not in any task: without this check they would be lost
 * without a word.  The image cannot hold them yet.
 */
static int cpt_check_ipc(struct cpt_dump *d)
{
	struct ipc_namespace *ipc = d->ve->ns->ipc_ns;
	int sem = READ_ONCE(ipc->ids[CPT_IPC_SEM_IDS].in_use);
	int msg = READ_ONCE(ipc->ids[CPT_IPC_MSG_IDS].in_use);
	int shm = READ_ONCE(ipc->ids[CPT_IPC_SHM_IDS].in_use);
	unsigned int mq = READ_ONCE(ipc->mq_queues_count);

	if (!sem && !msg && !shm && !mq)
		return 0;
	cpt_err(d->ctx, "VE %u has IPC objects: %d SysV semaphore sets, %d message queues, %d shared memory segments, %u POSIX message queues: not supported yet",
		d->ve->veid, sem, msg, shm, mq);
	return -EOPNOTSUPP;
}

int cpt_dump_ve(struct cpt_context *ctx)
{
	struct cpt_dump *d;
	struct cpt_ve v = {};
	unsigned int i;
	int err;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->ctx = ctx;
	d->ve = ctx->ve;
	d->pathbuf = kmalloc(2 * PATH_MAX, GFP_KERNEL);
	err = cpt_writer_init(&d->w, ctx->dump_file);
	if (err || !d->pathbuf) {
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
		err = cpt_check_ipc(d);
	if (err)
		goto out;

	err = cpt_dump_header(d);
	v.veid = d->ve->veid;
	v.nr_tasks = d->nr_tasks;
	v.start_boottime_ns = d->ve->start_boottime;
	if (!err)
		err = cpt_write_record(&d->w, CPT_REC_VE, 0, &v, sizeof(v));
	if (!err)
		err = cpt_dump_uts(d);
	for (i = 0; !err && i < d->nr_tasks; i++)
		err = cpt_dump_task(d, d->tasks[i]);
	if (!err)
		err = cpt_dump_pages(d);
	if (!err)
		err = cpt_writer_finish(&d->w);
	if (err && d->w.error)
		cpt_err(ctx, "writing the dump failed: %d", d->w.error);
	else if (!err)
		pr_info("CPT: VE %u dumped: %u tasks, %llu records, %lld bytes\n",
			d->ve->veid, d->nr_tasks, d->w.nr_records, d->w.pos);
out:
	cpt_dump_free(d);
	kfree(d);
	return err;
}
