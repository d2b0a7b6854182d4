#!/bin/bash
# Memory across checkpoint/restore (cr-memory as the VE's init): private
# and shared anonymous memory, a 64 MB malloc, brk heap, stack, private
# file mapping with copied-on-write pages, shared file mapping, PROT_NONE
# guard and read-only regions, /proc/self/maps; checked before, after one
# restore and after a second one in a row.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=151
cr_begin $N $V cr-memory
cr_cycles $N $V 2 120
on $N "cd /vz/private/$V/var/log && for f in cr-maps.[1-9]*; do [ -e \$f ] && diff cr-maps.0 \$f; done"
[ -z "$OUT" ] || echo "# maps differences: $OUT"
cr_end $N $V
