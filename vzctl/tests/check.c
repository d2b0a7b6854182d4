// SPDX-License-Identifier: GPL-2.0
/* The unit tests' checks and helpers (tests/check.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
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

int check_report(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
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

void cleanup_dir(char *d)
{
	remove_tree(d);
	free(d);
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

int bytes_fd(const unsigned char *buf, size_t len)
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

/* tests/run_tests is next to tests/, vzctl next to tests/. */
static const char *vzctl_path(void)
{
	static char path[PATH_MAX];
	ssize_t n;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", path, sizeof(path) - 16);
	if (n <= 0) {
		perror("/proc/self/exe");
		exit(1);
	}
	path[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(path, '/');

		if (slash)
			*slash = '\0';
	}
	strcat(path, "/vzctl");
	return path;
}

int run_vzctl(char **out, ...)
{
	char *argv[32], *buf = NULL;
	size_t len = 0, cap = 0;
	int argc = 1, p[2], status;
	va_list ap;
	pid_t pid;

	argv[0] = (char *)vzctl_path();
	va_start(ap, out);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	if (pipe(p)) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				perror("realloc");
				exit(1);
			}
		}
		n = read(p[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	buf[len] = '\0';
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		perror("vzctl");
		exit(1);
	}
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
		128 + WTERMSIG(status);
}
