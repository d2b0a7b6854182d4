/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client of /proc/cpt and /proc/rst (cpt_client.c,
 * Documentation/cpt-api.rst): opening them, their ioctls, contexts and
 * the context list they show.
 */
#ifndef VZCTL_CPT_CLIENT_H
#define VZCTL_CPT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* One line of /proc/cpt or /proc/rst. */
struct cpt_ctx_info {
	unsigned int ctxid;
	unsigned int veid;
	int state;			/* enum cpt_context_state */
};
#define CPT_STATE_UNKNOWN	(-100)
int cpt_state_parse(const char *name);
const char *cpt_state_name(int state);
int cpt_ctx_parse(FILE *f, struct cpt_ctx_info **out, size_t *n);
int cpt_ctx_read(const char *path, struct cpt_ctx_info **out, size_t *n);
bool cpt_ve_suspended(unsigned int veid);
char *cpt_dump_path(const struct ve_conf *vc, const char *dumpfile);

int cpt_open(bool restore);
int cpt_ioctl(int fd, unsigned long req, unsigned long arg,
	      const char *what);

/* Which context cpt_attach() gives the control file. */
enum cpt_attach_mode {
	CPT_ATTACH_OWN,		/* the file's own, gone when it is closed */
	CPT_ATTACH_NEW,		/* a new sticky one, id ctx */
	CPT_ATTACH_JOIN,	/* the sticky one ctx, made by an earlier run */
};
int cpt_attach(int fd, bool restore, unsigned int veid, unsigned int ctx,
	       enum cpt_attach_mode mode);
void cpt_detach(int fd);

#endif
