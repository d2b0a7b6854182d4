// SPDX-License-Identifier: GPL-2.0
/*
 * die-at-ioctl.so: LD_PRELOAD into vzctl to make it die (_exit 99) just
 * before the ioctl whose request number is in $DIE_AT_IOCTL (decimal),
 * the way a vzctl killed at that moment would.  For the lab tests of
 * what the kernel does with a context nobody can reach any more.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	const char *die = getenv("DIE_AT_IOCTL");
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (die && strtoul(die, NULL, 10) == req)
		_exit(99);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real(fd, req, arg);
}
