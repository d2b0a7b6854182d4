#!/bin/bash
# /proc/cpt and /proc/rst are for the node's root only (in the host's pid
# namespace): not for other users on the node (even with the mode opened
# up), not for root in another pid namespace, not for root inside a VE,
# whose /proc is its own procfs (also when it mounts a new one).
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=160
PROBE=$CR_NODE_DIR/cpt-probe
cr_setup $N || { done_testing; exit 1; }
ve_cleanup $N $V

on $N "modprobe vzcpt && modprobe vzrst && ls -l /proc/cpt /proc/rst"
expect_eq "vzcpt and vzrst load" "$RC" 0
LS=$OUT
for f in cpt rst; do
	expect_match "/proc/$f is mode 0600 root" "-rw------- 1 root root .* /proc/$f" "$(echo "$LS" | grep "/proc/$f")"
	on $N "$PROBE /proc/$f"
	expect_match "node root can use /proc/$f" '^ok open ioctl=0' "$OUT"
	on $N "setpriv --reuid 65534 --regid 65534 --clear-groups $PROBE /proc/$f"
	expect_match "nobody cannot open /proc/$f" '^denied open (EACCES|EPERM)' "$OUT"
	on $N "setpriv --reuid 65534 --regid 65534 --clear-groups cat /proc/$f"
	expect_rc "nobody cannot read the /proc/$f listing" nonzero test "$RC" = 0
	on $N "chmod 666 /proc/$f && ls -l /proc/$f && setpriv --reuid 65534 --regid 65534 --clear-groups $PROBE /proc/$f; rc=\$?; chmod 600 /proc/$f; exit \$rc"
	if echo "$OUT" | grep -q 'rw-rw-rw-'; then
		expect_match "nobody cannot use /proc/$f even at mode 666" 'denied (open|ioctl) EPERM' "$OUT"
	else
		ok "chmod of /proc/$f refused ($(echo "$OUT" | head -1))"
	fi
	on $N "ls -l /proc/$f"
	expect_match "/proc/$f mode back to 0600" '^-rw-------' "$OUT"
	# Root with all capabilities but in a new pid namespace.
	on $N "unshare --pid --fork --mount-proc $PROBE /proc/$f"
	expect_match "root in another pid namespace cannot use /proc/$f" '^denied (open|ioctl) EPERM' "$OUT"
	# Root without CAP_SYS_ADMIN.
	on $N "setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin $PROBE /proc/$f"
	expect_match "root without CAP_SYS_ADMIN cannot use /proc/$f" '^denied (open|ioctl) EPERM' "$OUT"
done

# Root inside a VE (the plain busybox template; it is not checkpointed).
vz $N create $V --ostemplate busybox
expect_eq "create $V" "$RC" 0
vz $N start $V
expect_eq "start $V" "$RC" 0
on $N "cp $PROBE /vz/private/$V/bin/cpt-probe"
for f in cpt rst; do
	vz $N exec2 $V "ls -l /proc/$f 2>&1; /bin/cpt-probe /proc/$f"
	echo "# in the VE: $(echo "$OUT" | tr '\n' '|')"
	expect_match "VE root cannot use /proc/$f" '(denied (open|ioctl) EPERM|error open ENOENT)$' "$OUT"
	vz $N exec2 $V "cat /proc/$f"
	expect_rc "VE root cannot read the /proc/$f listing" nonzero test "$RC" = 0
	vz $N exec2 $V "mkdir -p /mnt/p && mount -t proc proc /mnt/p && /bin/cpt-probe /mnt/p/$f; rc=\$?; umount /mnt/p; exit \$rc"
	echo "# in the VE, a new procfs: $OUT"
	expect_match "VE root cannot use $f through a procfs it mounts" '(denied (open|ioctl) EPERM|error open ENOENT|mount)' "$OUT"
done
vz $N exec2 $V "chmod 666 /proc/cpt 2>&1; ls -l /proc/cpt 2>&1"
echo "# chmod inside the VE: $OUT"
# The node's view, also once its proc inodes are dropped and made anew.
on $N "ls -l /proc/cpt; sync; echo 2 >/proc/sys/vm/drop_caches; ls -l /proc/cpt"
expect_match "VE root cannot change the node's /proc/cpt mode" '^-rw-------.*'$'\n''-rw-------' "$OUT"
vz $N exec2 $V "chmod 600 /proc/cpt"
expect_eq "VE still running" "$(ve_status $N $V)" "exist mounted running"
on $N "$PROBE /proc/cpt"
expect_match "node root still can use /proc/cpt" '^ok open ioctl=0' "$OUT"

vz $N stop $V
expect_eq "stop $V" "$RC" 0
ve_cleanup $N $V
done_testing
