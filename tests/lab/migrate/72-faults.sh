#!/bin/bash
# vzmigrate refusals.  A cr-counter VE on node2 is to be migrated online
# to node3, and each time the migration must be refused before the VE is
# touched: destination unreachable, destination without restore support,
# VEID or IP address already there, the VE locked by another vzmigrate,
# and a VE that cannot be checkpointed (a socket: the dump fails, the VE
# is resumed).  Each refusal exits with its documented code and leaves the
# VE running on node2 with the same processes, the count going on with
# no gap or duplicate, and nothing on node3.  Rollback after failures in
# the middle of a migration: 73-vzmigrate-rollback.sh.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"
. "$(dirname "$0")/../../vzmigrate-lib.sh"

A=node2
B=node3
V=171
IP=10.77.0.171
V2=172		# a VE on node3 in the way
V3=173		# a stock busybox VE (httpd: a socket)
IP3=10.77.0.173
mig_clean $V2 $A $B
mig_clean $V3 $A $B
on $B "rm -f /etc/modprobe.d/vzmigrate-test.conf"
mig_counter_ve $A $B $V $IP || { done_testing; exit 1; }

# After a failed migration: the VE runs on node2 as before, counting on,
# and node3 has nothing of it.
intact() { mig_intact $A $B $V "$1"; }

# 1. Destination unreachable (no such node on the lab segment).
expect_rc "unreachable destination: exit 3" 3 lab_run $A vzmigrate --online --ssh="-o ConnectTimeout=5" 10.77.0.99 $V
expect_match "unreachable: clear error" 'cannot connect to root@10.77.0.99' "$OUT"
intact "unreachable"

# 2. Destination without restore support: the module (vzcpt, alias vzrst)
#    unloaded and modprobe refusing to load it as vzrst.
on $B "echo 'install vzrst /bin/false' >/etc/modprobe.d/vzmigrate-test.conf; rmmod vzcpt 2>/dev/null; test ! -e /proc/rst"
if [ "$RC" = 0 ]; then
	expect_rc "no /proc/rst there: exit 10" 10 lab_run $A vzmigrate --online $B $V
	expect_match "no /proc/rst: clear error" 'no restore support on node3' "$OUT"
	intact "no /proc/rst"
	expect_rc "no /proc/rst, --dry-run: exit 10 too" 10 lab_run $A vzmigrate --online --dry-run $B $V
	expect_rc "no /proc/rst, offline migration needs none: --dry-run exit 0" 0 lab_run $A vzmigrate --dry-run $B $V
else
	fail "make /proc/rst unavailable on $B" "$OUT"
fi
on $B "rm -f /etc/modprobe.d/vzmigrate-test.conf; modprobe vzrst; test -e /proc/rst"
expect_eq "vzrst back on $B" "$RC" 0

# 3. The VEID exists on the destination.
vz $B create $V --ostemplate busybox
on $B "md5sum /etc/vz/conf/$V.conf; ls /vz/private/$V | wc -l"
theirs=$OUT
expect_rc "VEID exists there: exit 11" 11 lab_run $A vzmigrate --online $B $V
expect_match "VEID exists: clear error" "VE $V already exists on $B" "$OUT"
expect_rc "VEID exists there, --dry-run: exit 11" 11 lab_run $A vzmigrate --dry-run --online $B $V
on $B "md5sum /etc/vz/conf/$V.conf; ls /vz/private/$V | wc -l"
expect_eq "VEID exists: their VE untouched" "$OUT" "$theirs"
vz $B destroy $V
on $B "rm -f /etc/vz/conf/$V.conf*"
intact "VEID exists"

# 4. Its IP address is used by another VE there.
vz $B create $V2 --ostemplate busybox --ipadd $IP
expect_rc "IP in use there: exit 12" 12 lab_run $A vzmigrate --online $B $V
expect_match "IP in use: clear error" "IP address $IP of VE $V is in use" "$OUT"
mig_clean $V2 $B
intact "IP in use"

# 5. Locked by another vzmigrate (a live pid in the lock file); a stale
#    lock (dead pid) is taken over.
on $A "sleep 60 </dev/null >/dev/null 2>&1 & echo \$! >/vz/lock/$V.vzmigrate.lck; echo \$!"
holder=$OUT
expect_rc "locked: exit 6" 6 lab_run $A vzmigrate --online $B $V
expect_match "locked: clear error" "locked by another vzmigrate \\(pid $holder" "$OUT"
on $A "kill $holder; cat /vz/lock/$V.vzmigrate.lck"
expect_eq "locked: the other's lock is left alone" "$OUT" "$holder"
expect_rc "stale lock taken over (--dry-run): exit 0" 0 lab_run $A vzmigrate --dry-run --online $B $V
on $A "rm -f /vz/lock/$V.vzmigrate.lck"

# 9. A VE that cannot be checkpointed (busybox's httpd holds a socket):
#    the dump fails, the VE runs on and keeps serving.
vz $A create $V3 --ostemplate busybox --ipadd $IP3
vz $A start $V3
expect_eq "busybox VE $V3 started" "$RC" 0
wait_on node1 "timeout 5 busybox wget -qO- http://$IP3/" 20
expect_rc "uncheckpointable VE: exit 8" 8 lab_run $A vzmigrate --online $B $V3
expect_match "uncheckpointable: the dump error is shown" 'dumping VE 173 failed' "$OUT"
expect_eq "uncheckpointable: VE $V3 runs on $A" "$(ve_status $A $V3)" "exist mounted running"
on node1 "timeout 5 busybox wget -qO- http://$IP3/"
expect_eq "uncheckpointable: VE $V3 still serves" "$RC" 0
mig_nothing_on $B $V3 "uncheckpointable"
mig_clean $V3 $A $B
intact "after all faults"

mig_clean $V $A $B
mig_clean $V3 $A $B
on $B "rm -f /etc/modprobe.d/vzmigrate-test.conf"
done_testing
