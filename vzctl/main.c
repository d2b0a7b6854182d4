// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl: manage Virtual Environments.
 *
 * One table describes every subcommand: its name, its synopsis for the
 * usage text, its option parser and core (cmd_*.c), and which steps of
 * the common preamble it needs.  run() is that preamble, the same for
 * every command and in this order, so that the errors come in this
 * order too: the options (syntax errors), the VEID, the configuration,
 * what the command can refuse before the lock, the lock; then the core
 * runs, and everything is released.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "config.h"
#include "cr.h"
#include "lock.h"
#include "util.h"

#define VZCTL_VERSION		"1.0"

/* Steps of the preamble. */
#define CMD_VEID	0x1	/* takes a VEID: the first member of its options */
#define CMD_CONF	0x2	/* the VE's configuration, checked (ve_load()) */
#define CMD_NEW_CONF	0x4	/* only read: the command writes the VE's own */
#define CMD_LOCK	0x8	/* the VE's lock, held while the core runs */

struct vz_cmd {
	const char *name;
	const char *alias;		/* also accepted, not in the usage */
	unsigned int flags;		/* CMD_* */
	/*
	 * The usage lines after "vzctl NAME ", continuations indented.
	 * NULL: the command shares the synopsis of the row before it,
	 * "vzctl THAT | NAME ...".
	 */
	const char *const *synopsis;
	/* NULL: "vzctl NAME VEID" and nothing else (parse_veid_only()). */
	int (*parse)(int argc, char **argv, void *opts);
	size_t opts_size;
	/* Refusals that come before the lock is taken. */
	int (*check)(struct cmd_ve *ve, void *opts);
	int (*run)(struct cmd_ve *ve, void *opts);
	void (*free_opts)(void *opts);
};

#define SYNOPSIS(...)	((const char *const []){ __VA_ARGS__, NULL })
#define OPTS(parser, type)	.parse = (parser), .opts_size = sizeof(type)
#define VE_CMD		(CMD_VEID | CMD_CONF | CMD_LOCK)

static const struct vz_cmd commands[] = {
	{ "create", NULL, CMD_VEID | CMD_NEW_CONF | CMD_LOCK,
	  SYNOPSIS("<veid> [--ostemplate <name>] [--config <name>]",
		   "[--ipadd <addr>] [--hostname <name>]"),
	  OPTS(parse_create, struct create_opts), .check = check_create,
	  .run = cmd_create, .free_opts = free_create_opts },
	{ "destroy", "delete", VE_CMD, SYNOPSIS("<veid>"),
	  .run = cmd_destroy },
	{ "mount", NULL, VE_CMD, NULL, .run = cmd_mount },
	{ "umount", NULL, VE_CMD, NULL, .run = cmd_umount },
	{ "status", NULL, CMD_VEID | CMD_CONF, NULL, .run = cmd_status },
	{ "start", NULL, VE_CMD, SYNOPSIS("<veid>"), .run = cmd_start },
	{ "stop", NULL, VE_CMD, SYNOPSIS("<veid> [--fast]"),
	  OPTS(parse_stop, struct stop_opts), .run = cmd_stop },
	{ "restart", NULL, VE_CMD, SYNOPSIS("<veid> [--fast]"),
	  OPTS(parse_stop, struct stop_opts), .run = cmd_restart },
	{ "exec", NULL, CMD_VEID,
	  SYNOPSIS("<veid> <command> [arg ...]"),
	  OPTS(parse_exec, struct exec_opts), .run = cmd_exec,
	  .free_opts = free_exec_opts },
	{ "exec2", NULL, CMD_VEID, NULL,
	  OPTS(parse_exec, struct exec_opts), .run = cmd_exec2,
	  .free_opts = free_exec_opts },
	{ "enter", NULL, CMD_VEID, SYNOPSIS("<veid>"), .run = cmd_enter },
	{ "set", NULL, VE_CMD,
	  SYNOPSIS("<veid> [--ipadd <addr>] [--ipdel <addr>|all]",
		   "[--hostname <name>] [--nameserver <addr>]",
		   "[--onboot yes|no] [--capability <name>:on|off]",
		   "[--devnodes <device>:r|w|rw|none] [--save]"),
	  OPTS(parse_set, struct set_opts), .run = cmd_set,
	  .free_opts = free_set_opts },
	{ "chkpnt", NULL, VE_CMD,
	  SYNOPSIS("<veid> [--dumpfile <file>] [--context <id>] [--flags <n>]",
		   "[--suspend | --dump | --resume | --kill]"),
	  OPTS(parse_chkpnt, struct cpt_opts), .run = cmd_chkpnt },
	{ "restore", NULL, VE_CMD,
	  SYNOPSIS("<veid> [--dumpfile <file>] [--context <id>]",
		   "[--undump | --resume | --kill] [--skip_arpdetect]"),
	  OPTS(parse_restore, struct cpt_opts), .run = cmd_restore },
	{ "dumpinfo", NULL, 0, SYNOPSIS("<file>|- [--json]"),
	  OPTS(parse_dumpinfo, struct dumpinfo_opts), .run = cmd_dumpinfo },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("Usage: vzctl [--help | --version] <command> <veid> [parameters]\n",
	      f);
	for (size_t i = 0; i < NR_COMMANDS; i++) {
		const struct vz_cmd *c = &commands[i];

		if (!c->synopsis)
			continue;
		fprintf(f, "vzctl %s", c->name);
		for (size_t k = i + 1; k < NR_COMMANDS && !commands[k].synopsis;
		     k++)
			fprintf(f, " | %s", commands[k].name);
		fprintf(f, " %s\n", c->synopsis[0]);
		for (size_t k = 1; c->synopsis[k]; k++)
			fprintf(f, "   %s\n", c->synopsis[k]);
	}
}

static const struct vz_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(name, commands[i].name) ||
		    (commands[i].alias && !strcmp(name, commands[i].alias)))
			return &commands[i];
	return NULL;
}

/* The preamble, the core, and the release of all the preamble took. */
static int run(const struct vz_cmd *c, int argc, char **argv)
{
	struct cmd_ve ve = { 0 };
	void *opts = NULL;
	char *lock = NULL;
	int ret;

	if (c->parse) {
		opts = memset(xmalloc(c->opts_size), 0, c->opts_size);
		ret = c->parse(argc, argv, opts);
		if (!ret && (c->flags & CMD_VEID))
			ve.veid = *(const unsigned int *)opts;
	} else {
		ret = parse_veid_only(argc, argv, &ve.veid);
	}
	if (!ret && (c->flags & CMD_CONF))
		ret = ve_load(ve.veid, &ve.vc, &ve.root, &ve.priv);
	else if (!ret && (c->flags & CMD_NEW_CONF))
		ret = ve_conf_load(&ve.vc, ve.veid);
	if (!ret && c->check)
		ret = c->check(&ve, opts);
	if (!ret && (c->flags & CMD_LOCK))
		ret = ve_lock(&ve.vc, &lock);
	if (!ret) {
		ret = c->run(&ve, opts);
		vz_unlock(lock);
	}
	/* All of these are no-ops on what was never loaded. */
	free(ve.root);
	free(ve.priv);
	ve_conf_free(&ve.vc);
	if (opts && c->free_opts)
		c->free_opts(opts);
	free(opts);
	return ret;
}

int main(int argc, char **argv)
{
	const struct vz_cmd *c;
	int ret;

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
	c = find_cmd(argv[1]);
	if (!c) {
		vz_error("Invalid action: %s", argv[1]);
		usage(stderr);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	ret = run(c, argc - 1, argv + 1);
	fflush(stdout);
	if (ret == VZ_INVALID_PARAMETER_SYNTAX)
		usage(stderr);
	return ret;
}
