// SPDX-License-Identifier: GPL-2.0
/* Unit tests of util.c: VEIDs, host names, string lists, file helpers. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "tests/check.h"

static void test_veid(void)
{
	unsigned int v = 0;

	CHECK(parse_veid("101", &v) == 0 && v == 101);
	CHECK(parse_veid("1", &v) == 0 && v == 1);
	CHECK(parse_veid("2147483647", &v) == 0 && v == 2147483647u);
	CHECK(parse_veid("2147483648", &v) < 0);
	CHECK(parse_veid("4294967297", &v) < 0);
	CHECK(parse_veid("0", &v) < 0);
	CHECK(parse_veid("000", &v) < 0);
	CHECK(parse_veid("-1", &v) < 0);
	CHECK(parse_veid("+1", &v) < 0);
	CHECK(parse_veid(" 1", &v) < 0);
	CHECK(parse_veid("1 ", &v) < 0);
	CHECK(parse_veid("12a", &v) < 0);
	CHECK(parse_veid("", &v) < 0);
	CHECK(parse_veid("99999999999", &v) < 0);
}

static void test_hostname(void)
{
	CHECK(valid_hostname("ve101"));
	CHECK(valid_hostname("web-1.example.com"));
	CHECK(!valid_hostname(""));
	CHECK(!valid_hostname("-bad"));
	CHECK(!valid_hostname("bad-"));
	CHECK(!valid_hostname("a..b"));
	CHECK(!valid_hostname("a b"));
	CHECK(!valid_hostname("a;reboot"));
	CHECK(!valid_hostname(".a"));
	CHECK(!valid_hostname("a."));
	CHECK(!valid_hostname("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void test_strlist(void)
{
	struct strlist l = { 0 };
	char *s;

	strlist_split(&l, "  10.0.0.1   10.0.0.2\t10.0.0.3 ");
	CHECK_INT((long)l.n, 3);
	CHECK(strlist_has(&l, "10.0.0.2"));
	strlist_del(&l, "10.0.0.2");
	CHECK(!strlist_has(&l, "10.0.0.2"));
	s = strlist_join(&l, " ");
	CHECK_STR(s, "10.0.0.1 10.0.0.3");
	free(s);
	strlist_free(&l);
	strlist_split(&l, NULL);
	strlist_split(&l, "");
	CHECK_INT((long)l.n, 0);
	s = strlist_join(&l, " ");
	CHECK_STR(s, "");
	free(s);
}

static void test_fs_helpers(void)
{
	char *d = tmpdir(), *p, *q, *text;
	struct stat st;

	/* remove_tree does not follow symlinks out of the tree. */
	p = xasprintf("%s/outside", d);
	write_text(p, "precious");
	q = xasprintf("%s/tree/a/b", d);
	CHECK_INT(mkdir_p(q, 0755), 0);
	free(q);
	q = xasprintf("%s/tree/a/link", d);
	CHECK_INT(symlink(p, q), 0);
	free(q);
	q = xasprintf("%s/tree/a/dirlink", d);
	CHECK_INT(symlink(d, q), 0);
	free(q);
	q = xasprintf("%s/tree", d);
	CHECK_INT(remove_tree(q), 0);
	CHECK(!path_exists(q));
	CHECK(path_exists(p));
	CHECK_INT(remove_tree(q), 0);	/* absent is fine */
	free(q);

	/* ve_write_file: no writing through symlinks planted in the VE. */
	q = xasprintf("%s/root/etc", d);
	mkdir_p(q, 0755);
	free(q);
	q = xasprintf("%s/root/etc/hostname", d);
	CHECK_INT(symlink(p, q), 0);
	free(q);
	q = xasprintf("%s/root", d);
	CHECK_INT(ve_write_file(q, "etc", "hostname", "ve101\n"), 0);
	text = read_text(p);
	CHECK_STR(text, "precious");
	free(text);
	free(q);
	q = xasprintf("%s/root/etc/hostname", d);
	CHECK(lstat(q, &st) == 0 && S_ISREG(st.st_mode));
	text = read_text(q);
	CHECK_STR(text, "ve101\n");
	free(text);
	free(q);

	q = xasprintf("%s/root2", d);
	mkdir(q, 0755);
	free(q);
	q = xasprintf("%s/root2/etc", d);
	CHECK_INT(symlink(d, q), 0);	/* etc -> host directory */
	free(q);
	q = xasprintf("%s/root2", d);
	CHECK(ve_write_file(q, "etc", "outside", "x") != 0);
	CHECK(path_exists(p));
	free(q);
	q = xasprintf("%s/root3", d);
	mkdir(q, 0755);
	CHECK_INT(ve_write_file(q, "etc", "resolv.conf", "nameserver 1.1.1.1\n"), 0);
	free(q);
	free(p);
	cleanup_dir(d);
}

void test_util(void)
{
	test_veid();
	test_hostname();
	test_strlist();
	test_fs_helpers();
}
