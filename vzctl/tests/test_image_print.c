// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the dumpinfo printer (image_print.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image_print.h"
#include "util.h"
#include "tests/check.h"
#include "tests/imgwrite.h"

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
	CHECK(strstr(out, "Image version 1.6:") != NULL);
	CHECK(strstr(out, " TASK ") && strstr(out, "pid=1 tgid=1 ppid=0 comm=init"));
	CHECK(strstr(out, "start=0x600000 end=0x602000 kind=anon-private") != NULL);
	CHECK(strstr(out, "nr_pages=2") != NULL);
	CHECK(strstr(out, "path=/a\\x20\"b\"\\x5cc\\x0a\\x01\\xff") != NULL);
	CHECK(strstr(out, "Image is valid: 17 records") != NULL);
	free(out);

	out = dumpinfo_output(img, len, true, &ret);
	CHECK_INT(ret, 0);
	CHECK(json_ok(out));
	CHECK(!strncmp(out, "{\"header\":{\"version\":\"1.6\"", 26));
	CHECK(strstr(out, "\"valid\":true}\n") != NULL);
	CHECK(strstr(out, "\"path\":\"/a \\\"b\\\"\\\\c\\u000a\\u0001\\u00ff\"") != NULL);
	CHECK(strstr(out, "\"comm\":\"init\"") != NULL);
	free(out);

	/* Memory locks: the VMA's and the mm's lock bits. */
	free(img);
	o = (struct imgw_opts){ .mlock = true };
	img = imgw_image(&o, &len);
	out = dumpinfo_output(img, len, false, &ret);
	CHECK_INT(ret, 0);
	CHECK(strstr(out, "start_stack=0x7fffffffefc0 def_flags=0x2000\n") != NULL);
	CHECK(strstr(out, "kind=anon-private prot=0x3 pgoff=0 vm_flags=0x2000\n") != NULL);
	CHECK(strstr(out, "pgoff=0 vm_flags=0x82000\n") != NULL);
	free(out);
	out = dumpinfo_output(img, len, true, &ret);
	CHECK_INT(ret, 0);
	CHECK(json_ok(out));
	CHECK(strstr(out, "\"def_flags\":\"0x2000\"") != NULL);
	CHECK(strstr(out, "\"vm_flags\":\"0x82000\"") != NULL);
	free(out);

	/* Scheduling attributes: a negative nice value stays signed. */
	free(img);
	o = (struct imgw_opts){ .sched = true, .threads = true };
	img = imgw_image(&o, &len);
	out = dumpinfo_output(img, len, false, &ret);
	CHECK_INT(ret, 0);
	CHECK(strstr(out, " SCHED ") != NULL);
	CHECK(strstr(out, " policy=fifo rt_priority=10 nice=-5 flags=0x1\n") != NULL);
	CHECK(strstr(out, " policy=batch rt_priority=0 nice=7 flags=0\n") != NULL);
	free(out);
	out = dumpinfo_output(img, len, true, &ret);
	CHECK_INT(ret, 0);
	CHECK(json_ok(out));
	CHECK(strstr(out, "\"type\":\"SCHED\",\"index\":0,\"len\":16,\"policy\":\"fifo\",\"rt_priority\":10,\"nice\":-5,\"flags\":\"0x1\"}") != NULL);
	free(out);

	/* rseq areas: address, length and signature. */
	free(img);
	o = (struct imgw_opts){ .rseq = true, .threads = true };
	img = imgw_image(&o, &len);
	out = dumpinfo_output(img, len, false, &ret);
	CHECK_INT(ret, 0);
	CHECK(strstr(out, " RSEQ             0       16  addr=0x600100 len=32 sig=0x53053053\n") != NULL);
	CHECK(strstr(out, " addr=0x600120 len=32 sig=0x53053053\n") != NULL);
	free(out);

	/* An eventfd: its counter and mode, no path; a timerfd: its timer. */
	free(img);
	o = (struct imgw_opts){ .eventfd = true };
	img = imgw_image(&o, &len);
	out = dumpinfo_output(img, len, false, &ret);
	CHECK_INT(ret, 0);
	CHECK(strstr(out, " kind=eventfd flags=0x802 pos=0 mode=0600 count=7 semaphore=yes\n") != NULL);
	CHECK(strstr(out, " kind=signalfd flags=0x802 pos=0 mode=0600 sigmask=0xa00\n") != NULL);
	CHECK(strstr(out, " kind=timerfd flags=0x2 pos=0 mode=0600 clock=realtime value_ns=1893456000000000000 interval_ns=1000000000 ticks=2 abstime=yes cancel_on_set=yes\n") != NULL);
	CHECK(strstr(out, " kind=epoll flags=0x2 pos=0 mode=0600\n") != NULL);
	CHECK(strstr(out, " EPOLL_WATCH      0       24  epoll=4 file=1 fd=1 events=0x80000019 data=0x1122334455667788\n") != NULL);
	free(out);

	/* File locks: kinds, types, an owner for POSIX only, "eof". */
	free(img);
	o = (struct imgw_opts){ .locks = true };
	img = imgw_image(&o, &len);
	out = dumpinfo_output(img, len, false, &ret);
	CHECK_INT(ret, 0);
	CHECK(strstr(out, " kind=flock type=read file=0 pid=1 start=0 end=eof\n") != NULL);
	CHECK(strstr(out, " kind=posix type=read file=0 owner=0 pid=1 start=0 end=99\n") != NULL);
	CHECK(strstr(out, " kind=ofd type=read file=0 pid=1 start=100 end=eof\n") != NULL);
	free(out);
	out = dumpinfo_output(img, len, true, &ret);
	CHECK_INT(ret, 0);
	CHECK(json_ok(out));
	CHECK(strstr(out, "\"type\":\"LOCK\",\"index\":1,\"len\":32,\"kind\":\"posix\",\"type\":\"read\"") != NULL);
	free(out);

	/* Unix sockets: peers, addresses (abstract with "@"), messages. */
	free(img);
	o = (struct imgw_opts){ .unix_socks = true };
	img = imgw_image(&o, &len);
	out = dumpinfo_output(img, len, false, &ret);
	CHECK_INT(ret, 0);
	CHECK(strstr(out, " kind=unix flags=0x802 pos=0 mode=0140777 sock=1\n") != NULL);
	CHECK(strstr(out, " sock_type=stream state=connected peer=next flags=0x40 shutdown=0 err=0 backlog=0 sndbuf=212992 rcvbuf=212992 rcvlowat=1 peek_off=-1 rcvtimeo_ns=0 sndtimeo_ns=0 priority=0 mark=0 uid=0 gid=0 peer_pid=1 peer_uid=0 peer_gid=0 peer_ngroups=30\n") != NULL);
	CHECK(strstr(out, " sock_type=stream state=listen peer=- flags=0x41 ") != NULL);
	CHECK(strstr(out, " peer_ngroups=0 addr=/run/vz.sock path=/run/vz.sock\n") != NULL);
	CHECK(strstr(out, " state=connected peer=next listener=2 flags=0x160 ") != NULL);
	CHECK(strstr(out, " sock_type=dgram state=unconnected peer=- flags=0x81 ") != NULL);
	CHECK(strstr(out, " uid=0 gid=0 addr=@vz-log\n") != NULL);
	CHECK(strstr(out, " sock_type=seqpacket state=connected peer=- flags=0 shutdown=0x3 ") != NULL);
	CHECK(strstr(out, " sock=0 sender=1 data_len=4 pid=1 uid=0 gid=0\n") != NULL);
	CHECK(strstr(out, " sock=5 sender=- data_len=128 addr=/tmp/gone.sock\n") != NULL);
	CHECK(strstr(out, " sock=6 sender=- data_len=3\n") != NULL);
	free(out);
	out = dumpinfo_output(img, len, true, &ret);
	CHECK_INT(ret, 0);
	CHECK(json_ok(out));
	CHECK(strstr(out, "\"type\":\"UNIX_SOCK\",\"index\":5,\"len\":111,\"sock_type\":\"dgram\"") != NULL);
	CHECK(strstr(out, "\"addr\":\"@vz-log\"}") != NULL);
	CHECK(strstr(out, "\"peer\":\"next\",\"listener\":2,") != NULL);
	CHECK(strstr(out, "\"sock\":5,\"sender\":null,\"data_len\":128,\"addr\":\"/tmp/gone.sock\"}") != NULL);
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

void test_image_print(void)
{
	test_dumpinfo_output();
	test_dumpinfo_pipe();
}
