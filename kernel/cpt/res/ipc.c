// SPDX-License-Identifier: GPL-2.0
/*
 * SysV IPC objects and POSIX message queues live in the VE's IPC
 * namespace, not in any task: without this check they would be lost
 * without a word.  The image cannot hold them yet, so a VE that has any
 * is refused, by name, and runs on.
 */
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/ve.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"

/* ipc/util.h: the index of each kind in ipc_namespace.ids[] */
#define CPT_IPC_SEM_IDS	0
#define CPT_IPC_MSG_IDS	1
#define CPT_IPC_SHM_IDS	2

int ipc_dump(struct cpt_dump *d)
{
	struct ipc_namespace *ipc = d->ve->ns->ipc_ns;
	int sem = READ_ONCE(ipc->ids[CPT_IPC_SEM_IDS].in_use);
	int msg = READ_ONCE(ipc->ids[CPT_IPC_MSG_IDS].in_use);
	int shm = READ_ONCE(ipc->ids[CPT_IPC_SHM_IDS].in_use);
	unsigned int mq = READ_ONCE(ipc->mq_queues_count);

	if (!sem && !msg && !shm && !mq)
		return 0;
	cpt_err(d->ctx, "VE %u has IPC objects: %d SysV semaphore sets, %d message queues, %d shared memory segments, %u POSIX message queues: not supported yet",
		d->ve->veid, sem, msg, shm, mq);
	return -EOPNOTSUPP;
}
