#!/bin/bash
# Open files and fs state across checkpoint/restore (cr-files as the VE's
# init): offsets (shared by dup and fork, separate descriptions), access
# and O_APPEND flags, close-on-exec, directory fds, /dev/zero, urandom,
# null, cwd in a subdirectory, umask 027, eventfds (counter, semaphore
# mode, one shared with a child), a signalfd with a signal pending; and
# file locks: POSIX record
# locks, flock and OFD locks, one taken by a child that has exited, one
# held by a uid-1000 process, which also waits in F_SETLKW for a lock of
# its parent's.  Two cycles on node2, then an online migration to node3,
# where the workload checks everything again.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"
. "$(dirname "$0")/../../vzmigrate-lib.sh"

N=node2
B=node3
V=155
mig_clean $V $N $B
mig_setup $N $B || { done_testing; exit 1; }
cr_setup $B || { done_testing; exit 1; }
cr_begin $N $V cr-files
cr_cycles $N $V 2 60
on $N "grep -cE '^ *[0-9]+ +LOCK ' /tmp/dumpinfo.$V.txt; grep -oE 'kind=(flock|posix|ofd)' /tmp/dumpinfo.$V.txt | sort | uniq -c | tr -s ' \n' ' '"
echo "# dumpinfo: LOCK records, by kind: $(echo $OUT)"
expect_match "dumpinfo lists the locks of every kind" '^[1-9][0-9]* .*flock .*ofd .*posix' "$(echo $OUT)"

expect_rc "online migration $N -> $B: exit 0" 0 lab_run $N vzmigrate --online $B $V
[ "$RC" = 0 ] || echo "# $OUT"
cr_round $B $V 4 check 60 "on $B"
on $B "cat /vz/private/$V/var/log/cr-append.log"
expect_eq "append log: every line once, in order" "$(echo "$OUT" | tr '\n' ' ')" "line 1 line r1 line r2 line r3 line r4 "
vz $B stop $V
expect_eq "stop on $B" "$RC" 0
mig_clean $V $N $B
done_testing
