/* SPDX-License-Identifier: GPL-2.0 */
/* vzlist's options, columns and run (list.c). */
#ifndef VZCTL_LIST_H
#define VZCTL_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum list_field {
	FIELD_VEID, FIELD_NPROC, FIELD_STATUS, FIELD_IP, FIELD_HOSTNAME,
	FIELD_ONBOOT, FIELD_NAME,
};
#define LIST_MAX_FIELDS	16
struct list_opts {
	bool all;
	bool no_header;
	int fields[LIST_MAX_FIELDS];
	size_t nfields;
	unsigned int *veids;
	size_t nveids;
};
struct list_row {
	unsigned int veid;
	bool running;
	long nproc;		/* -1: unknown */
	char *ip;
	char *hostname;
	char *onboot;
	char *name;
};
int list_parse_fields(const char *spec, int *fields, size_t max, size_t *n);
/* 0, an exit code, or -1 for --help. */
int parse_list(int argc, char **argv, struct list_opts *o);
void list_print_header(FILE *f, const struct list_opts *o);
void list_print_row(FILE *f, const struct list_opts *o,
		    const struct list_row *r);
int vzlist_run(const struct list_opts *o);

#endif
