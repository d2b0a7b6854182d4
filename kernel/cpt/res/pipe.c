// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes and FIFOs (PIPE records, each with its buffered data as PIPE_BUF
 * members): the object behind FILE records of kind PIPE and FIFO.
 *
 * A pipe is written the first time a FILE refers to it, just before that
 * FILE: its capacity and a copy of every buffer, in order, with the packet
 * mark of O_DIRECT writes.  An unnamed pipe has two ends, each one open
 * file that everyone holding it shares; a FIFO is reopened by its path as
 * often as it was opened.  The restore creates each pipe on its first
 * FILE, gives it its old capacity and writes the data back one buffer per
 * write, so no buffer is split and packets stay packets.  What belongs to
 * neither end (a FIFO helper kept open while the data goes in, an end
 * nobody held) is dropped once every file is open.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"
#include "lib/objtab.h"
#include "lib/open.h"

/* File status flags a pipe end keeps (fcntl F_SETFL, pipe2). */
#define PIPE_FILE_FLAGS	(O_NONBLOCK | O_DIRECT | O_APPEND)

/* --- checkpoint ------------------------------------------------------- */

/* The open files already written for a pipe: one per unnamed end. */
struct pipe_dump_ends {
	struct file	*end[2];	/* read, write */
};

struct pipe_dump {
	struct cpt_objtab	pipes;		/* struct pipe_inode_info */
	struct pipe_dump_ends	*ends;		/* by pipe index */
};

/* A copy of a pipe's buffers, taken under its lock. */
struct pipe_snapshot {
	struct cpt_pipe		hdr;
	struct cpt_pipe_buf	*bufs;
	u8			*data;
};

static bool pipe_is_unnamed(const struct file *file)
{
	return file->f_path.mnt->mnt_sb->s_magic == PIPEFS_MAGIC;
}

static int pipe_snapshot(struct pipe_inode_info *pipe,
			 struct pipe_snapshot *snap, const char **why)
{
	unsigned int slot, n, pages, off = 0;
	int err = 0;

	pipe_lock(pipe);
	pages = pipe->max_usage;
	n = pipe_occupancy(pipe->head, pipe->tail);
	snap->hdr.size = pages * PAGE_SIZE;
	if (pipe_has_watch_queue(pipe)) {
		*why = "a notification pipe (O_NOTIFICATION_PIPE)";
		err = -EOPNOTSUPP;
	} else if (snap->hdr.size > CPT_MAX_PIPE_SIZE ||
		   !is_power_of_2(pages) || n > pages || n > pipe->ring_size) {
		*why = "a pipe larger than the image allows (1 MiB)";
		err = -EOPNOTSUPP;
	}
	if (!err && n) {
		/* Sized under the lock: the ring cannot change meanwhile. */
		snap->bufs = kvmalloc_array(n, sizeof(*snap->bufs), GFP_KERNEL);
		snap->data = kvmalloc_array(n, PAGE_SIZE, GFP_KERNEL);
		if (!snap->bufs || !snap->data)
			err = -ENOMEM;
	}
	for (slot = pipe->tail; !err && slot != pipe->head; slot++) {
		struct pipe_buffer *buf =
			&pipe->bufs[slot & (pipe->ring_size - 1)];
		struct cpt_pipe_buf *b = &snap->bufs[snap->hdr.nr_bufs];
		void *addr;

		/* Nothing to read back; a write cannot make one either. */
		if (!buf->len)
			continue;
		if (buf->offset + buf->len > PAGE_SIZE) {
			*why = "a pipe buffer larger than a page";
			err = -EOPNOTSUPP;
			break;
		}
		err = pipe_buf_confirm(pipe, buf);
		if (err)
			break;
		addr = kmap_local_page(buf->page);
		memcpy(snap->data + off, addr + buf->offset, buf->len);
		kunmap_local(addr);
		b->len = buf->len;
		b->flags = buf->flags & PIPE_BUF_FLAG_PACKET ?
			   CPT_PIPE_BUF_PACKET : 0;
		off += buf->len;
		snap->hdr.nr_bufs++;
	}
	pipe_unlock(pipe);
	return err;
}

static int pipe_write_snapshot(struct cpt_dump *d, u32 index,
			       const struct pipe_snapshot *snap)
{
	const u8 *data = snap->data;
	u32 i;
	int err;

	err = cpt_write_record(&d->w, CPT_REC_PIPE, index, &snap->hdr,
			       sizeof(snap->hdr));
	for (i = 0; !err && i < snap->hdr.nr_bufs; i++) {
		const struct cpt_pipe_buf *b = &snap->bufs[i];

		err = cpt_record_begin(&d->w, CPT_REC_PIPE_BUF, 0,
				       sizeof(*b) + b->len);
		if (!err)
			err = cpt_record_add(&d->w, b, sizeof(*b));
		if (!err)
			err = cpt_record_add(&d->w, data, b->len);
		if (!err)
			err = cpt_record_end(&d->w);
		data += b->len;
	}
	return err;
}

/* Writes the PIPE of @file unless written already; its index or error. */
static int pipe_dump_object(struct cpt_dump *d, struct pipe_dump *st,
			    struct pipe_inode_info *pipe, const char **why)
{
	struct pipe_snapshot snap = {};
	int idx, err;

	idx = cpt_obj_find(&st->pipes, pipe);
	if (idx >= 0)
		return idx;
	err = cpt_grow((void **)&st->ends, st->pipes.nr, sizeof(*st->ends));
	if (!err)
		err = pipe_snapshot(pipe, &snap, why);
	if (!err)
		err = pipe_write_snapshot(d, st->pipes.nr, &snap);
	kvfree(snap.bufs);
	kvfree(snap.data);
	return err ? err : cpt_obj_add(&st->pipes, pipe);
}

int pipe_dump_file(struct cpt_dump *d, struct file *file,
		   struct cpt_file *f, const char **why)
{
	struct pipe_dump *st = cpt_dump_state(d, &cpt_res_pipe);
	struct pipe_inode_info *pipe = get_pipe_info(file, false);
	unsigned int acc = file->f_flags & O_ACCMODE;
	struct file **end;
	int idx;

	if (!pipe) {
		*why = "a FIFO that is not a pipe";
		return -EOPNOTSUPP;
	}
	f->kind = pipe_is_unnamed(file) ? CPT_FILE_PIPE : CPT_FILE_FIFO;
	if (f->kind == CPT_FILE_PIPE && acc != O_RDONLY && acc != O_WRONLY) {
		*why = "an unnamed pipe open for reading and writing";
		return -EOPNOTSUPP;
	}
	idx = pipe_dump_object(d, st, pipe, why);
	if (idx < 0)
		return idx;
	if (f->kind == CPT_FILE_PIPE) {
		/* Reopened through /proc/PID/fd: a second file of one end. */
		end = &st->ends[idx].end[acc == O_WRONLY];
		if (*end && *end != file) {
			*why = "a second open file of one end of a pipe";
			return -EOPNOTSUPP;
		}
		*end = file;
	}
	f->object = idx;
	return 0;
}

static void pipe_dump_release(struct cpt_dump *d, void *state)
{
	struct pipe_dump *st = state;

	cpt_obj_free(&st->pipes);
	kvfree(st->ends);
}

/* --- restore -------------------------------------------------------- */

struct rst_pipe {
	struct cpt_pipe		hdr;
	struct cpt_pipe_buf	*bufs;		/* as read so far */
	u8			*data;
	u32			nr, data_len;
	/* Once created: its two ends, or a FIFO opened read-write. */
	bool			created;
	struct file		*end[2];
	struct file		*fifo;
};

struct pipe_rst {
	struct rst_pipe		*pipes;
	u32			nr;
};

static int pipe_parse(struct rst_image *img, void *state,
		      const struct cpt_rec_view *v)
{
	struct pipe_rst *st = state;
	struct rst_pipe *p;
	int err;

	if (v->h.type == CPT_REC_PIPE) {
		err = cpt_grow((void **)&st->pipes, st->nr, sizeof(*st->pipes));
		if (err)
			return err;
		p = &st->pipes[st->nr++];
		p->hdr = v->u.cpt_pipe;
		/* Checked: at most size / page size buffers of a page. */
		if (p->hdr.nr_bufs) {
			p->bufs = kvmalloc_array(p->hdr.nr_bufs,
						 sizeof(*p->bufs),
						 GFP_KERNEL_ACCOUNT);
			p->data = kvmalloc_array(p->hdr.nr_bufs, PAGE_SIZE,
						 GFP_KERNEL_ACCOUNT);
			if (!p->bufs || !p->data)
				return -ENOMEM;
		}
		return 0;
	}
	/* PIPE_BUF: of the last PIPE, no more than it announced. */
	p = &st->pipes[v->parent];
	p->bufs[p->nr++] = v->u.cpt_pipe_buf;
	memcpy(p->data + p->data_len, v->var, v->var_len);
	p->data_len += v->var_len;
	return 0;
}

static void pipe_rst_free_data(struct rst_pipe *p)
{
	kvfree(p->bufs);
	kvfree(p->data);
	p->bufs = NULL;
	p->data = NULL;
}

static void pipe_rst_drop_spare(struct rst_pipe *p)
{
	struct file **files[] = { &p->end[0], &p->end[1], &p->fifo };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (*files[i])
			fput(*files[i]);
		*files[i] = NULL;
	}
}

static void pipe_release(struct rst_image *img, void *state)
{
	struct pipe_rst *st = state;
	u32 i;

	for (i = 0; i < st->nr; i++) {
		pipe_rst_free_data(&st->pipes[i]);
		pipe_rst_drop_spare(&st->pipes[i]);
	}
	kvfree(st->pipes);
}

static void pipe_set_flags(struct file *file, u32 flags)
{
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~PIPE_FILE_FLAGS) |
			(flags & PIPE_FILE_FLAGS);
	spin_unlock(&file->f_lock);
}

/*
 * The data back, through @writer (non-blocking, with a reader open): one
 * write per buffer, O_DIRECT for a packet, so each lands in a buffer of
 * its own or, as before, merges with the one before it.
 */
static int pipe_rst_fill(struct rst_image *img, u32 idx, struct rst_pipe *p,
			 struct file *writer)
{
	const u8 *data = p->data;
	long size;
	u32 i;

	size = pipe_fcntl(writer, F_GETPIPE_SZ, 0);
	if (size >= 0 && size != p->hdr.size)
		size = pipe_fcntl(writer, F_SETPIPE_SZ, p->hdr.size);
	if (size < 0) {
		cpt_err(img->ctx, "pipe %u: cannot make it %u bytes: %ld", idx,
			p->hdr.size, size);
		return size;
	}
	for (i = 0; i < p->nr; i++) {
		u32 packet = p->bufs[i].flags & CPT_PIPE_BUF_PACKET;
		loff_t pos = 0;
		ssize_t n;

		pipe_set_flags(writer, O_NONBLOCK | (packet ? O_DIRECT : 0));
		n = kernel_write(writer, data, p->bufs[i].len, &pos);
		if (n != p->bufs[i].len) {
			cpt_err(img->ctx, "pipe %u: cannot write back buffer %u: %zd",
				idx, i, n);
			return n < 0 ? n : -ENOSPC;
		}
		data += p->bufs[i].len;
	}
	pipe_rst_free_data(p);
	return 0;
}

static int pipe_rst_create(struct rst_image *img, u32 idx, struct rst_pipe *p,
			   const char *path)
{
	struct file *ends[2];
	int err;

	if (!path) {
		err = create_pipe_files(ends, O_NONBLOCK);
		if (err) {
			cpt_err(img->ctx, "pipe %u: cannot create it: %d", idx,
				err);
			return err;
		}
		p->end[0] = ends[0];
		p->end[1] = ends[1];
		return pipe_rst_fill(img, idx, p, p->end[1]);
	}
	/*
	 * A FIFO: held open for reading and writing while the data goes in
	 * and its files are opened, so that no open waits for the other
	 * end and the data has a reader.
	 */
	p->fifo = cpt_open_kind(path, O_RDWR | O_NONBLOCK | O_NOCTTY, S_IFIFO,
				0);
	if (IS_ERR(p->fifo)) {
		err = PTR_ERR(p->fifo);
		p->fifo = NULL;
		cpt_err(img->ctx, "cannot reopen FIFO %s: %d", path, err);
		return err;
	}
	return pipe_rst_fill(img, idx, p, p->fifo);
}

struct file *pipe_rst_file(struct rst_image *img, const struct cpt_file *f,
			   const char *path)
{
	struct pipe_rst *st = rst_state(img, &cpt_res_pipe);
	struct rst_pipe *p = &st->pipes[f->object];	/* checked */
	struct file *file;
	int err;

	if (!p->created) {
		p->created = true;
		err = pipe_rst_create(img, f->object, p,
				      f->kind == CPT_FILE_FIFO ? path : NULL);
		if (err)
			return ERR_PTR(err);
	}
	if (f->kind == CPT_FILE_PIPE) {
		/* Each end is one FILE (checked): it takes the end over. */
		unsigned int w = (f->flags & O_ACCMODE) == O_WRONLY;

		file = p->end[w];
		p->end[w] = NULL;
		if (!file)
			return ERR_PTR(-EINVAL);
	} else {
		file = cpt_open_kind(path, (f->flags & O_ACCMODE) | O_NONBLOCK |
				     O_NOCTTY, S_IFIFO, 0);
		if (IS_ERR(file)) {
			cpt_err(img->ctx, "cannot reopen FIFO %s: %ld", path,
				PTR_ERR(file));
			return file;
		}
	}
	pipe_set_flags(file, f->flags);
	return file;
}

int pipe_rst_opened(struct rst_image *img)
{
	struct pipe_rst *st = rst_state(img, &cpt_res_pipe);
	u32 i;

	/* What no file took: a FIFO's helper, an end nobody held. */
	for (i = 0; i < st->nr; i++)
		pipe_rst_drop_spare(&st->pipes[i]);
	return 0;
}

const struct cpt_resource cpt_res_pipe = {
	.name		= "pipe",
	.dump_size	= sizeof(struct pipe_dump),
	.dump_release	= pipe_dump_release,
	.rst_size	= sizeof(struct pipe_rst),
	.parse		= pipe_parse,
	.release	= pipe_release,
};
