#!/bin/bash
# A VE with ONBOOT=yes comes back by itself when its node reboots.
. "$(dirname "$0")/../../lib.sh"

N=node2
V=111
IP=10.77.0.111
ve_cleanup $N $V

vz $N create $V --ostemplate busybox
expect_eq "create exits 0" "$RC" 0
vz $N set $V --ipadd $IP --hostname ve$V --onboot yes --save
expect_eq "set --onboot yes --save exits 0" "$RC" 0
on $N "grep -E '^ONBOOT=' /etc/vz/conf/$V.conf"
expect_match "ONBOOT=yes saved" 'yes' "$OUT"
vz $N start $V
expect_eq "start exits 0" "$RC" 0
wait_on node1 "timeout 5 busybox wget -qO- http://$IP/" 20
on node1 timeout 5 busybox wget -qO- "http://$IP/"
expect_eq "VE answers before the reboot" "$OUT" "hello from VE ve$V"

if lab_reboot $N; then
	ok "$N rebooted"
else
	fail "$N rebooted"
fi

expect_eq "VE running after the node's reboot" "$(ve_status $N $V)" "exist mounted running"
wait_on node1 "timeout 5 busybox wget -qO- http://$IP/" 30
on node1 timeout 5 busybox wget -qO- "http://$IP/"
expect_eq "VE answers after the reboot" "$OUT" "hello from VE ve$V"
vz $N exec2 $V hostname
expect_eq "hostname kept across the reboot" "$OUT" "ve$V"

# Without ONBOOT it stays down.
vz $N set $V --onboot no --save
expect_eq "set --onboot no --save exits 0" "$RC" 0
if lab_reboot $N; then
	ok "$N rebooted again"
else
	fail "$N rebooted again"
fi
expect_eq "VE down after reboot with ONBOOT=no" "$(ve_status $N $V)" "exist unmounted down"

vz $N destroy $V
expect_eq "destroy exits 0" "$RC" 0
ve_cleanup $N $V
done_testing
