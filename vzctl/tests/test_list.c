// SPDX-License-Identifier: GPL-2.0
/* Unit tests of list.c: vzlist's options and columns. */
#include <stdio.h>
#include <stdlib.h>

#include "list.h"
#include "util.h"
#include "tests/check.h"

static void test_list_output(void)
{
	struct list_opts o;
	struct list_row r = { .veid = 101, .running = true, .nproc = 7,
			      .ip = "10.0.0.2", .hostname = "ve101" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int fields[LIST_MAX_FIELDS];
	size_t n;

	capture_begin();
	CHECK_INT(PARSE(parse_list, &o, "vzlist"), 0);
	CHECK(!o.all && !o.no_header && o.nfields == 5 && o.nveids == 0);
	f = open_memstream(&buf, &len);
	list_print_header(f, &o);
	list_print_row(f, &o, &r);
	r.running = false;
	r.nproc = -1;
	r.hostname = NULL;
	r.ip = "";
	list_print_row(f, &o, &r);
	fclose(f);
	CHECK_STR(buf,
		  "      VEID      NPROC STATUS  IP_ADDR         HOSTNAME\n"
		  "       101          7 running 10.0.0.2        ve101\n"
		  "       101          - stopped -               -\n");
	free(buf);

	CHECK_INT(PARSE(parse_list, &o, "vzlist", "-a", "-H", "-o",
			"veid,hostname,onboot", "101", "102"), 0);
	CHECK(o.all && o.no_header && o.nfields == 3 && o.nveids == 2);
	CHECK(o.fields[1] == FIELD_HOSTNAME && o.veids[1] == 102);
	free(o.veids);
	r.hostname = "h";
	r.onboot = "yes";
	f = open_memstream(&buf, &len);
	list_print_row(f, &o, &r);
	fclose(f);
	CHECK_STR(buf, "       101 h                    yes\n");
	free(buf);

	CHECK_INT(list_parse_fields("ctid,ip,status,nproc,name", fields,
				    LIST_MAX_FIELDS, &n), 0);
	CHECK(n == 5 && fields[0] == FIELD_VEID && fields[4] == FIELD_NAME);
	CHECK_INT(list_parse_fields("veid,bogus", fields, LIST_MAX_FIELDS, &n),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(list_parse_fields("", fields, LIST_MAX_FIELDS, &n),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(list_parse_fields("veid,veid,veid", fields, 2, &n),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_list, &o, "vzlist", "-x"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_list, &o, "vzlist", "-o"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_list, &o, "vzlist", "abc"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_list, &o, "vzlist", "-h"), -1);
	free(capture_end());
}

void test_list(void)
{
	test_list_output();
}
