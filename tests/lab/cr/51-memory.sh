#!/bin/bash
# Memory across checkpoint/restore (cr-memory as the VE's init): private
# and shared anonymous memory, a 64 MB malloc, brk heap, stack, private
# file mapping with copied-on-write pages, shared file mapping, PROT_NONE
# guard and read-only regions, 16 GB shared-anonymous and sparse-file maps
# with a few pages touched, locked memory (MAP_LOCKED, mlock() of part of a
# map, mlock2(MLOCK_ONFAULT), a child's mlockall(MCL_FUTURE) that locks
# what it maps after a restore), /proc/self/maps; checked before, after one
# restore and after a second one in a row.  The dump holds what was
# written (about 90 MB), not the 16 GB maps' untouched pages.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=151
cr_begin $N $V cr-memory
cr_cycles $N $V 2 120
if [ "${CR_DUMP_SIZE:-0}" -gt 0 ] && [ "$CR_DUMP_SIZE" -lt $((200 << 20)) ]; then
	ok "dump of $CR_DUMP_SIZE bytes: untouched pages of the 16 GB maps not written"
else
	fail "dump smaller than 200 MB" "${CR_DUMP_SIZE:-no} bytes"
fi
on $N "cd /vz/private/$V/var/log && for f in cr-maps.[1-9]*; do [ -e \$f ] && diff cr-maps.0 \$f; done"
[ -z "$OUT" ] || echo "# maps differences: $OUT"
cr_end $N $V
