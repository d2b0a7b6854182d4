#!/bin/bash
# What the image cannot express yet must be refused by "vzctl chkpnt"
# with exit 16 and an error naming the object, leaving the VE running and
# responsive and no dump file behind: a deleted open file (in a
# cr-counter VE), SysV IPC objects and POSIX message queues, a process
# with its own UTS or mount namespace, a timer on a CPU-time clock, an
# inotify instance, a lease, and the sockets of the plain busybox template
# (httpd, nc; nc runs as a daemon whose session leader has exited).
# Once they are gone, the same VE checkpoints and restores fine.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=161
V2=162
IP2=10.77.0.162
cr_setup $N || { done_testing; exit 1; }

# refused LABEL ERE-FOR-THE-OBJECT VEID
refused() {
	local label=$1 re=$2 v=$3
	on $N "rm -f /vz/dump/Dump.$v; vzctl chkpnt $v"
	expect_eq "$label: chkpnt exits 16" "$RC" 16
	expect_match "$label: the error names it" "$re" "$OUT"
	[ "$RC" = 16 ] || echo "# chkpnt output: $OUT"
	expect_eq "$label: VE still running" "$(ve_status $N $v)" "exist mounted running"
	on $N "ls /vz/dump/ | grep -E '^Dump\\.$v(\\.|\$)'"
	expect_eq "$label: no dump file left" "$OUT" ""
	on $N "cat /proc/cpt"
	expect_no_match "$label: no context left in /proc/cpt" "^[0-9]+ $v " "$OUT"
	on $N "vzctl status $v"
	expect_no_match "$label: not suspended" 'suspended' "$OUT"
}

cr_make_ve $N $V cr-counter && cr_start $N $V || { ve_cleanup $N $V; done_testing; exit 1; }

# A deleted file held open.
vz $N exec $V "setsid sh -c 'exec 3>/var/log/gone; rm /var/log/gone; exec sleep 1000' </dev/null >/dev/null 2>&1 &"
wait_on $N "vzctl exec2 $V 'ps' | grep -q 'sleep 1000'" 10
refused "deleted file" '(deleted|gone)' $V
# After the refused checkpoint (and CPT_RESUME) the holder must die of
# SIGTERM as any process does.
vz $N exec $V 'kill $(pidof sleep); true'
if wait_on $N "! vzctl exec2 $V 'ps' | grep -q 'sleep 1000'" 10; then
	ok "deleted file: its holder dies of SIGTERM after the refusal"
else
	vz $N exec2 $V "ps -o pid,stat,comm,args | grep 'sleep 1000' | grep -v grep"
	fail "deleted file: its holder dies of SIGTERM after the refusal" "still there: $OUT"
	vz $N exec $V 'kill -9 $(pidof sleep); true'
	wait_on $N "! vzctl exec2 $V 'ps' | grep -q 'sleep 1000'" 10 || fail "deleted file: its holder dies of SIGKILL" "still there"
fi

# Objects outside what the image holds yet, each held by cr-objects (see
# tests/workloads/cr-objects.c): SysV IPC and POSIX message queues (they
# live in the VE's IPC namespace, not in a task), namespaces of a process
# of its own, a POSIX timer on a CPU-time clock, an inotify instance, a
# lease.
on $N "cp $CR_NODE_DIR/cr-objects /vz/private/$V/sbin/"
for kind in sem msg shm mq uts mnt cputimer inotify lease; do
	case $kind in
	sem) re='IPC objects: 1 SysV semaphore sets' ;;
	msg) re='IPC objects: .* 1 message queues' ;;
	shm) re='IPC objects: .* 1 shared memory segments' ;;
	mq) re='IPC objects: .* 1 POSIX message queues' ;;
	uts) re='cr-objects\) has its own UTS namespace' ;;
	mnt) re='cr-objects\) has its own mount namespace' ;;
	cputimer) re='cr-objects\) has a POSIX timer on a CPU-time clock' ;;
	inotify) re='cr-objects\) fd [0-9]+: anon_inode:inotify: not supported' ;;
	lease) re='cr-objects\) fd [0-9]+: .*cr-objects.lease: a lease \(F_SETLEASE\)' ;;
	esac
	ready=/vz/private/$V/var/run/cr-objects.ready
	on $N "rm -f $ready"
	vz $N exec $V "setsid /sbin/cr-objects $kind </dev/null >/dev/null 2>&1 &"
	if ! wait_on $N "test -e $ready" 10; then
		fail "$kind: cr-objects holds it" "no $ready in 10 s"
		continue
	fi
	refused "$kind" "$re" $V
	vz $N exec $V 'kill $(pidof cr-objects); true'
	wait_on $N "! test -e $ready" 10 || fail "$kind: cr-objects removes it and ends" "still running"
done

# Without them, the same VE checkpoints and restores.
cr_chkpnt $N $V "clean again"
cr_restore $N $V "clean again"
cr_round $N $V 2 check 60 "clean again"
cr_counter_check $N $V "clean again"
vz $N stop $V
ve_cleanup $N $V

# Sockets: the plain busybox template (httpd on 80, nc on 7).
ve_cleanup $N $V2
vz $N create $V2 --ostemplate busybox
vz $N set $V2 --ipadd $IP2 --save
vz $N start $V2
expect_eq "busybox VE $V2 started" "$RC" 0
wait_on node1 "timeout 5 busybox wget -qO- http://$IP2/" 30
refused "sockets (busybox httpd, nc)" 'socket' $V2
on node1 "timeout 5 busybox wget -qO- http://$IP2/"
expect_match "busybox VE still serves its page" "hello from VE" "$OUT"
vz $N stop $V2
ve_cleanup $N $V2
done_testing
