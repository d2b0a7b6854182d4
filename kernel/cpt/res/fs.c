// SPDX-License-Identifier: GPL-2.0
/*
 * Root, working directory and umask of tasks (FS records), by path
 * relative to the VE's root.
 */
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"
#include "lib/objtab.h"

struct rst_fs {
	struct cpt_fs		f;
	char			*root;
	char			*cwd;
};

struct fs_rst {
	struct rst_fs		*fss;
	u32			nr;
};

/* --- checkpoint ------------------------------------------------------- */

/* Writes an FS record; returns its index. */
static int cpt_dump_fs(struct cpt_dump *d, struct cpt_objtab *fss,
		       struct fs_struct *fs)
{
	struct path root, pwd;
	struct cpt_fs f = {};
	const char *p;
	char *paths;
	int len, err;

	get_fs_root(fs, &root);
	get_fs_pwd(fs, &pwd);
	paths = kmalloc(2 * PATH_MAX, GFP_KERNEL);
	err = paths ? 0 : -ENOMEM;
	if (!err) {
		p = cpt_dump_path(d, &root, &len);
		err = PTR_ERR_OR_ZERO(p);
		if (!err) {
			memcpy(paths, p, len);
			f.root_len = len;
			p = cpt_dump_path(d, &pwd, &len);
			err = PTR_ERR_OR_ZERO(p);
		}
		if (!err) {
			memcpy(paths + f.root_len, p, len);
			f.cwd_len = len;
		} else {
			cpt_err(d->ctx, "root or working directory outside the VE");
		}
	}
	path_put(&root);
	path_put(&pwd);
	f.umask = fs->umask;
	if (!err)
		err = cpt_record_begin(&d->w, CPT_REC_FS, fss->nr,
				       sizeof(f) + f.root_len + f.cwd_len);
	if (!err)
		err = cpt_record_add(&d->w, &f, sizeof(f));
	if (!err)
		err = cpt_record_add(&d->w, paths, f.root_len + f.cwd_len);
	if (!err)
		err = cpt_record_end(&d->w);
	kfree(paths);
	return err ? err : cpt_obj_add(fss, fs);
}

/* Shared with another process (CLONE_FS), or a thread's own: refused. */
static const char *fs_sharing(struct cpt_dump *d, struct task_struct *tsk)
{
	unsigned int i;

	if (!thread_group_leader(tsk) && tsk->fs != tsk->group_leader->fs)
		return "a root/cwd of its own, not its process's";
	for (i = 0; i < d->nr_tasks && d->tasks[i] != tsk; i++) {
		struct task_struct *o = d->tasks[i];

		if (!o->exit_state && !same_thread_group(o, tsk) &&
		    o->fs == tsk->fs)
			return "a root/cwd shared with another process (CLONE_FS)";
	}
	return NULL;
}

int fs_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	struct cpt_objtab *fss = cpt_dump_state(d, &cpt_res_fs);
	struct task_struct *tsk = dt->tsk;
	const char *why;
	int idx;

	dt->rec.fs = CPT_NO_OBJ;
	if (dt->zombie || !tsk->fs)
		return 0;
	why = fs_sharing(d, tsk);
	if (why) {
		cpt_err(d->ctx, "task %d (%s) has %s: not supported yet",
			dt->pid, tsk->comm, why);
		return -EOPNOTSUPP;
	}
	idx = cpt_obj_find(fss, tsk->fs);
	if (idx < 0)
		idx = cpt_dump_fs(d, fss, tsk->fs);
	if (idx < 0)
		return idx;
	dt->rec.fs = idx;
	return 0;
}

static void fs_dump_release(struct cpt_dump *d, void *state)
{
	cpt_obj_free(state);
}

/* --- restore -------------------------------------------------------- */

static int fs_parse(struct rst_image *img, void *state,
		    const struct cpt_rec_view *v)
{
	struct fs_rst *st = state;
	struct rst_fs *fs;
	int err;

	err = cpt_grow((void **)&st->fss, st->nr, sizeof(*st->fss));
	if (err)
		return err;
	fs = &st->fss[st->nr++];
	fs->f = v->u.cpt_fs;
	/* root, then cwd, at the end of the payload */
	fs->root = kmemdup_nul(v->var, fs->f.root_len, GFP_KERNEL);
	fs->cwd = kmemdup_nul(v->var + fs->f.root_len, fs->f.cwd_len,
			      GFP_KERNEL);
	return fs->root && fs->cwd ? 0 : -ENOMEM;
}

static void fs_release(struct rst_image *img, void *state)
{
	struct fs_rst *st = state;
	u32 i;

	for (i = 0; i < st->nr; i++) {
		kfree(st->fss[i].root);
		kfree(st->fss[i].cwd);
	}
	kvfree(st->fss);
}

static int rst_lookup_dir(struct rst_image *img, const char *name,
			  struct path *path)
{
	int err = kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, path);

	if (err)
		cpt_err(img->ctx, "directory %s: %d", name, err);
	return err;
}

int fs_rst_build(struct rst_task *rt)
{
	struct fs_rst *st = rst_state(rt->img, &cpt_res_fs);
	struct rst_fs *fs = &st->fss[rt->t.fs];
	struct rst_image *img = rt->img;
	struct path root, pwd;
	int err;

	/* cwd first: it is looked up from the root the task has now. */
	err = rst_lookup_dir(img, fs->cwd, &pwd);
	if (err)
		return err;
	err = rst_lookup_dir(img, fs->root, &root);
	if (err) {
		path_put(&pwd);
		return err;
	}
	set_fs_pwd(current->fs, &pwd);
	set_fs_root(current->fs, &root);
	path_put(&pwd);
	path_put(&root);
	current->fs->umask = fs->f.umask;
	return 0;
}

const struct cpt_resource cpt_res_fs = {
	.name		= "fs",
	.dump_size	= sizeof(struct cpt_objtab),
	.dump_release	= fs_dump_release,
	.rst_size	= sizeof(struct fs_rst),
	.parse		= fs_parse,
	.release	= fs_release,
};
