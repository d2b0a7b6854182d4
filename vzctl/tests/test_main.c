// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for vzctl/vzlist: everything that does not need the VE
 * kernel.  Each CHECK counts; the last line is "N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vzctl.h"
#include "tests/check.h"

static int passed, failed;

void check(bool ok, const char *what, const char *file, int line)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
}

void check_str(const char *a, const char *b, const char *what,
	       const char *file, int line)
{
	bool ok = a && b && !strcmp(a, b);

	check(ok, what, file, line);
	if (!ok)
		fprintf(stderr, "     got \"%s\", want \"%s\"\n",
			a ? a : "(null)", b ? b : "(null)");
}

void check_int(long a, long b, const char *what, const char *file,
	       int line)
{
	check(a == b, what, file, line);
	if (a != b)
		fprintf(stderr, "     got %ld, want %ld\n", a, b);
}

/* Capture stdout and stderr of code under test, to check messages. */
static int saved_out = -1, saved_err = -1;
static char capture_path[PATH_MAX];

void capture_begin(void)
{
	int fd;

	fflush(stdout);
	fflush(stderr);
	snprintf(capture_path, sizeof(capture_path), "/tmp/vzctl-test-cap.XXXXXX");
	fd = mkstemp(capture_path);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
}

/* Returns what was printed; malloc'ed. */
char *capture_end(void)
{
	char *buf = xmalloc(65536);
	ssize_t n;
	int fd;

	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	fd = open(capture_path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, 65535) : -1;
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(capture_path);
	return buf;
}

char *tmpdir(void)
{
	char *d = xstrdup("/tmp/vzctl-test.XXXXXX");

	if (!mkdtemp(d)) {
		perror("mkdtemp");
		exit(1);
	}
	return d;
}

void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

char *read_text(const char *path)
{
	char *buf = xmalloc(65536);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, 65535, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

/* Run a subcommand with a NULL-terminated argument list, output captured. */
int run_cmd(int (*fn)(int, char **), char **out, ...)
{
	char *argv[32];
	int argc = 0, ret;
	va_list ap;

	va_start(ap, out);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	capture_begin();
	ret = fn(argc, argv);
	if (out)
		*out = capture_end();
	else
		free(capture_end());
	return ret;
}

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

static void test_ip(void)
{
	struct ve_ip ip;

	CHECK(ip_parse("10.0.0.1", &ip) == 0 && ip.prefix == -1 &&
	      ip.addr.s_addr == htonl(0x0a000001));
	CHECK(ip_parse("192.168.1.5/24", &ip) == 0 && ip.prefix == 24);
	CHECK(ip_parse("10.0.0.1/32", &ip) == 0 && ip.prefix == 32);
	CHECK(ip_parse("10.0.0.1/33", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/0", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/2a", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/-1", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/024", &ip) < 0);
	CHECK(ip_parse("10.0.0.256", &ip) < 0);
	CHECK(ip_parse("10.0.0", &ip) < 0);
	CHECK(ip_parse("10.0.0.1.2", &ip) < 0);
	CHECK(ip_parse("", &ip) < 0);
	CHECK(ip_parse("/24", &ip) < 0);
	CHECK(ip_parse("host", &ip) < 0);
	CHECK(ip_parse("0.0.0.0", &ip) < 0);
	CHECK(ip_parse("127.0.0.1", &ip) < 0);
	CHECK(ip_parse("224.0.0.1", &ip) < 0);
	CHECK(ip_parse("255.255.255.255", &ip) < 0);
	CHECK(ip_parse("::1", &ip) < 0);
}

static void test_prefix(void)
{
	struct in_addr br;
	struct ve_ip ip;

	br.s_addr = htonl(0x0a000001);	/* 10.0.0.1 on the bridge */
	ip_parse("10.0.0.5", &ip);
	CHECK_INT(choose_prefix(&ip, br, 24), 24);
	ip_parse("10.0.1.5", &ip);
	CHECK_INT(choose_prefix(&ip, br, 24), 32);
	CHECK_INT(choose_prefix(&ip, br, 16), 16);
	ip_parse("10.0.0.5/28", &ip);
	CHECK_INT(choose_prefix(&ip, br, 24), 28);
	ip_parse("192.168.0.5", &ip);
	CHECK_INT(choose_prefix(&ip, br, 8), 32);
	ip_parse("10.200.3.4", &ip);
	CHECK_INT(choose_prefix(&ip, br, 8), 8);
	CHECK_INT(choose_prefix(&ip, br, 0), 32);
	CHECK_INT(choose_prefix(&ip, br, -1), 32);
	ip_parse("10.0.0.1", &ip);
	CHECK_INT(choose_prefix(&ip, br, 32), 32);
	/* No such bridge: /32, explicit prefixes untouched. */
	ip_parse("10.0.0.5", &ip);
	CHECK_INT(ve_ip_prefix(&ip, "no-such-bridge0"), 32);
	ip_parse("10.0.0.5/20", &ip);
	CHECK_INT(ve_ip_prefix(&ip, "no-such-bridge0"), 20);
}

static void test_names(void)
{
	char buf[32];

	veth_host_name(101, buf, sizeof(buf));
	CHECK_STR(buf, "veth101.0");
	veth_host_name(999999999, buf, sizeof(buf));
	CHECK_STR(buf, "veth999999999.0");
	CHECK(strlen(buf) < 16);
	veth_host_name(1000000000, buf, sizeof(buf));
	CHECK_STR(buf, "vz3b9aca00.0");
	veth_host_name(2147483647, buf, sizeof(buf));
	CHECK_STR(buf, "vz7fffffff.0");
	ve_mac(101, buf, sizeof(buf));
	CHECK_STR(buf, "02:00:00:00:00:65");
	ve_mac(0x01020304, buf, sizeof(buf));
	CHECK_STR(buf, "02:00:01:02:03:04");
	ve_mac(2147483647, buf, sizeof(buf));
	CHECK_STR(buf, "02:00:7f:ff:ff:ff");
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
	strlist_split(&l, "8.8.8.8 1.1.1.1");
	s = resolv_conf_text(&l);
	CHECK_STR(s, "nameserver 8.8.8.8\nnameserver 1.1.1.1\n");
	free(s);
	strlist_free(&l);
}

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

void cleanup_dir(char *d)
{
	remove_tree(d);
	free(d);
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

static void write_lock(const char *dir, unsigned int veid, const char *text)
{
	char *p = xasprintf("%s/%u.lck", dir, veid);

	write_text(p, text);
	free(p);
}

static void test_lock(void)
{
	char *d = tmpdir(), *lockdir = xasprintf("%s/lock", d);
	char *lock = NULL, *lock2 = NULL, *text, buf[32], *p;
	pid_t child, dead;
	int status;

	/* The lock directory is created on demand. */
	CHECK_INT(vz_lock(lockdir, 101, &lock), 0);
	text = read_text(lock);
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	CHECK_STR(text, buf);
	free(text);
	/* Held by us (a live process): a second taker is refused. */
	capture_begin();
	CHECK_INT(vz_lock(lockdir, 101, &lock2), VZ_LOCKED);
	text = capture_end();
	CHECK(strstr(text, "already locked") != NULL);
	free(text);
	/* Another VE is independent. */
	CHECK_INT(vz_lock(lockdir, 102, &lock2), 0);
	vz_unlock(lock2);
	p = xasprintf("%s/102.lck", lockdir);
	CHECK(!path_exists(p));
	free(p);
	vz_unlock(lock);
	p = xasprintf("%s/101.lck", lockdir);
	CHECK(!path_exists(p));

	/* Held by another live process. */
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)child);
	write_lock(lockdir, 101, buf);
	capture_begin();
	CHECK_INT(vz_lock(lockdir, 101, &lock), VZ_LOCKED);
	free(capture_end());
	text = read_text(p);
	CHECK_STR(text, buf);	/* untouched */
	free(text);

	/* Its owner died: stale, taken over. */
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	CHECK_INT(vz_lock(lockdir, 101, &lock), 0);
	text = read_text(p);
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	CHECK_STR(text, buf);
	free(text);
	vz_unlock(lock);

	/* Garbage in the lock file: taken over too. */
	write_lock(lockdir, 101, "garbage");
	CHECK_INT(vz_lock(lockdir, 101, &lock), 0);
	vz_unlock(lock);

	/* Unlock never removes a lock someone else took over. */
	CHECK_INT(vz_lock(lockdir, 101, &lock), 0);
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, &status, 0);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)child);
	write_lock(lockdir, 101, buf);
	vz_unlock(lock);
	CHECK(path_exists(p));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	free(p);
	free(lockdir);
	cleanup_dir(d);
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

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(fn, opts, ...) \
	fn(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), opts)

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

static void test_list(void)
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

	CHECK_INT(run_cmd(cmd_create, &out, "create", "101", "--ipadd",
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
	CHECK_INT(run_cmd(cmd_create, &out, "create", "101", (char *)NULL),
		  VZ_FS_PRVT_AREA_EXIST);
	free(out);
	/* Private area exists without a config. */
	p = xasprintf("%s/private/102", d);
	mkdir(p, 0755);
	CHECK_INT(run_cmd(cmd_create, &out, "create", "102", (char *)NULL),
		  VZ_FS_PRVT_AREA_EXIST);
	free(out);
	rmdir(p);
	free(p);
	p = xasprintf("%s/conf/102.conf", d);
	CHECK(!path_exists(p));
	free(p);

	/* Missing and broken templates leave nothing behind. */
	CHECK_INT(run_cmd(cmd_create, &out, "create", "103", "--ostemplate",
			  "nonexistent", (char *)NULL), VZ_PKGSET_NOT_FOUND);
	CHECK(strstr(out, "nonexistent") != NULL);
	free(out);
	CHECK_INT(run_cmd(cmd_create, &out, "create", "103", "--ostemplate",
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
	CHECK_INT(run_cmd(cmd_create, &out, "create", "104", (char *)NULL), VZ_LOCKED);
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
	CHECK_INT(run_cmd(cmd_create, &out, "create", "105", "--config",
			  "basic", "--hostname", "opt", (char *)NULL), 0);
	free(out);
	p = xasprintf("%s/conf/105.conf", d);
	CHECK_INT(conf_load(&cf, p, true), 0);
	CHECK_STR(conf_get(&cf, "ONBOOT"), "yes");
	CHECK_STR(conf_get(&cf, "HOSTNAME"), "opt");
	conf_free(&cf);
	free(p);
	CHECK_INT(run_cmd(cmd_create, &out, "create", "106", "--config",
			  "nosuch", (char *)NULL), VZ_NOCONFIG);
	free(out);
	p = xasprintf("%s/private/106", d);
	CHECK(!path_exists(p));
	free(p);

	/* Without the VE kernel, nothing that needs it pretends to work. */
	if (!path_exists("/dev/vzctl")) {
		CHECK_INT(run_cmd(cmd_destroy, &out, "destroy", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		CHECK(strstr(out, "Unable to open /dev/vzctl") != NULL);
		free(out);
		p = xasprintf("%s/private/101/etc/motd", d);
		CHECK(path_exists(p));
		free(p);
		CHECK_INT(run_cmd(cmd_start, &out, "start", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		p = xasprintf("%s/root/101", d);
		CHECK(dir_is_empty_or_absent(p));
		free(p);
		p = xasprintf("%s/lock/101.lck", d);
		CHECK(!path_exists(p));
		free(p);
		CHECK_INT(run_cmd(cmd_stop, &out, "stop", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_cmd(cmd_status, &out, "status", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_cmd(cmd_exec, &out, "exec", "101", "true", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_cmd(cmd_enter, &out, "enter", "101", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_cmd(cmd_set, &out, "set", "101", "--hostname",
				  "x", "--save", (char *)NULL), VZ_BAD_KERNEL);
		free(out);
	}
	/* set validates before it looks at anything. */
	CHECK_INT(run_cmd(cmd_set, &out, "set", "101", "--ipadd", "1.2.3.4/40",
			  "--save", (char *)NULL), VZ_BADIP);
	free(out);
	p = xasprintf("%s/conf/101.conf", d);
	CHECK_INT(conf_load(&cf, p, true), 0);
	CHECK_STR(conf_get(&cf, "IP_ADDRESS"), "10.0.0.2");
	conf_free(&cf);
	free(p);
	/* Bad VEIDs and options are syntax errors for every command. */
	CHECK_INT(run_cmd(cmd_destroy, &out, "destroy", "0", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	CHECK(strstr(out, "Invalid veid: 0") != NULL);
	free(out);
	CHECK_INT(run_cmd(cmd_mount, &out, "mount", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	CHECK_INT(run_cmd(cmd_umount, &out, "umount", "1", "2", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	CHECK_INT(run_cmd(cmd_restart, &out, "restart", "--now", "1", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	CHECK_INT(run_cmd(cmd_exec2, &out, "exec2", "1", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	cleanup_dir(d);
}

int main(void)
{
	test_veid();
	test_hostname();
	test_ip();
	test_prefix();
	test_names();
	test_strlist();
	test_conf_parse();
	test_subst();
	test_ve_conf();
	test_conf_save();
	test_lock();
	test_fs_helpers();
	test_veinfo();
	test_parse_create();
	test_parse_other();
	test_list();
	test_create_destroy();
	test_image();
	test_cpt();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
