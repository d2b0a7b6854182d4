/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests' checks and helpers (tests/test_main.c), shared by files. */
#ifndef VZCTL_TESTS_CHECK_H
#define VZCTL_TESTS_CHECK_H

#include <stdbool.h>

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(a, b) check_str((a), (b), #a, __FILE__, __LINE__)
#define CHECK_INT(a, b) check_int((a), (b), #a, __FILE__, __LINE__)

void check(bool ok, const char *what, const char *file, int line);
void check_str(const char *a, const char *b, const char *what,
	       const char *file, int line);
void check_int(long a, long b, const char *what, const char *file, int line);
/* stdout and stderr of the code under test go to a buffer. */
void capture_begin(void);
char *capture_end(void);		/* malloc'ed */
char *tmpdir(void);			/* malloc'ed path of a new dir */
void cleanup_dir(char *d);		/* removes and frees */
void write_text(const char *path, const char *text);
char *read_text(const char *path);	/* malloc'ed */
/* fn(argc, argv) for a NULL-terminated argument list, output captured. */
int run_cmd(int (*fn)(int, char **), char **out, ...);

void test_image(void);
void test_cpt(void);

#endif
