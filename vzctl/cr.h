/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint and restore of a VE (cr.c): the options chkpnt and restore
 * share, the whole operations and their stages, and start's rule of
 * restoring a VE that has a dump file.
 */
#ifndef VZCTL_CR_H
#define VZCTL_CR_H

#include <stdbool.h>
#include <getopt.h>

#include "config.h"

enum cpt_stage {
	CPT_STAGE_FULL,		/* no stage option: the whole operation */
	CPT_STAGE_SUSPEND,
	CPT_STAGE_DUMP,
	CPT_STAGE_RESUME,
	CPT_STAGE_KILL,
	CPT_STAGE_UNDUMP,
};

struct cpt_opts {
	unsigned int veid;
	enum cpt_stage stage;
	const char *dumpfile;		/* NULL: DUMPDIR/Dump.VEID */
	unsigned int context;		/* sticky context id, if context_set */
	bool context_set;
	unsigned int cpu_flags;		/* if flags_set */
	bool flags_set;
	bool skip_arpdetect;
};

/*
 * The getopt_long() values of the options for cpt_opts_parse(); a stage
 * option's value is its enum cpt_stage.
 */
enum cpt_opt {
	CPT_OPT_DUMPFILE	= 'f',
	CPT_OPT_CONTEXT		= 'c',
	CPT_OPT_FLAGS		= 'F',
	CPT_OPT_SKIP_ARPDETECT	= 'a',
};

/* "[options] VEID" with the options a command accepts (opts). */
int cpt_opts_parse(int argc, char **argv, const struct option *opts,
		   struct cpt_opts *o);

/* vzctl chkpnt and restore, with the VE locked. */
int ve_chkpnt_locked(struct ve_conf *vc, const struct cpt_opts *o);
int ve_restore_locked(struct ve_conf *vc, const struct cpt_opts *o);

/*
 * vzctl start with the VE locked: from its dump file if it has one,
 * else (or if that fails) a boot.
 */
int ve_start_locked(struct ve_conf *vc);

#endif
