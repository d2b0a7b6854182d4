// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl chkpnt: save a running VE's state to a dump file and stop it,
 * whole or one stage at a time (cr.c).
 */
#include <getopt.h>

#include "cmd.h"
#include "cr.h"

int parse_chkpnt(int argc, char **argv, void *opts)
{
	static const struct option longopts[] = {
		{ "dumpfile", required_argument, NULL, CPT_OPT_DUMPFILE },
		{ "context", required_argument, NULL, CPT_OPT_CONTEXT },
		{ "flags", required_argument, NULL, CPT_OPT_FLAGS },
		{ "skip_arpdetect", no_argument, NULL, CPT_OPT_SKIP_ARPDETECT },
		{ "suspend", no_argument, NULL, CPT_STAGE_SUSPEND },
		{ "dump", no_argument, NULL, CPT_STAGE_DUMP },
		{ "resume", no_argument, NULL, CPT_STAGE_RESUME },
		{ "kill", no_argument, NULL, CPT_STAGE_KILL },
		{ NULL, 0, NULL, 0 },
	};

	return cpt_opts_parse(argc, argv, longopts, opts);
}

int cmd_chkpnt(struct cmd_ve *ve, void *opts)
{
	return ve_chkpnt_locked(&ve->vc, opts);
}
