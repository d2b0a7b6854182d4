// SPDX-License-Identifier: GPL-2.0
/*
 * Command line helpers shared by the subcommands and vzlist: the VEID
 * argument, which every command taking one checks the same way and in the
 * same order (none given, then one too many, then its value), and the
 * option values more than one command takes.
 */
#include <unistd.h>

#include "args.h"
#include "net.h"
#include "util.h"

int parse_veid_arg(const char *s, unsigned int *veid)
{
	if (parse_veid(s, veid)) {
		vz_error("Invalid veid: %s", s);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	return 0;
}

int check_last_arg(int argc, char **argv, int first, const char *what)
{
	if (first >= argc) {
		vz_error("%s is not given", what);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	if (first + 1 < argc) {
		vz_error("Unexpected argument: %s", argv[first + 1]);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	return 0;
}

int parse_veid_at(int argc, char **argv, int first, unsigned int *veid)
{
	int ret = check_last_arg(argc, argv, first, "VE ID");

	return ret ? ret : parse_veid_arg(argv[first], veid);
}

int parse_veid_only(int argc, char **argv, unsigned int *veid)
{
	return parse_veid_at(argc, argv, 1, veid);
}

/* For an optstring starting with ':', after getopt_long() returned c. */
int bad_option(char **argv, int c)
{
	if (c == ':')
		vz_error("Option %s requires an argument", argv[optind - 1]);
	else
		vz_error("Invalid option: %s", argv[optind - 1]);
	return VZ_INVALID_PARAMETER_SYNTAX;
}

int opt_ip(struct strlist *l, const char *s)
{
	struct ve_ip ip;

	if (ip_parse(s, &ip)) {
		vz_error("Invalid IP address: %s", s);
		return VZ_BADIP;
	}
	if (!strlist_has(l, s))
		strlist_add(l, s);
	return 0;
}

int opt_hostname(const char *s)
{
	if (!valid_hostname(s)) {
		vz_error("Invalid hostname: %s", s);
		return VZ_BADHOSTNAME;
	}
	return 0;
}
