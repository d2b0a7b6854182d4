/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Object tables of a dump: kernel objects shared between tasks (an mm,
 * an fd table, an open file) get one index each, in the order they are
 * written, and later users refer to that index.
 */
#ifndef _CPT_LIB_OBJTAB_H
#define _CPT_LIB_OBJTAB_H

struct cpt_objtab {
	const void	**ptr;
	unsigned int	nr;
	unsigned int	max;
};

/* Index of @ptr in @tab, or -1. */
int cpt_obj_find(const struct cpt_objtab *tab, const void *ptr);
/* Adds @ptr; returns its index or a negative error. */
int cpt_obj_add(struct cpt_objtab *tab, const void *ptr);
void cpt_obj_free(struct cpt_objtab *tab);

#endif
