// SPDX-License-Identifier: GPL-2.0
/*
 * The client of the /proc/cpt and /proc/rst control files
 * (Documentation/cpt-api.rst) and of the context list they show, for
 * checkpoint, restore and status.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>

#include "config.h"
#include "cpt_client.h"
#include "util.h"

#define DEFAULT_DUMPDIR		"/vz/dump"

static const char *const state_names[] = {
	"idle", "suspending", "suspended", "dumping", "dumped", "undumping",
	"undumped",
};

int cpt_state_parse(const char *name)
{
	if (!strcmp(name, "error"))
		return CPT_CTX_ERROR;
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (!strcmp(name, state_names[i]))
			return (int)i;
	return CPT_STATE_UNKNOWN;
}

const char *cpt_state_name(int state)
{
	if (state == CPT_CTX_ERROR)
		return "error";
	if (state >= 0 && (size_t)state < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[state];
	return "unknown";
}

static bool parse_uint_token(const char *s, unsigned int *v)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n > UINT_MAX)
		return false;
	*v = (unsigned int)n;
	return true;
}

/*
 * A header line, then "%u %u %s": context id, VEID, state.  Lines of
 * any other shape (the header, or whatever a newer kernel adds) are
 * skipped; an unknown state name is kept as CPT_STATE_UNKNOWN.
 */
int cpt_ctx_parse(FILE *f, struct cpt_ctx_info **out, size_t *n)
{
	struct cpt_ctx_info *v = NULL, *nv;
	char *line = NULL;
	size_t cap = 0;

	*n = 0;
	while (getline(&line, &cap, f) >= 0) {
		char *tok[4], *save = NULL, *p = line;
		struct cpt_ctx_info info;
		int ntok = 0;

		while (ntok < 4 && (tok[ntok] = strtok_r(p, " \t\r\n", &save))) {
			p = NULL;
			ntok++;
		}
		if (ntok != 3 || !parse_uint_token(tok[0], &info.ctxid) ||
		    !parse_uint_token(tok[1], &info.veid))
			continue;
		info.state = cpt_state_parse(tok[2]);
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			free(line);
			*out = NULL;
			*n = 0;
			return -1;
		}
		v = nv;
		v[(*n)++] = info;
	}
	free(line);
	*out = v;
	return 0;
}

int cpt_ctx_read(const char *path, struct cpt_ctx_info **out, size_t *n)
{
	FILE *f = fopen(path, "re");
	int ret;

	*out = NULL;
	*n = 0;
	if (!f)
		return -1;
	ret = cpt_ctx_parse(f, out, n);
	fclose(f);
	return ret;
}

static bool listed_in_state(const char *path, unsigned int veid,
			    const int *states, size_t nstates)
{
	struct cpt_ctx_info *v;
	bool found = false;
	size_t n;

	if (cpt_ctx_read(path, &v, &n))
		return false;
	for (size_t i = 0; i < n && !found; i++)
		for (size_t k = 0; k < nstates; k++)
			if (v[i].veid == veid && v[i].state == states[k])
				found = true;
	free(v);
	return found;
}

/*
 * Frozen by a checkpoint context (suspended, and still so while it is
 * dumped) or by a restore context that has not resumed it yet.
 */
bool cpt_ve_suspended(unsigned int veid)
{
	static const int cpt_states[] = {
		CPT_CTX_SUSPENDED, CPT_CTX_DUMPING, CPT_CTX_DUMPED,
	};
	static const int rst_states[] = { CPT_CTX_UNDUMPED };

	return listed_in_state(CPT_PROC_PATH, veid, cpt_states,
			       sizeof(cpt_states) / sizeof(cpt_states[0])) ||
	       listed_in_state(RST_PROC_PATH, veid, rst_states,
			       sizeof(rst_states) / sizeof(rst_states[0]));
}

/*
 * The --dumpfile, else DUMPDIR/Dump.VEID; malloc'ed.  Made absolute:
 * restore changes its working directory before it is done with it.
 */
char *cpt_dump_path(const struct ve_conf *vc, const char *dumpfile)
{
	char *dir, *path, cwd[PATH_MAX];

	if (dumpfile && dumpfile[0] != '/' && getcwd(cwd, sizeof(cwd)))
		return xasprintf("%s/%s", cwd, dumpfile);
	if (dumpfile)
		return xstrdup(dumpfile);
	dir = ve_conf_get(vc, "DUMPDIR");
	path = xasprintf("%s/Dump.%u", dir && *dir ? dir : DEFAULT_DUMPDIR,
			 vc->veid);
	free(dir);
	return path;
}

/*
 * The control file, loading its module once if it is missing.  Returns
 * the fd, or minus the exit code (16 for chkpnt, 17 for restore).
 */
int cpt_open(bool restore)
{
	const char *path = restore ? RST_PROC_PATH : CPT_PROC_PATH;
	int code = restore ? VZ_RESTORE_ERROR : VZ_CHKPNT_ERROR;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		char *argv[] = { "modprobe", restore ? "vzrst" : "vzcpt", NULL };

		run_argv(argv, true);	/* may fail: built in, or absent */
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			vz_error("No checkpointing support, unable to open %s",
				 path);
		else
			vz_error("Unable to open %s: %s", path,
				 strerror(errno));
		return -code;
	}
	return fd;
}

/* Integer arguments go by value.  what == NULL: no message. */
int cpt_ioctl(int fd, unsigned long req, unsigned long arg, const char *what)
{
	int saved;

	fflush(stdout);
	if (ioctl(fd, req, arg) == 0)
		return 0;
	saved = errno;
	if (what)
		vz_error("%s failed: %s", what, strerror(saved));
	return -saved;
}

/*
 * Before closing the control file: a sticky context outlives us, and
 * must not keep our stderr open (a pipe that ssh or a shell's $(...) is
 * reading to its end) or our status pipe.
 */
void cpt_detach(int fd)
{
	cpt_ioctl(fd, CPT_SET_ERRORFD, (unsigned long)-1, NULL);
	cpt_ioctl(fd, CPT_SET_STATUSFD, (unsigned long)-1, NULL);
}

/*
 * Prepare a control file for the operations on one VE: kernel error
 * lines to our stderr, then the context (mode), bound to the VE unless
 * it is joined: the run that made it bound it.
 */
int cpt_attach(int fd, bool restore, unsigned int veid, unsigned int ctx,
	       enum cpt_attach_mode mode)
{
	int ret;

	if (cpt_ioctl(fd, CPT_SET_ERRORFD, STDERR_FILENO, "CPT_SET_ERRORFD"))
		return -1;
	if (mode == CPT_ATTACH_JOIN) {
		struct cpt_ctx_info *v;
		size_t n;

		/* Never act on another VE's context, whatever the kernel does. */
		if (!cpt_ctx_read(restore ? RST_PROC_PATH : CPT_PROC_PATH, &v,
				  &n)) {
			for (size_t i = 0; i < n; i++) {
				if (v[i].ctxid == ctx && v[i].veid != veid) {
					vz_error("Checkpoint context ID %u belongs to VE %u, not %u",
						 ctx, v[i].veid, veid);
					free(v);
					return -1;
				}
			}
			free(v);
		}
		ret = cpt_ioctl(fd, CPT_JOIN_CONTEXT, ctx, NULL);
		if (ret == -ENOENT) {
			vz_error("No checkpoint context ID %u found for VE %u (nothing was %s with it)",
				 ctx, veid, restore ? "undumped" : "suspended");
			return -1;
		}
		if (ret) {
			vz_error("Unable to join checkpoint context %u: %s",
				 ctx, strerror(-ret));
			return -1;
		}
		/*
		 * The context's error fd was the previous process's.  Its
		 * VEID is set and cannot change once it has suspended or
		 * undumped (EBUSY), hence the check above instead.
		 */
		return cpt_ioctl(fd, CPT_SET_ERRORFD, STDERR_FILENO,
				 "CPT_SET_ERRORFD") ? -1 : 0;
	} else if (mode == CPT_ATTACH_NEW) {
		ret = cpt_ioctl(fd, CPT_GET_CONTEXT, ctx, NULL);
		if (ret == -EEXIST) {
			vz_error("Unable to create checkpoint context %u: it exists (finish the earlier %s with --resume or --kill, or use --context)",
				 ctx, restore ? "restore" : "checkpoint");
			return -1;
		}
		if (ret) {
			vz_error("Unable to create checkpoint context %u: %s",
				 ctx, strerror(-ret));
			return -1;
		}
	}
	if (cpt_ioctl(fd, CPT_SET_VEID, veid, "CPT_SET_VEID"))
		return -1;
	return 0;
}
