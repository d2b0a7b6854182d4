/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' checks and helpers (tests/check.c), and the test group
 * of each file, one tests/test_*.c per library file and one for the
 * commands; tests/run_tests.c runs them all.
 */
#ifndef VZCTL_TESTS_CHECK_H
#define VZCTL_TESTS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(a, b) check_str((a), (b), #a, __FILE__, __LINE__)
#define CHECK_INT(a, b) check_int((a), (b), #a, __FILE__, __LINE__)

void check(bool ok, const char *what, const char *file, int line);
void check_str(const char *a, const char *b, const char *what,
	       const char *file, int line);
void check_int(long a, long b, const char *what, const char *file, int line);
/* "N passed, N failed"; the exit code of the tests. */
int check_report(void);

/* stdout and stderr of the code under test go to a buffer. */
void capture_begin(void);
char *capture_end(void);		/* malloc'ed */
char *tmpdir(void);			/* malloc'ed path of a new dir */
void cleanup_dir(char *d);		/* removes and frees */
void write_text(const char *path, const char *text);
char *read_text(const char *path);	/* malloc'ed */
/* An fd reading exactly these bytes (a memfd: no disk, no size limit). */
int bytes_fd(const unsigned char *buf, size_t len);
/*
 * Run the vzctl binary next to tests/ with a NULL-terminated argument
 * list; returns its exit code, with its stdout and stderr in *out
 * (malloc'ed).
 */
int run_vzctl(char **out, ...);

/* A parser called as from the command line: PARSE(fn, &opts, argv...). */
#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(fn, opts, ...) fn(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), opts)

void test_util(void);
void test_net(void);
void test_config(void);
void test_lock(void);
void test_ve(void);
void test_list(void);
void test_cpt_client(void);
void test_image(void);
void test_check(void);
void test_caps(void);
void test_image_print(void);
void test_cmds(void);
void test_mutate(void);

#endif
