// SPDX-License-Identifier: GPL-2.0
/*
 * Unix sockets (UNIX_SOCK records): the object behind FILE records of
 * kind UNIX.  What they have queued is unix_queue.c's.
 *
 * A socket is written just before the first FILE that is it, with its
 * type, state, address, options and credentials.  A connection is two
 * sockets written one after the other (the first has peer PEER_NEXT); a
 * listening socket is followed by the connections waiting in its queue,
 * each with its client; a datagram socket connected one way comes after
 * the socket it sends to.
 *
 * The restore makes every socket before any file is opened, in image
 * order: a socket pair for a connection, the helpers of af_unix.c for
 * what no system call can do without its side effects (binding to the
 * inode the checkpoint left, a connection not yet accepted).  A socket
 * whose peer was closed is paired with a stand-in that is closed once
 * the queues are filled, so that reads see the data and then end of
 * file, as before.  Peer credentials (SO_PEERCRED) and pending errors
 * are set last, when every process exists.
 *
 * Refused by name, the VE running: other families, file descriptors in
 * flight (SCM_RIGHTS), out-of-band data, socket options the image has
 * no place for, a socket connected to one outside the VE.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/un.h>
#include <linux/ve.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/grow.h"
#include "res/unix.h"

/* How deep datagram sockets may be connected to each other one way. */
#define UNIX_DUMP_DEPTH		8
/* The longest queue a socket that does not listen may have. */
#define UNIX_MAX_QLEN		65535

/* --- checkpoint ------------------------------------------------------- */

int unix_dump_find(const struct unix_dump *st, const struct sock *sk)
{
	u32 i;

	for (i = 0; i < st->nr; i++)
		if (st->socks[i].sk == sk)
			return i;
	return -1;
}

/* Socket options the image does not carry, and their names. */
static const struct {
	int		flag;
	const char	*name;
} unix_refused_flags[] = {
	{ SOCK_LINGER, "SO_LINGER" },
	{ SOCK_DBG, "SO_DEBUG" },
	{ SOCK_RCVTSTAMP, "SO_TIMESTAMP" },
	{ SOCK_RCVTSTAMPNS, "SO_TIMESTAMPNS" },
	{ SOCK_RXQ_OVFL, "SO_RXQ_OVFL" },
	{ SOCK_ZEROCOPY, "SO_ZEROCOPY" },
	{ SOCK_WIFI_STATUS, "SO_WIFI_STATUS" },
	{ SOCK_NOFCS, "SO_NOFCS" },
	{ SOCK_SELECT_ERR_QUEUE, "SO_SELECT_ERR_QUEUE" },
	{ SOCK_TXTIME, "SO_TXTIME" },
	{ SOCK_RCVMARK, "SO_RCVMARK" },
};

static const char *unix_refused_option(struct sock *sk)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(unix_refused_flags); i++)
		if (sock_flag(sk, unix_refused_flags[i].flag))
			return unix_refused_flags[i].name;
	if (rcu_access_pointer(sk->sk_filter))
		return "a socket filter (SO_ATTACH_FILTER)";
	if (sk->sk_tsflags)
		return "SO_TIMESTAMPING";
	if (sk->sk_bound_dev_if)
		return "SO_BINDTODEVICE";
	if (sk->sk_ll_usec)
		return "SO_BUSY_POLL";
	if (sk->sk_max_pacing_rate != ~0UL)
		return "SO_MAX_PACING_RATE";
	return NULL;
}

/* Options the image carries as a flag each, and the socket's flags. */
static const struct {
	int	sock_flag;
	u32	cpt_flag;
} unix_flag_options[] = {
	{ SOCK_KEEPOPEN, CPT_UNIX_KEEPALIVE },
	{ SOCK_BROADCAST, CPT_UNIX_BROADCAST },
	{ SOCK_LOCALROUTE, CPT_UNIX_DONTROUTE },
	{ SOCK_URGINLINE, CPT_UNIX_OOBINLINE },
};

/*
 * Buffer sizes and queue lengths beyond what setsockopt() and sysctl
 * give a process: only with CAP_NET_ADMIN (SO_SNDBUFFORCE), in the
 * VE's mask; the dump refuses them first, the restore a hostile image.
 */
static const char *unix_limits_refusal(const struct cpt_unix_sock *s,
				       bool net_admin)
{
	if (!net_admin && s->sndbuf > 2 * READ_ONCE(sysctl_wmem_max))
		return "a send buffer above twice net.core.wmem_max (SO_SNDBUFFORCE)";
	if (!net_admin && s->rcvbuf > 2 * READ_ONCE(sysctl_rmem_max))
		return "a receive buffer above twice net.core.rmem_max (SO_RCVBUFFORCE)";
	if (s->state != CPT_UNIX_LISTEN && s->backlog > UNIX_MAX_QLEN)
		return "a datagram queue limit above 65535 (net.unix.max_dgram_qlen)";
	return NULL;
}

static u64 unix_timeo_ns(long timeo)
{
	return timeo == MAX_SCHEDULE_TIMEOUT ? 0 : jiffies_to_nsecs(timeo);
}

/* The parts of a record that need no other socket; with a path held. */
struct unix_dump_rec {
	struct cpt_unix_sock	s;
	u8			addr[CPT_UNIX_ADDR_MAX];
	struct path		path;		/* bound to a path: held */
	gid_t			*groups;
};

static void unix_dump_rec_free(struct unix_dump_rec *r)
{
	path_put(&r->path);
	kfree(r->groups);
}

static int unix_dump_peercred(struct cpt_dump *d, struct sock *sk,
			      struct unix_dump_rec *r)
{
	const struct cred *cred;
	struct task_struct *tsk;
	struct pid *pid;
	unsigned int i;

	spin_lock(&sk->sk_peer_lock);
	pid = get_pid(sk->sk_peer_pid);
	cred = sk->sk_peer_cred ? get_cred(sk->sk_peer_cred) : NULL;
	spin_unlock(&sk->sk_peer_lock);
	if (cred) {
		r->s.flags |= CPT_UNIX_PEERCRED;
		r->s.peer_uid = from_kuid_munged(&init_user_ns, cred->euid);
		r->s.peer_gid = from_kgid_munged(&init_user_ns, cred->egid);
		if (cred->group_info->ngroups > CPT_MAX_GROUPS) {
			put_cred(cred);
			put_pid(pid);
			return -E2BIG;
		}
		r->s.peer_ngroups = cred->group_info->ngroups;
		r->groups = kmalloc_array(r->s.peer_ngroups ?: 1,
					  sizeof(*r->groups), GFP_KERNEL);
		for (i = 0; r->groups && i < r->s.peer_ngroups; i++)
			r->groups[i] = from_kgid_munged(&init_user_ns,
							cred->group_info->gid[i]);
		put_cred(cred);
	}
	/* A process that exited cannot be made again: its pid reads 0. */
	rcu_read_lock();
	tsk = pid ? pid_task(pid, PIDTYPE_TGID) : NULL;
	if (cred && tsk)
		r->s.peer_pid = pid_nr_ns(pid, d->ve->pid_ns);
	rcu_read_unlock();
	put_pid(pid);
	return cred && !r->groups ? -ENOMEM : 0;
}

static int unix_dump_fill(struct cpt_dump *d, struct sock *sk,
			  struct unix_dump_rec *r, const char **why)
{
	struct unix_sock *u = unix_sk(sk);
	struct socket *sock = sk->sk_socket;
	struct unix_address *addr;
	struct inode *inode;
	unsigned int i;

	*why = unix_refused_option(sk);
	if (!*why && READ_ONCE(u->oob_skb))
		*why = "out-of-band data (MSG_OOB)";
	if (!*why)
		*why = unix_queue_refusal(sk);
	if (*why)
		return -EOPNOTSUPP;

	r->s.type = sk->sk_type == SOCK_STREAM ? CPT_SOCK_STREAM :
		    sk->sk_type == SOCK_DGRAM ? CPT_SOCK_DGRAM :
		    CPT_SOCK_SEQPACKET;
	r->s.peer = CPT_NO_OBJ;
	r->s.listener = CPT_NO_OBJ;
	unix_state_lock(sk);
	if (sk->sk_state == TCP_LISTEN)
		r->s.state = CPT_UNIX_LISTEN;
	else if (unix_peer(sk) ||
		 (sk->sk_type != SOCK_DGRAM && sk->sk_state == TCP_ESTABLISHED))
		r->s.state = CPT_UNIX_CONNECTED;
	if (sk->sk_type == SOCK_DGRAM && sk->sk_state == TCP_ESTABLISHED)
		r->s.flags |= CPT_UNIX_DGRAM_ESTAB;
	r->s.shutdown = (sk->sk_shutdown & RCV_SHUTDOWN ? CPT_UNIX_SHUT_RD : 0) |
			(sk->sk_shutdown & SEND_SHUTDOWN ? CPT_UNIX_SHUT_WR : 0);
	r->s.err = READ_ONCE(sk->sk_err);
	r->s.backlog = READ_ONCE(sk->sk_max_ack_backlog);
	addr = u->addr;
	if (addr) {
		r->s.addr_len = UNIX_ADDR_BYTES(addr);
		memcpy(r->addr, addr->name->sun_path, r->s.addr_len);
		/*
		 * Bound itself, or sharing its listener's address (accepted):
		 * an abstract bound socket is hashed by its name, one bound
		 * to a path is in the table of inodes.
		 */
		if (addr->name->sun_path[0] ? hlist_unhashed(&sk->sk_bind_node) :
		    sk->sk_hash <= UNIX_HASH_MOD)
			r->s.flags |= CPT_UNIX_SHARED_ADDR;
		else if (u->path.dentry)
			r->path = u->path;
		path_get(&r->path);	/* NULLs for none */
	}
	unix_state_unlock(sk);

	r->s.sndbuf = READ_ONCE(sk->sk_sndbuf);
	r->s.rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		r->s.flags |= CPT_UNIX_SNDBUF_LOCK;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		r->s.flags |= CPT_UNIX_RCVBUF_LOCK;
	r->s.rcvlowat = READ_ONCE(sk->sk_rcvlowat);
	r->s.peek_off = READ_ONCE(sk->sk_peek_off);
	r->s.rcvtimeo_ns = unix_timeo_ns(READ_ONCE(sk->sk_rcvtimeo));
	r->s.sndtimeo_ns = unix_timeo_ns(READ_ONCE(sk->sk_sndtimeo));
	r->s.priority = READ_ONCE(sk->sk_priority);
	r->s.mark = READ_ONCE(sk->sk_mark);
	for (i = 0; i < ARRAY_SIZE(unix_flag_options); i++)
		if (sock_flag(sk, unix_flag_options[i].sock_flag))
			r->s.flags |= unix_flag_options[i].cpt_flag;
	if (sk->sk_reuse)
		r->s.flags |= CPT_UNIX_REUSEADDR;
	if (sk->sk_reuseport)
		r->s.flags |= CPT_UNIX_REUSEPORT;
	*why = unix_limits_refusal(&r->s, cpt_ve_capable(d, CAP_NET_ADMIN));
	if (*why)
		return -EOPNOTSUPP;
	if (sock) {
		if (test_bit(SOCK_PASSCRED, &sock->flags))
			r->s.flags |= CPT_UNIX_PASSCRED;
		if (test_bit(SOCK_PASSSEC, &sock->flags))
			r->s.flags |= CPT_UNIX_PASSSEC;
		inode = SOCK_INODE(sock);
		r->s.uid = from_kuid_munged(&init_user_ns, inode->i_uid);
		r->s.gid = from_kgid_munged(&init_user_ns, inode->i_gid);
	}
	return unix_dump_peercred(d, sk, r);
}

/*
 * The path of a socket's inode in the VE; for an unlinked one, where it
 * was: its directory's path and its name, for the restore to make one
 * there and unlink it again.
 */
static const char *unix_dump_inode_path(struct cpt_dump *d,
					struct unix_dump_rec *r, int *len,
					const char **why)
{
	struct dentry *dentry = r->path.dentry;
	struct path dir;
	const char *p;
	int dlen;

	if (!d_unlinked(dentry)) {
		p = cpt_dump_path(d, &r->path, len);
		if (IS_ERR(p))
			*why = "a unix socket bound outside the VE's root";
		return p;
	}
	r->s.flags |= CPT_UNIX_UNLINKED;
	dir.mnt = r->path.mnt;
	dir.dentry = dget_parent(dentry);
	if (d_unlinked(dir.dentry)) {
		dput(dir.dentry);
		*why = "a unix socket bound in a directory since removed";
		return ERR_PTR(-EOPNOTSUPP);
	}
	p = cpt_dump_path(d, &dir, &dlen);
	dput(dir.dentry);
	if (IS_ERR(p)) {
		*why = "a unix socket bound outside the VE's root";
		return p;
	}
	/* p is in d->pathbuf, which has room for PATH_MAX more. */
	*len = snprintf((char *)p + dlen, PATH_MAX, "%s%pd",
			dlen > 1 ? "/" : "", dentry) + dlen;
	if (*len >= CPT_MAX_PATH) {
		*why = "a unix socket bound to a path too long for the image";
		return ERR_PTR(-ENAMETOOLONG);
	}
	return p;
}

static int unix_dump_write(struct cpt_dump *d, struct unix_dump *st,
			   struct sock *sk, struct unix_dump_rec *r,
			   const char **why)
{
	const char *path = NULL;
	int len = 0, err;
	u32 i;

	if (r->path.dentry) {
		path = unix_dump_inode_path(d, r, &len, why);
		if (IS_ERR(path))
			return PTR_ERR(path);
	}
	r->s.path_len = len;
	err = cpt_grow((void **)&st->socks, st->nr, sizeof(*st->socks));
	if (err)
		return err;
	err = cpt_record_begin(&d->w, CPT_REC_UNIX_SOCK, st->nr,
			       sizeof(r->s) + r->s.addr_len + len +
			       r->s.peer_ngroups * sizeof(u32));
	if (!err)
		err = cpt_record_add(&d->w, &r->s, sizeof(r->s));
	if (!err)
		err = cpt_record_add(&d->w, r->addr, r->s.addr_len);
	if (!err)
		err = cpt_record_add(&d->w, path, len);
	for (i = 0; !err && i < r->s.peer_ngroups; i++) {
		u32 g = r->groups[i];

		err = cpt_record_add(&d->w, &g, sizeof(g));
	}
	if (!err)
		err = cpt_record_end(&d->w);
	if (err)
		return err;
	sock_hold(sk);
	st->socks[st->nr].sk = sk;
	st->socks[st->nr].type = r->s.type;
	st->socks[st->nr].peer = r->s.peer;
	return st->nr++;
}

static int unix_dump_sock(struct cpt_dump *d, struct unix_dump *st,
			  struct sock *sk, u32 listener, u32 pair_of,
			  int depth, const char **why);

/* A socket's peer, held, if it is alive; NULL if none or closed. */
static struct sock *unix_dump_peer(struct sock *sk, bool *closed)
{
	struct sock *peer;

	unix_state_lock(sk);
	peer = unix_peer(sk);
	if (peer)
		sock_hold(peer);
	unix_state_unlock(sk);
	*closed = peer && sock_flag(peer, SOCK_DEAD);
	if (*closed) {
		sock_put(peer);
		peer = NULL;
	}
	return peer;
}

static bool unix_mutual(struct sock *sk, struct sock *peer)
{
	bool mutual;

	unix_state_lock(peer);
	mutual = unix_peer(peer) == sk;
	unix_state_unlock(peer);
	return mutual;
}

/*
 * The connections waiting in listener @sk's queue, each with its client:
 * a message of the queue is owned by its connection's socket.
 */
static int unix_dump_embryos(struct cpt_dump *d, struct unix_dump *st,
			     struct sock *sk, u32 idx, const char **why)
{
	struct sk_buff **skbs;
	int n, i, err = 0;

	n = unix_queue_get(sk, &skbs);
	for (i = 0; i < n && err >= 0; i++)
		if (unix_dump_find(st, skbs[i]->sk) < 0)
			err = unix_dump_sock(d, st, skbs[i]->sk, idx,
					     CPT_NO_OBJ, 0, why);
	unix_queue_put(skbs, n);
	return n < 0 ? n : min(err, 0);
}

/*
 * Writes @sk (and what must come before or right after it) unless it
 * is written already; its index.  @listener: it is an embryo waiting in
 * that socket; @pair_of: it is the second of a connection.
 */
static int unix_dump_sock(struct cpt_dump *d, struct unix_dump *st,
			  struct sock *sk, u32 listener, u32 pair_of,
			  int depth, const char **why)
{
	struct unix_dump_rec r = {};
	struct sock *peer = NULL;
	bool closed, next = false;
	int idx, pidx = -1, err;

	idx = unix_dump_find(st, sk);
	if (idx >= 0)
		return idx;
	if (depth > UNIX_DUMP_DEPTH) {
		*why = "a chain of connected datagram sockets too long";
		return -EOPNOTSUPP;
	}
	err = unix_dump_fill(d, sk, &r, why);
	if (err)
		goto out;
	r.s.listener = listener;
	if (listener != CPT_NO_OBJ)
		r.s.flags |= CPT_UNIX_EMBRYO;
	if (r.s.state == CPT_UNIX_CONNECTED)
		peer = unix_dump_peer(sk, &closed);
	if (peer == sk) {
		*why = "a datagram socket connected to itself";
		err = -EOPNOTSUPP;
		goto out;
	}
	if (pair_of != CPT_NO_OBJ) {
		r.s.peer = pair_of;
	} else if (peer && unix_is_embryo(peer) && listener == CPT_NO_OBJ) {
		/* A client whose connection waits: its listener first. */
		struct sock *l = unix_sk(peer)->listener;

		if (!l) {
			*why = "a connection to a listening socket outside the VE";
			err = -EOPNOTSUPP;
			goto out;
		}
		err = unix_dump_sock(d, st, l, CPT_NO_OBJ, CPT_NO_OBJ,
				     depth + 1, why);
		if (err >= 0)
			err = unix_dump_find(st, sk);
		if (err == -1)
			err = -EINVAL;	/* its listener wrote it */
		goto out;
	} else if (peer) {
		pidx = unix_dump_find(st, peer);
		if (unix_mutual(sk, peer)) {
			/* Its other end would have been written with it. */
			if (pidx >= 0) {
				err = -EINVAL;
				goto out;
			}
			r.s.peer = CPT_UNIX_PEER_NEXT;
			next = true;
		} else if (sk->sk_type != SOCK_DGRAM) {
			*why = "a connection whose other end is not connected back";
			err = -EOPNOTSUPP;
			goto out;
		} else {
			if (pidx < 0)
				pidx = unix_dump_sock(d, st, peer, CPT_NO_OBJ,
						      CPT_NO_OBJ, depth + 1,
						      why);
			if (pidx < 0) {
				err = pidx;
				goto out;
			}
			r.s.peer = pidx;
		}
	}
	idx = unix_dump_write(d, st, sk, &r, why);
	if (idx >= 0 && next) {
		err = unix_dump_sock(d, st, peer, CPT_NO_OBJ, idx, depth + 1,
				     why);
		if (err >= 0 && err != idx + 1)
			err = -EINVAL;	/* the second must come right after */
	}
	if (idx >= 0 && err >= 0 && r.s.state == CPT_UNIX_LISTEN)
		err = unix_dump_embryos(d, st, sk, idx, why);
	if (err >= 0)
		err = idx;
out:
	if (peer)
		sock_put(peer);
	unix_dump_rec_free(&r);
	return err;
}

static const char *unix_family_name(int family)
{
	switch (family) {
	case AF_INET:
		return "an AF_INET socket (IPv4)";
	case AF_INET6:
		return "an AF_INET6 socket (IPv6)";
	case AF_NETLINK:
		return "an AF_NETLINK socket";
	case AF_PACKET:
		return "an AF_PACKET socket";
	}
	return "a socket of a family other than AF_UNIX";
}

int unix_dump_file(struct cpt_dump *d, struct file *file, struct cpt_file *f,
		   const char **why)
{
	struct unix_dump *st = cpt_dump_state(d, &cpt_res_unix);
	struct socket *sock = sock_from_file(file);
	int idx;

	if (!sock || !sock->sk) {
		*why = "a socket";
		return -EOPNOTSUPP;
	}
	if (sock->sk->sk_family != AF_UNIX) {
		*why = unix_family_name(sock->sk->sk_family);
		return -EOPNOTSUPP;
	}
	if ((file->f_flags & ~(O_ACCMODE | O_NONBLOCK)) ||
	    (file->f_flags & O_ACCMODE) != O_RDWR) {
		*why = "a unix socket with file status flags other than O_NONBLOCK";
		return -EOPNOTSUPP;
	}
	*why = NULL;
	idx = unix_dump_sock(d, st, sock->sk, CPT_NO_OBJ, CPT_NO_OBJ, 0, why);
	if (idx < 0)
		return idx;
	if (st->socks[idx].has_file) {
		*why = "a second open file of one unix socket";
		return -EOPNOTSUPP;
	}
	st->socks[idx].has_file = true;
	f->kind = CPT_FILE_UNIX;
	f->object = idx;
	f->pos = 0;
	f->size = 0;
	return 0;
}

static void unix_dump_release(struct cpt_dump *d, void *state)
{
	struct unix_dump *st = state;
	u32 i;

	for (i = 0; i < st->nr; i++)
		sock_put(st->socks[i].sk);
	kvfree(st->socks);
}

/* --- restore -------------------------------------------------------- */

static int unix_parse_sock(struct unix_rst *st, const struct cpt_rec_view *v)
{
	const struct cpt_unix_sock *s = &v->u.cpt_unix_sock;
	struct rst_unix_sock *u;
	const u8 *var = v->var;
	int err;

	err = cpt_grow((void **)&st->socks, st->nr, sizeof(*st->socks));
	if (err)
		return err;
	u = &st->socks[st->nr++];
	u->s = *s;
	/* Checked: the lengths add up to the variable part, within limits. */
	memcpy(u->addr, var, s->addr_len);
	var += s->addr_len;
	if (s->path_len) {
		u->path = kmemdup_nul(var, s->path_len, GFP_KERNEL);
		if (!u->path)
			return -ENOMEM;
	}
	var += s->path_len;
	if (s->peer_ngroups) {
		u->groups = kvmalloc_array(s->peer_ngroups, sizeof(u32),
					   GFP_KERNEL);
		if (!u->groups)
			return -ENOMEM;
		memcpy(u->groups, var, s->peer_ngroups * sizeof(u32));
	}
	return 0;
}

/* A new socket of @type in the restoring task's network namespace. */
int unix_rst_new_sock(u32 type, struct socket **sockp)
{
	int stype = type == CPT_SOCK_STREAM ? SOCK_STREAM :
		    type == CPT_SOCK_DGRAM ? SOCK_DGRAM : SOCK_SEQPACKET;

	return sock_create(AF_UNIX, stype, 0, sockp);
}

/* And as an open file, for a FILE to take. */
static struct file *unix_rst_new(u32 type, struct socket **sockp)
{
	struct file *file;
	int err;

	err = unix_rst_new_sock(type, sockp);
	if (err)
		return ERR_PTR(err);
	file = sock_alloc_file(*sockp, 0, NULL);	/* releases it on error */
	if (IS_ERR(file))
		*sockp = NULL;
	return file;
}

static long unix_rst_timeo(u64 ns)
{
	return ns ? max_t(long, nsecs_to_jiffies(ns), 1) : MAX_SCHEDULE_TIMEOUT;
}

/* What a socket holds by itself: options, owner, shutdown. */
static int unix_rst_options(struct rst_image *img, u32 idx,
			    struct rst_unix_sock *u)
{
	const struct cpt_unix_sock *s = &u->s;
	struct sock *sk = u->sk;
	const char *why;
	unsigned int i;

	why = unix_limits_refusal(s, rst_ve_capable(img, CAP_NET_ADMIN));
	if (why) {
		cpt_err(img->ctx, "unix socket %u: %s: not allowed in this VE",
			idx, why);
		return -EPERM;
	}
	lock_sock(sk);
	WRITE_ONCE(sk->sk_sndbuf, clamp_t(u32, s->sndbuf, SOCK_MIN_SNDBUF, INT_MAX));
	WRITE_ONCE(sk->sk_rcvbuf, clamp_t(u32, s->rcvbuf, SOCK_MIN_RCVBUF, INT_MAX));
	if (s->flags & CPT_UNIX_SNDBUF_LOCK)
		sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
	if (s->flags & CPT_UNIX_RCVBUF_LOCK)
		sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
	WRITE_ONCE(sk->sk_rcvlowat, clamp_t(u32, s->rcvlowat, 1, INT_MAX));
	WRITE_ONCE(sk->sk_peek_off, s->peek_off);
	WRITE_ONCE(sk->sk_rcvtimeo, unix_rst_timeo(s->rcvtimeo_ns));
	WRITE_ONCE(sk->sk_sndtimeo, unix_rst_timeo(s->sndtimeo_ns));
	for (i = 0; i < ARRAY_SIZE(unix_flag_options); i++)
		sock_valbool_flag(sk, unix_flag_options[i].sock_flag,
				  s->flags & unix_flag_options[i].cpt_flag);
	sk->sk_reuse = s->flags & CPT_UNIX_REUSEADDR ? SK_CAN_REUSE :
		       SK_NO_REUSE;
	sk->sk_reuseport = !!(s->flags & CPT_UNIX_REUSEPORT);
	WRITE_ONCE(sk->sk_priority, s->priority);
	WRITE_ONCE(sk->sk_mark, s->mark);
	if (s->state != CPT_UNIX_LISTEN)	/* listen() set it */
		WRITE_ONCE(sk->sk_max_ack_backlog, s->backlog);
	WRITE_ONCE(sk->sk_shutdown,
		   (s->shutdown & CPT_UNIX_SHUT_RD ? RCV_SHUTDOWN : 0) |
		   (s->shutdown & CPT_UNIX_SHUT_WR ? SEND_SHUTDOWN : 0));
	release_sock(sk);
	if (u->sock) {
		struct inode *inode = SOCK_INODE(u->sock);

		if (s->flags & CPT_UNIX_PASSCRED)
			set_bit(SOCK_PASSCRED, &u->sock->flags);
		if (s->flags & CPT_UNIX_PASSSEC)
			set_bit(SOCK_PASSSEC, &u->sock->flags);
		inode->i_uid = make_kuid(&init_user_ns, s->uid);
		inode->i_gid = make_kgid(&init_user_ns, s->gid);
		if (!uid_valid(inode->i_uid))
			inode->i_uid = GLOBAL_ROOT_UID;
		if (!gid_valid(inode->i_gid))
			inode->i_gid = GLOBAL_ROOT_GID;
		sk->sk_uid = inode->i_uid;
	}
	return 0;
}

/* Its address: bound to a path or an abstract name, or a shared one. */
static int unix_rst_bind(struct rst_image *img, u32 idx,
			 struct rst_unix_sock *u)
{
	const struct cpt_unix_sock *s = &u->s;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *tmp;
	int err;

	if (!s->addr_len)
		return 0;
	if (s->flags & CPT_UNIX_SHARED_ADDR) {
		err = unix_restore_set_addr(u->sk, u->addr, s->addr_len);
	} else if (u->path && (s->flags & CPT_UNIX_UNLINKED)) {
		/* A new inode in its directory, unlinked at once. */
		tmp = kasprintf(GFP_KERNEL, "%.*s.cpt-unix-%u",
				(int)(strrchr(u->path, '/') - u->path + 1),
				u->path, idx);
		if (!tmp)
			return -ENOMEM;
		err = unix_restore_bind(u->sk, tmp, u->addr, s->addr_len, true);
		kfree(tmp);
	} else if (u->path) {
		err = unix_restore_bind(u->sk, u->path, u->addr, s->addr_len,
					false);
	} else {
		/* Abstract (checked: a path address has its path). */
		memcpy(sun.sun_path, u->addr, s->addr_len);
		err = kernel_bind(u->sock, (struct sockaddr *)&sun,
				  offsetof(struct sockaddr_un, sun_path) +
				  s->addr_len);
	}
	if (err)
		cpt_err(img->ctx, "unix socket %u: cannot bind it to %s%.*s: %d",
			idx, u->addr[0] ? "" : "@", (int)s->addr_len - 1,
			u->addr[0] ? (char *)u->addr : (char *)u->addr + 1, err);
	return err;
}

/* Socket @idx, made and bound, listening if it was, not connected. */
static int unix_rst_make(struct rst_image *img, struct unix_rst *st, u32 idx)
{
	struct rst_unix_sock *u = &st->socks[idx];
	struct file *file;
	int err;

	if (u->sk)
		return 0;
	file = unix_rst_new(u->s.type, &u->sock);
	if (IS_ERR(file)) {
		cpt_err(img->ctx, "unix socket %u: cannot create it: %ld", idx,
			PTR_ERR(file));
		return PTR_ERR(file);
	}
	u->file = file;
	u->sk = u->sock->sk;
	sock_hold(u->sk);
	err = unix_rst_bind(img, idx, u);
	if (!err && u->s.state == CPT_UNIX_LISTEN) {
		/* As listen() does: no more than net.core.somaxconn. */
		u32 max = READ_ONCE(sock_net(u->sk)->core.sysctl_somaxconn);

		err = kernel_listen(u->sock, min(u->s.backlog, max));
		if (err)
			cpt_err(img->ctx, "unix socket %u: cannot listen: %d",
				idx, err);
	}
	return err;
}

/* A stand-in for the closed peer of socket @idx, connected to it. */
static int unix_rst_standin(struct rst_image *img, struct rst_unix_sock *u,
			    u32 idx)
{
	int err;

	err = unix_rst_new_sock(u->s.type, &u->standin);
	if (err)
		return err;
	if (u->s.flags & CPT_UNIX_EMBRYO)
		return 0;	/* the embryo's client, see unix_rst_embryo() */
	if (u->s.type == CPT_SOCK_DGRAM)
		err = unix_restore_connect(u->sk, u->standin->sk);
	else
		err = u->sock->ops->socketpair(u->sock, u->standin);
	if (err)
		cpt_err(img->ctx, "unix socket %u: cannot connect it: %d", idx,
			err);
	return err;
}

/* Embryo @idx: made by connecting its client to its listener. */
static int unix_rst_embryo(struct rst_image *img, struct unix_rst *st, u32 idx)
{
	struct rst_unix_sock *u = &st->socks[idx];
	struct rst_unix_sock *l = &st->socks[u->s.listener];	/* checked */
	struct socket *client;
	struct sock *sk;
	int err;

	if (u->sk)	/* checked: an embryo is no other's second */
		return -EINVAL;
	if (u->s.peer == CPT_UNIX_PEER_NEXT) {
		err = unix_rst_make(img, st, idx + 1);	/* checked: exists */
		if (err)
			return err;
		client = st->socks[idx + 1].sock;
	} else {
		err = unix_rst_standin(img, u, idx);
		if (err)
			return err;
		client = u->standin;
	}
	sk = unix_restore_embryo(l->sk, client);
	if (IS_ERR(sk)) {
		cpt_err(img->ctx, "unix socket %u: cannot queue it on socket %u: %ld",
			idx, u->s.listener, PTR_ERR(sk));
		return PTR_ERR(sk);
	}
	sock_hold(sk);
	u->sk = sk;
	return 0;
}

/* Socket @idx as the image has it, but for its queue and credentials. */
static int unix_rst_sock(struct rst_image *img, struct unix_rst *st, u32 idx)
{
	struct rst_unix_sock *u = &st->socks[idx];
	const struct cpt_unix_sock *s = &u->s;
	int err = 0;

	if (s->flags & CPT_UNIX_EMBRYO) {
		err = unix_rst_embryo(img, st, idx);
	} else {
		/* Made already as the second of a connection? */
		bool made = u->sk;

		err = unix_rst_make(img, st, idx);
		if (!err && s->peer == CPT_UNIX_PEER_NEXT) {
			struct rst_unix_sock *p = &st->socks[idx + 1];

			/* Checked: of one type, the second no embryo. */
			err = p->s.type == s->type &&
			      !(p->s.flags & CPT_UNIX_EMBRYO) ? 0 : -EINVAL;
			if (!err)
				err = unix_rst_make(img, st, idx + 1);
			if (!err)
				err = u->sock->ops->socketpair(u->sock, p->sock);
		} else if (!err && s->peer < idx && !made) {
			/* One way (checked: DGRAM, or the pair made it). */
			err = unix_restore_connect(u->sk, st->socks[s->peer].sk);
		}
		if (err)
			cpt_err(img->ctx, "unix socket %u: cannot connect it: %d",
				idx, err);
	}
	if (!err && s->state == CPT_UNIX_CONNECTED && s->peer == CPT_NO_OBJ &&
	    !(s->flags & CPT_UNIX_EMBRYO))
		err = unix_rst_standin(img, u, idx);
	if (!err)
		err = unix_rst_options(img, idx, u);
	return err;
}

int unix_rst_open(struct rst_image *img)
{
	struct unix_rst *st = rst_state(img, &cpt_res_unix);
	u32 i;
	int err;

	for (i = 0; i < st->nr; i++) {
		err = unix_rst_sock(img, st, i);
		if (err)
			return err;
	}
	return 0;
}

struct file *unix_rst_file(struct rst_image *img, const struct cpt_file *f)
{
	struct unix_rst *st = rst_state(img, &cpt_res_unix);
	struct rst_unix_sock *u = &st->socks[f->object];	/* checked */
	struct file *file = u->file;

	/* Checked: one FILE per socket, never an embryo. */
	u->file = NULL;
	if (!file)
		return ERR_PTR(-EINVAL);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) | (f->flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
	return file;
}

static int unix_parse(struct rst_image *img, void *state,
		      const struct cpt_rec_view *v)
{
	if (v->h.type == CPT_REC_UNIX_SOCK)
		return unix_parse_sock(state, v);
	return unix_parse_skb(img, state, v);
}

/* SO_PEERCRED as it was: a process that exited reads pid 0. */
static int unix_rst_peercred(struct rst_unix_sock *u)
{
	const struct cpt_unix_sock *s = &u->s;
	const struct cred *old_cred = NULL;
	struct group_info *gi = NULL;
	struct pid *old_pid, *pid = NULL;
	struct cred *cred = NULL;
	struct sock *sk = u->sk;
	u32 i;

	if (s->flags & CPT_UNIX_PEERCRED) {
		cred = prepare_creds();
		gi = groups_alloc(s->peer_ngroups);
		if (!cred || !gi) {
			if (cred)
				abort_creds(cred);
			if (gi)
				put_group_info(gi);
			return -ENOMEM;
		}
		cred->euid = make_kuid(&init_user_ns, s->peer_uid);
		cred->uid = cred->euid;
		cred->egid = make_kgid(&init_user_ns, s->peer_gid);
		cred->gid = cred->egid;
		for (i = 0; i < s->peer_ngroups; i++)
			gi->gid[i] = make_kgid(&init_user_ns, u->groups[i]);
		groups_sort(gi);
		set_groups(cred, gi);
		put_group_info(gi);
		pid = s->peer_pid ? find_get_pid(s->peer_pid) : NULL;
	}
	spin_lock(&sk->sk_peer_lock);
	old_pid = sk->sk_peer_pid;
	old_cred = sk->sk_peer_cred;
	sk->sk_peer_pid = pid;
	sk->sk_peer_cred = cred;
	spin_unlock(&sk->sk_peer_lock);
	put_pid(old_pid);
	put_cred(old_cred);
	return 0;
}

/*
 * After the memory contents, every task parked: credentials, the
 * stand-ins of closed peers go (their sockets see end of file), then
 * what that closing changed is set back: pending errors, states.
 */
int unix_rst_finish(struct rst_image *img)
{
	struct unix_rst *st = rst_state(img, &cpt_res_unix);
	u32 i;
	int err;

	for (i = 0; i < st->nr; i++) {
		err = unix_rst_peercred(&st->socks[i]);
		if (err)
			return err;
	}
	for (i = 0; i < st->nr; i++) {
		if (st->socks[i].standin)
			sock_release(st->socks[i].standin);
		st->socks[i].standin = NULL;
	}
	unix_rst_drop_ghosts(st);
	for (i = 0; i < st->nr; i++) {
		struct rst_unix_sock *u = &st->socks[i];
		struct sock *sk = u->sk;

		WRITE_ONCE(sk->sk_err, u->s.err);
		if (u->s.type == CPT_SOCK_DGRAM)
			WRITE_ONCE(sk->sk_state,
				   u->s.flags & CPT_UNIX_DGRAM_ESTAB ?
				   TCP_ESTABLISHED : TCP_CLOSE);
	}
	return 0;
}

static void unix_release(struct rst_image *img, void *state)
{
	struct unix_rst *st = state;
	u32 i;

	for (i = 0; i < st->nr; i++) {
		struct rst_unix_sock *u = &st->socks[i];

		if (u->file)
			fput(u->file);
		if (u->standin)
			sock_release(u->standin);
		if (u->sk)
			sock_put(u->sk);
		kfree(u->path);
		kvfree(u->groups);
	}
	kvfree(st->socks);
	unix_rst_drop_ghosts(st);
}

const struct cpt_resource cpt_res_unix = {
	.name		= "unix",
	.dump_size	= sizeof(struct unix_dump),
	.dump_release	= unix_dump_release,
	.rst_size	= sizeof(struct unix_rst),
	.parse		= unix_parse,
	.release	= unix_release,
};
