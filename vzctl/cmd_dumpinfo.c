// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl dumpinfo: check a checkpoint image and describe it
 * (image_print.c); the exit code says whether it is valid.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cmd.h"
#include "image_print.h"
#include "util.h"

int parse_dumpinfo(int argc, char **argv, void *opts)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct dumpinfo_opts *o = opts;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == 'j') {
			o->json = true;
			continue;
		}
		vz_error("Invalid option: %s", argv[optind - 1]);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	ret = check_last_arg(argc, argv, optind, "Dump file");
	if (!ret)
		o->path = argv[optind];
	return ret;
}

int cmd_dumpinfo(struct cmd_ve *ve, void *opts)
{
	const struct dumpinfo_opts *o = opts;
	int fd, ret;

	(void)ve;
	if (!strcmp(o->path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(o->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			vz_error("Unable to open %s: %s", o->path,
				 strerror(errno));
			return VZ_SYSTEM_ERROR;
		}
	}
	ret = dumpinfo_fd(fd, stdout, o->json);
	if (fd != STDIN_FILENO)
		close(fd);
	return ret;
}
