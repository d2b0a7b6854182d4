// SPDX-License-Identifier: GPL-2.0
/* Argument and configuration helpers common to the subcommands. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vzctl.h"

int parse_veid_arg(const char *s, unsigned int *veid)
{
	if (parse_veid(s, veid)) {
		vz_error("Invalid veid: %s", s);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	return 0;
}

/* "vzctl CMD VEID" with no options at all. */
int parse_veid_only(int argc, char **argv, unsigned int *veid)
{
	if (argc < 2) {
		vz_error("VE ID is not given");
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	if (argc > 2) {
		vz_error("Unexpected argument: %s", argv[2]);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	return parse_veid_arg(argv[1], veid);
}

/* Load and check the VE's configuration; root and priv are malloc'ed. */
int ve_load(unsigned int veid, struct ve_conf *vc, char **root, char **priv)
{
	int ret = ve_conf_load(vc, veid);

	if (!ret)
		ret = ve_conf_validate(vc);
	if (!ret)
		ret = ve_conf_paths(vc, root, priv);
	if (ret)
		ve_conf_free(vc);
	return ret;
}

/* *pid = host pid of the VE's init or 0; returns 0 or an exit code. */
int ve_get_state(unsigned int veid, pid_t *pid)
{
	int fd = vz_open();

	if (fd < 0)
		return -fd;
	*pid = ve_init_pid(fd, veid);
	close(fd);
	return *pid < 0 ? VZ_SYSTEM_ERROR : 0;
}
