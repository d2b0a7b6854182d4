// SPDX-License-Identifier: GPL-2.0
/*
 * Object tables (objtab.h).  Lookups are linear: a VE has a few hundred
 * shared objects, and each is looked up once per task that uses it.
 */
#include <linux/slab.h>

#include "lib/objtab.h"

int cpt_obj_find(const struct cpt_objtab *tab, const void *ptr)
{
	unsigned int i;

	for (i = 0; i < tab->nr; i++)
		if (tab->ptr[i] == ptr)
			return i;
	return -1;
}

int cpt_obj_add(struct cpt_objtab *tab, const void *ptr)
{
	if (tab->nr == tab->max) {
		unsigned int max = tab->max ? tab->max * 2 : 16;
		const void **p = krealloc_array(tab->ptr, max, sizeof(*p),
						GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		tab->ptr = p;
		tab->max = max;
	}
	tab->ptr[tab->nr] = ptr;
	return tab->nr++;
}

void cpt_obj_free(struct cpt_objtab *tab)
{
	kfree(tab->ptr);
	tab->ptr = NULL;
	tab->nr = 0;
	tab->max = 0;
}
