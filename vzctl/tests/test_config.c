// SPDX-License-Identifier: GPL-2.0
/* Unit tests of config.c: parsing, $VEID, the per-VE view, saving. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"
#include "tests/check.h"

static int parse_text(struct conf_file *cf, const char *text, char **err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	memset(cf, 0, sizeof(*cf));
	capture_begin();
	ret = conf_parse(cf, "test.conf", f);
	*err = capture_end();
	fclose(f);
	return ret;
}

static void test_conf_parse(void)
{
	struct conf_file cf;
	char *err;

	CHECK_INT(parse_text(&cf,
		"# comment\n"
		"\n"
		"A=plain\n"
		"B=\"double quoted\"\n"
		"C='single $VEID'\n"
		"  D=\"x\" # trailing comment\n"
		"E=\n"
		"F=\"esc \\\"q\\\" \\\\ \\$\"\n"
		"G=a\"b c\"'d'\n"
		"A=second\n"
		"H=/vz/root/$VEID\n"
		"I=#comment only\n"
		"J=\"a#b\"\n"
		"K=x\r\n", &err), 0);
	CHECK_STR(err, "");
	CHECK_STR(conf_get(&cf, "A"), "second");
	CHECK_STR(conf_get(&cf, "B"), "double quoted");
	CHECK_STR(conf_get(&cf, "C"), "single $VEID");
	CHECK_STR(conf_get(&cf, "D"), "x");
	CHECK_STR(conf_get(&cf, "E"), "");
	CHECK_STR(conf_get(&cf, "F"), "esc \"q\" \\ $");
	CHECK_STR(conf_get(&cf, "G"), "ab cd");
	CHECK_STR(conf_get(&cf, "H"), "/vz/root/$VEID");
	CHECK_STR(conf_get(&cf, "I"), "");
	CHECK_STR(conf_get(&cf, "J"), "a#b");
	CHECK_STR(conf_get(&cf, "K"), "x");
	CHECK(conf_get(&cf, "Z") == NULL);
	CHECK_INT((long)cf.n, 14);
	conf_free(&cf);
	free(err);

	CHECK_INT(parse_text(&cf, "A=1\n# c\nnot an assignment\n", &err),
		  VZ_INVALID_CONFIG);
	CHECK(strstr(err, "test.conf:3:") != NULL);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "A=\"unterminated\n", &err),
		  VZ_INVALID_CONFIG);
	CHECK(strstr(err, "test.conf:1:") && strstr(err, "unterminated"));
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "\n\nA=b c\n", &err), VZ_INVALID_CONFIG);
	CHECK(strstr(err, "test.conf:3:") != NULL);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "1A=x\n", &err), VZ_INVALID_CONFIG);
	CHECK(strstr(err, "test.conf:1:") != NULL);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "A-B=x\n", &err), VZ_INVALID_CONFIG);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "A B=x\n", &err), VZ_INVALID_CONFIG);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "=x\n", &err), VZ_INVALID_CONFIG);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "A=`reboot`\n", &err), VZ_INVALID_CONFIG);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "A=\"`reboot`\"\n", &err), VZ_INVALID_CONFIG);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "A=x;reboot\n", &err), VZ_INVALID_CONFIG);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "A=$(reboot)\n", &err), VZ_INVALID_CONFIG);
	conf_free(&cf);
	free(err);
	CHECK_INT(parse_text(&cf, "A='x\n", &err), VZ_INVALID_CONFIG);
	conf_free(&cf);
	free(err);
}

static void test_subst(void)
{
	char *s;

	s = conf_subst_veid("/vz/root/$VEID", 101);
	CHECK_STR(s, "/vz/root/101");
	free(s);
	s = conf_subst_veid("${VEID}-$VEID/x", 7);
	CHECK_STR(s, "7-7/x");
	free(s);
	s = conf_subst_veid("$VEIDX $VEID_ $VEI", 7);
	CHECK_STR(s, "$VEIDX $VEID_ $VEI");
	free(s);
	s = conf_subst_veid("", 7);
	CHECK_STR(s, "");
	free(s);
}

static char *setup_confdir(void)
{
	char *d = tmpdir(), *p;

	setenv("VZ_CONFDIR", d, 1);
	p = xasprintf("%s/conf", d);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/vz.conf", d);
	write_text(p,
		"# global\n"
		"LOCKDIR=$VEID_NOT_A_VAR\n"
		"VE_ROOT=/vz/root/$VEID\n"
		"VE_PRIVATE=\"/vz/private/${VEID}\"\n"
		"HOSTNAME=global\n"
		"VE_BRIDGE=vzbr0\n");
	free(p);
	return d;
}

static void test_ve_conf(void)
{
	char *d = setup_confdir(), *p, *v, *root, *priv, *out;
	struct ve_conf vc;

	p = xasprintf("%s/conf/101.conf", d);
	write_text(p, "HOSTNAME=\"ve101\"\nVE_ROOT=/srv/$VEID\nIP_ADDRESS=\"10.0.0.2 10.0.0.3/24\"\n");
	CHECK_INT(ve_conf_load(&vc, 101), 0);
	CHECK(vc.ve_exists);
	v = ve_conf_get(&vc, "HOSTNAME");
	CHECK_STR(v, "ve101");
	free(v);
	v = ve_conf_get(&vc, "VE_BRIDGE");
	CHECK_STR(v, "vzbr0");
	free(v);
	CHECK_INT(ve_conf_validate(&vc), 0);
	CHECK_INT(ve_conf_paths(&vc, &root, &priv), 0);
	CHECK_STR(root, "/srv/101");
	CHECK_STR(priv, "/vz/private/101");
	free(root);
	free(priv);
	ve_conf_free(&vc);

	/* A VE without a config of its own sees the global values. */
	CHECK_INT(ve_conf_load(&vc, 102), 0);
	CHECK(!vc.ve_exists);
	v = ve_conf_get(&vc, "HOSTNAME");
	CHECK_STR(v, "global");
	free(v);
	v = ve_conf_get(&vc, "VE_ROOT");
	CHECK_STR(v, "/vz/root/102");
	free(v);
	ve_conf_free(&vc);

	write_text(p, "IP_ADDRESS=\"10.0.0.2 10.0.0.300\"\n");
	CHECK_INT(ve_conf_load(&vc, 101), 0);
	capture_begin();
	CHECK_INT(ve_conf_validate(&vc), VZ_BADIP);
	out = capture_end();
	CHECK(strstr(out, "10.0.0.300") && strstr(out, "101.conf"));
	free(out);
	ve_conf_free(&vc);

	write_text(p, "ONBOOT=maybe\n");
	CHECK_INT(ve_conf_load(&vc, 101), 0);
	capture_begin();
	CHECK_INT(ve_conf_validate(&vc), VZ_INVALID_PARAMETER_VALUE);
	free(capture_end());
	ve_conf_free(&vc);

	write_text(p, "HOSTNAME=\"bad_host!\"\n");
	CHECK_INT(ve_conf_load(&vc, 101), 0);
	capture_begin();
	CHECK_INT(ve_conf_validate(&vc), VZ_BADHOSTNAME);
	free(capture_end());
	ve_conf_free(&vc);

	write_text(p, "NAMESERVER=\"8.8.8.8 1.2.3.4/24\"\n");
	CHECK_INT(ve_conf_load(&vc, 101), 0);
	capture_begin();
	CHECK_INT(ve_conf_validate(&vc), VZ_BADDNSSRV);
	free(capture_end());
	ve_conf_free(&vc);

	write_text(p, "ONBOOT=yes\nbroken line\n");
	capture_begin();
	CHECK_INT(ve_conf_load(&vc, 101), VZ_INVALID_CONFIG);
	out = capture_end();
	CHECK(strstr(out, "conf/101.conf:2:") != NULL);
	free(out);
	ve_conf_free(&vc);

	/* VE_ROOT must be usable. */
	write_text(p, "VE_ROOT=relative/path\n");
	CHECK_INT(ve_conf_load(&vc, 101), 0);
	capture_begin();
	CHECK_INT(ve_conf_paths(&vc, &root, &priv), VZ_VE_ROOT_NOTSET);
	free(capture_end());
	ve_conf_free(&vc);
	free(p);

	/* No global config at all. */
	p = xasprintf("%s/vz.conf", d);
	unlink(p);
	free(p);
	capture_begin();
	CHECK_INT(ve_conf_load(&vc, 101), VZ_NOCONFIG);
	free(capture_end());
	ve_conf_free(&vc);
	cleanup_dir(d);
}

static void test_conf_save(void)
{
	char *d = tmpdir(), *p = xasprintf("%s/101.conf", d), *text;
	struct conf_file cf;
	struct stat st;

	write_text(p, "# Keep me\nUNKNOWN_KEY='kept as is'   # and me\n\n"
		   "HOSTNAME=old\nIP_ADDRESS=\"10.0.0.1\"\nHOSTNAME=old2\n");
	CHECK_INT(conf_load(&cf, p, true), 0);
	conf_set(&cf, "HOSTNAME", "new");
	conf_set(&cf, "IP_ADDRESS", "10.0.0.1 10.0.0.2");
	conf_set(&cf, "ONBOOT", "yes");
	conf_set(&cf, "NAME", "a\"b$c");
	CHECK_INT(conf_save(&cf), 0);
	conf_free(&cf);
	text = read_text(p);
	CHECK_STR(text, "# Keep me\nUNKNOWN_KEY='kept as is'   # and me\n\n"
		  "HOSTNAME=\"new\"\nIP_ADDRESS=\"10.0.0.1 10.0.0.2\"\n"
		  "HOSTNAME=\"new\"\nONBOOT=\"yes\"\nNAME=\"a\\\"b\\$c\"\n");
	free(text);
	/* What was written reads back as what was set. */
	CHECK_INT(conf_load(&cf, p, true), 0);
	CHECK_STR(conf_get(&cf, "NAME"), "a\"b$c");
	CHECK_STR(conf_get(&cf, "UNKNOWN_KEY"), "kept as is");
	conf_free(&cf);
	/* No temporary file is left next to it. */
	text = xasprintf("%s.tmp.%d", p, (int)getpid());
	CHECK(stat(text, &st) < 0 && errno == ENOENT);
	free(text);
	/* A missing optional file loads empty and saves as a new file. */
	free(p);
	p = xasprintf("%s/new.conf", d);
	CHECK_INT(conf_load(&cf, p, false), 0);
	CHECK_INT((long)cf.n, 0);
	conf_set(&cf, "ONBOOT", "no");
	CHECK_INT(conf_save(&cf), 0);
	conf_free(&cf);
	text = read_text(p);
	CHECK_STR(text, "ONBOOT=\"no\"\n");
	free(text);
	free(p);
	cleanup_dir(d);
}

void test_config(void)
{
	test_conf_parse();
	test_subst();
	test_ve_conf();
	test_conf_save();
}
