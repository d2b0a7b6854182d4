#!/bin/bash
# vzmigrate: online migration of a cr-counter VE (init + child counting in
# memory, appending to a log every 100 ms) node2 -> node3 -> node2: same
# pids, the counts go on with no reset, gap or duplicate, the VE answers
# at its address from node1 at once, nothing left behind; -r no keeps the
# source area; offline migration both ways (running and stopped VE);
# --dry-run changes nothing on either node; bad command lines and unknown
# VEIDs fail clearly.  Faults and rollback: 72-vzmigrate-faults.sh.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"
. "$(dirname "$0")/../../vzmigrate-lib.sh"

A=node2
B=node3
V=170
IP=10.77.0.170
mig_clean $V $A $B
mig_setup $A $B || { done_testing; exit 1; }
cr_setup $A $B || { done_testing; exit 1; }
cr_make_ve $A $V cr-counter || { done_testing; exit 1; }
vz $A set $V --ipadd $IP --hostname ve$V --save
expect_eq "set --ipadd" "$RC" 0
cr_start $A $V || { mig_clean $V $A $B; done_testing; exit 1; }
wait_on node1 "ping -c1 -W2 $IP" 20
cr_round $A $V 1 check 60 "on $A"
pids0=$(mig_pids $A $V)
expect_match "two cr-counter processes on $A ($pids0)" '^1 0 \(cr-counter\) [0-9]+ 1 \(cr-counter\) $' "$pids0"

# --- usage errors -----------------------------------------------------
expect_rc "no arguments: exit 1" 1 lab_run $A vzmigrate
expect_match "no arguments: says what is missing" 'destination address and a VEID' "$OUT"
expect_rc "unknown option: exit 1" 1 lab_run $A vzmigrate --frobnicate $B $V
expect_match "unknown option named" "unknown option '--frobnicate'" "$OUT"
expect_rc "bad VEID: exit 1" 1 lab_run $A vzmigrate $B 12ab
expect_match "bad VEID named" "invalid VEID '12ab'" "$OUT"
expect_rc "-r maybe: exit 1" 1 lab_run $A vzmigrate -r maybe $B $V
expect_rc "--nodeps=foo: exit 1" 1 lab_run $A vzmigrate --nodeps=foo $B $V
expect_rc "three arguments: exit 1" 1 lab_run $A vzmigrate $B $V extra
expect_rc "--help: exit 0" 0 lab_run $A vzmigrate --help
expect_match "--help shows the usage" '^Usage: vzmigrate \[options\] destination_address VEID' "$OUT"
expect_rc "unknown VEID 179: exit 2" 2 lab_run $A vzmigrate --online $B 179
expect_match "unknown VEID: clear error" 'VE 179 does not exist' "$OUT"
on $A "test -e /vz/lock/179.vzmigrate.lck"
expect_eq "unknown VEID: no lock left" "$RC" 1

# --- dry run ----------------------------------------------------------------
la=$(mig_listing $A)
lb=$(mig_listing $B)
expect_rc "--dry-run --online: exit 0" 0 lab_run $A vzmigrate --dry-run --online -v $B $V
expect_match "--dry-run says the VE can be migrated" "Check only: VE $V can be migrated to $B online" "$OUT"
expect_rc "--check-only (offline): exit 0" 0 lab_run $A vzmigrate --check-only $B $V
expect_eq "--dry-run changed nothing on $A" "$(mig_listing $A)" "$la"
expect_eq "--dry-run changed nothing on $B" "$(mig_listing $B)" "$lb"
expect_eq "--dry-run: VE still running on $A" "$(ve_status $A $V)" "exist mounted running"
expect_eq "--dry-run: same pids" "$(mig_pids $A $V)" "$pids0"

# --- online: node2 -> node3 ---------------------------------------------------
on $A "awk '\$1 == \"P\" { n = \$2 } END { print n }' /vz/private/$V/var/log/cr-counter.log"
before=$OUT
expect_rc "online $A -> $B: exit 0" 0 lab_run $A vzmigrate --online -t -v $B $V
echo "# $OUT" | tr '\n' ' '; echo
expect_match "online $A -> $B: frozen time printed" 'Frozen time \(ms\): suspend\+dump [0-9]+, second rsync [0-9]+, dump copy [0-9]+, undump\+resume [0-9]+, total [0-9]+' "$OUT"
expect_match "online $A -> $B: -v shows the steps" 'Suspending VE.*Dumping VE.*Undumping and resuming VE' "$(echo "$OUT" | tr '\n' ' ')"
expect_no_match "online $A -> $B: addresses announced (gratuitous ARP from the VE)" 'could not announce' "$OUT"
expect_eq "online $A -> $B: running on $B" "$(ve_status $B $V)" "exist mounted running"
expect_eq "online $A -> $B: gone from $A (-r yes)" "$(ve_status $A $V)" "deleted unmounted down"
on $A "test -e /etc/vz/conf/$V.conf"
expect_eq "online $A -> $B: config gone from $A" "$RC" 1
expect_eq "online $A -> $B: same pids on $B" "$(mig_pids $B $V)" "$pids0"
on node1 "ping -c1 -W2 $IP"
expect_eq "online $A -> $B: node1 pings the VE at once" "$RC" 0
cr_round $B $V 2 check 60 "on $B"
cr_counter_check $B $V "online $A -> $B"
on $B "head -n 1 /vz/private/$V/var/log/cr-counter.log"
expect_match "online $A -> $B: the log was not restarted" '^[PC] 1 ' "$OUT"
on $B "awk '\$1 == \"P\" { n = \$2 } END { print n }' /vz/private/$V/var/log/cr-counter.log"
after=$OUT
if [ "${after:-0}" -gt "${before:-0}" ]; then
	ok "online $A -> $B: count went on (P $before -> $after)"
else
	fail "online $A -> $B: count went on" "P before '$before', after '$after'"
fi
# Other tests' dumps may be there: look for this VE's only.
on $A "n=\$(ls /vz/dump | grep -c '^Dump\.$V'); v=\$(ip -o link show | grep -c veth$V); echo \$((n + v))"
expect_eq "online $A -> $B: no dump, no veth left on $A" "$OUT" 0
on $B "ls /vz/dump | grep '^Dump\.$V' || true"
expect_eq "online $A -> $B: no dump left on $B" "$OUT" ""
on $A "ls /vz/lock"
expect_no_match "online $A -> $B: lock released" "$V.vzmigrate" "$OUT"

# --- online back: node3 -> node2, -r no, --ssh-mux, -vv ---------------------------
expect_rc "online $B -> $A (-r no --ssh-mux -vv): exit 0" 0 lab_run $B vzmigrate --live -r no --ssh-mux -vv -t $A $V
expect_match "-vv shows commands and rsync" 'rsync -aHAX --delete --numeric-ids' "$OUT"
echo "# with --ssh-mux: $(echo "$OUT" | grep '^Frozen time')"
expect_eq "online $B -> $A: running on $A" "$(ve_status $A $V)" "exist mounted running"
expect_eq "online $B -> $A: same pids on $A" "$(mig_pids $A $V)" "$pids0"
on $B "test -d /vz/private/$V/sbin && test -f /etc/vz/conf/$V.conf.migrated && test ! -e /etc/vz/conf/$V.conf"
expect_eq "-r no: private area kept, config renamed to $V.conf.migrated on $B" "$RC" 0
expect_eq "-r no: status on $B" "$(ve_status $B $V)" "exist unmounted down"
on $B "ls /tmp | grep -c vzmigrate"
expect_eq "--ssh-mux: no control socket left" "$OUT" 0
on node1 "ping -c1 -W2 $IP"
expect_eq "online $B -> $A: node1 pings the VE at once" "$RC" 0
cr_round $A $V 3 check 60 "back on $A"
cr_counter_check $A $V "online $A -> $B -> $A"
on $A "grep -c '^R0 READY' /vz/private/$V/var/log/cr-result"
expect_eq "online twice: the workload never restarted" "$OUT" 1
on $B "rm -rf /vz/private/$V /etc/vz/conf/$V.conf.migrated; rmdir /vz/root/$V"

# --- offline: running VE node2 -> node3 -----------------------------------------
on $A "echo offline-marker-$V >/vz/private/$V/root/marker"
expect_rc "offline $A -> $B (running VE): exit 0" 0 lab_run $A vzmigrate -t $B $V
expect_match "offline: downtime printed" 'Downtime \(ms\): second rsync [0-9]+, start [0-9]+, total [0-9]+' "$OUT"
echo "# $OUT" | tr '\n' ' '; echo
expect_no_match "offline $A -> $B: addresses announced" 'could not announce' "$OUT"
expect_eq "offline $A -> $B: running on $B" "$(ve_status $B $V)" "exist mounted running"
expect_eq "offline $A -> $B: gone from $A" "$(ve_status $A $V)" "deleted unmounted down"
on $B "cat /vz/private/$V/root/marker"
expect_eq "offline $A -> $B: files came along" "$OUT" "offline-marker-$V"
if cr_wait_line $B $V '^R0 READY' 30; then ok "offline $A -> $B: the VE started on $B"; else fail "offline $A -> $B: the VE started on $B"; fi
wait_on node1 "ping -c1 -W2 $IP" 10
on node1 "ping -c1 -W2 $IP"
expect_eq "offline $A -> $B: node1 pings the VE" "$RC" 0

# --- offline: stopped VE node3 -> node2 -------------------------------------------
vz $B stop $V
expect_eq "stop on $B" "$RC" 0
expect_rc "offline $B -> $A (stopped VE): exit 0" 0 lab_run $B vzmigrate $A $V
expect_eq "offline $B -> $A: stopped on $A" "$(ve_status $A $V)" "exist unmounted down"
expect_eq "offline $B -> $A: gone from $B" "$(ve_status $B $V)" "deleted unmounted down"
on $A "cat /vz/private/$V/root/marker; grep -c $IP /etc/vz/conf/$V.conf"
expect_eq "offline $B -> $A: files and config came along" "$(echo $OUT)" "offline-marker-$V 1"
vz $A start $V
expect_eq "start on $A after the offline migration" "$RC" 0
wait_on node1 "ping -c1 -W2 $IP" 10
on node1 "ping -c1 -W2 $IP"
expect_eq "offline back: node1 pings the VE" "$RC" 0

mig_clean $V $A $B
done_testing
