// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl: manage Virtual Environments.  One table maps each subcommand to
 * the function in its own cmd_*.c file.
 */
#include <stdio.h>
#include <string.h>

#include "vzctl.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} subcommands[] = {
	{ "create",	cmd_create },
	{ "destroy",	cmd_destroy },
	{ "delete",	cmd_destroy },
	{ "mount",	cmd_mount },
	{ "umount",	cmd_umount },
	{ "start",	cmd_start },
	{ "stop",	cmd_stop },
	{ "restart",	cmd_restart },
	{ "status",	cmd_status },
	{ "exec",	cmd_exec },
	{ "exec2",	cmd_exec2 },
	{ "enter",	cmd_enter },
	{ "set",	cmd_set },
	{ "chkpnt",	cmd_chkpnt },
	{ "restore",	cmd_restore },
	{ "dumpinfo",	cmd_dumpinfo },
};

void usage(FILE *f)
{
	fputs("Usage: vzctl [--help | --version] <command> <veid> [parameters]\n"
	      "vzctl create <veid> [--ostemplate <name>] [--config <name>]\n"
	      "   [--ipadd <addr>] [--hostname <name>]\n"
	      "vzctl destroy | mount | umount | status <veid>\n"
	      "vzctl start <veid>\n"
	      "vzctl stop <veid> [--fast]\n"
	      "vzctl restart <veid> [--fast]\n"
	      "vzctl exec | exec2 <veid> <command> [arg ...]\n"
	      "vzctl enter <veid>\n"
	      "vzctl set <veid> [--ipadd <addr>] [--ipdel <addr>|all]\n"
	      "   [--hostname <name>] [--nameserver <addr>]\n"
	      "   [--onboot yes|no] [--save]\n"
	      "vzctl chkpnt <veid> [--dumpfile <file>] [--context <id>] [--flags <n>]\n"
	      "   [--suspend | --dump | --resume | --kill]\n"
	      "vzctl restore <veid> [--dumpfile <file>] [--context <id>]\n"
	      "   [--undump | --resume | --kill] [--skip_arpdetect]\n"
	      "vzctl dumpinfo <file>|- [--json]\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vzctl version %s\n", VZCTL_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[1], subcommands[i].name)) {
			int ret = subcommands[i].fn(argc - 1, argv + 1);

			fflush(stdout);
			if (ret == VZ_INVALID_PARAMETER_SYNTAX)
				usage(stderr);
			return ret;
		}
	}
	vz_error("Invalid action: %s", argv[1]);
	usage(stderr);
	return VZ_INVALID_PARAMETER_SYNTAX;
}
