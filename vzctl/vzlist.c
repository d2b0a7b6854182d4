// SPDX-License-Identifier: GPL-2.0
/* vzlist: list Virtual Environments.  The work is in list.c. */
#include <stdio.h>
#include <stdlib.h>

#include "list.h"

static void list_usage(FILE *f)
{
	fputs("Usage: vzlist [-a] [-H] [-o field[,field...]] [veid ...]\n"
	      "  -a, --all        list stopped VEs too\n"
	      "  -H, --no-header  do not print the header\n"
	      "  -o, --output     fields: veid, nproc, status, ip, hostname,\n"
	      "                   onboot, name\n", f);
}

int main(int argc, char **argv)
{
	struct list_opts o;
	int ret = parse_list(argc, argv, &o);

	if (ret < 0) {
		list_usage(stdout);
		return 0;
	}
	if (ret) {
		list_usage(stderr);
		return ret;
	}
	ret = vzlist_run(&o);
	free(o.veids);
	return ret;
}
