// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl-probe: try to use /dev/vzctl and report what happened.
 *
 *   vzctl-probe [DEVICE [VEID]]     (defaults: /dev/vzctl 101)
 *
 * Opens DEVICE read-write and asks VZCTL_ENV_CREATE with VE_TEST about VEID.
 * Prints one line and exits with:
 *   0  "ok open ioctl=<ret>"         the device worked (the ioctl answered)
 *   1  "denied open <ERRNO>"         open failed with EPERM or EACCES
 *   2  "denied ioctl <ERRNO>"        open worked, the ioctl failed with EPERM
 *   3  "error <step> <ERRNO>"        anything else (ENOENT, ESRCH, ...)
 * Built static so it runs inside any VE template.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/vzcalluser.h>

static const char *ename(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENXIO: return "ENXIO";
	case ENODEV: return "ENODEV";
	default: return strerror(e);
	}
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : VZCTL_DEVICE;
	struct vzctl_env_create req = { 0 };
	int fd, ret;

	req.veid = argc > 2 ? (envid_t)strtoul(argv[2], NULL, 10) : 101;
	req.flags = VE_TEST;

	fd = open(dev, O_RDWR);
	if (fd < 0) {
		int e = errno;

		printf("%s open %s\n", e == EPERM || e == EACCES ? "denied" : "error", ename(e));
		return e == EPERM || e == EACCES ? 1 : 3;
	}
	ret = ioctl(fd, VZCTL_ENV_CREATE, &req);
	if (ret < 0) {
		int e = errno;

		if (e == EPERM) {
			printf("denied ioctl EPERM\n");
			return 2;
		}
		printf("error ioctl %s\n", ename(e));
		return 3;
	}
	printf("ok open ioctl=%d\n", ret);
	return 0;
}
