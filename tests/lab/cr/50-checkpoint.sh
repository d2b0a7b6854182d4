#!/bin/bash
# Checkpoint/restore basics on node2 with cr-counter (init + child
# counting in memory, appending to a log every 100 ms): chkpnt, the dump
# and dumpinfo (text and --json), restore, the count goes on with no gap
# or duplicate; twice in a row; the stages (--suspend/--dump/--resume and
# --kill); and "vzctl start" of a VE with a dump restores it.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=150
cr_setup $N || { done_testing; exit 1; }
cr_make_ve $N $V cr-counter && cr_start $N $V || { ve_cleanup $N $V; done_testing; exit 1; }
sleep 2

# 1. chkpnt + restore.
cr_chkpnt $N $V "cycle 1"
on $N "tail -n 2 /vz/private/$V/var/log/cr-counter.log"
before=$OUT
sleep 2		# the VE is gone: nothing may be appended meanwhile
on $N "tail -n 2 /vz/private/$V/var/log/cr-counter.log"
expect_eq "cycle 1: nothing counts while checkpointed" "$OUT" "$before"
cr_restore $N $V "cycle 1"
on $N "vzctl exec2 $V 'cat /proc/1/cmdline' | tr '\\0' ' '"
expect_match "cycle 1: pid 1's cmdline is the workload's" '^/sbin/cr-counter' "$OUT"
# The image's executable (mm->exe_file), not the restoring vzctl's.
on $N "vzctl exec2 $V 'readlink /proc/1/exe'"
expect_eq "cycle 1: /proc/1/exe is the workload" "$OUT" /sbin/cr-counter
cr_round $N $V 1 check 60 "cycle 1"
cr_counter_check $N $V "cycle 1"

# 2. Again, right away (the restored VE checkpoints like a fresh one).
cr_chkpnt $N $V "cycle 2"
cr_restore $N $V "cycle 2"
cr_round $N $V 2 check 60 "cycle 2"
cr_counter_check $N $V "cycle 2"

# 3. Stages: suspend, dump, resume: the VE runs on, the dump is kept.
vz $N chkpnt $V --suspend
expect_eq "stages: --suspend exits 0" "$RC" 0
on $N "vzctl status $V"
expect_match "stages: status says suspended" 'suspended' "$OUT"
on $N "cat /proc/cpt"
expect_match "stages: /proc/cpt lists the context as suspended" "^$V $V suspended" "$OUT"
on $N "wc -l < /vz/private/$V/var/log/cr-counter.log"
n1=$OUT
sleep 1.5
on $N "wc -l < /vz/private/$V/var/log/cr-counter.log"
expect_eq "stages: nothing counts while suspended" "$OUT" "$n1"
vz $N chkpnt $V --dump
expect_eq "stages: --dump exits 0" "$RC" 0
on $N "vzctl dumpinfo /vz/dump/Dump.$V >/dev/null"
expect_eq "stages: the staged dump is valid" "$RC" 0
vz $N chkpnt $V --resume
expect_eq "stages: --resume exits 0" "$RC" 0
expect_eq "stages: running after resume" "$(ve_status $N $V)" "exist mounted running"
sleep 1.5
on $N "wc -l < /vz/private/$V/var/log/cr-counter.log"
[ "${OUT:-0}" -gt "$n1" ] && ok "stages: counting again after resume" || fail "stages: counting again after resume" "$n1 -> $OUT lines"
cr_round $N $V 3 check 60 "stages resumed"
cr_counter_check $N $V "stages resumed"
on $N "cat /proc/cpt"
expect_no_match "stages: no context left in /proc/cpt" "^[0-9]+ $V " "$OUT"

# 4. Stages to the end: suspend, dump, kill; then "vzctl start" restores.
on $N "rm -f /vz/dump/Dump.$V"
vz $N chkpnt $V --suspend
expect_eq "stages: --suspend again" "$RC" 0
vz $N chkpnt $V --dump
expect_eq "stages: --dump again" "$RC" 0
vz $N chkpnt $V --kill
expect_eq "stages: --kill exits 0" "$RC" 0
expect_eq "stages: down after --kill" "$(ve_status $N $V)" "exist unmounted down"
on $N "test -s /vz/dump/Dump.$V"
expect_eq "stages: dump kept after --kill" "$RC" 0
vz $N start $V
expect_eq "start with a dump exits 0" "$RC" 0
expect_match "start with a dump restores it" 'restore' "$OUT"
expect_eq "start with a dump: running" "$(ve_status $N $V)" "exist mounted running"
cr_round $N $V 4 check 60 "start-restored"
cr_counter_check $N $V "start-restored"
on $N "grep -c '^R0 READY' /vz/private/$V/var/log/cr-result"
expect_eq "start-restored: the workload was not started afresh" "$OUT" 1

vz $N stop $V
expect_eq "stop the restored VE" "$RC" 0
ve_cleanup $N $V
on $N "rm -f /vz/dump/Dump.$V*"
done_testing
