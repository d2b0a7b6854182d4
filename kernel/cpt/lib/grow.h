/* SPDX-License-Identifier: GPL-2.0 */
/* Arrays that grow as records come in, so memory follows the image. */
#ifndef _CPT_LIB_GROW_H
#define _CPT_LIB_GROW_H

#include <linux/types.h>

/*
 * Makes room for element @nr of the array *@arr of @size-byte elements,
 * which grows to 16, 32, 64, ... elements (new ones zeroed).
 */
int cpt_grow(void **arr, u32 nr, size_t size);

#endif
