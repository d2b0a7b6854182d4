// SPDX-License-Identifier: GPL-2.0
/* Unit tests of lock.c: taking, refusing, taking over and releasing locks. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lock.h"
#include "util.h"
#include "tests/check.h"

static void write_lock(const char *dir, unsigned int veid, const char *text)
{
	char *p = xasprintf("%s/%u.lck", dir, veid);

	write_text(p, text);
	free(p);
}

static void test_lock_files(void)
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

void test_lock(void)
{
	test_lock_files();
}
