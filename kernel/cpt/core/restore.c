// SPDX-License-Identifier: GPL-2.0
/*
 * The restore driver: CPT_UNDUMP and CPT_RESUME.
 *
 * It knows no kind of object.  It reads the image up to the memory
 * contents, handing every record to its owner (cpt_record_owner()), so
 * that all of it is checked before any task exists; then, in the VE's
 * new init (a fresh pid 1 that vzctl set up with the VE's root and
 * mounts), it walks the restore steps of cpt_steps[] (resources.c says
 * why they come in that order): VE-wide ones, then the per-task build in
 * each task's own context.  Tasks rebuild themselves with the kernel's
 * own primitives: each creates its children with their old pids (a
 * step of task.c, through rst_spawn()), restores its memory, files,
 * credentials and signal state, and parks.  When every task is parked
 * the init feeds the memory contents to their owner.  CPT_RESUME (from
 * the host) then runs the resume steps on every parked task, the way a
 * debugger sets a stopped tracee's registers, and lets them go; on its
 * way back to user mode each task runs the last steps itself.
 */
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "core/context.h"
#include "core/resource.h"
#include "core/restore.h"

#define RST_BUILD_TIMEOUT	(120 * HZ)
#define RST_PARK_TIMEOUT	(10 * HZ)

void *rst_state(struct rst_image *img, const struct cpt_resource *res)
{
	return img->state[cpt_resource_slot(res)];
}

/* A record to the resource that owns it. */
static int rst_dispatch(struct rst_image *img, const struct cpt_rec_view *v)
{
	const struct cpt_resource *res = cpt_record_owner(v->h.type);

	if (!res->parse)
		return 0;
	return res->parse(img, rst_state(img, res), v);
}

/* A reader's failure, with its reason if it has one. */
static int rst_bad_image(struct rst_image *img, int err)
{
	const char *why = rst_reader_error(&img->rd);

	if (err && *why)
		cpt_err(img->ctx, "bad image: %s", why);
	return err;
}

static int rst_alloc_state(struct rst_image *img)
{
	unsigned int i;

	img->state = kcalloc(cpt_nr_resources, sizeof(*img->state),
			     GFP_KERNEL);
	if (!img->state)
		return -ENOMEM;
	for (i = 0; i < cpt_nr_resources; i++) {
		if (!cpt_resources[i]->rst_size)
			continue;
		img->state[i] = kzalloc(cpt_resources[i]->rst_size, GFP_KERNEL);
		if (!img->state[i])
			return -ENOMEM;
	}
	return 0;
}

struct rst_image *rst_image_read(struct cpt_context *ctx)
{
	struct rst_image *img;
	int err, n;

	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return ERR_PTR(-ENOMEM);
	/* Tasks of a failed undump may report after the ioctl returned. */
	refcount_inc(&ctx->refcount);
	img->ctx = ctx;
	refcount_set(&img->refcount, 1);
	init_waitqueue_head(&img->ready_wq);
	init_waitqueue_head(&img->resume_wq);
	img->next = kzalloc(sizeof(*img->next), GFP_KERNEL);
	err = rst_alloc_state(img);
	if (!err && !img->next)
		err = -ENOMEM;
	if (!err)
		err = rst_bad_image(img, rst_reader_init(&img->rd,
							 ctx->dump_file));
	while (!err) {
		n = rst_reader_next(&img->rd, img->next);
		if (n <= 0) {
			/* END always comes after the task state. */
			err = rst_bad_image(img, n ? n : -EINVAL);
			break;
		}
		if (img->rd.ck.metadata_done) {
			img->has_next = true;
			return img;
		}
		err = rst_dispatch(img, img->next);
	}
	rst_image_put(img);
	return ERR_PTR(err);
}

/*
 * The memory contents, and END: the record read ahead, then the rest of
 * the stream, each to its owner.  Nothing may follow END.
 */
static int rst_read_contents(struct rst_image *img)
{
	int err, n;

	if (!img->has_next)
		return -EINVAL;
	img->has_next = false;
	for (;;) {
		err = rst_dispatch(img, img->next);
		if (err)
			return err;
		n = rst_reader_next(&img->rd, img->next);
		if (n <= 0)
			return rst_bad_image(img, n);
	}
}

/*
 * CPT_TEST_IMAGE: the rest of the stream after rst_image_read(), each
 * record checked by its owner as far as that is possible without tasks.
 */
int rst_image_check_contents(struct rst_image *img)
{
	const struct cpt_resource *res;
	int err, n;

	if (!img->has_next)
		return -EINVAL;
	img->has_next = false;
	for (;;) {
		res = cpt_record_owner(img->next->h.type);
		if (res->check) {
			err = res->check(img, rst_state(img, res), img->next);
			if (err)
				return err;
		}
		n = rst_reader_next(&img->rd, img->next);
		if (n <= 0)
			return rst_bad_image(img, n);
	}
}

/*
 * One failure ends the restore: the first one wakes every task that waits
 * for something (its session turn, the coordinator), once.
 */
static void rst_failed(struct rst_task *rt, int err, const char *what)
{
	struct rst_image *img = rt->img;
	u32 i;

	cpt_err(img->ctx, "restoring task %u (%s): %s failed: %d",
		rt->t.pid, rt->t.comm, what, err);
	if (atomic_inc_return(&img->nr_failed) == 1)
		for (i = 0; i < img->nr_tasks; i++)
			complete_all(&img->tasks[i].sid_turn);
	wake_up_all(&img->ready_wq);
}

static bool rst_step_applies(const struct cpt_step *s,
			     const struct rst_task *rt)
{
	bool live = rt->t.state != CPT_TASK_ZOMBIE;

	switch (s->who) {
	case CPT_LIVE:
		return live;
	case CPT_LEADER:
		return live && rst_is_leader(rt);
	}
	return true;
}

/* The per-task steps of @phase that apply to @rt, with one error report. */
static int rst_walk_task(struct rst_task *rt, enum cpt_phase phase)
{
	unsigned int i;
	int err;

	for (i = 0; i < cpt_nr_steps; i++) {
		const struct cpt_step *s = &cpt_steps[i];

		if (s->phase != phase || !rst_step_applies(s, rt))
			continue;
		err = s->rst_task(rt);
		if (err) {
			rst_failed(rt, err, s->what);
			return err;
		}
	}
	return 0;
}

/* Everything a task restores in its own context, before it parks. */
static int rst_build_task(struct rst_task *rt)
{
	sigset_t all;

	/*
	 * Nothing may interrupt the rebuild: a pending signal would make
	 * creating a task fail, and one whose default action kills would
	 * end the process before its handlers are back.  Blocked, signals
	 * (from timers, children) just queue; the task's own mask is set
	 * last (signal.c).  SIGKILL, which aborts a restore, cannot be
	 * blocked.
	 */
	sigfillset(&all);
	set_current_blocked(&all);
	get_task_struct(current);
	rt->task = current;
	if (task_pid_vnr(current) != rt->t.pid) {
		rst_failed(rt, -EINVAL, "pid");
		return -EINVAL;
	}
	return rst_walk_task(rt, RST_BUILD);
}

/* The state a parked task sleeps in: killable, not counted as load. */
#define RST_PARK_STATE	(TASK_KILLABLE | TASK_NOLOAD)

/* Wait until the restore goes on, or the task is killed. */
static void rst_park(struct rst_task *rt)
{
	struct rst_image *img = rt->img;
	DEFINE_WAIT(wait);

	mutex_lock(&rt->park_lock);
	WRITE_ONCE(rt->parked, true);
	mutex_unlock(&rt->park_lock);
	atomic_inc(&img->nr_ready);
	wake_up_all(&img->ready_wq);
	for (;;) {
		prepare_to_wait(&img->resume_wq, &wait, RST_PARK_STATE);
		if (READ_ONCE(img->phase) != RST_BUILDING ||
		    fatal_signal_pending(current))
			break;
		schedule();
	}
	finish_wait(&img->resume_wq, &wait);
	/* Not before CPT_RESUME is done with this task, if it is at it. */
	mutex_lock(&rt->park_lock);
	WRITE_ONCE(rt->parked, false);
	mutex_unlock(&rt->park_lock);
}

static bool rst_resumed(struct rst_image *img)
{
	return READ_ONCE(img->phase) == RST_RESUMING &&
	       !fatal_signal_pending(current);
}

/*
 * Entry of every restored task but the init, in the new task.  It holds
 * an image reference and a module reference from rst_spawn() until it
 * dies or goes to user mode (the few instructions after module_put() are
 * safe as in cpt_park()).
 */
static int rst_task_fn(void *arg)
{
	struct rst_task *rt = arg;
	struct rst_image *img = rt->img;
	long code = SIGKILL;

	if (rst_build_task(rt))
		goto die;
	if (rt->t.state == CPT_TASK_ZOMBIE) {
		code = rt->t.exit_code;
		atomic_inc(&img->nr_ready);
		wake_up_all(&img->ready_wq);
		goto die;
	}
	rst_park(rt);
	if (!rst_resumed(img) || rst_walk_task(rt, RST_RUN))
		goto die;
	rst_image_put(img);
	module_put(THIS_MODULE);
	return 0;	/* ret_from_fork goes to user mode */
die:
	rst_image_put(img);
	module_put(THIS_MODULE);
	do_exit(code);
}

int rst_spawn(struct rst_task *child, u64 flags)
{
	pid_t tid = child->t.pid;
	struct kernel_clone_args args = {
		.flags = flags,
		.exit_signal = (flags & CLONE_THREAD) ? 0 : child->t.exit_signal,
		.set_tid = &tid,
		.set_tid_size = 1,
		.fn = rst_task_fn,
		.fn_arg = child,
	};
	pid_t nr;

	/* The child's, see rst_task_fn(). */
	refcount_inc(&child->img->refcount);
	__module_get(THIS_MODULE);
	nr = kernel_clone(&args);
	if (nr < 0) {
		module_put(THIS_MODULE);
		rst_image_put(child->img);
		cpt_err(child->img->ctx, "cannot create task %u (%s): %d",
			child->t.pid, child->t.comm, nr);
		return nr;
	}
	return 0;
}

static bool rst_all_built(struct rst_image *img)
{
	return atomic_read(&img->nr_ready) == img->nr_tasks - 1 ||
	       atomic_read(&img->nr_failed);
}

/**
 * rst_restore_tree - CPT_UNDUMP, in the VE's new init
 * @img: the image, read and checked up to its memory contents
 *
 * Returns with every other task parked (or an error, in which case the
 * caller exits and the VE dies with all it made).
 */
int rst_restore_tree(struct rst_image *img)
{
	struct rst_task *init = &img->tasks[0];
	unsigned int i;
	long left;
	int err;

	/*
	 * vzctl dropped what the VE may not have from our bounding set
	 * before CPT_UNDUMP (ve_init.c): no restored task may get what the
	 * VE could not have given itself.  Kept now, before the init takes
	 * the image's credentials.
	 */
	img->ve_caps = current_cred()->cap_bset;
	for (i = 0; i < cpt_nr_steps; i++) {
		if (cpt_steps[i].phase != RST_OPEN)
			continue;
		err = cpt_steps[i].rst_ve(img);
		if (err) {
			cpt_err(img->ctx, "restoring the VE: %s failed: %d",
				cpt_steps[i].what, err);
			return err;
		}
	}
	err = rst_build_task(init);
	if (err)
		return err;
	/* Everyone else parks or fails; init is not counted. */
	left = wait_event_killable_timeout(img->ready_wq, rst_all_built(img),
					   RST_BUILD_TIMEOUT);
	if (atomic_read(&img->nr_failed))
		return -EINVAL;
	if (left <= 0) {
		cpt_err(img->ctx, "tasks did not finish restoring in time");
		return left ? left : -ETIMEDOUT;
	}
	err = rst_read_contents(img);
	for (i = 0; !err && i < cpt_nr_steps; i++) {
		if (cpt_steps[i].phase != RST_FINISH)
			continue;
		err = cpt_steps[i].rst_ve(img);
		if (err)
			cpt_err(img->ctx, "restoring the VE: %s failed: %d",
				cpt_steps[i].what, err);
	}
	return err;
}

/*
 * The init parks in its CPT_UNDUMP call; the caller holds an image
 * reference for us.  What the call returns does not matter: the restart
 * step (RST_RUN) puts the image's registers back on the way out.
 */
long rst_init_park(struct rst_image *img)
{
	struct rst_task *init = &img->tasks[0];

	rst_park(init);
	if (!rst_resumed(img))
		return -EINTR;	/* dying anyway: SIGKILL is pending */
	return rst_walk_task(init, RST_RUN);
}

/*
 * The resume steps of one parked task, as ptrace touches a stopped
 * tracee: it must be parked, stay parked (park_lock), and be off its CPU
 * in its parked state (its registers and FPU state in memory).  A task
 * that died while parked (killed, or by a timer's signal) is -ESRCH.
 */
static int rst_resume_task(struct rst_image *img, struct rst_task *rt)
{
	int err = -ESRCH;

	/* The init marks itself parked just after CPT_UNDUMP ends. */
	if (!wait_event_timeout(img->ready_wq,
				rt->task && READ_ONCE(rt->parked),
				RST_PARK_TIMEOUT))
		goto gone;
	mutex_lock(&rt->park_lock);
	if (rt->parked && wait_task_inactive(rt->task, RST_PARK_STATE))
		err = rst_walk_task(rt, RST_RESUME);
	mutex_unlock(&rt->park_lock);
	if (err != -ESRCH)
		return err;
gone:
	cpt_err(img->ctx, "task %u (%s) is gone or no longer parked: it was killed after the undump",
		rt->t.pid, rt->t.comm);
	return err;
}

/* CPT_RESUME: set what only a stopped task can take, then let all run. */
int rst_resume_tasks(struct rst_image *img)
{
	u32 i;
	int err;

	for (i = 0; i < img->nr_tasks; i++) {
		if (img->tasks[i].t.state == CPT_TASK_ZOMBIE)
			continue;
		err = rst_resume_task(img, &img->tasks[i]);
		if (err)
			return err;
	}
	WRITE_ONCE(img->phase, RST_RESUMING);
	wake_up_all(&img->resume_wq);
	return 0;
}

void rst_abort_tasks(struct rst_image *img)
{
	WRITE_ONCE(img->phase, RST_ABORTING);
	wake_up_all(&img->resume_wq);
	wake_up_all(&img->ready_wq);
}

void rst_image_put(struct rst_image *img)
{
	unsigned int i;

	if (!img || !refcount_dec_and_test(&img->refcount))
		return;
	for (i = 0; img->state && i < cpt_nr_resources; i++) {
		if (img->state[i] && cpt_resources[i]->release)
			cpt_resources[i]->release(img, img->state[i]);
		kfree(img->state[i]);
	}
	kfree(img->state);
	for (i = 0; i < img->nr_tasks; i++)
		if (img->tasks[i].task)
			put_task_struct(img->tasks[i].task);
	kvfree(img->tasks);
	rst_reader_destroy(&img->rd);
	kfree(img->next);
	cpt_context_put(img->ctx);
	kfree(img);
}
