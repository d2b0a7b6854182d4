// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the subcommands: their option parsers, and whole commands
 * run as vzctl, as far as they go without the VE kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>

#include "args.h"
#include "cmd.h"
#include "config.h"
#include "cr.h"
#include "util.h"
#include "tests/check.h"
#include "tests/imgwrite.h"

static void test_parse_create(void)
{
	struct create_opts o;

	capture_begin();
	CHECK_INT(PARSE(parse_create, &o, "create", "101", "--ostemplate",
			"busybox", "--ipadd", "10.0.0.2", "--ipadd",
			"10.0.0.3/24", "--hostname", "ve101", "--config",
			"basic"), 0);
	CHECK(o.veid == 101);
	CHECK_STR(o.ostemplate, "busybox");
	CHECK_STR(o.config, "basic");
	CHECK_STR(o.hostname, "ve101");
	CHECK(o.ipadd.n == 2 && !strcmp(o.ipadd.v[1], "10.0.0.3/24"));
	strlist_free(&o.ipadd);
	/* Options before the VEID work too. */
	CHECK_INT(PARSE(parse_create, &o, "create", "--ostemplate", "x", "7"), 0);
	CHECK(o.veid == 7);
	CHECK_INT(PARSE(parse_create, &o, "create", "101"), 0);
	CHECK(o.ostemplate == NULL);
	CHECK_INT(PARSE(parse_create, &o, "create"), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_create, &o, "create", "abc"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_create, &o, "create", "0"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_create, &o, "create", "101", "102"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_create, &o, "create", "101", "--bogus"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_create, &o, "create", "101", "--ostemplate"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_create, &o, "create", "101", "--ipadd", "1.2.3"),
		  VZ_BADIP);
	strlist_free(&o.ipadd);
	CHECK_INT(PARSE(parse_create, &o, "create", "101", "--hostname", "a b"),
		  VZ_BADHOSTNAME);
	CHECK_INT(PARSE(parse_create, &o, "create", "101", "--ostemplate",
			"../etc/x"), VZ_INVALID_PARAMETER_VALUE);
	free(capture_end());
}

static void test_parse_other(void)
{
	struct stop_opts so;
	struct exec_opts eo;
	struct set_opts st;
	unsigned int veid;

	capture_begin();
	CHECK_INT(PARSE(parse_stop, &so, "stop", "101"), 0);
	CHECK(so.veid == 101 && !so.fast);
	CHECK_INT(PARSE(parse_stop, &so, "stop", "--fast", "101"), 0);
	CHECK(so.veid == 101 && so.fast);
	CHECK_INT(PARSE(parse_stop, &so, "stop", "101", "--slow"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_stop, &so, "stop"), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_stop, &so, "stop", "x1"),
		  VZ_INVALID_PARAMETER_SYNTAX);

	CHECK_INT(parse_veid_only(2, ARGV("start", "101"), &veid), 0);
	CHECK(veid == 101);
	CHECK_INT(parse_veid_only(1, ARGV("start"), &veid),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(parse_veid_only(3, ARGV("start", "101", "--wait"), &veid),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(parse_veid_only(2, ARGV("start", "2147483648"), &veid),
		  VZ_INVALID_PARAMETER_SYNTAX);

	CHECK_INT(PARSE(parse_exec, &eo, "exec", "101", "ls", "-l", "/"), 0);
	CHECK(eo.veid == 101);
	CHECK_STR(eo.command, "ls -l /");
	free(eo.command);
	CHECK_INT(PARSE(parse_exec, &eo, "exec", "101", "echo $HOSTNAME"), 0);
	CHECK_STR(eo.command, "echo $HOSTNAME");
	free(eo.command);
	CHECK_INT(PARSE(parse_exec, &eo, "exec", "101", "-"), 0);
	CHECK(eo.command == NULL);
	CHECK_INT(PARSE(parse_exec, &eo, "exec", "101"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_exec, &eo, "exec"), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_exec, &eo, "exec", "ls", "-l"),
		  VZ_INVALID_PARAMETER_SYNTAX);

	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--ipadd", "10.0.0.5",
			"--ipdel", "10.0.0.4", "--hostname", "h1",
			"--nameserver", "8.8.8.8", "--nameserver", "1.1.1.1",
			"--onboot", "yes", "--save"), 0);
	CHECK(st.veid == 101 && st.save && !st.ipdel_all);
	CHECK(st.ipadd.n == 1 && st.ipdel.n == 1 && st.nameserver.n == 2);
	CHECK_STR(st.hostname, "h1");
	CHECK_STR(st.onboot, "yes");
	strlist_free(&st.ipadd);
	strlist_free(&st.ipdel);
	strlist_free(&st.nameserver);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--ipdel", "all"), 0);
	CHECK(st.ipdel_all && !st.save);
	CHECK_INT(PARSE(parse_set, &st, "set", "101"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--save"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_set, &st, "set", "--onboot", "yes"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--onboot", "maybe"),
		  VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--ipadd", "300.1.1.1"),
		  VZ_BADIP);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--ipdel", "nope"),
		  VZ_BADIP);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--nameserver",
			"8.8.8.8/8"), VZ_BADDNSSRV);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--hostname", "-x"),
		  VZ_BADHOSTNAME);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--ipadd", "10.0.0.9",
			"--ipdel", "10.0.0.9"), VZ_INVALID_PARAMETER_SYNTAX);
	strlist_free(&st.ipadd);
	strlist_free(&st.ipdel);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--cpuunits", "10"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_set, &st, "set", "101", "--hostname"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(capture_end());
}

static void test_cpt_parse(void)
{
	struct cpt_opts o;
	char *out;

	capture_begin();
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101"), 0);
	CHECK(o.veid == 101 && o.stage == CPT_STAGE_FULL && !o.dumpfile &&
	      !o.context_set && !o.flags_set);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "--suspend", "101",
			"--context", "7"), 0);
	CHECK(o.stage == CPT_STAGE_SUSPEND && o.context_set && o.context == 7);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--dump",
			"--dumpfile", "/tmp/d", "--context", "0x1f"), 0);
	CHECK(o.stage == CPT_STAGE_DUMP && o.context == 31);
	CHECK_STR(o.dumpfile, "/tmp/d");
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--resume"), 0);
	CHECK(o.stage == CPT_STAGE_RESUME);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--kill",
			"--flags", "0x3"), 0);
	CHECK(o.stage == CPT_STAGE_KILL && o.flags_set && o.cpu_flags == 3);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--undump"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--context", "0"),
		  VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--context", "-1"),
		  VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--context",
			"4294967296"), VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--flags", "x"),
		  VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "--dumpfile", ""),
		  VZ_INVALID_PARAMETER_VALUE);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt"), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_chkpnt, &o, "chkpnt", "101", "102"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_restore, &o, "restore", "101"), 0);
	CHECK(o.stage == CPT_STAGE_FULL);
	CHECK_INT(PARSE(parse_restore, &o, "restore", "101", "--undump",
			"--skip_arpdetect"), 0);
	CHECK(o.stage == CPT_STAGE_UNDUMP && o.skip_arpdetect);
	CHECK_INT(PARSE(parse_restore, &o, "restore", "101", "--suspend"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_INT(PARSE(parse_restore, &o, "restore", "101", "--flags", "1"),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(capture_end());

	/* Two stages: OpenVZ's message, the syntax exit code. */
	CHECK_INT(run_vzctl(&out, "chkpnt", "101", "--suspend",
			  "--dump", (char *)NULL), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK(strstr(out, "Invalid syntax: only one sub command may be used") != NULL);
	free(out);
	CHECK_INT(run_vzctl(&out, "restore", "101", "--undump",
			  "--kill", (char *)NULL), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK(strstr(out, "Invalid syntax: only one sub command may be used") != NULL);
	free(out);
}

/* A VE tree in a temp dir: config dir, template cache, private, root. */
static char *setup_ve_tree(void)
{
	char *d = tmpdir(), *p, *cmd;
	int rc;

	setenv("VZ_CONFDIR", d, 1);
	p = xasprintf("%s/vz.conf", d);
	cmd = xasprintf("LOCKDIR=%s/lock\nTEMPLATE=%s/template\n"
			"VE_ROOT=%s/root/$VEID\nVE_PRIVATE=%s/private/$VEID\n"
			"DEF_OSTEMPLATE=\"tiny\"\nVE_BRIDGE=vzbr0\n",
			d, d, d, d);
	write_text(p, cmd);
	free(cmd);
	free(p);
	p = xasprintf("%s/conf", d);
	mkdir(p, 0755);
	free(p);
	cmd = xasprintf("set -e; cd %s; mkdir -p src/etc src/sbin "
			"template/cache; echo hi > src/etc/motd; "
			"tar -C src -czf template/cache/tiny.tar.gz . ; "
			"echo 'not a tarball' > template/cache/broken.tar.gz",
			d);
	rc = system(cmd);
	free(cmd);
	CHECK_INT(rc, 0);
	return d;
}

static bool dir_is_empty_or_absent(const char *path)
{
	char *cmd = xasprintf("test -z \"$(ls -A '%s' 2>/dev/null)\"", path);
	int rc = system(cmd);

	free(cmd);
	return rc == 0;
}

static void test_create_destroy(void)
{
	char *d = setup_ve_tree(), *p, *text, *out;
	struct conf_file cf;

	CHECK_INT(run_vzctl(&out, "create", "101", "--ipadd",
			  "10.0.0.2", "--hostname", "ve101", (char *)NULL), 0);
	CHECK(strstr(out, "Creating VE private area (tiny)") != NULL);
	CHECK(strstr(out, "VE private area was created") != NULL);
	free(out);
	p = xasprintf("%s/private/101/etc/motd", d);
	text = read_text(p);
	CHECK_STR(text, "hi\n");
	free(text);
	free(p);
	p = xasprintf("%s/conf/101.conf", d);
	CHECK_INT(conf_load(&cf, p, true), 0);
	CHECK_STR(conf_get(&cf, "OSTEMPLATE"), "tiny");
	CHECK_STR(conf_get(&cf, "IP_ADDRESS"), "10.0.0.2");
	CHECK_STR(conf_get(&cf, "HOSTNAME"), "ve101");
	CHECK(conf_get(&cf, "VE_PRIVATE") &&
	      strstr(conf_get(&cf, "VE_PRIVATE"), "/private/$VEID"));
	conf_free(&cf);
	free(p);
	/* Lock released. */
	p = xasprintf("%s/lock/101.lck", d);
	CHECK(!path_exists(p));
	free(p);

	/* Creating it again is refused and changes nothing. */
	CHECK_INT(run_vzctl(&out, "create", "101", (char *)NULL),
		  VZ_FS_PRVT_AREA_EXIST);
	free(out);
	/* Private area exists without a config. */
	p = xasprintf("%s/private/102", d);
	mkdir(p, 0755);
	CHECK_INT(run_vzctl(&out, "create", "102", (char *)NULL),
		  VZ_FS_PRVT_AREA_EXIST);
	free(out);
	rmdir(p);
	free(p);
	p = xasprintf("%s/conf/102.conf", d);
	CHECK(!path_exists(p));
	free(p);

	/* Missing and broken templates leave nothing behind. */
	CHECK_INT(run_vzctl(&out, "create", "103", "--ostemplate",
			  "nonexistent", (char *)NULL), VZ_PKGSET_NOT_FOUND);
	CHECK(strstr(out, "nonexistent") != NULL);
	free(out);
	CHECK_INT(run_vzctl(&out, "create", "103", "--ostemplate",
			  "broken", (char *)NULL), VZ_FS_NEW_VE_PRVT);
	free(out);
	p = xasprintf("%s/conf/103.conf", d);
	CHECK(!path_exists(p));
	free(p);
	p = xasprintf("%s/private", d);
	CHECK(is_dir(p));
	free(p);
	p = xasprintf("%s/private/103", d);
	CHECK(!path_exists(p));
	free(p);
	p = xasprintf("%s/private/103.create-tmp", d);
	CHECK(!path_exists(p));
	free(p);

	/* A held lock stops create. */
	p = xasprintf("%s/lock/104.lck", d);
	text = xasprintf("%d\n", (int)getppid());
	write_text(p, text);
	free(text);
	CHECK_INT(run_vzctl(&out, "create", "104", (char *)NULL), VZ_LOCKED);
	CHECK(strstr(out, "VE already locked") != NULL);
	free(out);
	unlink(p);
	free(p);
	p = xasprintf("%s/private/104", d);
	CHECK(!path_exists(p));
	free(p);

	/* Sample configs. */
	p = xasprintf("%s/conf/ve-basic.conf-sample", d);
	write_text(p, "# sample\nONBOOT=\"yes\"\nHOSTNAME=fromsample\n");
	free(p);
	CHECK_INT(run_vzctl(&out, "create", "105", "--config",
			  "basic", "--hostname", "opt", (char *)NULL), 0);
	free(out);
	p = xasprintf("%s/conf/105.conf", d);
	CHECK_INT(conf_load(&cf, p, true), 0);
	CHECK_STR(conf_get(&cf, "ONBOOT"), "yes");
	CHECK_STR(conf_get(&cf, "HOSTNAME"), "opt");
	conf_free(&cf);
	free(p);
	CHECK_INT(run_vzctl(&out, "create", "106", "--config",
			  "nosuch", (char *)NULL), VZ_NOCONFIG);
	free(out);
	p = xasprintf("%s/private/106", d);
	CHECK(!path_exists(p));
	free(p);

	/* Without the VE kernel, nothing that needs it pretends to work. */
	if (!path_exists("/dev/vzctl")) {
		CHECK_INT(run_vzctl(&out, "destroy", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		CHECK(strstr(out, "Unable to open /dev/vzctl") != NULL);
		free(out);
		p = xasprintf("%s/private/101/etc/motd", d);
		CHECK(path_exists(p));
		free(p);
		CHECK_INT(run_vzctl(&out, "start", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		p = xasprintf("%s/root/101", d);
		CHECK(dir_is_empty_or_absent(p));
		free(p);
		p = xasprintf("%s/lock/101.lck", d);
		CHECK(!path_exists(p));
		free(p);
		CHECK_INT(run_vzctl(&out, "stop", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_vzctl(&out, "status", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_vzctl(&out, "exec", "101", "true", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_vzctl(&out, "enter", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_vzctl(&out, "set", "101", "--hostname",
				  "x", "--save", (char *)NULL), VZ_BAD_KERNEL);
		free(out);
	}
	/* set validates before it looks at anything. */
	CHECK_INT(run_vzctl(&out, "set", "101", "--ipadd", "1.2.3.4/40",
			  "--save", (char *)NULL), VZ_BADIP);
	free(out);
	p = xasprintf("%s/conf/101.conf", d);
	CHECK_INT(conf_load(&cf, p, true), 0);
	CHECK_STR(conf_get(&cf, "IP_ADDRESS"), "10.0.0.2");
	conf_free(&cf);
	free(p);
	/* Bad VEIDs and options are syntax errors for every command. */
	CHECK_INT(run_vzctl(&out, "destroy", "0", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK(strstr(out, "Invalid veid: 0") != NULL);
	free(out);
	CHECK_INT(run_vzctl(&out, "mount", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	CHECK_INT(run_vzctl(&out, "umount", "1", "2", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	CHECK_INT(run_vzctl(&out, "restart", "--now", "1", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	CHECK_INT(run_vzctl(&out, "exec2", "1", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	cleanup_dir(d);
}

static void test_dumpinfo_cmd(void)
{
	char *d = tmpdir(), *p = xasprintf("%s/img", d), *out;
	struct imgw_opts o = { 0 };
	FILE *f = fopen(p, "w");

	CHECK(f && imgw_write_image(f, &o) == 0);
	if (f)
		fclose(f);
	CHECK_INT(run_vzctl(&out, "dumpinfo", p, (char *)NULL), 0);
	CHECK(strstr(out, "Image is valid") != NULL);
	free(out);
	CHECK_INT(run_vzctl(&out, "dumpinfo", "--json", p,
			  (char *)NULL), 0);
	CHECK(strstr(out, "\"valid\":true") != NULL);
	free(out);
	truncate(p, 100);
	CHECK_INT(run_vzctl(&out, "dumpinfo", p, (char *)NULL), 1);
	CHECK(strstr(out, "Error: Invalid image: truncated image") != NULL);
	free(out);
	CHECK_INT(run_vzctl(&out, "dumpinfo", "/nonexistent/x",
			  (char *)NULL), VZ_SYSTEM_ERROR);
	free(out);
	CHECK_INT(run_vzctl(&out, "dumpinfo", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	CHECK_INT(run_vzctl(&out, "dumpinfo", p, "--bogus",
			  (char *)NULL), VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	free(p);
	cleanup_dir(d);
}

/* Without /dev/vzctl nothing pretends to work; a dump is kept. */
static void test_cpt_cmds(void)
{
	char *d = tmpdir(), *conf = xasprintf("%s/vz.conf", d), *p, *out;

	setenv("VZ_CONFDIR", d, 1);
	p = xasprintf("%s/conf", d);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("LOCKDIR=%s/lock\nDUMPDIR=%s/dump\nVE_ROOT=%s/root/$VEID\n"
		      "VE_PRIVATE=%s/private/$VEID\n", d, d, d, d);
	write_text(conf, p);
	free(p);

	if (!path_exists("/dev/vzctl")) {
		p = xasprintf("%s/private/102", d);
		mkdir_p(p, 0755);
		free(p);
		p = xasprintf("%s/dump", d);
		mkdir_p(p, 0755);
		free(p);
		p = xasprintf("%s/dump/Dump.102", d);
		write_text(p, "not really an image");
		CHECK_INT(run_vzctl(&out, "chkpnt", "102", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_vzctl(&out, "restore", "102",
				  (char *)NULL), VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_vzctl(&out, "start", "102", (char *)NULL),
			  VZ_BAD_KERNEL);
		out[strlen(out) > 4000 ? 4000 : strlen(out)] = '\0';
		CHECK(strstr(out, "Dump file ") &&
		      strstr(out, "/dump/Dump.102 exists, trying to restore from it"));
		free(out);
		CHECK(path_exists(p));	/* nothing ran: still restorable */
		free(p);
		p = xasprintf("%s/lock/102.lck", d);
		CHECK(!path_exists(p));
		free(p);
	}
	free(conf);
	cleanup_dir(d);
}

/* The usage is generated from main.c's table. */
static const char usage_text[] =
	"Usage: vzctl [--help | --version] <command> <veid> [parameters]\n"
	"vzctl create <veid> [--ostemplate <name>] [--config <name>]\n"
	"   [--ipadd <addr>] [--hostname <name>]\n"
	"vzctl destroy | mount | umount | status <veid>\n"
	"vzctl start <veid>\n"
	"vzctl stop <veid> [--fast]\n"
	"vzctl restart <veid> [--fast]\n"
	"vzctl exec | exec2 <veid> <command> [arg ...]\n"
	"vzctl enter <veid>\n"
	"vzctl set <veid> [--ipadd <addr>] [--ipdel <addr>|all]\n"
	"   [--hostname <name>] [--nameserver <addr>]\n"
	"   [--onboot yes|no] [--capability <name>:on|off]\n"
	"   [--devnodes <device>:r|w|rw|none] [--save]\n"
	"vzctl chkpnt <veid> [--dumpfile <file>] [--context <id>] [--flags <n>]\n"
	"   [--suspend | --dump | --resume | --kill]\n"
	"vzctl restore <veid> [--dumpfile <file>] [--context <id>]\n"
	"   [--undump | --resume | --kill] [--skip_arpdetect]\n"
	"vzctl dumpinfo <file>|- [--json]\n";

static void test_usage(void)
{
	char *out, *want;

	CHECK_INT(run_vzctl(&out, "--help", (char *)NULL), 0);
	CHECK_STR(out, usage_text);
	free(out);
	CHECK_INT(run_vzctl(&out, (char *)NULL), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_STR(out, usage_text);
	free(out);
	CHECK_INT(run_vzctl(&out, "--version", (char *)NULL), 0);
	CHECK_STR(out, "vzctl version 1.0\n");
	free(out);
	/* A syntax error: the error, then the usage. */
	want = xasprintf("Error: VE ID is not given\n%s", usage_text);
	CHECK_INT(run_vzctl(&out, "stop", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_STR(out, want);
	free(out);
	free(want);
	want = xasprintf("Error: Invalid action: frobnicate\n%s", usage_text);
	CHECK_INT(run_vzctl(&out, "frobnicate", "101", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK_STR(out, want);
	free(out);
	free(want);
	/* "delete" is destroy, though the usage does not show it. */
	CHECK_INT(run_vzctl(&out, "delete", "0", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK(strstr(out, "Error: Invalid veid: 0\n") == out);
	free(out);
}

void test_cmds(void)
{
	test_usage();
	test_parse_create();
	test_parse_other();
	test_cpt_parse();
	test_create_destroy();
	test_dumpinfo_cmd();
	test_cpt_cmds();
}
