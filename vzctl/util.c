// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers shared by vzctl and vzlist: messages, VEID parsing, file
 * system helpers and running host commands.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

void vz_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void vz_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("Error: out of memory\n", stderr);
		exit(VZ_SYSTEM_ERROR);
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Strict decimal 1..VEID_MAX: no sign, no spaces, no leading junk. */
int parse_veid(const char *s, unsigned int *veid)
{
	unsigned long long v = 0;
	const char *p;

	if (!s || !*s || strlen(s) > 10)
		return -1;
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (v == 0 || v > VEID_MAX)
		return -1;
	*veid = (unsigned int)v;
	return 0;
}

/* RFC 1123 host name: dot-separated labels of [A-Za-z0-9-], 1..63 each. */
bool valid_hostname(const char *s)
{
	size_t len = strlen(s), label = 0;
	const char *p;

	if (len == 0 || len > 253)
		return false;
	for (p = s; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
		if (*p == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && p[-1] != '-';
}

int mkdir_p(const char *path, mode_t mode)
{
	char *buf = xstrdup(path), *p;
	int ret = 0;

	for (p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(buf, mode) && errno != EEXIST) {
				ret = -1;
				break;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	free(buf);
	if (!ret && !is_dir(path)) {
		errno = ENOTDIR;
		ret = -1;
	}
	return ret;
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) ? -1 : 0;
	return unlink(path) ? -1 : 0;
}

/*
 * rm -rf without following symlinks or crossing into other mounts: a VE's
 * private area is owned by the VE and may contain anything.
 */
int remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	return nftw(path, remove_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Run a host command; returns its exit status, or -1 if it did not run. */
int run_argv(char *const argv[], bool quiet)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replace path so that readers see either the old or the new content. */
int write_file_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd, ret = -1, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	if (write_all(fd, data, len) || fsync(fd)) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto out;
	}
	if (close(fd) || rename(tmp, path)) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}

/*
 * Write ve_root/dir/name.  The VE owns everything under its root, so no
 * symlink it planted may redirect the write to a host file: each step is
 * opened relative to the previous one with O_NOFOLLOW.
 */
int ve_write_file(const char *ve_root, const char *dir, const char *name,
		  const char *data)
{
	int rootfd, dirfd = -1, fd = -1, ret = -1, saved;
	char tmp[64];

	rootfd = open(ve_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -1;
	dirfd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		       O_CLOEXEC);
	if (dirfd < 0 && errno == ENOENT) {
		if (mkdirat(rootfd, dir, 0755) == 0)
			dirfd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY |
				       O_NOFOLLOW | O_CLOEXEC);
	}
	if (dirfd < 0)
		goto out;
	snprintf(tmp, sizeof(tmp), ".vzctl.%d.tmp", (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	if (write_all(fd, data, strlen(data)) || close(fd)) {
		saved = errno;
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		fd = -1;
		goto out;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name)) {
		saved = errno;
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		goto out;
	}
	ret = 0;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	close(rootfd);
	errno = saved;
	return ret;
}

int ve_write_etc(const char *ve_root, const char *name, const char *data)
{
	if (ve_write_file(ve_root, "etc", name, data)) {
		vz_error("Unable to write %s/etc/%s: %s", ve_root, name,
			 strerror(errno));
		return VZ_SYSTEM_ERROR;
	}
	return 0;
}

const char *vz_confdir(void)
{
	const char *d = getenv("VZ_CONFDIR");

	return d && *d ? d : VZ_DEFAULT_CONFDIR;
}

void strlist_add(struct strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v) {
		fputs("Error: out of memory\n", stderr);
		exit(VZ_SYSTEM_ERROR);
	}
	l->v = v;
	l->v[l->n++] = xstrdup(s);
}

bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

void strlist_del(struct strlist *l, const char *s)
{
	size_t i = 0;

	while (i < l->n) {
		if (!strcmp(l->v[i], s)) {
			free(l->v[i]);
			memmove(&l->v[i], &l->v[i + 1],
				(l->n - i - 1) * sizeof(*l->v));
			l->n--;
		} else {
			i++;
		}
	}
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Append the whitespace-separated words of s. */
void strlist_split(struct strlist *l, const char *s)
{
	while (s && *s) {
		size_t n;

		while (isspace((unsigned char)*s))
			s++;
		n = 0;
		while (s[n] && !isspace((unsigned char)s[n]))
			n++;
		if (n) {
			char *w = xmalloc(n + 1);

			memcpy(w, s, n);
			w[n] = '\0';
			strlist_add(l, w);
			free(w);
		}
		s += n;
	}
}

char *strlist_join(const struct strlist *l, const char *sep)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + strlen(sep);
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; i < l->n; i++) {
		if (i)
			strcat(s, sep);
		strcat(s, l->v[i]);
	}
	return s;
}
