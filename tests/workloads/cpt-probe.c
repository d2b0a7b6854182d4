// SPDX-License-Identifier: GPL-2.0
/*
 * cpt-probe: try to use /proc/cpt or /proc/rst and report what happened.
 *
 *   cpt-probe [FILE]          (default /proc/cpt)
 *
 * Opens FILE read-write and asks CPT_TEST_VERSION(CPT_IMAGE_VERSION),
 * which any allowed caller may ask.  Prints one line and exits with:
 *   0  "ok open ioctl=<ret>"     the file worked
 *   1  "denied open <ERRNO>"     open failed with EPERM or EACCES
 *   2  "denied ioctl <ERRNO>"    open worked, the ioctl failed with EPERM
 *   3  "error <step> <ERRNO>"    anything else (ENOENT, ENOTTY, ...)
 * Static, so that it runs inside any VE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/cpt_ioctl.h>
#include <linux/cpt_image.h>

static const char *ename(int e)
{
	static char buf[16];

	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ENOTTY: return "ENOTTY";
	case EINVAL: return "EINVAL";
	case EROFS: return "EROFS";
	}
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/proc/cpt";
	int fd = open(path, O_RDWR), r;

	if (fd < 0) {
		int e = errno;

		printf("%s open %s\n", e == EPERM || e == EACCES ? "denied" : "error", ename(e));
		return e == EPERM || e == EACCES ? 1 : 3;
	}
	r = ioctl(fd, CPT_TEST_VERSION, CPT_IMAGE_VERSION);
	if (r < 0) {
		int e = errno;

		printf("%s ioctl %s\n", e == EPERM ? "denied" : "error", ename(e));
		return e == EPERM ? 2 : 3;
	}
	printf("ok open ioctl=%d\n", r);
	return 0;
}
