// SPDX-License-Identifier: GPL-2.0
/*
 * The dumpinfo printer: check a checkpoint image and describe it, one
 * line per record, or as one JSON object for scripts.  The image is read
 * once, front to back (it may be a pipe), and every rule of the format is
 * checked on the way (image.c); the result says whether it is valid.
 *
 * In JSON mode the object is complete and well-formed even when the
 * image is not: "valid" is false and "error" says why.  Strings from the
 * image (paths, comm) are untrusted bytes: escaped, never printed raw.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "image_print.h"
#include "util.h"

struct emitter {
	FILE *out;
	bool json;
};

static void json_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			/* Bytes above ASCII as Latin-1: always valid JSON. */
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void text_string(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isprint(c) && c != '\\' && c != ' ')
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
}

static void emit_u(const struct emitter *e, const char *name,
		   unsigned long long v)
{
	if (e->json)
		fprintf(e->out, ",\"%s\":%llu", name, v);
	else
		fprintf(e->out, " %s=%llu", name, v);
}

static void emit_d(const struct emitter *e, const char *name, long long v)
{
	if (e->json)
		fprintf(e->out, ",\"%s\":%lld", name, v);
	else
		fprintf(e->out, " %s=%lld", name, v);
}

static void emit_x(const struct emitter *e, const char *name,
		   unsigned long long v)
{
	if (e->json)
		fprintf(e->out, ",\"%s\":\"%#llx\"", name, v);
	else
		fprintf(e->out, " %s=%#llx", name, v);
}

static void emit_o(const struct emitter *e, const char *name,
		   unsigned long long v)
{
	if (e->json)
		fprintf(e->out, ",\"%s\":\"0%llo\"", name, v);
	else
		fprintf(e->out, " %s=0%llo", name, v);
}

static void emit_s(const struct emitter *e, const char *name, const char *s,
		   size_t len)
{
	if (e->json) {
		fprintf(e->out, ",\"%s\":", name);
		json_string(e->out, s, len);
	} else {
		fprintf(e->out, " %s=", name);
		text_string(e->out, s, len);
	}
}

/* An object index, or CPT_NO_OBJ (none: null in JSON, "-" in text). */
static void emit_ref(const struct emitter *e, const char *name, uint32_t v)
{
	if (v != CPT_NO_OBJ)
		emit_u(e, name, v);
	else if (e->json)
		fprintf(e->out, ",\"%s\":null", name);
	else
		fprintf(e->out, " %s=-", name);
}

static void emit_cstr(const struct emitter *e, const char *name,
		      const char *s, size_t max)
{
	emit_s(e, name, s, strnlen(s, max));
}

static const char *file_kind(uint32_t kind)
{
	switch (kind) {
	case CPT_FILE_REG: return "reg";
	case CPT_FILE_CHR: return "chr";
	case CPT_FILE_DIR: return "dir";
	case CPT_FILE_PIPE: return "pipe";
	case CPT_FILE_FIFO: return "fifo";
	case CPT_FILE_EVENTFD: return "eventfd";
	case CPT_FILE_SIGNALFD: return "signalfd";
	case CPT_FILE_UNIX: return "unix";
	case CPT_FILE_TIMERFD: return "timerfd";
	case CPT_FILE_EPOLL: return "epoll";
	}
	return "?";
}

static const char *clock_name(uint32_t clock)
{
	switch (clock) {
	case CPT_CLOCK_REALTIME: return "realtime";
	case CPT_CLOCK_MONOTONIC: return "monotonic";
	case CPT_CLOCK_BOOTTIME: return "boottime";
	case CPT_CLOCK_REALTIME_ALARM: return "realtime-alarm";
	case CPT_CLOCK_BOOTTIME_ALARM: return "boottime-alarm";
	}
	return "?";
}

static void print_timerfd(const struct emitter *e, const struct cpt_file *f)
{
	const char *clock = clock_name(f->timer_clock);

	emit_s(e, "clock", clock, strlen(clock));
	emit_u(e, "value_ns", f->timer_value);
	emit_u(e, "interval_ns", f->timer_interval);
	emit_u(e, "ticks", f->state);
	if (f->state_flags & CPT_TFD_ABSTIME)
		emit_s(e, "abstime", "yes", 3);
	if (f->state_flags & CPT_TFD_CANCEL_ON_SET)
		emit_s(e, "cancel_on_set", "yes", 3);
	if (f->state_flags & CPT_TFD_CANCELED)
		emit_s(e, "canceled", "yes", 3);
}

static const char *vma_kind(uint32_t kind)
{
	static const char *const names[] = {
		[CPT_VMA_ANON_PRIVATE] = "anon-private",
		[CPT_VMA_ANON_SHARED] = "anon-shared",
		[CPT_VMA_FILE_PRIVATE] = "file-private",
		[CPT_VMA_FILE_SHARED] = "file-shared",
		[CPT_VMA_VDSO] = "vdso",
		[CPT_VMA_VVAR] = "vvar",
	};

	return kind < sizeof(names) / sizeof(names[0]) && names[kind] ?
		names[kind] : "?";
}

static const char *sched_policy(uint32_t policy)
{
	switch (policy) {
	case CPT_SCHED_NORMAL: return "normal";
	case CPT_SCHED_FIFO: return "fifo";
	case CPT_SCHED_RR: return "rr";
	case CPT_SCHED_BATCH: return "batch";
	case CPT_SCHED_IDLE: return "idle";
	}
	return "?";
}

static const char *lock_kind(uint32_t kind)
{
	switch (kind) {
	case CPT_LOCK_FLOCK: return "flock";
	case CPT_LOCK_POSIX: return "posix";
	case CPT_LOCK_OFD: return "ofd";
	}
	return "?";
}

static const char *sock_type(uint32_t type)
{
	switch (type) {
	case CPT_SOCK_STREAM: return "stream";
	case CPT_SOCK_DGRAM: return "dgram";
	case CPT_SOCK_SEQPACKET: return "seqpacket";
	}
	return "?";
}

static const char *unix_state(uint32_t state)
{
	switch (state) {
	case CPT_UNIX_UNCONNECTED: return "unconnected";
	case CPT_UNIX_LISTEN: return "listen";
	case CPT_UNIX_CONNECTED: return "connected";
	}
	return "?";
}

/*
 * A unix socket address (sun_path as the kernel keeps it): "@name" for
 * an abstract one, the path without its NUL for the others, escaped as
 * any string; nothing for none.
 */
static void emit_unix_addr(const struct emitter *e, const char *name,
			   const uint8_t *a, uint32_t len)
{
	char buf[CPT_UNIX_ADDR_MAX + 1];

	if (!a || !len || len > CPT_UNIX_ADDR_MAX)
		return;
	if (a[0]) {
		emit_s(e, name, (const char *)a, len - 1);
		return;
	}
	buf[0] = '@';
	memcpy(buf + 1, a + 1, len - 1);
	emit_s(e, name, buf, len);
}

/* A UNIX_SOCK reference, where CPT_UNIX_PEER_NEXT is "next". */
static void emit_usock_ref(const struct emitter *e, const char *name,
			   uint32_t v)
{
	if (v != CPT_UNIX_PEER_NEXT)
		emit_ref(e, name, v);
	else
		emit_s(e, name, "next", 4);
}

static void emit_unix_sock(const struct emitter *e,
			   const struct img_record *rec)
{
	const struct cpt_unix_sock *s = &rec->u.cpt_unix_sock;
	const char *str = sock_type(s->type);

	/* Not "type" and "len": JSON has the record's already. */
	emit_s(e, "sock_type", str, strlen(str));
	str = unix_state(s->state);
	emit_s(e, "state", str, strlen(str));
	emit_usock_ref(e, "peer", s->peer);
	if (s->flags & CPT_UNIX_EMBRYO)
		emit_u(e, "listener", s->listener);
	emit_x(e, "flags", s->flags);
	emit_x(e, "shutdown", s->shutdown);
	emit_u(e, "err", s->err);
	emit_u(e, "backlog", s->backlog);
	emit_u(e, "sndbuf", s->sndbuf);
	emit_u(e, "rcvbuf", s->rcvbuf);
	emit_u(e, "rcvlowat", s->rcvlowat);
	emit_d(e, "peek_off", s->peek_off);
	emit_u(e, "rcvtimeo_ns", s->rcvtimeo_ns);
	emit_u(e, "sndtimeo_ns", s->sndtimeo_ns);
	emit_u(e, "priority", s->priority);
	emit_x(e, "mark", s->mark);
	emit_u(e, "uid", s->uid);
	emit_u(e, "gid", s->gid);
	if (s->flags & CPT_UNIX_PEERCRED) {
		emit_u(e, "peer_pid", s->peer_pid);
		emit_u(e, "peer_uid", s->peer_uid);
		emit_u(e, "peer_gid", s->peer_gid);
		emit_u(e, "peer_ngroups", s->peer_ngroups);
	}
	emit_unix_addr(e, "addr", rec->var, s->addr_len);
	if (s->path_len)
		emit_s(e, "path", (const char *)rec->var + s->addr_len,
		       s->path_len);
}

static void emit_unix_skb(const struct emitter *e,
			  const struct img_record *rec)
{
	const struct cpt_unix_skb *b = &rec->u.cpt_unix_skb;

	emit_u(e, "sock", b->sock);
	emit_ref(e, "sender", b->sender);
	emit_u(e, "data_len", b->len);
	if (b->flags & CPT_UNIX_SKB_CREDS) {
		emit_u(e, "pid", b->pid);
		emit_u(e, "uid", b->uid);
		emit_u(e, "gid", b->gid);
	}
	emit_unix_addr(e, "addr", rec->var ? rec->var + b->len : NULL,
		       b->addr_len);
}

static void emit_fields(const struct emitter *e, const struct img_record *rec)
{
	const char *kind;

	switch (rec->h.type) {
	case CPT_REC_VE:
		emit_u(e, "veid", rec->u.cpt_ve.veid);
		emit_u(e, "nr_tasks", rec->u.cpt_ve.nr_tasks);
		break;
	case CPT_REC_UTS:
		emit_cstr(e, "nodename", rec->u.cpt_uts.nodename, 65);
		emit_cstr(e, "release", rec->u.cpt_uts.release, 65);
		break;
	case CPT_REC_FILE:
		kind = file_kind(rec->u.cpt_file.kind);
		emit_s(e, "kind", kind, strlen(kind));
		emit_x(e, "flags", rec->u.cpt_file.flags);
		emit_u(e, "pos", rec->u.cpt_file.pos);
		emit_o(e, "mode", rec->u.cpt_file.mode);
		if (rec->u.cpt_file.kind == CPT_FILE_CHR)
			emit_x(e, "rdev", rec->u.cpt_file.rdev);
		if (rec->u.cpt_file.kind == CPT_FILE_PIPE ||
		    rec->u.cpt_file.kind == CPT_FILE_FIFO)
			emit_u(e, "pipe", rec->u.cpt_file.object);
		if (rec->u.cpt_file.kind == CPT_FILE_UNIX) {
			emit_u(e, "sock", rec->u.cpt_file.object);
		} else if (rec->u.cpt_file.kind == CPT_FILE_EVENTFD) {
			emit_u(e, "count", rec->u.cpt_file.state);
			if (rec->u.cpt_file.state_flags & CPT_EFD_SEMAPHORE)
				emit_s(e, "semaphore", "yes", 3);
		} else if (rec->u.cpt_file.kind == CPT_FILE_SIGNALFD) {
			emit_x(e, "sigmask", rec->u.cpt_file.state);
		} else if (rec->u.cpt_file.kind == CPT_FILE_TIMERFD) {
			print_timerfd(e, &rec->u.cpt_file);
		} else if (rec->u.cpt_file.kind == CPT_FILE_EPOLL) {
			/* Its watches are EPOLL_WATCH records. */
		} else if (rec->u.cpt_file.kind != CPT_FILE_PIPE) {
			emit_s(e, "path", (const char *)rec->var, rec->var_len);
		}
		break;
	case CPT_REC_EPOLL_WATCH:
		emit_u(e, "epoll", rec->u.cpt_epoll_watch.epoll);
		emit_u(e, "file", rec->u.cpt_epoll_watch.file);
		emit_u(e, "fd", rec->u.cpt_epoll_watch.fd);
		emit_x(e, "events", rec->u.cpt_epoll_watch.events);
		emit_x(e, "data", rec->u.cpt_epoll_watch.data);
		break;
	case CPT_REC_PIPE:
		emit_u(e, "size", rec->u.cpt_pipe.size);
		emit_u(e, "nr_bufs", rec->u.cpt_pipe.nr_bufs);
		break;
	case CPT_REC_PIPE_BUF:
		emit_u(e, "len", rec->u.cpt_pipe_buf.len);
		if (rec->u.cpt_pipe_buf.flags & CPT_PIPE_BUF_PACKET)
			emit_s(e, "packet", "yes", 3);
		break;
	case CPT_REC_LOCK:
		kind = lock_kind(rec->u.cpt_lock.kind);
		emit_s(e, "kind", kind, strlen(kind));
		kind = rec->u.cpt_lock.type == CPT_LOCK_WRITE ? "write" : "read";
		emit_s(e, "type", kind, strlen(kind));
		emit_u(e, "file", rec->u.cpt_lock.file);
		if (rec->u.cpt_lock.kind == CPT_LOCK_POSIX)
			emit_u(e, "owner", rec->u.cpt_lock.owner);
		emit_u(e, "pid", rec->u.cpt_lock.pid);
		emit_u(e, "start", rec->u.cpt_lock.start);
		if (rec->u.cpt_lock.end == CPT_LOCK_OFFSET_MAX)
			emit_s(e, "end", "eof", 3);
		else
			emit_u(e, "end", rec->u.cpt_lock.end);
		break;
	case CPT_REC_UNIX_SOCK:
		emit_unix_sock(e, rec);
		break;
	case CPT_REC_UNIX_SKB:
		emit_unix_skb(e, rec);
		break;
	case CPT_REC_FILES:
		emit_u(e, "max_fds", rec->u.cpt_files.max_fds);
		emit_u(e, "nr_fds", rec->u.cpt_files.nr_fds);
		break;
	case CPT_REC_FD:
		emit_u(e, "fd", rec->u.cpt_fd.fd);
		emit_u(e, "file", rec->u.cpt_fd.file);
		emit_u(e, "cloexec", rec->u.cpt_fd.cloexec);
		break;
	case CPT_REC_FS:
		emit_o(e, "umask", rec->u.cpt_fs.umask);
		emit_s(e, "root", (const char *)rec->var, rec->u.cpt_fs.root_len);
		emit_s(e, "cwd", (const char *)rec->var + rec->u.cpt_fs.root_len,
		       rec->u.cpt_fs.cwd_len);
		break;
	case CPT_REC_MM:
		emit_u(e, "nr_vmas", rec->u.cpt_mm.nr_vmas);
		emit_x(e, "start_code", rec->u.cpt_mm.start_code);
		emit_x(e, "brk", rec->u.cpt_mm.brk);
		emit_x(e, "start_stack", rec->u.cpt_mm.start_stack);
		emit_x(e, "def_flags", rec->u.cpt_mm.def_flags);
		break;
	case CPT_REC_VMA:
		emit_x(e, "start", rec->u.cpt_vma.start);
		emit_x(e, "end", rec->u.cpt_vma.end);
		kind = vma_kind(rec->u.cpt_vma.kind);
		emit_s(e, "kind", kind, strlen(kind));
		emit_x(e, "prot", rec->u.cpt_vma.prot);
		emit_u(e, "pgoff", rec->u.cpt_vma.pgoff);
		emit_x(e, "vm_flags", rec->u.cpt_vma.vm_flags);
		if (rec->var_len)
			emit_s(e, "path", (const char *)rec->var, rec->var_len);
		break;
	case CPT_REC_TASK:
		emit_u(e, "pid", rec->u.cpt_task.pid);
		emit_u(e, "tgid", rec->u.cpt_task.tgid);
		emit_u(e, "ppid", rec->u.cpt_task.ppid);
		emit_cstr(e, "comm", rec->u.cpt_task.comm, sizeof(rec->u.cpt_task.comm));
		kind = rec->u.cpt_task.state == CPT_TASK_ZOMBIE ? "zombie" : "running";
		emit_s(e, "state", kind, strlen(kind));
		emit_ref(e, "mm", rec->u.cpt_task.mm);
		emit_ref(e, "files", rec->u.cpt_task.files);
		emit_ref(e, "fs", rec->u.cpt_task.fs);
		emit_ref(e, "sighand", rec->u.cpt_task.sighand);
		break;
	case CPT_REC_CREDS:
		emit_u(e, "uid", rec->u.cpt_creds.uid);
		emit_u(e, "gid", rec->u.cpt_creds.gid);
		emit_u(e, "ngroups", rec->u.cpt_creds.ngroups);
		break;
	case CPT_REC_SCHED:
		kind = sched_policy(rec->u.cpt_sched.policy);
		emit_s(e, "policy", kind, strlen(kind));
		emit_u(e, "rt_priority", rec->u.cpt_sched.rt_priority);
		emit_d(e, "nice", rec->u.cpt_sched.nice);
		emit_x(e, "flags", rec->u.cpt_sched.flags);
		break;
	case CPT_REC_RSEQ:
		emit_x(e, "addr", rec->u.cpt_rseq.addr);
		emit_u(e, "len", rec->u.cpt_rseq.len);
		emit_x(e, "sig", rec->u.cpt_rseq.sig);
		break;
	case CPT_REC_REGS:
		emit_x(e, "ip", rec->u.cpt_regs.ip);
		emit_x(e, "sp", rec->u.cpt_regs.sp);
		break;
	case CPT_REC_XSAVE:
		kind = rec->u.cpt_xsave.format == CPT_FPU_FXSAVE ? "fxsave" : "xsave";
		emit_s(e, "format", kind, strlen(kind));
		emit_u(e, "size", rec->u.cpt_xsave.size);
		break;
	case CPT_REC_SIGPENDING:
		emit_u(e, "shared", rec->u.cpt_siginfo.shared);
		break;
	case CPT_REC_SIGNAL:
		emit_u(e, "leader_pid", rec->u.cpt_signal.leader_pid);
		emit_u(e, "next_timer_id", rec->u.cpt_signal.next_timer_id);
		break;
	case CPT_REC_POSIX_TIMER:
		emit_u(e, "id", rec->u.cpt_posix_timer.id);
		emit_u(e, "clock", rec->u.cpt_posix_timer.clock);
		emit_u(e, "notify", rec->u.cpt_posix_timer.sigev_notify);
		emit_u(e, "signo", rec->u.cpt_posix_timer.sigev_signo);
		emit_u(e, "value_ns", rec->u.cpt_posix_timer.value_ns);
		emit_u(e, "interval_ns", rec->u.cpt_posix_timer.interval_ns);
		break;
	case CPT_REC_PAGES:
		emit_u(e, "mm", rec->u.cpt_pages.mm);
		emit_x(e, "start", rec->u.cpt_pages.start);
		emit_u(e, "nr_pages", rec->u.cpt_pages.nr_pages);
		break;
	case CPT_REC_END:
		emit_u(e, "nr_records", rec->u.cpt_end.nr_records);
		emit_x(e, "crc_of_crcs", rec->u.cpt_end.crc_of_crcs);
		break;
	default:
		break;
	}
}

static void print_header(const struct emitter *e,
			 const struct cpt_image_header *h)
{
	if (e->json) {
		fprintf(e->out, "\"header\":{\"version\":\"%u.%u\"",
			h->version >> 16, h->version & 0xffff);
	} else {
		fprintf(e->out, "Image version %u.%u:", h->version >> 16,
			h->version & 0xffff);
	}
	emit_u(e, "hdr_len", h->hdr_len);
	emit_s(e, "arch", "x86_64", 6);
	emit_u(e, "page_size", h->page_size);
	emit_u(e, "hz", h->hz);
	emit_u(e, "veid", h->veid);
	emit_x(e, "cpu_caps", h->cpu_caps);
	emit_x(e, "xfeatures", h->xfeatures);
	emit_u(e, "realtime_ns", h->realtime_ns);
	emit_u(e, "monotonic_ns", h->monotonic_ns);
	emit_u(e, "boottime_ns", h->boottime_ns);
	emit_x(e, "crc", h->crc);
	fputs(e->json ? "}" : "\n", e->out);
}

static void print_record(const struct emitter *e, const struct img_record *rec,
			 bool first)
{
	const char *name = cpt_rec_name(rec->h.type);

	if (e->json) {
		fprintf(e->out, "%s{\"offset\":%llu,\"type\":\"%s\",\"index\":%u,\"len\":%u",
			first ? "" : ",", (unsigned long long)rec->offset,
			name, rec->h.index, rec->h.len);
		emit_fields(e, rec);
		fputc('}', e->out);
	} else {
		fprintf(e->out, "%12llu %-11s %6u %8u ",
			(unsigned long long)rec->offset, name, rec->h.index,
			rec->h.len);
		emit_fields(e, rec);
		fputc('\n', e->out);
	}
}

int dumpinfo_fd(int fd, FILE *out, bool json)
{
	struct emitter e = { .out = out, .json = json };
	struct img_reader r;
	struct img_record rec;
	uint64_t nrec = 0;
	int ret;

	img_reader_init(&r, fd);
	if (json)
		fputc('{', out);
	ret = img_read_header(&r);
	if (!ret) {
		print_header(&e, &r.ck.hdr);
		if (json)
			fputs(",\"records\":[", out);
		else
			fprintf(out, "%12s %-11s %6s %8s  %s\n", "OFFSET",
				"TYPE", "INDEX", "LEN", "DETAILS");
		while ((ret = img_next(&r, &rec)) == 1)
			print_record(&e, &rec, nrec++ == 0);
		if (json)
			fputc(']', out);
	} else if (json) {
		fputs("\"header\":null,\"records\":[]", out);
	}
	if (json) {
		fprintf(out, ",\"size\":%llu,\"valid\":%s",
			(unsigned long long)r.off, ret == 0 ? "true" : "false");
		if (ret) {
			fputs(",\"error\":", out);
			json_string(out, r.err, strlen(r.err));
		}
		fputs("}\n", out);
	} else if (ret == 0) {
		fprintf(out, "Image is valid: %llu records, %llu bytes\n",
			(unsigned long long)nrec, (unsigned long long)r.off);
	}
	fflush(out);
	if (ret) {
		vz_error("Invalid image: %s", r.err);
		ret = r.io_error ? VZ_SYSTEM_ERROR : DUMPINFO_INVALID;
	}
	img_reader_free(&r);
	return ret;
}

