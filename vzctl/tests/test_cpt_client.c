// SPDX-License-Identifier: GPL-2.0
/* Unit tests of cpt_client.c that need no checkpointing kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/cpt_ioctl.h>

#include "config.h"
#include "cpt_client.h"
#include "util.h"
#include "tests/check.h"

static void test_cpt_ctx_list(void)
{
	const char *text =
		"Ctx Id VE State\n"
		"101 101 suspended\n"
		"  7\t202 dumped\n"
		"8 303 undumped extra\n"
		"-1 404 idle\n"
		"9 x idle\n"
		"10 505 frobbed\n"
		"11 606 error\n"
		"\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct cpt_ctx_info *v = NULL;
	size_t n = 0;

	CHECK_INT(cpt_ctx_parse(f, &v, &n), 0);
	fclose(f);
	CHECK_INT((long)n, 4);
	if (n == 4) {
		CHECK(v[0].ctxid == 101 && v[0].veid == 101 &&
		      v[0].state == CPT_CTX_SUSPENDED);
		CHECK(v[1].ctxid == 7 && v[1].veid == 202 &&
		      v[1].state == CPT_CTX_DUMPED);
		CHECK(v[2].ctxid == 10 && v[2].state == CPT_STATE_UNKNOWN);
		CHECK(v[3].veid == 606 && v[3].state == CPT_CTX_ERROR);
	}
	free(v);
	for (int s = CPT_CTX_ERROR; s <= CPT_CTX_UNDUMPED; s++)
		CHECK_INT(cpt_state_parse(cpt_state_name(s)), s);
	CHECK_STR(cpt_state_name(CPT_CTX_UNDUMPING), "undumping");
	CHECK_STR(cpt_state_name(42), "unknown");
	/* No /proc/cpt on a host without the modules: never suspended. */
	if (!path_exists(CPT_PROC_PATH) && !path_exists(RST_PROC_PATH))
		CHECK(!cpt_ve_suspended(101));
}

static void test_cpt_paths(void)
{
	char *d = tmpdir(), *conf = xasprintf("%s/vz.conf", d), *p, *out;
	struct ve_conf vc;

	setenv("VZ_CONFDIR", d, 1);
	p = xasprintf("%s/conf", d);
	mkdir(p, 0755);
	free(p);
	write_text(conf, "VE_ROOT=/vz/root/$VEID\nVE_PRIVATE=/vz/private/$VEID\n");
	CHECK_INT(ve_conf_load(&vc, 101), 0);
	p = cpt_dump_path(&vc, NULL);
	CHECK_STR(p, "/vz/dump/Dump.101");
	free(p);
	p = cpt_dump_path(&vc, "/elsewhere/f");
	CHECK_STR(p, "/elsewhere/f");
	free(p);
	p = cpt_dump_path(&vc, "rel/f");
	CHECK(p[0] == '/' && strlen(p) > 6 && !strcmp(p + strlen(p) - 6, "/rel/f"));
	free(p);
	ve_conf_free(&vc);
	p = xasprintf("LOCKDIR=%s/lock\nDUMPDIR=%s/dump\nVE_ROOT=%s/root/$VEID\n"
		      "VE_PRIVATE=%s/private/$VEID\n", d, d, d, d);
	write_text(conf, p);
	free(p);
	CHECK_INT(ve_conf_load(&vc, 102), 0);
	p = cpt_dump_path(&vc, NULL);
	out = xasprintf("%s/dump/Dump.102", d);
	CHECK_STR(p, out);
	free(out);
	free(p);
	ve_conf_free(&vc);

	/* Without the kernel modules: OpenVZ's message and exit codes. */
	if (!path_exists(CPT_PROC_PATH)) {
		int fd;

		capture_begin();
		fd = cpt_open(false);
		out = capture_end();
		CHECK_INT(fd, -VZ_CHKPNT_ERROR);
		CHECK(strstr(out, "Error: No checkpointing support, unable to open /proc/cpt") != NULL);
		free(out);
	}
	if (!path_exists(RST_PROC_PATH)) {
		int fd;

		capture_begin();
		fd = cpt_open(true);
		out = capture_end();
		CHECK_INT(fd, -VZ_RESTORE_ERROR);
		CHECK(strstr(out, "Error: No checkpointing support, unable to open /proc/rst") != NULL);
		free(out);
	}

	free(conf);
	cleanup_dir(d);
}

void test_cpt_client(void)
{
	test_cpt_ctx_list();
	test_cpt_paths();
}
