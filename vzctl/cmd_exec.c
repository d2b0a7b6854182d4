// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl exec / exec2: run a command line with /bin/sh inside a running
 * VE.  exec reports only whether the command succeeded (exit code 8 if it
 * did not), exec2 passes the command's own exit code through, as in
 * OpenVZ.  A command of "-" makes the shell read commands from stdin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "cmd.h"
#include "util.h"
#include "ve.h"

int parse_exec(int argc, char **argv, void *opts)
{
	struct exec_opts *o = opts;
	struct strlist words = { 0 };
	int ret;

	memset(o, 0, sizeof(*o));
	if (argc < 2) {
		vz_error("VE ID is not given");
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	ret = parse_veid_arg(argv[1], &o->veid);
	if (ret)
		return ret;
	if (argc < 3) {
		vz_error("No command given");
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	if (argc == 3 && !strcmp(argv[2], "-"))
		return 0;
	for (int i = 2; i < argc; i++)
		strlist_add(&words, argv[i]);
	o->command = strlist_join(&words, " ");
	strlist_free(&words);
	return 0;
}

void free_exec_opts(void *opts)
{
	struct exec_opts *o = opts;

	free(o->command);
}

/* Returns the command's wait status or -1, or an exit code in *ret. */
static int run_in_ve(const struct exec_opts *o, int *ret)
{
	int fd, status;
	pid_t pid;

	fd = vz_open();
	if (fd < 0) {
		*ret = -fd;
		return -1;
	}
	*ret = ve_enter(fd, o->veid);
	close(fd);
	if (*ret)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		vz_error("Unable to fork: %s", strerror(errno));
		*ret = VZ_SYSTEM_ERROR;
		return -1;
	}
	if (pid == 0) {
		char *envp[4];
		char *argv_c[] = { "sh", "-c", o->command, NULL };
		char *argv_stdin[] = { "sh", NULL };

		ve_exec_env(envp, 4);
		if (chdir("/"))
			_exit(127);
		execve("/bin/sh", o->command ? argv_c : argv_stdin, envp);
		fprintf(stderr, "Error: Unable to execute /bin/sh in VE: %s\n",
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			*ret = VZ_SYSTEM_ERROR;
			return -1;
		}
	}
	return status;
}

static int do_exec(const struct exec_opts *o, bool pass_status)
{
	int ret, status;

	status = run_in_ve(o, &ret);
	if (status < 0)
		return ret;
	if (WIFSIGNALED(status))
		return pass_status ? 128 + WTERMSIG(status) :
			VZ_COMMAND_EXECUTION_ERROR;
	if (pass_status)
		return WEXITSTATUS(status);
	return WEXITSTATUS(status) ? VZ_COMMAND_EXECUTION_ERROR : 0;
}

int cmd_exec(struct cmd_ve *ve, void *opts)
{
	(void)ve;
	return do_exec(opts, false);
}

int cmd_exec2(struct cmd_ve *ve, void *opts)
{
	(void)ve;
	return do_exec(opts, true);
}
