// SPDX-License-Identifier: GPL-2.0
/*
 * cr-files: open files and fs state across a checkpoint/restore.  As a
 * VE's init it holds:
 *
 *   fd 3    /var/lib/cr/data (O_RDWR) at offset 12345
 *   fd 4    dup of fd 3 (same description: moving one moves the other)
 *   fd 5    /var/log/cr-append.log (O_WRONLY|O_APPEND)
 *   fd 6    /etc/passwd (O_RDONLY) at offset 5
 *   fd 7    /var/lib/cr (O_DIRECTORY), for openat()
 *   fd 8    /dev/zero, fd 9 /dev/urandom, fd 10 /dev/null (O_CLOEXEC)
 *   fd 100  /var/lib/cr/data again, a separate description at offset 777
 *   fd 2000 /etc/passwd at offset 9, held under RLIMIT_NOFILE raised to
 *           4096, and fd 3000 (/etc/group at offset 3), after which the
 *           soft limit is lowered to 1024: an fd above its own limit
 *   a forked child sharing fd 3's description (the child moves it by 10
 *   on "check"; the parent sees the move)
 *   cwd /var/lib/cr/sub/dir, umask 027
 *
 * Commands: "check" (any round).  See crlib.h.
 */
#include <sys/resource.h>

#include "crlib.h"

#define DATA	"/var/lib/cr/data"
#define LOG	"/var/log/cr-append.log"
#define CWD	"/var/lib/cr/sub/dir"

static uint8_t data_byte(off_t off)
{
	return (uint8_t)(off * 7 + off / 251);
}

static int want(int fd, int wantfd, const char *what, int round)
{
	if (fd != wantfd) {
		cr_fail(round, "setup", "%s got fd %d, want %d", what, fd, wantfd);
		cr_hang();
	}
	return fd;
}

int main(void)
{
	static uint8_t buf[65536];
	char cmd[64], path[256];
	int round = 0, r, fd;
	pid_t child;
	off_t log_size = 0;

	cr_init_signals();
	mkdir("/var/lib", 0755);
	mkdir("/var/lib/cr", 0755);
	mkdir("/var/lib/cr/sub", 0755);
	mkdir(CWD, 0755);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = data_byte(i);
	unlink(LOG);
	for (fd = 3; fd < 128; fd++)
		close(fd);

	fd = want(open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0644), 3, DATA, 0);
	if (write(fd, buf, sizeof(buf)) != sizeof(buf))
		cr_fail(0, "setup", "write data");
	lseek(fd, 12345, SEEK_SET);
	want(dup(3), 4, "dup", 0);
	want(open(LOG, O_WRONLY | O_APPEND | O_CREAT, 0644), 5, LOG, 0);
	if (write(5, "line 1\n", 7) != 7)
		cr_fail(0, "setup", "write log");
	want(open("/etc/passwd", O_RDONLY), 6, "/etc/passwd", 0);
	lseek(6, 5, SEEK_SET);
	want(open("/var/lib/cr", O_RDONLY | O_DIRECTORY), 7, "dir", 0);
	want(open("/dev/zero", O_RDONLY), 8, "/dev/zero", 0);
	want(open("/dev/urandom", O_RDONLY), 9, "/dev/urandom", 0);
	want(open("/dev/null", O_WRONLY | O_CLOEXEC), 10, "/dev/null", 0);
	fd = open(DATA, O_RDONLY);
	dup2(fd, 100);
	close(fd);
	lseek(100, 777, SEEK_SET);
	{
		struct rlimit rl = { .rlim_cur = 4096, .rlim_max = 4096 };

		if (setrlimit(RLIMIT_NOFILE, &rl))
			cr_fail(0, "setup", "RLIMIT_NOFILE 4096: %s", strerror(errno));
		fd = open("/etc/passwd", O_RDONLY);
		if (fd < 0 || dup2(fd, 2000) != 2000)
			cr_fail(0, "setup", "fd 2000: %s", strerror(errno));
		close(fd);
		lseek(2000, 9, SEEK_SET);
		fd = open("/etc/group", O_RDONLY);
		if (fd < 0 || dup2(fd, 3000) != 3000)
			cr_fail(0, "setup", "fd 3000: %s", strerror(errno));
		close(fd);
		lseek(3000, 3, SEEK_SET);
		rl.rlim_cur = 1024;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			cr_fail(0, "setup", "RLIMIT_NOFILE 1024: %s", strerror(errno));
	}
	if (chdir(CWD))
		cr_fail(0, "setup", "chdir: %s", strerror(errno));
	umask(027);

	child = fork();
	if (child == 0) {
		/* Holds fd 3 (shared description); on "check" reads 10 bytes. */
		int cround = 0;

		for (;;) {
			int rr = cr_poll(cround, cmd, sizeof(cmd));

			if (rr) {
				char b[10];

				cround = rr;
				if (read(3, b, 10) != 10)
					cr_fail(rr, "child-read", "child read: %s", strerror(errno));
				cr_line(rr, "INFO child moved fd 3 by 10");
				cr_write_file("/var/run/cr-child-moved", cmd, 1);
			}
			cr_msleep(50);
		}
	}

	log_size = 7;
	cr_line(0, "READY cr-files pid %d child %d", getpid(), child);
	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (!r) {
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			cr_msleep(100);
			continue;
		}
		round = r;
		{
			off_t p3 = lseek(3, 0, SEEK_CUR), p4 = lseek(4, 0, SEEK_CUR);
			off_t p100 = lseek(100, 0, SEEK_CUR), p6 = lseek(6, 0, SEEK_CUR);
			/* The child reads 10 bytes per round: wait for it. */
			off_t expect3 = 12345 + 10 * round;

			for (int i = 0; i < 50 && access("/var/run/cr-child-moved", F_OK); i++)
				cr_msleep(100);
			unlink("/var/run/cr-child-moved");
			p3 = lseek(3, 0, SEEK_CUR);
			p4 = lseek(4, 0, SEEK_CUR);
			cr_check(round, p3 == expect3 && p4 == p3, "offset-shared",
				 "fd3 %lld fd4 %lld, want %lld (child's read moves both)",
				 (long long)p3, (long long)p4, (long long)expect3);
			cr_check(round, p100 == 777, "offset-separate", "fd100 at %lld, want 777", (long long)p100);
			cr_check(round, p6 == 5, "offset-readonly", "fd6 at %lld, want 5", (long long)p6);
			{
				struct rlimit rl;
				struct stat a, b;
				off_t p2000 = lseek(2000, 0, SEEK_CUR);
				off_t p3000 = lseek(3000, 0, SEEK_CUR);

				cr_check(round, p2000 == 9 && !fstat(2000, &a) &&
					 !stat("/etc/passwd", &b) && a.st_ino == b.st_ino,
					 "fd-2000", "fd 2000 at %lld (want 9), /etc/passwd",
					 (long long)p2000);
				cr_check(round, p3000 == 3 && !fstat(3000, &a) &&
					 !stat("/etc/group", &b) && a.st_ino == b.st_ino,
					 "fd-above-limit", "fd 3000 at %lld (want 3), /etc/group",
					 (long long)p3000);
				cr_check(round, !getrlimit(RLIMIT_NOFILE, &rl) &&
					 rl.rlim_cur == 1024 && rl.rlim_max == 4096,
					 "nofile-limit", "RLIMIT_NOFILE %llu/%llu (want 1024/4096)",
					 (unsigned long long)rl.rlim_cur,
					 (unsigned long long)rl.rlim_max);
			}
			{
				uint8_t b[16];
				int ok = pread(3, b, 16, p3) == 16;

				for (int i = 0; ok && i < 16; i++)
					ok = b[i] == data_byte(p3 + i);
				cr_check(round, ok, "data-contents", "bytes at %lld", (long long)p3);
			}
		}
		{
			int fl3 = fcntl(3, F_GETFL), fl5 = fcntl(5, F_GETFL), fl6 = fcntl(6, F_GETFL);

			cr_check(round, (fl3 & O_ACCMODE) == O_RDWR && (fl5 & O_ACCMODE) == O_WRONLY &&
				 (fl5 & O_APPEND) && (fl6 & O_ACCMODE) == O_RDONLY, "flags",
				 "fd3 %#x fd5 %#x fd6 %#x", fl3, fl5, fl6);
			cr_check(round, fcntl(10, F_GETFD) == FD_CLOEXEC && fcntl(3, F_GETFD) == 0,
				 "cloexec", "fd10 %d fd3 %d", fcntl(10, F_GETFD), fcntl(3, F_GETFD));
		}
		{
			/* O_APPEND: a write lands at the end even after a seek. */
			char line[32];
			struct stat sb;
			int n = snprintf(line, sizeof(line), "line r%d\n", round);

			lseek(5, 0, SEEK_SET);
			if (write(5, line, n) != n)
				cr_fail(round, "append-write", "%s", strerror(errno));
			fstat(5, &sb);
			cr_check(round, sb.st_size == log_size + n, "append", "size %lld want %lld",
				 (long long)sb.st_size, (long long)(log_size + n));
			log_size = sb.st_size;
		}
		{
			char cwd[256];

			cr_check(round, getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, CWD), "cwd",
				 "getcwd %s", getcwd(cwd, sizeof(cwd)) ? cwd : strerror(errno));
			fd = open("../../data", O_RDONLY);
			cr_check(round, fd >= 0, "cwd-relative", "open ../../data: %s", fd < 0 ? strerror(errno) : "ok");
			if (fd >= 0)
				close(fd);
			fd = openat(7, "data", O_RDONLY);
			cr_check(round, fd >= 0, "dirfd", "openat(fd 7, data): %s", fd < 0 ? strerror(errno) : "ok");
			if (fd >= 0)
				close(fd);
		}
		{
			mode_t m = umask(027);

			cr_check(round, m == 027, "umask", "%03o want 027", (unsigned)m);
			snprintf(path, sizeof(path), "umask-probe-%d", round);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
			if (fd >= 0) {
				struct stat sb;

				fstat(fd, &sb);
				close(fd);
				unlink(path);
				cr_check(round, (sb.st_mode & 0777) == 0640, "umask-effect",
					 "new file mode %03o want 640", (unsigned)(sb.st_mode & 0777));
			}
		}
		{
			char z[64];
			int ok = read(8, z, sizeof(z)) == sizeof(z);

			for (size_t i = 0; ok && i < sizeof(z); i++)
				ok = !z[i];
			cr_check(round, ok, "dev-zero", "read fd 8");
			cr_check(round, read(9, z, 16) == 16, "dev-urandom", "read fd 9");
			cr_check(round, write(10, "x", 1) == 1, "dev-null", "write fd 10");
		}
		cr_line(round, "DONE");
	}
}
