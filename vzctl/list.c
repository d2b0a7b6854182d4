// SPDX-License-Identifier: GPL-2.0
/*
 * vzlist: list VEs in OpenVZ's column layout, so that scripts parsing
 * its output keep working.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "config.h"
#include "list.h"
#include "util.h"
#include "ve.h"

static const struct {
	const char *name;
	const char *alias;
	const char *title;
	int width;		/* < 0: left-aligned */
} fields[] = {
	[FIELD_VEID]	 = { "veid", "ctid", "VEID", 10 },
	[FIELD_NPROC]	 = { "nproc", NULL, "NPROC", 10 },
	[FIELD_STATUS]	 = { "status", NULL, "STATUS", -7 },
	[FIELD_IP]	 = { "ip", "ip_addr", "IP_ADDR", -15 },
	[FIELD_HOSTNAME] = { "hostname", NULL, "HOSTNAME", -20 },
	[FIELD_ONBOOT]	 = { "onboot", NULL, "ONBOOT", -6 },
	[FIELD_NAME]	 = { "name", NULL, "NAME", -10 },
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

int list_parse_fields(const char *spec, int *out, size_t max, size_t *n)
{
	char *copy = xstrdup(spec), *save = NULL, *tok;
	int ret = 0;

	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t f;

		for (f = 0; f < NFIELDS; f++)
			if (!strcmp(tok, fields[f].name) ||
			    (fields[f].alias && !strcmp(tok, fields[f].alias)))
				break;
		if (f == NFIELDS) {
			vz_error("Unknown field: %s", tok);
			ret = VZ_INVALID_PARAMETER_SYNTAX;
			break;
		}
		if (*n == max) {
			vz_error("Too many fields");
			ret = VZ_INVALID_PARAMETER_SYNTAX;
			break;
		}
		out[(*n)++] = (int)f;
	}
	if (!ret && *n == 0) {
		vz_error("No fields given");
		ret = VZ_INVALID_PARAMETER_SYNTAX;
	}
	free(copy);
	return ret;
}

int parse_list(int argc, char **argv, struct list_opts *o)
{
	static const struct option opts[] = {
		{ "all",	no_argument,	   NULL, 'a' },
		{ "output",	required_argument, NULL, 'o' },
		{ "no-header",	no_argument,	   NULL, 'H' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->fields[0] = FIELD_VEID;
	o->fields[1] = FIELD_NPROC;
	o->fields[2] = FIELD_STATUS;
	o->fields[3] = FIELD_IP;
	o->fields[4] = FIELD_HOSTNAME;
	o->nfields = 5;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ao:Hh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->all = true;
			break;
		case 'H':
			o->no_header = true;
			break;
		case 'o':
			ret = list_parse_fields(optarg, o->fields,
						LIST_MAX_FIELDS, &o->nfields);
			if (ret)
				return ret;
			break;
		case 'h':
			return -1;
		default:
			return bad_option(argv, c);
		}
	}
	if (optind < argc) {
		o->nveids = (size_t)(argc - optind);
		o->veids = xmalloc(o->nveids * sizeof(*o->veids));
		for (size_t i = 0; i < o->nveids; i++) {
			ret = parse_veid_arg(argv[optind + (int)i], &o->veids[i]);
			if (ret) {
				free(o->veids);
				o->veids = NULL;
				return ret;
			}
		}
	}
	return 0;
}

static void print_cell(FILE *f, size_t col, size_t ncols, int width,
		       const char *s)
{
	if (col)
		fputc(' ', f);
	if (col + 1 == ncols && width < 0)
		fputs(s, f);	/* no trailing blanks after the last column */
	else
		fprintf(f, "%*s", width, s);
}

void list_print_header(FILE *f, const struct list_opts *o)
{
	for (size_t i = 0; i < o->nfields; i++)
		print_cell(f, i, o->nfields, fields[o->fields[i]].width,
			   fields[o->fields[i]].title);
	fputc('\n', f);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

void list_print_row(FILE *f, const struct list_opts *o,
		    const struct list_row *r)
{
	char num[32];

	for (size_t i = 0; i < o->nfields; i++) {
		int fld = o->fields[i];
		const char *s = "-";

		switch (fld) {
		case FIELD_VEID:
			snprintf(num, sizeof(num), "%u", r->veid);
			s = num;
			break;
		case FIELD_NPROC:
			if (r->nproc >= 0) {
				snprintf(num, sizeof(num), "%ld", r->nproc);
				s = num;
			}
			break;
		case FIELD_STATUS:
			s = r->running ? "running" : "stopped";
			break;
		case FIELD_IP:
			s = or_dash(r->ip);
			break;
		case FIELD_HOSTNAME:
			s = or_dash(r->hostname);
			break;
		case FIELD_ONBOOT:
			s = or_dash(r->onboot);
			break;
		case FIELD_NAME:
			s = or_dash(r->name);
			break;
		}
		print_cell(f, i, o->nfields, fields[fld].width, s);
	}
	fputc('\n', f);
}

static int cmp_veid(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static void add_veid(unsigned int **v, size_t *n, unsigned int veid)
{
	unsigned int *nv;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == veid)
			return;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv) {
		fputs("Error: out of memory\n", stderr);
		exit(VZ_SYSTEM_ERROR);
	}
	*v = nv;
	(*v)[(*n)++] = veid;
}

/* VEs with a config file, plus those the kernel runs. */
static void known_veids(unsigned int **v, size_t *n,
			const struct ve_info *info, size_t ninfo)
{
	char *dir = xasprintf("%s/conf", vz_confdir());
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *dot = strrchr(e->d_name, '.');
		unsigned int veid;

		if (!dot || strcmp(dot, ".conf"))
			continue;
		*dot = '\0';
		if (!parse_veid(e->d_name, &veid))
			add_veid(v, n, veid);
	}
	if (d)
		closedir(d);
	free(dir);
	for (size_t i = 0; i < ninfo; i++)
		add_veid(v, n, info[i].veid);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int vzlist_run(const struct list_opts *o)
{
	struct ve_info *info = NULL;
	unsigned int *veids = NULL;
	size_t ninfo = 0, n = 0, shown = 0;
	int fd, ret = 0;

	fd = vz_open();
	if (fd < 0)
		return -fd;
	ve_info_read(&info, &ninfo);
	if (o->nveids) {
		for (size_t i = 0; i < o->nveids; i++)
			add_veid(&veids, &n, o->veids[i]);
	} else {
		known_veids(&veids, &n, info, ninfo);
		qsort(veids, n, sizeof(*veids), cmp_veid);
	}
	if (!o->no_header)
		list_print_header(stdout, o);
	for (size_t i = 0; i < n; i++) {
		struct list_row r = { .veid = veids[i], .nproc = -1 };
		struct conf_file cf;
		char *path = xasprintf("%s/conf/%u.conf", vz_confdir(), veids[i]);
		bool has_conf = path_exists(path);
		pid_t pid = ve_init_pid(fd, veids[i]);

		r.running = pid > 0;
		if (conf_load(&cf, path, false))
			ret = 1;	/* show what could be parsed */
		free(path);
		if (!has_conf && !r.running) {
			if (o->nveids)
				fprintf(stderr, "VE %u not found\n", veids[i]);
			conf_free(&cf);
			continue;
		}
		if (!r.running && !o->all && !o->nveids) {
			conf_free(&cf);
			continue;
		}
		r.ip = dup_or_null(conf_get(&cf, "IP_ADDRESS"));
		r.hostname = dup_or_null(conf_get(&cf, "HOSTNAME"));
		r.onboot = dup_or_null(conf_get(&cf, "ONBOOT"));
		r.name = dup_or_null(conf_get(&cf, "NAME"));
		for (size_t k = 0; r.running && k < ninfo; k++) {
			if (info[k].veid != veids[i])
				continue;
			r.nproc = info[k].nproc;
			free(r.ip);
			r.ip = xstrdup(info[k].ips);
		}
		list_print_row(stdout, o, &r);
		shown++;
		free(r.ip);
		free(r.hostname);
		free(r.onboot);
		free(r.name);
		conf_free(&cf);
	}
	if (o->nveids && !shown)
		ret = 1;
	free(veids);
	free(info);
	close(fd);
	return ret;
}
