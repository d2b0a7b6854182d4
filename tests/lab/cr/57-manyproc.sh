#!/bin/bash
# A VE with 100 processes (cr-manyproc: init + 100 children with 256 KB
# each, waiting in sigsuspend): after restore all 100 are alive with the
# same pids and memory, and answer a signal.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=157
NPROC=100
cr_setup $N || { done_testing; exit 1; }
cr_make_ve $N $V cr-manyproc $NPROC 256 && cr_start $N $V 120 || { ve_cleanup $N $V; done_testing; exit 1; }
on $N "cat /vz/private/$V/var/log/cr-manyproc.pids | sort -n | tr '\n' ' '"
pids_before=$OUT

cr_round $N $V 1 check 120 "before"
for c in 1 2; do
	cr_chkpnt $N $V "cycle $c" || break
	on $N "vzctl dumpinfo /vz/dump/Dump.$V | grep -c ' TASK '"
	echo "# TASK records in the dump: $OUT"
	cr_restore $N $V "cycle $c" || break
	on $N "vzctl exec2 $V 'ls /proc | grep -E \"^[0-9]+\$\" | wc -l'"
	echo "# processes in the VE (with the exec'd shell): $OUT"
	cr_round $N $V $((c + 1)) check 120 "cycle $c"
done
on $N "vzctl exec2 $V 'for p in $pids_before; do [ -d /proc/\$p ] || echo missing \$p; done'"
expect_eq "all $NPROC recorded pids exist in the VE" "$OUT" ""

vz $N stop $V
expect_eq "stop" "$RC" 0
ve_cleanup $N $V
done_testing
