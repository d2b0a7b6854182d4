#!/bin/bash
# Migration by hand: checkpoint cr-counter (with an IP address) on node2,
# copy the dump, the private area and the config to node3 with rsync over
# ssh between the nodes, restore on node3.  The counts go on with no gap
# or duplicate, the same pids, and the VE answers pings at its address
# from node1.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

SRC=node2
DST=node3
V=156
IP=10.77.0.156
ve_cleanup $DST $V
on $DST "rm -rf /vz/private/$V /vz/dump/Dump.$V*"
cr_setup $SRC || { done_testing; exit 1; }
cr_make_ve $SRC $V cr-counter || { done_testing; exit 1; }
vz $SRC set $V --ipadd $IP --save
expect_eq "set --ipadd" "$RC" 0
cr_start $SRC $V || { ve_cleanup $SRC $V; done_testing; exit 1; }
wait_on node1 "ping -c1 -W2 $IP" 20
on node1 "ping -c1 -W3 $IP"
expect_eq "node1 pings the VE on $SRC" "$RC" 0
cr_round $SRC $V 1 check 60 "on $SRC"
on $SRC "vzctl exec2 $V 'cat /proc/1/stat' | cut -d' ' -f1-8"
stat_before=$OUT

cr_chkpnt $SRC $V "$SRC" || { ve_cleanup $SRC $V; done_testing; exit 1; }
t0=$(date +%s)
on $SRC "set -e
	rsync -aH --numeric-ids --delete /vz/private/$V/ $DST:/vz/private/$V/
	rsync -a /vz/dump/Dump.$V $DST:/vz/dump/
	rsync -a /etc/vz/conf/$V.conf $DST:/etc/vz/conf/"
expect_eq "rsync private area, dump and config to $DST" "$RC" 0
[ "$RC" = 0 ] || echo "# $OUT"
on $DST "vzctl dumpinfo /vz/dump/Dump.$V >/dev/null"
expect_eq "the copied dump is valid on $DST" "$RC" 0
cr_restore $DST $V "$DST"
echo "# migration downtime (chkpnt end to restore end): $(( $(date +%s) - t0 )) s"
on $DST "vzctl exec2 $V 'cat /proc/1/stat' | cut -d' ' -f1-8"
expect_eq "init keeps pid, comm, state, ppid, pgid, sid on $DST" "$(echo "$OUT" | cut -d' ' -f1,2,4-)" "$(echo "$stat_before" | cut -d' ' -f1,2,4-)"
cr_round $DST $V 2 check 60 "on $DST"
cr_counter_check $DST $V "on $DST"
on $DST "vzctl exec2 $V 'ip -o -4 addr show'"
expect_match "VE has $IP on $DST" "$IP" "$OUT"
wait_on node1 "ping -c1 -W2 $IP" 20
on node1 "ping -c1 -W3 $IP"
expect_eq "node1 pings the VE on $DST" "$RC" 0
on $SRC "ip link show veth$V.0"
expect_rc "no veth of the VE left on $SRC" nonzero test "$RC" = 0

# Source is cleaned up; then the VE is stopped where it runs now.
on $SRC "vzctl destroy $V"
expect_eq "destroy the stopped VE on $SRC" "$RC" 0
vz $DST stop $V
expect_eq "stop on $DST" "$RC" 0
ve_cleanup $DST $V
ve_cleanup $SRC $V
done_testing
