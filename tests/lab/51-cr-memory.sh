#!/bin/bash
# Memory across checkpoint/restore (cr-memory as the VE's init): private
# and shared anonymous memory, a 64 MB malloc, brk heap, stack, private
# file mapping with copied-on-write pages, shared file mapping, PROT_NONE
# guard and read-only regions, /proc/self/maps; checked before, after one
# restore and after a second one in a row.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr-lib.sh"

N=node2
V=151
cr_setup $N || { done_testing; exit 1; }
cr_make_ve $N $V cr-memory && cr_start $N $V || { ve_cleanup $N $V; done_testing; exit 1; }

cr_round $N $V 1 check 120 "before"
for c in 1 2; do
	cr_chkpnt $N $V "cycle $c" || break
	cr_restore $N $V "cycle $c" || break
	cr_round $N $V $((c + 1)) check 120 "cycle $c"
done
on $N "cd /vz/private/$V/var/log && for f in cr-maps.[1-9]*; do [ -e \$f ] && diff cr-maps.0 \$f; done"
[ -z "$OUT" ] || echo "# maps differences: $OUT"

vz $N stop $V
expect_eq "stop" "$RC" 0
ve_cleanup $N $V
done_testing
