#!/bin/bash
# Pipes, FIFOs and unix sockets.  cr-pipes is the VE's init (see
# tests/workloads/cr-pipes.c): data in pipes of every fill (some, full,
# grown to 1 MiB), packets, half-closed pipes, a pipe shared with a
# uid-1000 child blocked in read(), FIFOs open read-write, read-only,
# write-only and from both ends; flags and capacities.  With the
# argument "unix" it first starts cr-unix (tests/workloads/cr-unix.c,
# installed beside it in /sbin by CR_VE_EXTRA) and runs its checks in
# the same rounds (lines "unix-...", then "unix-round": cr-unix
# answered): stream, seqpacket and datagram socketpairs with data queued
# both ways (a write partly read, message boundaries, MSG_TRUNC), a
# listener at /var/lib/cr/unix-listen with two connections not yet
# accepted, a connection to a uid-1000 child (SO_PEERCRED,
# SO_PEERGROUPS, data queued both ways), a datagram socket bound to an
# abstract address with SO_PASSCRED receiving from a path-bound, an
# unbound, a uid-1000 and a closed sender (source addresses,
# SCM_CREDENTIALS), shutdown(SHUT_WR) and a closed peer with data
# queued, a socket whose path was unlinked, socket options and fd flags,
# a full socket, a datagram socket connect()ed one way, one socket in two
# processes and two fds, threads blocked in accept() and recv().  Two
# checkpoint/restore cycles on node2 (rounds 2, 3 after the "before"
# round 1), with a shell pipeline (sleep | cat) started by vzctl exec
# alongside: after the restores, cat still reads the pipe and gets end
# of file when sleep is killed.  The last dump lists PIPE, UNIX_SOCK
# (one per socket cr-unix counted at set-up) and UNIX_SKB records.  Then
# an online migration to node3, where both workloads check everything
# again (round 4).
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"
. "$(dirname "$0")/../../vzmigrate-lib.sh"

N=node2
B=node3
V=168
mig_clean $V $N $B
mig_setup $N $B || { done_testing; exit 1; }
cr_setup $B || { done_testing; exit 1; }
CR_VE_EXTRA=cr-unix cr_begin $N $V cr-pipes unix

# The pipeline writes what cat read to a file once sleep is gone.
vz $N exec $V "setsid sh -c '(echo start; sleep 1000) | cat >/var/log/pipeline.out' </dev/null >/dev/null 2>&1 &"
expect_eq "pipeline (echo; sleep) | cat started in the VE" "$RC" 0
wait_on $N "grep -q start /vz/private/$V/var/log/pipeline.out" 10 ||
	fail "pipeline: cat passed the first line on" "$(lab_run $N "cat /vz/private/$V/var/log/pipeline.out" 2>&1)"

cr_cycles $N $V 2 60
on $N "grep -cE '^ *[0-9]+ +PIPE ' /tmp/dumpinfo.$V.txt; grep -cE 'kind=fifo' /tmp/dumpinfo.$V.txt"
echo "# dumpinfo: PIPE records, FIFO files: $(echo $OUT)"
expect_match "dumpinfo lists the pipes and FIFOs" '^[1-9][0-9]* [1-9]' "$(echo $OUT)"
on $N "grep -cE '^ *[0-9]+ +UNIX_SOCK ' /tmp/dumpinfo.$V.txt; grep -cE '^ *[0-9]+ +UNIX_SKB ' /tmp/dumpinfo.$V.txt"
{ read -r socks; read -r skbs; } <<<"$OUT"
echo "# dumpinfo: UNIX_SOCK records $socks, UNIX_SKB records $skbs"
expect_match "dumpinfo lists the unix sockets and what they have queued" '^[1-9][0-9]* [1-9]' "$socks $skbs"
want=$(cr_results $N $V | sed -n 's/^R0 INFO unix-sockets \([0-9]*\) .*/\1/p')
expect_eq "dumpinfo: one UNIX_SOCK per unix socket of the VE (cr-unix counted them)" "$socks" "${want:-?}"

vz $N exec $V 'kill $(pidof sleep); true'
if wait_on $N "! vzctl exec2 $V 'ps' | grep -q '[c]at'" 10; then
	ok "pipeline: cat got end of file once sleep was gone, after two restores"
else
	fail "pipeline: cat got end of file once sleep was gone" "cat still running"
fi
on $N "cat /vz/private/$V/var/log/pipeline.out"
expect_eq "pipeline: cat wrote what it read, once" "$OUT" "start"

expect_rc "online migration $N -> $B: exit 0" 0 lab_run $N vzmigrate --online $B $V
[ "$RC" = 0 ] || echo "# $OUT"
cr_round $B $V 4 check 60 "on $B"
vz $B stop $V
expect_eq "stop on $B" "$RC" 0
mig_clean $V $N $B
done_testing
