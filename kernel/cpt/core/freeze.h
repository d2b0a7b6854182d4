/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freezing a VE (CPT_SUSPEND): every task parks itself where its user
 * state is saved and an interrupted system call is ready to restart.
 */
#ifndef _CPT_CORE_FREEZE_H
#define _CPT_CORE_FREEZE_H

struct cpt_context;

/* Park every task of ctx->ve; on failure the VE runs on, ctx has why. */
int cpt_freeze_ve(struct cpt_context *ctx);
/* Let every parked task go back to user mode. */
void cpt_thaw_ve(struct cpt_context *ctx);
/* Nobody from outside is in the frozen VE (a dump checks again). */
int cpt_check_frozen_ve(struct cpt_context *ctx);
/* SIGKILL every process, let them go, wait until the VE is gone. */
int cpt_kill_ve(struct cpt_context *ctx);

#endif
