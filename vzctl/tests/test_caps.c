// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of a VE's capabilities (caps.c) and granted device nodes
 * (devnodes.c): parsing, OpenVZ's defaults, the config settings; and of
 * vzctl set's options for them.
 */
#include <linux/capability.h>
#include <linux/vzcalluser.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caps.h"
#include "cmd.h"
#include "devnodes.h"
#include "util.h"
#include "tests/check.h"

static void test_cap_settings(void)
{
	unsigned int cap;
	bool on;

	CHECK_INT(cap_setting_parse("sys_time:on", &cap, &on), 0);
	CHECK(cap == CAP_SYS_TIME && on);
	CHECK_INT(cap_setting_parse("NET_ADMIN:off", &cap, &on), 0);
	CHECK(cap == CAP_NET_ADMIN && !on);
	CHECK_INT(cap_setting_parse("sys_time", &cap, &on), -1);
	CHECK_INT(cap_setting_parse("sys_time:maybe", &cap, &on), -1);
	CHECK_INT(cap_setting_parse("no_such_cap:on", &cap, &on), -1);
	CHECK_INT(cap_setting_parse("sys:on", &cap, &on), -1);
}

static void test_cap_config(void)
{
	char *d = tmpdir(), *p = xasprintf("%s/101.conf", d), *v;
	struct ve_conf vc;
	uint64_t mask;

	/* OpenVZ's defaults: admin of its own, not of the node's. */
	memset(&vc, 0, sizeof(vc));
	write_text(p, "");
	CHECK_INT(conf_load(&vc.ve, p, true), 0);
	mask = ve_caps(&vc);
	CHECK(mask & (1ULL << CAP_SYS_ADMIN));
	CHECK(mask & (1ULL << CAP_NET_ADMIN));
	CHECK(mask & (1ULL << CAP_CHOWN));
	CHECK(!(mask & (1ULL << CAP_SYS_MODULE)));
	CHECK(!(mask & (1ULL << CAP_SYS_TIME)));
	CHECK(!(mask & (1ULL << CAP_SYS_RAWIO)));
	CHECK(!(mask & (1ULL << CAP_SYSLOG)));
	conf_free(&vc.ve);
	write_text(p, "CAPABILITY=\"SYS_TIME:on NET_ADMIN:off\"\n");
	CHECK_INT(conf_load(&vc.ve, p, true), 0);
	mask = ve_caps(&vc);
	CHECK(mask & (1ULL << CAP_SYS_TIME));
	CHECK(!(mask & (1ULL << CAP_NET_ADMIN)));
	conf_free(&vc.ve);

	/* A setting replaces the one of the same capability. */
	v = caps_setting_apply("SYS_TIME:on NET_ADMIN:off", "net_admin:on");
	CHECK_STR(v, "SYS_TIME:on NET_ADMIN:on");
	free(v);
	v = caps_setting_apply("", "sys_time:off");
	CHECK_STR(v, "SYS_TIME:off");
	free(v);
	free(p);
	cleanup_dir(d);
}

static void test_devnodes(void)
{
	struct devnode dn;
	char *v;

	CHECK_INT(devnode_parse("null:rw", &dn), 0);
	CHECK_STR(dn.name, "null");
	CHECK(S_ISCHR(dn.mode) && dn.mask == (VE_DEV_READ | VE_DEV_WRITE));
	CHECK_INT(devnode_parse("null:r", &dn), 0);
	CHECK(dn.mask == VE_DEV_READ);
	CHECK_INT(devnode_parse("null:none", &dn), 0);
	CHECK(dn.mask == 0);
	CHECK_INT(devnode_parse("null:x", &dn), VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(devnode_parse("null", &dn), VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(devnode_parse("../etc/passwd:rw", &dn),
		  VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(devnode_parse("/dev/null:rw", &dn),
		  VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(devnode_parse("no-such-device-here:rw", &dn),
		  VZ_INVALID_PARAMETER_VALUE);
	v = devnodes_setting_apply("null:rw zero:r", "zero:rw");
	CHECK_STR(v, "null:rw zero:rw");
	free(v);
	v = devnodes_setting_apply("null:rw zero:r", "null:none");
	CHECK_STR(v, "zero:r");
	free(v);
}

static void test_set_options(void)
{
	struct set_opts st;

	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--capability",
			"sys_time:on", "--capability", "net_admin:off",
			"--devnodes", "null:rw", "--save"), 0);
	CHECK(st.capability.n == 2 && st.devnodes.n == 1 && st.save);
	free_set_opts(&st);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--capability",
			"frobnicate:on"), VZ_INVALID_PARAMETER_VALUE);
	free_set_opts(&st);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--devnodes",
			"null:maybe"), VZ_INVALID_PARAMETER_VALUE);
	free_set_opts(&st);
}

void test_caps(void)
{
	test_cap_settings();
	test_cap_config();
	test_devnodes();
	test_set_options();
}
