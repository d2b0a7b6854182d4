/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Registers are read at checkpoint and written at restore through the
 * regset API that ptrace and core dumps use, so the image holds them in
 * the user ABI layout (user_regs_struct, standard-format XSAVE) whatever
 * the kernel keeps internally.
 */
#ifndef _CPT_LIB_REGSET_H
#define _CPT_LIB_REGSET_H

#include <linux/regset.h>

/* The task's regset of ELF note type @note (NT_PRSTATUS, ...), or NULL. */
static inline const struct user_regset *cpt_find_regset(struct task_struct *tsk,
							unsigned int note)
{
	const struct user_regset_view *view = task_user_regset_view(tsk);
	unsigned int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

#endif
