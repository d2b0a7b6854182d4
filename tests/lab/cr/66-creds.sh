#!/bin/bash
# A non-root, multi-threaded process (cr-creds: uid 4242 with two groups
# and a thread) across two checkpoint/restore cycles:
# it is restored at all (its thread was created after its credentials
# were set, which a non-root process may not do with a given pid:
# review finding 13), with its ids and its thread's, and its tasks are
# counted for uid 4242 (RLIMIT_NPROC acts as before), not for root; and
# scheduling attributes: the worker's nice 7, its thread's SCHED_BATCH,
# a root child's SCHED_FIFO 10 with SCHED_RESET_ON_FORK and nice -5.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=167
cr_begin $N $V cr-creds
cr_cycles $N $V 2 60
cr_end $N $V
