// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl restore: recreate a VE from its dump file and let it run on,
 * whole or one stage at a time (cr.c).
 */
#include <getopt.h>

#include "cmd.h"
#include "cr.h"

int parse_restore(int argc, char **argv, void *opts)
{
	static const struct option longopts[] = {
		{ "dumpfile", required_argument, NULL, CPT_OPT_DUMPFILE },
		{ "context", required_argument, NULL, CPT_OPT_CONTEXT },
		{ "skip_arpdetect", no_argument, NULL, CPT_OPT_SKIP_ARPDETECT },
		{ "undump", no_argument, NULL, CPT_STAGE_UNDUMP },
		{ "resume", no_argument, NULL, CPT_STAGE_RESUME },
		{ "kill", no_argument, NULL, CPT_STAGE_KILL },
		{ NULL, 0, NULL, 0 },
	};

	return cpt_opts_parse(argc, argv, longopts, opts);
}

int cmd_restore(struct cmd_ve *ve, void *opts)
{
	return ve_restore_locked(&ve->vc, opts);
}
