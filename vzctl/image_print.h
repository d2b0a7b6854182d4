/* SPDX-License-Identifier: GPL-2.0 */
/* The checkpoint image printer of vzctl dumpinfo (image_print.c). */
#ifndef VZCTL_IMAGE_PRINT_H
#define VZCTL_IMAGE_PRINT_H

#include <stdbool.h>
#include <stdio.h>

/* Exit code for an image that breaks the format. */
#define DUMPINFO_INVALID	1

/*
 * Read the image from fd, describe it on out (text, or one JSON object),
 * and say why on stderr if it is invalid.  Returns 0 (valid),
 * DUMPINFO_INVALID, or VZ_SYSTEM_ERROR (read error).
 */
int dumpinfo_fd(int fd, FILE *out, bool json);

#endif
