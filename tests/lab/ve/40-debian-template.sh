#!/bin/bash
# A VE from the debian template (sysvinit, python3) starts, runs python,
# stops and is destroyed.
. "$(dirname "$0")/../../lib.sh"

N=node3
V=120
IP=10.77.0.120
ve_cleanup $N $V

vz $N create $V --ostemplate debian
expect_eq "create from debian exits 0" "$RC" 0
vz $N set $V --ipadd $IP --hostname ve$V --save
expect_eq "set exits 0" "$RC" 0
vz $N start $V
expect_eq "start exits 0" "$RC" 0
expect_eq "status running" "$(ve_status $N $V)" "exist mounted running"

# One string: vzctl exec joins its arguments into one sh -c command line
# (as OpenVZ's does), so the quotes must reach the VE's shell.
vz $N exec2 $V "python3 -c 'print(6*7)'"
expect_eq "python3 inside prints 42" "$OUT" 42
vz $N exec2 $V 'readlink /proc/1/exe'
expect_match "init is sysvinit" 'init$' "$OUT"
vz $N exec2 $V hostname
expect_eq "hostname inside" "$OUT" "ve$V"
on node1 ping -c1 -W3 $IP
expect_eq "node1 pings the debian VE" "$RC" 0
vz $N exec2 $V 'ps -eo comm | grep -c getty'
expect_eq "no getty in the VE" "$OUT" 0

vz $N stop $V
expect_eq "stop exits 0" "$RC" 0
expect_eq "status after stop" "$(ve_status $N $V)" "exist unmounted down"
vz $N destroy $V
expect_eq "destroy exits 0" "$RC" 0
expect_eq "status after destroy" "$(ve_status $N $V)" "deleted unmounted down"

ve_cleanup $N $V
done_testing
