// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl stop / restart (ve_stop.c).  restart holds the lock across the
 * stop and the start.
 */
#include <getopt.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "cr.h"
#include "util.h"
#include "ve.h"
#include "ve_stop.h"

int parse_stop(int argc, char **argv, void *opts)
{
	static const struct option longopts[] = {
		{ "fast", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct stop_opts *o = opts;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c != 'f')
			return bad_option(argv, c);
		o->fast = true;
	}
	return parse_veid_at(argc, argv, optind, &o->veid);
}

int cmd_stop(struct cmd_ve *ve, void *opts)
{
	const struct stop_opts *o = opts;

	return ve_stop_locked(&ve->vc, o->fast);
}

int cmd_restart(struct cmd_ve *ve, void *opts)
{
	const struct stop_opts *o = opts;
	pid_t pid;
	int ret;

	vz_msg("Restarting VE");
	ret = ve_get_state(ve->veid, &pid);
	if (!ret && pid > 0)
		ret = ve_stop_locked(&ve->vc, o->fast);
	if (!ret)
		ret = ve_start_locked(&ve->vc);
	return ret;
}
