#!/bin/bash
# VE lifecycle on node2 with the busybox template: create, set, start,
# namespaces, networking across nodes, exec/exec2/enter, vzlist, stop,
# restart, destroy.
. "$(dirname "$0")/../../lib.sh"

N=node2
V=101
IP=10.77.0.101
ve_cleanup $N $V

vz $N create $V --ostemplate busybox
expect_eq "create exits 0" "$RC" 0
expect_eq "status after create" "$(ve_status $N $V)" "exist unmounted down"
on $N test -f /etc/vz/conf/$V.conf
expect_eq "config written" "$RC" 0

vz $N set $V --ipadd $IP --hostname ve$V --save
expect_eq "set --ipadd --hostname --save exits 0" "$RC" 0
on $N "grep -E '^IP_ADDRESS=' /etc/vz/conf/$V.conf"
expect_match "IP_ADDRESS saved" "$IP" "$OUT"
on $N "grep -E '^HOSTNAME=' /etc/vz/conf/$V.conf"
expect_match "HOSTNAME saved" "ve$V" "$OUT"

vz $N start $V
expect_eq "start exits 0" "$RC" 0
expect_eq "status when running" "$(ve_status $N $V)" "exist mounted running"

# Init is PID 1 of the VE, and the shell we exec is not.
vz $N exec2 $V 'cat /proc/1/cmdline | tr "\0" " "'
expect_match "pid 1 in the VE is init" '^(/sbin/)?init' "$OUT"
vz $N exec2 $V 'readlink /proc/1/exe'
expect_match "pid 1 runs busybox" 'busybox$' "$OUT"
vz $N exec2 $V 'echo $$'
expect_match "exec'd shell has a small VE pid" '^[0-9]+$' "$OUT"
[ "${OUT:-1}" != 1 ] && ok "exec'd shell is not pid 1" || fail "exec'd shell is not pid 1" "got $OUT"

# Hostnames: the VE's own, the node's untouched.
vz $N exec2 $V hostname
expect_eq "hostname inside" "$OUT" "ve$V"
on $N hostname
expect_eq "node hostname unchanged" "$OUT" "$N"

# Every namespace differs from the node's.
for ns in ipc net uts pid mnt; do
	on $N "readlink /proc/self/ns/$ns"
	host_ns=$OUT
	vz $N exec2 $V "readlink /proc/self/ns/$ns"
	if [ -n "$OUT" ] && [ "$OUT" != "$host_ns" ]; then
		ok "$ns namespace differs ($OUT vs $host_ns)"
	else
		fail "$ns namespace differs" "VE '$OUT', node '$host_ns'"
	fi
done

# Network inside.
vz $N exec2 $V 'ip addr show eth0'
expect_match "VE has $IP on eth0" "inet $IP/" "$OUT"
vz $N exec2 $V 'cat /var/www/index.html'
expect_eq "index.html from rcS" "$OUT" "hello from VE ve$V"

# From the client node over the lab bridge.
wait_on node1 "timeout 5 busybox wget -qO- http://$IP/" 20
on node1 timeout 5 busybox wget -qO- "http://$IP/"
expect_eq "node1 fetches the VE's web page" "$OUT" "hello from VE ve$V"
on node3 ping -c1 -W3 $IP
expect_eq "node3 pings the VE" "$RC" 0

# From inside the VE out to the client node.
vz $N exec2 $V 'ping -c1 -W3 10.77.0.11'
expect_eq "VE pings node1" "$RC" 0
vz $N exec2 $V 'timeout 5 wget -qO- http://10.77.0.101/'
expect_eq "VE fetches its own page" "$OUT" "hello from VE ve$V"

# Exit codes.
vz $N exec2 $V 'exit 3'
expect_eq "exec2 passes exit code 3" "$RC" 3
vz $N exec2 $V true
expect_eq "exec2 true exits 0" "$RC" 0
vz $N exec $V true
expect_eq "exec true exits 0" "$RC" 0
vz $N exec $V 'echo out-of-exec'
expect_match "exec prints the command's output" 'out-of-exec' "$OUT"

# enter with commands on stdin.
on $N "printf 'hostname\nexit\n' | vzctl enter $V"
OUT=$(printf '%s\n' "$OUT" | tr -d '\r')	# enter runs the shell on a pty
expect_eq "enter exits 0" "$RC" 0
expect_match "enter runs a shell in the VE" "^ve$V\$" "$OUT"

# vzlist.
on $N vzlist
expect_match "vzlist shows $V" "(^|[[:space:]])${V}[[:space:]]" "$OUT"
expect_match "vzlist shows its IP" "$IP" "$OUT"

# Stop, start again, stop, destroy.
vz $N stop $V
expect_eq "stop exits 0" "$RC" 0
expect_eq "status after stop" "$(ve_status $N $V)" "exist unmounted down"
on node1 timeout 5 busybox wget -qO- "http://$IP/"
expect_rc "VE address gone after stop" nonzero test "$RC" = 0
on $N "ip link show | grep -c veth$V"
expect_eq "veth removed on stop" "$OUT" 0

vz $N start $V
expect_eq "second start exits 0" "$RC" 0
expect_eq "status after second start" "$(ve_status $N $V)" "exist mounted running"
wait_on node1 "timeout 5 busybox wget -qO- http://$IP/" 20
on node1 timeout 5 busybox wget -qO- "http://$IP/"
expect_eq "web page after restart" "$OUT" "hello from VE ve$V"
vz $N stop $V
expect_eq "second stop exits 0" "$RC" 0

vz $N destroy $V
expect_eq "destroy exits 0" "$RC" 0
expect_eq "status after destroy" "$(ve_status $N $V)" "deleted unmounted down"
on $N test -e /vz/private/$V
expect_rc "private area removed" nonzero test "$RC" = 0

# No leftovers on the node.
on $N "ps -eo comm | grep -c httpd"
expect_eq "no VE processes left" "$OUT" 0

ve_cleanup $N $V
done_testing
