/* SPDX-License-Identifier: GPL-2.0 */
/* The two control files' stages, for the module to create them. */
#ifndef _CPT_CORE_STAGES_H
#define _CPT_CORE_STAGES_H

struct cpt_procfile_ops;

extern const struct cpt_procfile_ops cpt_procfile_ops;	/* /proc/cpt */
extern const struct cpt_procfile_ops rst_procfile_ops;	/* /proc/rst */

#endif
