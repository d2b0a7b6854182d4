/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-only writer of synthetic checkpoint images: valid ones, and ones
 * broken in one named way, for the unit tests and for tests/mkimage.
 * The images describe a plausible one-task VE; nothing could run from
 * them.
 */
#ifndef VZCTL_IMGWRITE_H
#define VZCTL_IMGWRITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../image.h"

/*
 * Called with a writable copy of each record's fixed and variable parts
 * before it is written (nth: how many of its type came before); false
 * drops the record.  For tests of one rule: change one field, or leave
 * one record out, and every CRC is still right.
 */
typedef bool (*imgw_edit_fn)(uint32_t type, uint32_t nth, void *fixed,
			     uint32_t fixed_len, void *var, uint32_t var_len,
			     void *arg);

struct imgw {
	FILE *f;
	imgw_edit_fn edit;
	void *edit_arg;
	uint64_t off;
	uint64_t nr_records;
	uint32_t crcs_state;
	uint32_t count[CPT_REC_TYPE_MAX];
};

/* Semantic breakage, each with valid CRCs so the semantic check is hit. */
/* A broken POSIX_TIMER record (with timers). */
#define IMGW_TIMER_NO_SIGNAL	1	/* no SIGNAL record before it */
#define IMGW_TIMER_ORDER	2	/* ids not increasing */
#define IMGW_TIMER_CLOCK	3	/* CLOCK_PROCESS_CPUTIME_ID */
#define IMGW_TIMER_NOTIFY	4	/* sigev_notify 99 */
#define IMGW_TIMER_SIGNAL	5	/* signal 65 */

struct imgw_opts {
	unsigned int veid;		/* 0: 101 */
	uint32_t nr_pages;		/* heap pages, 0: 2 */
	uint32_t version;		/* 0: CPT_IMAGE_VERSION */
	uint32_t arch;			/* 0: x86_64 (use ~0 for i386) */
	uint32_t page_size;		/* 0: 4096 */
	const char *file_path;		/* of the FILE record, 0: /sbin/init */
	bool hdr_ext;			/* valid: header of a newer minor */
	bool grown_ve;			/* valid: VE record of a newer minor */
	bool threads;			/* valid: init has a second thread */
	bool timers;			/* valid: init has SIGNAL, 2 timers */
	bool pipes;			/* valid: a pipe (fds 1, 2), a FIFO (3) */
	bool sched;			/* valid: SCHED records, init's nice -5
					 * SCHED_FIFO 10 reset on fork, a
					 * thread's nice 7 SCHED_BATCH */
	bool rseq;			/* valid: RSEQ records, init's and a
					 * thread's areas in the heap */
	bool eventfd;			/* valid: an eventfd (fd 1), a
					 * signalfd (fd 2), a timerfd (fd 3)
					 * and an epoll instance (fd 4)
					 * watching the first and the
					 * third, not with pipes */
	bool locks;			/* valid: init's flock, POSIX and OFD
					 * locks on FILE 0 */
	bool mlock;			/* valid: heap locked, stack locked on
					 * fault, mlockall(MCL_FUTURE) */
	bool unix_socks;		/* valid: 8 unix sockets of every type
					 * and state, 7 FILEs (fds after the
					 * others), 6 queued messages */
	uint32_t unix_ngroups;		/* unix socket 0's peer groups, 0: 30 */
	uint32_t bad_timer;		/* IMGW_TIMER_* */
	bool forward_ref;		/* TASK refers to MM 1, never written */
	bool huge_len;			/* a record of CPT_REC_MAX_LEN + 1 */
	bool too_many_vmas;		/* MM with nr_vmas > CPT_MAX_VMAS */
	bool too_many_tasks;		/* VE with nr_tasks > CPT_MAX_TASKS */
	bool unknown_type;		/* a record of type CPT_REC_TYPE_MAX */
	bool bad_index;			/* FILE with index 1 */
	bool pad_garbage;		/* nonzero padding byte */
	uint32_t file_len;		/* FILE 0's fixed part, 0: sizeof;
					 * up to twice that, zeros after */
	bool pages_early;		/* PAGES before the TASK */
	bool drop_record;		/* END counts a record never written */
	bool trailing;			/* bytes after END */
	bool no_end;			/* stream ends without END */
	imgw_edit_fn edit;		/* see struct imgw */
	void *edit_arg;
};

/* Writes h with its crc computed. */
void imgw_begin(struct imgw *w, FILE *f, const struct cpt_image_header *h);
void imgw_default_header(struct cpt_image_header *h, unsigned int veid);
void imgw_rec(struct imgw *w, uint32_t type, uint32_t index,
	      const void *fixed, uint32_t fixed_len,
	      const void *var, uint32_t var_len);
void imgw_pages(struct imgw *w, uint32_t mm, uint64_t start, uint32_t nr);
void imgw_end(struct imgw *w);
/* The standard image, broken as o says; 0 or -1 on write error. */
int imgw_write_image(FILE *f, const struct imgw_opts *o);
/* Same, into a malloc'ed buffer. */
unsigned char *imgw_image(const struct imgw_opts *o, size_t *len);

/*
 * tests/imgread.c: 0 if vzctl's reader accepts the bytes (or the image
 * o describes), -1 with its message in err (if given); nrec records.
 */
int imgw_validate(const unsigned char *buf, size_t len, char *err,
		  size_t errlen, unsigned int *nrec);
int imgw_validate_opts(const struct imgw_opts *o, char *err, size_t errlen);

#endif
