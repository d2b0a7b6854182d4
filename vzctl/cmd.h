/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vzctl's subcommands (cmd_*.c), for the table in main.c and the tests.
 * Only they and the cmd_*.c files (for their own declarations) include
 * this: no command calls another, and no library file calls a command.
 *
 * A command is its option parser and its core.  parse_X() fills the
 * command's options, whose first member is the VEID for a command that
 * takes one, and returns 0 or an exit code.  main.c then does what the
 * command's row in its table asks for (load the configuration, take the
 * lock) and runs cmd_X() with what that prepared.  Only the commands
 * themselves are here: what they share is in the library files.
 */
#ifndef VZCTL_CMD_H
#define VZCTL_CMD_H

#include <stdbool.h>

#include "config.h"
#include "cr.h"
#include "util.h"

/* What main.c's preamble prepared for a command's core. */
struct cmd_ve {
	unsigned int veid;
	struct ve_conf vc;	/* loaded, if the command's row says so */
	char *root, *priv;	/* VE_ROOT and VE_PRIVATE, likewise */
};

struct create_opts {
	unsigned int veid;
	const char *ostemplate;
	const char *config;
	const char *hostname;
	struct strlist ipadd;
	/* Worked out by check_create(), before the lock is taken. */
	char *tmpl;
	char *tarball;
};
int parse_create(int argc, char **argv, void *opts);
int check_create(struct cmd_ve *ve, void *opts);
int cmd_create(struct cmd_ve *ve, void *opts);
void free_create_opts(void *opts);

/* "vzctl CMD VEID": parsed by parse_veid_only(), no options. */
int cmd_destroy(struct cmd_ve *ve, void *opts);
int cmd_mount(struct cmd_ve *ve, void *opts);
int cmd_umount(struct cmd_ve *ve, void *opts);
int cmd_status(struct cmd_ve *ve, void *opts);
int cmd_start(struct cmd_ve *ve, void *opts);
int cmd_enter(struct cmd_ve *ve, void *opts);

struct stop_opts {
	unsigned int veid;
	bool fast;
};
int parse_stop(int argc, char **argv, void *opts);
int cmd_stop(struct cmd_ve *ve, void *opts);
int cmd_restart(struct cmd_ve *ve, void *opts);

struct exec_opts {
	unsigned int veid;
	char *command;		/* NULL: read commands from stdin */
};
int parse_exec(int argc, char **argv, void *opts);
int cmd_exec(struct cmd_ve *ve, void *opts);
int cmd_exec2(struct cmd_ve *ve, void *opts);
void free_exec_opts(void *opts);

struct set_opts {
	unsigned int veid;
	struct strlist ipadd;
	struct strlist ipdel;
	bool ipdel_all;
	const char *hostname;
	struct strlist nameserver;
	const char *onboot;
	struct strlist capability;	/* "name:on|off" */
	struct strlist devnodes;	/* "name:r|w|rw|none" */
	bool save;
};
int parse_set(int argc, char **argv, void *opts);
int cmd_set(struct cmd_ve *ve, void *opts);
void free_set_opts(void *opts);

/* struct cpt_opts (cr.h) */
int parse_chkpnt(int argc, char **argv, void *opts);
int cmd_chkpnt(struct cmd_ve *ve, void *opts);
int parse_restore(int argc, char **argv, void *opts);
int cmd_restore(struct cmd_ve *ve, void *opts);

struct dumpinfo_opts {
	const char *path;	/* "-": stdin */
	bool json;
};
int parse_dumpinfo(int argc, char **argv, void *opts);
int cmd_dumpinfo(struct cmd_ve *ve, void *opts);

#endif
