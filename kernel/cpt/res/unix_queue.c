// SPDX-License-Identifier: GPL-2.0
/*
 * What unix sockets have queued to be read (UNIX_SKB records): one
 * record per message, or per run of a stream's bytes, with its sender
 * and its credentials (SCM_CREDENTIALS).
 *
 * Written with the memory contents, after every socket: a message may
 * come from any socket, and it names its sender's process by pid,
 * which at restore exists only once every task does.  The restore
 * queues each message as it arrives, charged to its sender as before;
 * a datagram whose sender is gone comes from a socket with that
 * sender's address, made for the purpose ("ghost") and closed once
 * everything is in.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/pid_namespace.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/ve.h>
#include <net/sock.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"
#include "res/unix.h"

/* The longest run of a stream's bytes a restore queues at once. */
#define UNIX_STREAM_RUN		SZ_64K

/* --- checkpoint ------------------------------------------------------- */

/*
 * What a receive queue holds that the image cannot: file descriptors
 * in flight, a datagram too large for a record.  Called with the VE
 * frozen, so nothing is added meanwhile.
 */
const char *unix_queue_refusal(struct sock *sk)
{
	const char *why = NULL;
	struct sk_buff *skb;

	spin_lock(&sk->sk_receive_queue.lock);
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		if (UNIXCB(skb).fp) {
			why = "file descriptors in flight (SCM_RIGHTS)";
			break;
		}
		if (sk->sk_type != SOCK_STREAM && skb->len > CPT_MAX_UNIX_SKB) {
			why = "a message larger than the image allows (1 MiB)";
			break;
		}
	}
	spin_unlock(&sk->sk_receive_queue.lock);
	return why;
}

/*
 * The messages of @sk's receive queue, each referenced, in *@skbs: how
 * many.  The VE is frozen, so the queue holds no more than it had when
 * it was counted, and what is in them stays.
 */
int unix_queue_get(struct sock *sk, struct sk_buff ***skbs)
{
	unsigned int n = 0, max = skb_queue_len(&sk->sk_receive_queue);
	struct sk_buff *skb;

	*skbs = NULL;
	if (!max)
		return 0;
	*skbs = kvmalloc_array(max, sizeof(**skbs), GFP_KERNEL);
	if (!*skbs)
		return -ENOMEM;
	spin_lock(&sk->sk_receive_queue.lock);
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		if (n == max)
			break;
		(*skbs)[n++] = skb_get(skb);
	}
	spin_unlock(&sk->sk_receive_queue.lock);
	return n;
}

void unix_queue_put(struct sk_buff **skbs, int n)
{
	while (n > 0)
		kfree_skb(skbs[--n]);
	kvfree(skbs);
}

/* One message of socket @idx's queue (a stream's run in one or more). */
static int unix_dump_skb(struct cpt_dump *d, struct unix_dump *st, u32 idx,
			 struct sk_buff *skb)
{
	struct sock *sk = st->socks[idx].sk;
	struct cpt_unix_skb rec = { .sock = idx };
	struct unix_address *addr = NULL;
	int sender = unix_dump_find(st, skb->sk);
	struct pid *pid = UNIXCB(skb).pid;
	u32 off = sk->sk_type == SOCK_STREAM ? UNIXCB(skb).consumed : 0;
	int err = 0;

	if (UNIXCB(skb).fp || off > skb->len) {
		cpt_err(d->ctx, "unix socket %lu: file descriptors in flight (SCM_RIGHTS): not supported yet",
			sock_i_ino(sk));
		return -EOPNOTSUPP;
	}
	rec.sender = sender < 0 ? CPT_NO_OBJ : sender;
	if (sk->sk_type != SOCK_DGRAM && sender < 0 &&
	    st->socks[idx].peer != CPT_NO_OBJ) {
		cpt_err(d->ctx, "unix socket %lu: data from a socket outside the VE: not supported yet",
			sock_i_ino(sk));
		return -EOPNOTSUPP;
	}
	if (sk->sk_type == SOCK_DGRAM && sender < 0) {
		/* Published whole by bind(), as getsockname() reads it. */
		addr = smp_load_acquire(&unix_sk(skb->sk)->addr);
		rec.addr_len = addr ? UNIX_ADDR_BYTES(addr) : 0;
	}
	if (pid) {
		rec.flags = CPT_UNIX_SKB_CREDS;
		rcu_read_lock();
		if (pid_task(pid, PIDTYPE_TGID))
			rec.pid = pid_nr_ns(pid, d->ve->pid_ns);
		rcu_read_unlock();
		rec.uid = from_kuid_munged(&init_user_ns, UNIXCB(skb).uid);
		rec.gid = from_kgid_munged(&init_user_ns, UNIXCB(skb).gid);
	}
	/* A stream's run may be longer than a record: split it. */
	while (!err && off < skb->len) {
		u32 chunk = min_t(u32, skb->len - off, CPT_MAX_UNIX_SKB);
		u8 buf[256];
		u32 done;

		rec.len = chunk;
		err = cpt_record_begin(&d->w, CPT_REC_UNIX_SKB, 0,
				       sizeof(rec) + chunk + rec.addr_len);
		if (!err)
			err = cpt_record_add(&d->w, &rec, sizeof(rec));
		for (done = 0; !err && done < chunk; done += sizeof(buf)) {
			u32 part = min_t(u32, chunk - done, sizeof(buf));

			err = skb_copy_bits(skb, off + done, buf, part);
			if (!err)
				err = cpt_record_add(&d->w, buf, part);
		}
		if (!err && rec.addr_len)
			err = cpt_record_add(&d->w, addr->name->sun_path,
					     rec.addr_len);
		if (!err)
			err = cpt_record_end(&d->w);
		off += chunk;
	}
	return err;
}

/* Writes the queue of socket @idx: each message or run of bytes. */
static int unix_dump_queue(struct cpt_dump *d, struct unix_dump *st, u32 idx)
{
	struct sk_buff **skbs;
	int n, i, err = 0;

	n = unix_queue_get(st->socks[idx].sk, &skbs);
	for (i = 0; i < n && !err; i++)
		err = unix_dump_skb(d, st, idx, skbs[i]);
	unix_queue_put(skbs, n);
	return n < 0 ? n : err;
}

/*
 * After every task: each socket written must be some file of the VE's
 * or an embryo (else something outside holds it), then the queues.
 */
int unix_dump_queues(struct cpt_dump *d)
{
	struct unix_dump *st = cpt_dump_state(d, &cpt_res_unix);
	u32 i;
	int err = 0;

	for (i = 0; i < st->nr; i++) {
		struct sock *sk = st->socks[i].sk;

		if (!st->socks[i].has_file && !unix_is_embryo(sk)) {
			cpt_err(d->ctx, "unix socket %lu: connected to a socket held outside the VE: not supported yet",
				sock_i_ino(sk));
			return -EOPNOTSUPP;
		}
	}
	for (i = 0; i < st->nr && !err; i++)
		if (st->socks[i].sk->sk_state != TCP_LISTEN)
			err = unix_dump_queue(d, st, i);
	return err;
}

/* --- restore -------------------------------------------------------- */

/* The sender of a datagram that is gone: a socket with its address. */
static struct sock *unix_rst_ghost(struct unix_rst *st,
				   const struct cpt_unix_skb *m, const u8 *addr)
{
	struct rst_unix_ghost *g;
	struct socket *sock;
	u32 i;
	int err;

	for (i = 0; i < st->nr_ghosts; i++) {
		g = &st->ghosts[i];
		if (g->addr_len == m->addr_len &&
		    !memcmp(g->addr, addr, m->addr_len))
			return g->sock->sk;
	}
	err = cpt_grow((void **)&st->ghosts, st->nr_ghosts,
		       sizeof(*st->ghosts));
	if (!err)
		err = unix_rst_new_sock(CPT_SOCK_DGRAM, &sock);
	if (err)
		return ERR_PTR(err);
	g = &st->ghosts[st->nr_ghosts++];
	g->sock = sock;
	g->addr_len = m->addr_len;
	memcpy(g->addr, addr, m->addr_len);
	if (m->addr_len) {
		err = unix_restore_set_addr(sock->sk, addr, m->addr_len);
		if (err)
			return ERR_PTR(err);
	}
	return sock->sk;
}

int unix_parse_skb(struct rst_image *img, struct unix_rst *st,
		   const struct cpt_rec_view *v)
{
	const struct cpt_unix_skb *m = &v->u.cpt_unix_skb;
	struct rst_unix_sock *r = &st->socks[m->sock];	/* checked */
	kuid_t uid = INVALID_UID;
	kgid_t gid = INVALID_GID;
	struct pid *pid = NULL;
	struct sock *sender;
	u32 off, chunk;
	int err;

	if (m->sender != CPT_NO_OBJ)
		sender = st->socks[m->sender].sk;
	else if (r->s.type != CPT_SOCK_DGRAM && r->standin)
		sender = r->standin->sk;
	else if (r->s.type != CPT_SOCK_DGRAM)
		sender = ERR_PTR(-EINVAL);	/* checked: a closed peer */
	else
		sender = unix_rst_ghost(st, m, v->var + m->len);
	if (IS_ERR(sender))
		return PTR_ERR(sender);
	if (m->flags & CPT_UNIX_SKB_CREDS) {
		/* Every task exists by now; an exited sender's pid is 0. */
		pid = m->pid ? find_get_pid(m->pid) : NULL;
		uid = make_kuid(&init_user_ns, m->uid);
		gid = make_kgid(&init_user_ns, m->gid);
	}
	/*
	 * A stream's bytes in runs of at most 64 KiB, which reads join
	 * again (the credentials are the same): no large allocation.
	 */
	for (off = 0, err = 0; !err && off < m->len; off += chunk) {
		chunk = r->s.type == CPT_SOCK_STREAM ?
			min_t(u32, m->len - off, UNIX_STREAM_RUN) : m->len;
		err = unix_restore_queue(sender, r->sk, v->var + off, chunk,
					 pid, uid, gid);
	}
	put_pid(pid);
	if (err)
		cpt_err(img->ctx, "unix socket %u: cannot queue %u bytes: %d",
			m->sock, m->len, err);
	return err;
}

/* Once every message is in: what is queued keeps its ghost alive. */
void unix_rst_drop_ghosts(struct unix_rst *st)
{
	u32 i;

	for (i = 0; i < st->nr_ghosts; i++)
		if (st->ghosts[i].sock)
			sock_release(st->ghosts[i].sock);
	st->nr_ghosts = 0;
	kvfree(st->ghosts);
	st->ghosts = NULL;
}
