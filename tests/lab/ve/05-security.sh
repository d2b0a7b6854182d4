#!/bin/bash
# /dev/vzctl is for the node's root only: not for other users on the node,
# not for root inside a VE (even with a device node made by hand).
. "$(dirname "$0")/../../lib.sh"

N=node2
V=105
PROBE=/usr/local/lib/vzlab/vzctl-probe
ve_cleanup $N $V

on $N 'ls -l /dev/vzctl'
expect_eq "/dev/vzctl exists on the node" "$RC" 0
expect_match "/dev/vzctl is root-only (crw-------)" '^crw-------' "$OUT"
majmin=$(echo "$OUT" | awk '{gsub(",", "", $5); print $5, $6}')

# Root on the node may use it (VE_TEST on a VE that does not run: ESRCH).
on $N "$PROBE /dev/vzctl $V"
expect_match "node root can open /dev/vzctl" '^(ok|error ioctl ESRCH)' "$OUT"

# An unprivileged user on the node cannot, even with the mode opened up.
on $N "setpriv --reuid 65534 --regid 65534 --clear-groups $PROBE /dev/vzctl $V"
expect_match "nobody cannot open /dev/vzctl" '^denied open (EACCES|EPERM)' "$OUT"
on $N "chmod 666 /dev/vzctl; setpriv --reuid 65534 --regid 65534 --clear-groups $PROBE /dev/vzctl $V; rc=\$?; chmod 600 /dev/vzctl; exit \$rc"
expect_match "nobody cannot use /dev/vzctl even at mode 666" '^denied (open|ioctl) EPERM' "$OUT"
on $N 'ls -l /dev/vzctl'
expect_match "mode restored" '^crw-------' "$OUT"

# Root inside a VE.
vz $N create $V --ostemplate busybox
expect_eq "create $V" "$RC" 0
vz $N start $V
expect_eq "start $V" "$RC" 0
on $N "cp $PROBE /vz/root/$V/bin/vzctl-probe || cp $PROBE /vz/private/$V/bin/vzctl-probe"
expect_eq "probe copied into the VE" "$RC" 0
vz $N exec2 $V 'test -e /dev/vzctl'
if [ "$RC" -ne 0 ]; then ok "no /dev/vzctl inside the VE"; else fail "no /dev/vzctl inside the VE"; fi
vz $N exec2 $V "mknod /dev/vzctl c $majmin && echo made"
if [ "$OUT" = made ]; then
	ok "mknod inside the VE (major/minor $majmin)"
	vz $N exec2 $V "/bin/vzctl-probe /dev/vzctl $V"
	expect_match "VE root cannot use /dev/vzctl" '^denied (open|ioctl) EPERM' "$OUT"
	vz $N exec2 $V "/bin/vzctl-probe /dev/vzctl 1"
	expect_match "VE root cannot probe other VEs" '^denied (open|ioctl) EPERM' "$OUT"
else
	# Refusing mknod is as good: the device cannot be reached at all.
	ok "mknod of /dev/vzctl refused inside the VE ($OUT)"
fi
# Whatever happened inside, the VE is unharmed and the node still works.
expect_eq "VE still running" "$(ve_status $N $V)" "exist mounted running"
on $N "$PROBE /dev/vzctl $V"
expect_match "node root still sees the VE" '^ok open ioctl=[0-9]+' "$OUT"

vz $N stop $V
expect_eq "stop $V" "$RC" 0
vz $N destroy $V
expect_eq "destroy $V" "$RC" 0
ve_cleanup $N $V
done_testing
