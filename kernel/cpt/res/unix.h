/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unix sockets, shared by unix.c (the sockets: UNIX_SOCK) and
 * unix_queue.c (what they have queued: UNIX_SKB).
 */
#ifndef _CPT_RES_UNIX_H
#define _CPT_RES_UNIX_H

#include <linux/types.h>
#include <linux/cpt_image.h>
#include <net/af_unix.h>

struct cpt_dump;
struct rst_image;
struct cpt_rec_view;

/* The sun_path bytes an address has, as the image holds them. */
#define UNIX_ADDR_BYTES(a)	((a)->len - offsetof(struct sockaddr_un, sun_path))

/* A connection not yet accepted: no socket, in its listener's queue. */
static inline bool unix_is_embryo(const struct sock *sk)
{
	return !sk->sk_socket;
}

/* A dump: every socket written, by UNIX_SOCK index. */
struct unix_dump_sock {
	struct sock	*sk;		/* held */
	u32		type;
	u32		peer;		/* as written */
	bool		has_file;
};

struct unix_dump {
	struct unix_dump_sock	*socks;
	u32			nr;
};

int unix_dump_find(const struct unix_dump *st, const struct sock *sk);

/* A restore: every socket of the image, and the senders that are gone. */
struct rst_unix_sock {
	struct cpt_unix_sock	s;
	u8			addr[CPT_UNIX_ADDR_MAX];
	char			*path;
	u32			*groups;

	struct socket		*sock;		/* made; NULL for an embryo */
	struct file		*file;		/* until its FILE takes it */
	struct sock		*sk;		/* held */
	/*
	 * For a closed peer: a socket, not a file, so that releasing it
	 * takes effect at once (a file's last fput() is only done when
	 * the task returns to user mode: after the VE resumed).
	 */
	struct socket		*standin;
};

struct rst_unix_ghost {
	struct socket		*sock;
	u32			addr_len;
	u8			addr[CPT_UNIX_ADDR_MAX];
};

struct unix_rst {
	struct rst_unix_sock	*socks;
	u32			nr;
	/* Senders of queued datagrams that are gone, by address. */
	struct rst_unix_ghost	*ghosts;
	u32			nr_ghosts;
};

/* unix.c */
int unix_rst_new_sock(u32 type, struct socket **sockp);

/* unix_queue.c */
const char *unix_queue_refusal(struct sock *sk);
int unix_queue_get(struct sock *sk, struct sk_buff ***skbs);
void unix_queue_put(struct sk_buff **skbs, int n);
int unix_parse_skb(struct rst_image *img, struct unix_rst *st,
		   const struct cpt_rec_view *v);
void unix_rst_drop_ghosts(struct unix_rst *st);

#endif
