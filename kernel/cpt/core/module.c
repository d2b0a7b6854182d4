// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpoint/restore module: /proc/cpt (checkpoint) and /proc/rst
 * (restore).  One module, vzcpt, also known as vzrst: each resource's
 * dump and restore live side by side in one file (res/), so the two
 * halves cannot be split into OpenVZ's two modules without splitting
 * every resource; `modprobe vzrst` still works, through the alias.
 * Documentation/cpt-api.rst says more.
 */
#include <linux/module.h>
#include <linux/cpt_ioctl.h>

#include "core/procfile.h"
#include "core/stages.h"

#define CPT_NAME	(CPT_PROC_PATH + 6)	/* "cpt" */
#define RST_NAME	(RST_PROC_PATH + 6)	/* "rst" */

static int __init vzcpt_init(void)
{
	int err = cpt_procfile_create(CPT_NAME, &cpt_procfile_ops);

	if (err)
		return err;
	err = cpt_procfile_create(RST_NAME, &rst_procfile_ops);
	if (err)
		cpt_procfile_remove(CPT_NAME);
	return err;
}

static void __exit vzcpt_exit(void)
{
	cpt_procfile_remove(RST_NAME);
	cpt_procfile_remove(CPT_NAME);
}

module_init(vzcpt_init);
module_exit(vzcpt_exit);
MODULE_DESCRIPTION("Checkpoint and restore of Virtual Environments (/proc/cpt, /proc/rst)");
MODULE_ALIAS("vzrst");
MODULE_LICENSE("GPL");
