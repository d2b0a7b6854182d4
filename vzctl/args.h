/* SPDX-License-Identifier: GPL-2.0 */
/* Command line helpers shared by vzctl's subcommands and vzlist (args.c). */
#ifndef VZCTL_ARGS_H
#define VZCTL_ARGS_H

#include "util.h"

int parse_veid_arg(const char *s, unsigned int *veid);
/* argv[first] is the last argument, and it is the VEID. */
int parse_veid_at(int argc, char **argv, int first, unsigned int *veid);
/* Only the first half of that: one argument, what, left at argv[first]. */
int check_last_arg(int argc, char **argv, int first, const char *what);
/* "vzctl CMD VEID" with no options at all. */
int parse_veid_only(int argc, char **argv, unsigned int *veid);
/* A getopt_long() error: "Invalid option", or a missing argument. */
int bad_option(char **argv, int c);
/* An --ipadd or --ipdel address: checked, and listed in l once. */
int opt_ip(struct strlist *l, const char *s);
/* A --hostname: checked. */
int opt_hostname(const char *s);

#endif
