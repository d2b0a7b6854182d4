// SPDX-License-Identifier: GPL-2.0
/*
 * Credentials (CREDS records): uids, gids, supplementary groups,
 * capability sets and securebits of each task, in the initial user
 * namespace (VEs share it).
 */
#include <linux/cred.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/securebits.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

struct rst_creds {
	struct cpt_creds	creds;
	u32			*groups;
};

struct creds_rst {
	struct rst_creds	*by_task;
};

static u64 cpt_cap(kernel_cap_t c)
{
	return c.cap[0] | ((u64)c.cap[1] << 32);
}

int creds_dump(struct cpt_dump *d, struct cpt_dump_task *dt)
{
	const struct cred *c = get_task_cred(dt->tsk);
	struct group_info *gi = c->group_info;
	struct cpt_creds *cr;
	u32 *gids, len, i;
	int err;

	len = sizeof(*cr) + gi->ngroups * sizeof(u32);
	if (len > CPT_REC_MAX_LEN) {
		put_cred(c);
		return -E2BIG;
	}
	cr = kzalloc(len, GFP_KERNEL);
	if (!cr) {
		put_cred(c);
		return -ENOMEM;
	}
	cr->uid = from_kuid_munged(&init_user_ns, c->uid);
	cr->euid = from_kuid_munged(&init_user_ns, c->euid);
	cr->suid = from_kuid_munged(&init_user_ns, c->suid);
	cr->fsuid = from_kuid_munged(&init_user_ns, c->fsuid);
	cr->gid = from_kgid_munged(&init_user_ns, c->gid);
	cr->egid = from_kgid_munged(&init_user_ns, c->egid);
	cr->sgid = from_kgid_munged(&init_user_ns, c->sgid);
	cr->fsgid = from_kgid_munged(&init_user_ns, c->fsgid);
	cr->cap_inheritable = cpt_cap(c->cap_inheritable);
	cr->cap_permitted = cpt_cap(c->cap_permitted);
	cr->cap_effective = cpt_cap(c->cap_effective);
	cr->cap_bset = cpt_cap(c->cap_bset);
	cr->cap_ambient = cpt_cap(c->cap_ambient);
	cr->securebits = c->securebits;
	cr->ngroups = gi->ngroups;
	gids = (u32 *)(cr + 1);
	for (i = 0; i < gi->ngroups; i++)
		gids[i] = from_kgid_munged(&init_user_ns, gi->gid[i]);
	put_cred(c);
	err = cpt_write_record(&d->w, CPT_REC_CREDS, 0, cr, len);
	kfree(cr);
	return err;
}

static int creds_parse(struct rst_image *img, void *state,
		       const struct cpt_rec_view *v)
{
	struct creds_rst *st = state;
	struct rst_creds *c;

	if (!st->by_task) {
		st->by_task = kvcalloc(img->rd.ck.ve.nr_tasks,
				       sizeof(*st->by_task), GFP_KERNEL);
		if (!st->by_task)
			return -ENOMEM;
	}
	/* Once per task; ngroups 4-byte gids follow (all checked). */
	c = &st->by_task[v->task];
	c->creds = v->u.cpt_creds;
	c->groups = kvmalloc(max_t(u64, v->var_len, 1), GFP_KERNEL);
	if (!c->groups)
		return -ENOMEM;
	memcpy(c->groups, v->var, v->var_len);
	return 0;
}

static void creds_release(struct rst_image *img, void *state)
{
	struct creds_rst *st = state;
	u32 i;

	for (i = 0; st->by_task && i < img->rd.ck.ve.nr_tasks; i++)
		kvfree(st->by_task[i].groups);
	kvfree(st->by_task);
}

static kernel_cap_t rst_cap(u64 v)
{
	kernel_cap_t c;

	c.cap[0] = (u32)v;
	c.cap[1] = (u32)(v >> 32) & CAP_LAST_U32_VALID_MASK;
	return c;
}

/*
 * The user the task is counted for: as setresuid() does it (set_user(),
 * set_cred_ucounts()), so that RLIMIT_NPROC and every per-user counter
 * count the task for its own user, not for root who restored it.
 */
static int creds_set_user(struct cred *new)
{
	struct user_struct *user;

	if (!uid_eq(new->uid, new->user->uid)) {
		user = alloc_uid(new->uid);
		if (!user)
			return -EAGAIN;
		free_uid(new->user);
		new->user = user;
	}
	return set_cred_ucounts(new);
}

int creds_rst_build(struct rst_task *rt)
{
	struct creds_rst *st = rst_state(rt->img, &cpt_res_creds);
	struct cpt_creds *c = &st->by_task[rt->idx].creds;
	u32 *groups = st->by_task[rt->idx].groups;
	struct group_info *gi;
	struct cred *new;
	u32 i;
	int err;

	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	new->uid = make_kuid(&init_user_ns, c->uid);
	new->euid = make_kuid(&init_user_ns, c->euid);
	new->suid = make_kuid(&init_user_ns, c->suid);
	new->fsuid = make_kuid(&init_user_ns, c->fsuid);
	new->gid = make_kgid(&init_user_ns, c->gid);
	new->egid = make_kgid(&init_user_ns, c->egid);
	new->sgid = make_kgid(&init_user_ns, c->sgid);
	new->fsgid = make_kgid(&init_user_ns, c->fsgid);
	if (!uid_valid(new->uid) || !uid_valid(new->euid) ||
	    !uid_valid(new->suid) || !uid_valid(new->fsuid) ||
	    !gid_valid(new->gid) || !gid_valid(new->egid) ||
	    !gid_valid(new->sgid) || !gid_valid(new->fsgid))
		goto inval;
	new->cap_inheritable = rst_cap(c->cap_inheritable);
	new->cap_permitted = rst_cap(c->cap_permitted);
	new->cap_effective = rst_cap(c->cap_effective);
	new->cap_bset = rst_cap(c->cap_bset);
	new->cap_ambient = rst_cap(c->cap_ambient);
	if (c->securebits & ~SECURE_ALL_BITS & ~SECURE_ALL_LOCKS)
		goto inval;
	new->securebits = c->securebits;

	gi = groups_alloc(c->ngroups);
	if (!gi) {
		abort_creds(new);
		return -ENOMEM;
	}
	for (i = 0; i < c->ngroups; i++) {
		gi->gid[i] = make_kgid(&init_user_ns, groups[i]);
		if (!gid_valid(gi->gid[i])) {
			put_group_info(gi);
			goto inval;
		}
	}
	groups_sort(gi);
	set_groups(new, gi);
	put_group_info(gi);
	err = creds_set_user(new);
	if (err) {
		abort_creds(new);
		return err;
	}
	return commit_creds(new);
inval:
	abort_creds(new);
	return -EINVAL;
}

const struct cpt_resource cpt_res_creds = {
	.name		= "creds",
	.rst_size	= sizeof(struct creds_rst),
	.parse		= creds_parse,
	.release	= creds_release,
};
