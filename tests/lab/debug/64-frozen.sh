#!/bin/bash
# A frozen VE stays as it was frozen until it is resumed or killed
# (security review findings 4 and 9):
#  - nobody enters it: vzctl exec fails while it is suspended, and the
#    dump has only the VE's own tasks;
#  - a frozen task killed from the host does not die under the dump: the
#    dump refuses it by name ("is being killed"), and after --resume it
#    dies as it should while the VE runs on.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=165
D=/vz/dump/Dump.$V
cr_begin $N $V cr-counter

on $N "vzctl chkpnt $V --suspend"
expect_eq "suspend: exit 0" "$RC" 0
on $N "timeout 20 vzctl exec $V 'sleep 100 &'"
expect_match "vzctl exec into the frozen VE fails, saying it is suspended" "suspended by a checkpoint" "$OUT"
expect_rc "vzctl exec into the frozen VE: non-zero exit" nonzero test "$RC" = 0
on $N "vzctl chkpnt $V --dump && vzctl dumpinfo $D | grep -c ' TASK '"
expect_eq "dump of the frozen VE: exit 0, its 2 tasks only" "$(echo "$OUT" | tail -n 1)" 2
on $N "vzctl chkpnt $V --resume"
expect_eq "resume: exit 0" "$RC" 0
on $N "rm -f $D"
vz $N exec2 $V 'ps' 
expect_no_match "no sleep started while frozen" 'sleep 100' "$OUT"
cr_round $N $V 1 check 60 "after the exec attempt"

cr_host_pid $N $V 2
child=$OUT
on $N "vzctl chkpnt $V --suspend && kill -9 $child && sleep 1 && test -d /proc/$child && vzctl chkpnt $V --dump"
expect_eq "dump with a frozen task killed from the host: exit 16" "$RC" 16
expect_match "the dump names the task being killed" 'is being killed' "$OUT"
on $N "vzctl chkpnt $V --resume"
expect_eq "resume after the refused dump: exit 0" "$RC" 0
if wait_on $N "! test -d /proc/$child" 10; then
	ok "the killed task dies once resumed"
else
	fail "the killed task dies once resumed" "still there"
fi
expect_eq "VE runs on" "$(ve_status $N $V)" "exist mounted running"
on $N "ls /vz/dump | grep -E '^Dump\\.$V' ; tail -n +2 /proc/cpt | grep -E '^[0-9]+ $V '"
expect_eq "no dump and no checkpoint context left" "$OUT" ""
cr_end $N $V
