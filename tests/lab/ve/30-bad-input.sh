#!/bin/bash
# vzctl refuses bad input with a non-zero exit and a clear message, and
# leaves everything as it was: configs, private areas, mounts, running VEs.
. "$(dirname "$0")/../../lib.sh"

N=node2
ve_cleanup $N 102 103 104 999

# Everything vzctl could have changed on the node.
snapshot() {
	lab_run $N 'ls -la --time-style=+%s /etc/vz/conf 2>&1 | sort
		md5sum /etc/vz/conf/* 2>&1 | sort
		ls -a /vz/private /vz/root 2>&1
		grep -E " /vz/(root|private)" /proc/mounts
		ip -o link show | grep -o "veth[^:@ ]*" | sort
		vzlist -a 2>&1 || vzlist 2>&1' 2>&1
}
# unchanged NAME: compares with the snapshot in $BEFORE.
unchanged() {
	local after
	after=$(snapshot)
	if [ "$after" = "$BEFORE" ]; then
		ok "$1: nothing changed"
	else
		fail "$1: nothing changed" "$(diff <(echo "$BEFORE") <(echo "$after") | head -20)"
	fi
}

# --- unknown VEID ------------------------------------------------------
BEFORE=$(snapshot)
vz $N status 999
expect_match "status of unknown VE says deleted" '999 deleted unmounted down' "$OUT"
for cmd in start stop "exec 999 true" "exec2 999 true" mount umount destroy; do
	set -- $cmd
	if [ $# -eq 1 ]; then set -- "$1" 999; fi
	vz $N "$@"
	if [ "$RC" -ne 0 ]; then ok "$1 on unknown VE fails (exit $RC)"; else fail "$1 on unknown VE fails" "exit 0"; fi
	expect_match "$1 on unknown VE says why" '999|[Nn]o such|not exist|does not|[Cc]onfig|not running|not mounted' "$OUT"
done
unchanged "unknown VEID"

# --- bad VEID strings --------------------------------------------------
for id in abc 0 -1 12x 99999999999999999999; do
	for cmd in status start create; do
		vz $N $cmd "$id"
		if [ "$RC" -ne 0 ]; then ok "$cmd '$id' fails (exit $RC)"; else fail "$cmd '$id' fails" "exit 0: $OUT"; fi
		if [ -n "$OUT" ]; then ok "$cmd '$id' prints a message"; else fail "$cmd '$id' prints a message"; fi
	done
done
unchanged "bad VEIDs"

# --- malformed config --------------------------------------------------
vz $N create 102 --ostemplate busybox
expect_eq "create 102" "$RC" 0
on $N 'echo "THIS LINE IS GARBAGE" >>/etc/vz/conf/102.conf; grep -n GARBAGE /etc/vz/conf/102.conf | cut -d: -f1'
bad_line=$OUT
BEFORE=$(snapshot)
vz $N start 102
if [ "$RC" -ne 0 ]; then ok "start with garbage config fails (exit $RC)"; else fail "start with garbage config fails" "exit 0"; fi
expect_match "error names the bad line" "(line ${bad_line}|:${bad_line}[^0-9]|GARBAGE)" "$OUT"
on $N "/usr/local/lib/vzlab/vzctl-probe /dev/vzctl 102"
expect_match "garbage config: VE 102 not running (kernel says so)" '^error ioctl ESRCH' "$OUT"
on $N "grep -c ' /vz/root/102 ' /proc/mounts"
expect_eq "garbage config: VE 102 not mounted" "$OUT" 0
unchanged "garbage config"
on $N "sed -i '/GARBAGE/d' /etc/vz/conf/102.conf"
vz $N destroy 102
expect_eq "destroy 102 once the config is fixed" "$RC" 0

# --- missing template --------------------------------------------------
BEFORE=$(snapshot)
vz $N create 103 --ostemplate nosuch
if [ "$RC" -ne 0 ]; then ok "create from missing template fails (exit $RC)"; else fail "create from missing template fails" "exit 0"; fi
expect_match "missing template is named" 'nosuch' "$OUT"
on $N 'test -e /vz/private/103 || test -e /etc/vz/conf/103.conf'
if [ "$RC" -ne 0 ]; then ok "no private area or config left for 103"; else fail "no private area or config left for 103"; fi
unchanged "missing template"

# --- start when already running ---------------------------------------
vz $N create 104 --ostemplate busybox
expect_eq "create 104" "$RC" 0
vz $N set 104 --ipadd 10.77.0.104 --hostname ve104 --save
expect_eq "set 104" "$RC" 0
vz $N start 104
expect_eq "start 104" "$RC" 0
init_start() { lab_run $N vzctl exec2 104 'cut -d" " -f22 /proc/1/stat' 2>/dev/null; }
t1=$(init_start)
BEFORE=$(snapshot)
vz $N start 104
if [ "$RC" -ne 0 ]; then ok "second start fails (exit $RC)"; else fail "second start fails" "exit 0"; fi
expect_match "second start says it runs" '[Rr]unning|already' "$OUT"
expect_eq "still running" "$(ve_status $N 104)" "exist mounted running"
expect_eq "same init as before" "$(init_start)" "$t1"
unchanged "start when running"
wait_on node1 "timeout 5 busybox wget -qO- http://10.77.0.104/" 20
on node1 timeout 5 busybox wget -qO- http://10.77.0.104/
expect_eq "VE still serves" "$OUT" "hello from VE ve104"

# --- invalid addresses and values --------------------------------------
for bad in 300.1.1.1 10.77.0 abc 10.77.0.1.5 ""; do
	vz $N set 104 --ipadd "$bad" --save
	if [ "$RC" -ne 0 ]; then ok "--ipadd '$bad' rejected (exit $RC)"; else fail "--ipadd '$bad' rejected" "exit 0"; fi
done
vz $N set 104 --onboot maybe --save
if [ "$RC" -ne 0 ]; then ok "--onboot maybe rejected"; else fail "--onboot maybe rejected"; fi
vz $N set 104 --hostname 'bad host!' --save
if [ "$RC" -ne 0 ]; then ok "bad hostname rejected"; else fail "bad hostname rejected"; fi
vz $N exec2 104 'ip -o addr show eth0'
expect_no_match "no bad address inside" '300\.1\.1\.1' "$OUT"
unchanged "invalid values"

# --- bad options and commands -----------------------------------------
for args in "start 104 --nosuchopt" "set 104 --nosuchopt x" "frobnicate 104" "" \
	"create" "set 104 --ipadd" "stop 104 extra-arg"; do
	vz $N $args
	if [ "$RC" -ne 0 ]; then ok "'vzctl $args' fails (exit $RC)"; else fail "'vzctl $args' fails" "exit 0"; fi
done
expect_eq "104 still running after bad options" "$(ve_status $N 104)" "exist mounted running"
unchanged "bad options"

ve_cleanup $N 102 103 104 999
done_testing
