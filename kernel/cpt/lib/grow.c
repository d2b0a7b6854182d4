// SPDX-License-Identifier: GPL-2.0
/* Growing arrays (grow.h). */
#include <linux/log2.h>
#include <linux/slab.h>

#include "lib/grow.h"

int cpt_grow(void **arr, u32 nr, size_t size)
{
	u32 cap = nr <= 16 ? 16 : roundup_pow_of_two(nr);
	void *p;

	if (*arr && nr < cap)
		return 0;
	cap = *arr ? cap * 2 : 16;
	p = kvrealloc(*arr, (size_t)nr * size, (size_t)cap * size,
		      GFP_KERNEL | __GFP_ZERO);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}
