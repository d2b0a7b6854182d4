/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VE's pid 1 from VE_CREATE until it executes /sbin/init or undumps
 * an image (ve_init.c), and how it tells its parent which step failed.
 */
#ifndef VZCTL_VE_INIT_H
#define VZCTL_VE_INIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the init writes to its status pipe when a step fails. */
struct init_failure {
	int step;
	int err;
};

struct devnode;

/* What the VE's init sets up. */
struct ve_init_params {
	const char *root;
	const char *hostname;		/* NULL: none */
	int rstfd;			/* >= 0: undump from it (restore) */
	uint64_t caps;			/* what its bounding set keeps */
	const struct devnode *devnodes;	/* granted devices, for its /dev */
	size_t nr_devnodes;
};

/*
 * Runs as the VE's pid 1; only returns by exec.  Waits for a byte on
 * go_fd, then moves into root, builds /proc and /dev, limits its
 * capabilities and executes /sbin/init; with rstfd >= 0 (restore) it
 * undumps instead (CPT_UNDUMP).  A failed step is written to status_fd,
 * which is close-on-exec.
 */
void ve_init_child(int go_fd, int status_fd, const struct ve_init_params *p)
	__attribute__((noreturn));

/* "Unable to WHAT: STEP: ERROR" for the n bytes read into *f. */
void ve_init_report(const struct init_failure *f, ssize_t n,
		    const char *what);

#endif
