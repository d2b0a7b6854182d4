// SPDX-License-Identifier: GPL-2.0
/* Unit tests of ve.c that need no VE kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ve.h"
#include "tests/check.h"

static void test_veinfo(void)
{
	const char *text =
		"       101     0     7 10.0.0.2 10.0.0.3\n"
		"       102     0     1\n"
		"garbage\n"
		"2147483647     0    12 192.168.1.1 \n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct ve_info *v = NULL;
	size_t n = 0;

	CHECK_INT(ve_info_parse(f, &v, &n), 0);
	fclose(f);
	CHECK_INT((long)n, 3);
	if (n == 3) {
		CHECK(v[0].veid == 101 && v[0].nproc == 7);
		CHECK_STR(v[0].ips, "10.0.0.2 10.0.0.3");
		CHECK(v[1].veid == 102 && v[1].nproc == 1);
		CHECK_STR(v[1].ips, "");
		CHECK(v[2].veid == 2147483647u && v[2].nproc == 12);
		CHECK_STR(v[2].ips, "192.168.1.1");
	}
	free(v);
}

void test_ve(void)
{
	test_veinfo();
}
