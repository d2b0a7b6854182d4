// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the image reader (image.c, cmd_dumpinfo.c) on synthetic
 * images from imgwrite.c, and of the checkpoint helpers (cpt.c) that do
 * not need the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>

#include "vzctl.h"
#include "image.h"
#include "tests/check.h"
#include "tests/imgwrite.h"

/* An fd reading exactly these bytes (a memfd: no disk, no size limit). */
static int bytes_fd(const unsigned char *buf, size_t len)
{
	int fd = memfd_create("image", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n <= 0) {
			perror("write");
			exit(1);
		}
		done += (size_t)n;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* 0 if valid, else -1 with the reader's message in err (if given). */
static int validate(const unsigned char *buf, size_t len, char *err,
		    size_t errlen, unsigned int *nrec)
{
	struct img_reader r;
	struct img_record rec;
	int fd = bytes_fd(buf, len), ret;
	unsigned int n = 0;

	img_reader_init(&r, fd);
	ret = img_read_header(&r);
	if (!ret)
		while ((ret = img_next(&r, &rec)) == 1)
			n++;
	if (err)
		snprintf(err, errlen, "%s", r.err);
	if (nrec)
		*nrec = n;
	img_reader_free(&r);
	close(fd);
	return ret;
}

static int validate_opts(const struct imgw_opts *o, char *err, size_t errlen)
{
	size_t len;
	unsigned char *img = imgw_image(o, &len);
	int ret;

	if (!img)
		return -2;
	ret = validate(img, len, err, errlen, NULL);
	free(img);
	return ret;
}

static void test_crc32c(void)
{
	CHECK_INT(crc32c("123456789", 9), 0xe3069283L);
	CHECK_INT(crc32c("", 0), 0);
	/* Incremental is the same as at once. */
	CHECK_INT(crc32c_final(crc32c_update(crc32c_update(CRC32C_INIT,
							    "1234", 4),
					      "56789", 5)), 0xe3069283L);
}

static void test_valid(void)
{
	struct imgw_opts o = { 0 };
	unsigned char *img;
	char err[512];
	unsigned int n;
	size_t len;

	img = imgw_image(&o, &len);
	CHECK(img != NULL);
	CHECK_INT(validate(img, len, err, sizeof(err), &n), 0);
	CHECK_STR(err, "");
	CHECK_INT(n, 17);	/* header aside: 16 records and END */
	free(img);

	/* Compatibility: newer minor versions' additions are skipped. */
	o.hdr_ext = true;
	o.grown_ve = true;
	o.version = CPT_IMAGE_VERSION + 3;
	CHECK_INT(validate_opts(&o, err, sizeof(err)), 0);
	CHECK_STR(err, "");

	/* A process with two threads. */
	memset(&o, 0, sizeof(o));
	o.threads = true;
	CHECK_INT(validate_opts(&o, err, sizeof(err)), 0);
	CHECK_STR(err, "");

	/* A process with POSIX timers. */
	memset(&o, 0, sizeof(o));
	o.timers = true;
	CHECK_INT(validate_opts(&o, err, sizeof(err)), 0);
	CHECK_STR(err, "");

	/* Several PAGES records for one VMA. */
	memset(&o, 0, sizeof(o));
	o.nr_pages = 600;
	CHECK_INT(validate_opts(&o, err, sizeof(err)), 0);
	CHECK_STR(err, "");
}

/* Every proper prefix is rejected, naming an offset. */
static void test_truncation(void)
{
	struct imgw_opts o = { 0 };
	unsigned char *img;
	size_t len, rejected = 0, named = 0;
	char err[512];

	img = imgw_image(&o, &len);
	for (size_t cut = 0; cut < len; cut++) {
		if (validate(img, cut, err, sizeof(err), NULL) == -1)
			rejected++;
		if (strstr(err, "offset"))
			named++;
	}
	CHECK_INT((long)rejected, (long)len);
	CHECK_INT((long)named, (long)len);
	free(img);
}

/* Any single changed byte is rejected: CRCs, zero padding, END. */
static void test_bit_flips(void)
{
	static const unsigned char masks[] = { 0x01, 0x80, 0xff, 0x10 };
	struct imgw_opts o = { 0 };
	unsigned char *img;
	size_t len, tried = 0, rejected = 0;

	img = imgw_image(&o, &len);
	for (size_t i = 0; i < len; i++) {
		/* Every byte with one mask, every 7th with all of them. */
		size_t nmasks = i % 7 ? 1 : sizeof(masks);

		for (size_t m = 0; m < nmasks; m++) {
			img[i] ^= masks[m];
			tried++;
			if (validate(img, len, NULL, 0, NULL) == -1)
				rejected++;
			img[i] ^= masks[m];
		}
	}
	CHECK_INT((long)rejected, (long)tried);
	CHECK_INT(validate(img, len, NULL, 0, NULL), 0);
	free(img);
}

static void expect_broken(const struct imgw_opts *o, const char *why)
{
	char err[512];

	CHECK_INT(validate_opts(o, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fprintf(stderr, "     error \"%s\" lacks \"%s\"\n", err, why);
	CHECK(strstr(err, why) != NULL);
}

static void test_broken(void)
{
	struct imgw_opts o;
	unsigned char *img;
	size_t len;
	char err[512];

#define BROKEN(field, value, why) \
	do { \
		memset(&o, 0, sizeof(o)); \
		o.field = value; \
		expect_broken(&o, why); \
	} while (0)
	BROKEN(version, (CPT_IMAGE_VERSION_MAJOR + 1) << 16,
	       "unsupported image version 2.0");
	BROKEN(version, 1, "unsupported image version 0.1");
	BROKEN(arch, ~0u, "unsupported architecture 0");
	BROKEN(page_size, 65536, "unsupported page size 65536");
	BROKEN(forward_ref, true, "mm 1 refers to a MM not defined before it");
	BROKEN(huge_len, true, "exceeds the limit");
	BROKEN(too_many_vmas, true, "nr_vmas 65531 exceeds 65530");
	BROKEN(too_many_tasks, true, "nr_tasks 32769 out of range");
	BROKEN(unknown_type, true, "unknown record type 19");
	BROKEN(bad_index, true, "has index 1, expected 0");
	BROKEN(pad_garbage, true, "nonzero padding");
	BROKEN(pages_early, true, "the image has 0 tasks before it");
	BROKEN(drop_record, true, "nr_records 17, but 16 records precede it");
	BROKEN(trailing, true, "trailing data after the END record");
	BROKEN(no_end, true, "missing END record");
	BROKEN(file_path, "", "path length 0 out of range");
	BROKEN(file_path, "sbin/init", "path is not absolute");
	BROKEN(bad_timer, IMGW_TIMER_NO_SIGNAL, "not after its process's SIGNAL record");
	BROKEN(bad_timer, IMGW_TIMER_ORDER, "id 0 not above the last one (0)");
	BROKEN(bad_timer, IMGW_TIMER_CLOCK, "POSIX_TIMER record at offset 4984: clock 2");
	BROKEN(bad_timer, IMGW_TIMER_NOTIFY, "notification 99");
	BROKEN(bad_timer, IMGW_TIMER_SIGNAL, "signal 65");
#undef BROKEN

	/* Bad magic: not an image at all. */
	memset(&o, 0, sizeof(o));
	img = imgw_image(&o, &len);
	img[0] ^= 0xff;
	CHECK_INT(validate(img, len, err, sizeof(err), NULL), -1);
	CHECK(strstr(err, "bad magic") != NULL);
	free(img);
	/* Empty input. */
	CHECK_INT(validate((const unsigned char *)"", 0, err, sizeof(err),
			   NULL), -1);
	CHECK(strstr(err, "truncated image") != NULL);
}

static char *dumpinfo_output(const unsigned char *img, size_t len, bool json,
			     int *ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int fd = bytes_fd(img, len);
	char *err;

	capture_begin();
	*ret = dumpinfo_fd(fd, f, json);
	err = capture_end();
	free(err);
	close(fd);
	fclose(f);
	return buf;
}

/* Well-formed by python's json module, if there is a python3. */
static bool json_ok(const char *text)
{
	char *d = tmpdir(), *p = xasprintf("%s/out.json", d), *cmd;
	int rc;

	write_text(p, text);
	cmd = xasprintf("command -v python3 >/dev/null || exit 0; "
			"python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
			"assert isinstance(d[\"records\"], list); "
			"assert d[\"valid\"] in (True, False)' %s", p);
	rc = system(cmd);
	free(cmd);
	free(p);
	cleanup_dir(d);
	return rc == 0;
}

static void test_dumpinfo_output(void)
{
	struct imgw_opts o = { .file_path = "/a \"b\"\\c\n\x01\xff" };
	unsigned char *img;
	size_t len;
	char *out;
	int ret;

	img = imgw_image(&o, &len);
	out = dumpinfo_output(img, len, false, &ret);
	CHECK_INT(ret, 0);
	CHECK(strstr(out, "Image version 1.1:") != NULL);
	CHECK(strstr(out, " TASK ") && strstr(out, "pid=1 tgid=1 ppid=0 comm=init"));
	CHECK(strstr(out, "start=0x600000 end=0x602000 kind=anon-private") != NULL);
	CHECK(strstr(out, "nr_pages=2") != NULL);
	CHECK(strstr(out, "path=/a\\x20\"b\"\\x5cc\\x0a\\x01\\xff") != NULL);
	CHECK(strstr(out, "Image is valid: 17 records") != NULL);
	free(out);

	out = dumpinfo_output(img, len, true, &ret);
	CHECK_INT(ret, 0);
	CHECK(json_ok(out));
	CHECK(!strncmp(out, "{\"header\":{\"version\":\"1.1\"", 26));
	CHECK(strstr(out, "\"valid\":true}\n") != NULL);
	CHECK(strstr(out, "\"path\":\"/a \\\"b\\\"\\\\c\\u000a\\u0001\\u00ff\"") != NULL);
	CHECK(strstr(out, "\"comm\":\"init\"") != NULL);
	free(out);

	/* Invalid: still one well-formed object, with the reason. */
	out = dumpinfo_output(img, len - 3, true, &ret);
	CHECK_INT(ret, 1);
	CHECK(json_ok(out));
	CHECK(strstr(out, "\"valid\":false,\"error\":\"truncated image") != NULL);
	free(out);
	out = dumpinfo_output((const unsigned char *)"garbage!", 8, true, &ret);
	CHECK_INT(ret, 1);
	CHECK(json_ok(out));
	CHECK(strstr(out, "\"header\":null,\"records\":[]") != NULL);
	free(out);
	free(img);
}

/* From a pipe: the reader never seeks. */
static void test_dumpinfo_pipe(void)
{
	struct imgw_opts o = { .nr_pages = 300 };
	int p[2], ret, status;
	pid_t pid;
	char *err;
	FILE *devnull = fopen("/dev/null", "w");

	CHECK_INT(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		FILE *f = fdopen(p[1], "w");

		close(p[0]);
		_exit(f && imgw_write_image(f, &o) == 0 && fclose(f) == 0 ?
		      0 : 1);
	}
	close(p[1]);
	capture_begin();
	ret = dumpinfo_fd(p[0], devnull, false);
	err = capture_end();
	close(p[0]);
	waitpid(pid, &status, 0);
	CHECK_INT(ret, 0);
	CHECK_STR(err, "");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(err);
	fclose(devnull);
}

static void test_dumpinfo_cmd(void)
{
	char *d = tmpdir(), *p = xasprintf("%s/img", d), *out;
	struct imgw_opts o = { 0 };
	FILE *f = fopen(p, "w");

	CHECK(f && imgw_write_image(f, &o) == 0);
	if (f)
		fclose(f);
	CHECK_INT(run_cmd(cmd_dumpinfo, &out, "dumpinfo", p, (char *)NULL), 0);
	CHECK(strstr(out, "Image is valid") != NULL);
	free(out);
	CHECK_INT(run_cmd(cmd_dumpinfo, &out, "dumpinfo", "--json", p,
			  (char *)NULL), 0);
	CHECK(strstr(out, "\"valid\":true") != NULL);
	free(out);
	truncate(p, 100);
	CHECK_INT(run_cmd(cmd_dumpinfo, &out, "dumpinfo", p, (char *)NULL), 1);
	CHECK(strstr(out, "Error: Invalid image: truncated image") != NULL);
	free(out);
	CHECK_INT(run_cmd(cmd_dumpinfo, &out, "dumpinfo", "/nonexistent/x",
			  (char *)NULL), VZ_SYSTEM_ERROR);
	free(out);
	CHECK_INT(run_cmd(cmd_dumpinfo, &out, "dumpinfo", (char *)NULL),
		  VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	CHECK_INT(run_cmd(cmd_dumpinfo, &out, "dumpinfo", p, "--bogus",
			  (char *)NULL), VZ_INVALID_PARAMETER_SYNTAX);
	free(out);
	free(p);
	cleanup_dir(d);
}

void test_image(void)
{
	test_crc32c();
	test_valid();
	test_truncation();
	test_bit_flips();
	test_broken();
	test_dumpinfo_output();
	test_dumpinfo_pipe();
	test_dumpinfo_cmd();
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(fn, opts, ...) fn(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), opts)

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
	CHECK_INT(run_cmd(cmd_chkpnt, &out, "chkpnt", "101", "--suspend",
			  "--dump", (char *)NULL), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK(strstr(out, "Invalid syntax: only one sub command may be used") != NULL);
	free(out);
	CHECK_INT(run_cmd(cmd_restore, &out, "restore", "101", "--undump",
			  "--kill", (char *)NULL), VZ_INVALID_PARAMETER_SYNTAX);
	CHECK(strstr(out, "Invalid syntax: only one sub command may be used") != NULL);
	free(out);
}

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

	/* Without /dev/vzctl nothing pretends to work; a dump is kept. */
	if (!path_exists("/dev/vzctl")) {
		p = xasprintf("%s/private/102", d);
		mkdir_p(p, 0755);
		free(p);
		p = xasprintf("%s/dump", d);
		mkdir_p(p, 0755);
		free(p);
		p = xasprintf("%s/dump/Dump.102", d);
		write_text(p, "not really an image");
		CHECK_INT(run_cmd(cmd_chkpnt, &out, "chkpnt", "102", (char *)NULL),
			  VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_cmd(cmd_restore, &out, "restore", "102",
				  (char *)NULL), VZ_BAD_KERNEL);
		free(out);
		CHECK_INT(run_cmd(cmd_start, &out, "start", "102", (char *)NULL),
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

void test_cpt(void)
{
	test_cpt_parse();
	test_cpt_ctx_list();
	test_cpt_paths();
}
