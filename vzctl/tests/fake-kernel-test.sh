#!/bin/sh
# Exercise vzctl's kernel paths (start, stop, exec, enter, set on a
# running VE, chkpnt, restore) against tests/fakevz.so, an LD_PRELOAD
# stand-in for /dev/vzctl built from stock namespaces, and
# tests/fakecpt.so, one for /proc/cpt and /proc/rst.  Needs root and a static
# busybox; runs itself in private mount and network namespaces so the
# host is not touched.  Not the real kernel: the lab tests that.
set -u
cd "$(dirname "$0")/.." || exit 1
if [ "${FAKEVZ_INNER:-}" != 1 ]; then
	FAKEVZ_INNER=1 exec unshare -m -n --propagation private "$0" "$@"
fi

BUSYBOX=${BUSYBOX:-$(command -v busybox)}
D=$(mktemp -d /tmp/vzctl-fake.XXXXXX)
export VZ_CONFDIR="$D/etc" FAKEVZ_DIR="$D/fakevz" VZ_STOP_TIMEOUT=5
PRELOAD="$PWD/tests/fakevz.so"
pass=0 fail=0

# A hang is a failure, not a stuck test run.
vz() { LD_PRELOAD="$PRELOAD" timeout 30 ./vzctl "$@"; }
vzl() { LD_PRELOAD="$PRELOAD" timeout 30 ./vzlist "$@"; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
expect_rc() {
	want=$1; shift
	"$@"; rc=$?
	if [ "$rc" = "$want" ]; then ok; else bad "$* -> $rc, want $want"; fi
}
expect_out() {
	want=$1; shift
	got=$("$@" 2>&1)
	case $got in
	*"$want"*) ok ;;
	*) bad "$*: output '$got' lacks '$want'" ;;
	esac
}

mkdir -p "$FAKEVZ_DIR" "$VZ_CONFDIR/conf" "$D/template/cache" "$D/rootfs/bin" \
	"$D/rootfs/sbin" "$D/rootfs/etc" "$D/rootfs/root"
cat > "$VZ_CONFDIR/vz.conf" <<EOC
LOCKDIR=$D/lock
DUMPDIR=$D/dump
TEMPLATE=$D/template
VE_ROOT=$D/root/\$VEID
VE_PRIVATE=$D/private/\$VEID
DEF_OSTEMPLATE=bb
VE_BRIDGE=vzbr0
EOC
cp "$BUSYBOX" "$D/rootfs/bin/busybox"
for t in sh hostname cat sleep ps ip kill echo ls false true; do
	ln -s busybox "$D/rootfs/bin/$t"
done
printf '#!/bin/sh\ntrap "exit 0" USR1\nwhile :; do sleep 1; done\n' > "$D/rootfs/sbin/init"
printf '#!/bin/sh\nkill -USR1 1\n' > "$D/rootfs/sbin/halt"
chmod 755 "$D/rootfs/sbin/init" "$D/rootfs/sbin/halt"
tar -C "$D/rootfs" -czf "$D/template/cache/bb.tar.gz" .

ip link set lo up
ip link add vzbr0 type bridge
ip addr add 10.0.0.1/24 dev vzbr0
ip link set vzbr0 up

expect_rc 0 vz create 101 --ipadd 10.0.0.2 --hostname ve101
expect_rc 0 vz set 101 --nameserver 10.0.0.1 --save
expect_rc 0 vz start 101
expect_out "VEID 101 exist mounted running" vz status 101
expect_rc 32 vz start 101
expect_out ve101 vz exec 101 hostname
expect_rc 3 vz exec2 101 'exit 3'
expect_rc 8 vz exec 101 false
expect_rc 0 vz exec 101 true
expect_out "nameserver 10.0.0.1" vz exec 101 cat /etc/resolv.conf
expect_out "10.0.0.2/24" vz exec 101 ip addr show eth0
expect_out "02:00:00:00:00:65" vz exec 101 ip link show eth0
expect_out "default dev eth0" vz exec 101 ip route
expect_out "1 " vz exec 101 ps
expect_out "master vzbr0" ip link show veth101.0
expect_out "PID" sh -c "echo ps | LD_PRELOAD=$PRELOAD ./vzctl exec 101 -"
expect_rc 0 "$BUSYBOX" ping -c 1 -W 2 10.0.0.2 >/dev/null
out=$(printf 'hostname\nexit\n' | vz enter 101 2>&1); rc=$?
case $out in *ve101*"exited from VE 101"*) ok ;; *) bad "enter: $out" ;; esac
if [ "$rc" = 0 ]; then ok; else bad "enter rc $rc"; fi
# The shell in the VE does the arithmetic, not this one.
# shellcheck disable=SC2016
out=$(printf 'echo inside-$((6*7))\n' | vz enter 101 2>&1)
case $out in *inside-42*) ok ;; *) bad "enter without exit: $out" ;; esac
# With a terminal on stdin (raw mode path), via script(1)'s pty.
if command -v script >/dev/null; then
	out=$( (sleep 1; printf 'hostname\r'; sleep 1; printf 'exit\r'; sleep 1) |
		LD_PRELOAD="$PRELOAD" timeout 30 script -qec "./vzctl enter 101" /dev/null 2>&1)
	case $out in *ve101*"exited from VE 101"*) ok ;; *) bad "enter on a tty: $out" ;; esac
fi
expect_rc 0 vz set 101 --ipadd 10.0.0.3 --hostname newname --save
expect_out "10.0.0.3/24" vz exec 101 ip addr show eth0
expect_out newname vz exec 101 hostname
expect_out 'IP_ADDRESS="10.0.0.2 10.0.0.3"' cat "$VZ_CONFDIR/conf/101.conf"
expect_rc 0 vz set 101 --ipdel 10.0.0.2
expect_rc 1 sh -c "LD_PRELOAD=$PRELOAD ./vzctl exec 101 ip addr show eth0 | grep -q 10.0.0.2/"
expect_rc 71 vz set 101 --ipadd 10.0.0.999
expect_out "running 10.0.0.2 10.0.0.3" vzl
expect_out "101 newname" vzl -H -o veid,hostname
expect_rc 0 vz stop 101
expect_out "VEID 101 exist unmounted down" vz status 101
expect_rc 1 ip link show veth101.0 2>/dev/null
expect_rc 31 vz stop 101
expect_rc 31 vz exec 101 true
expect_out "stopped" vzl -a
expect_rc 0 vz start 101
expect_rc 0 vz restart 101 --fast
expect_rc 0 vz stop 101 --fast

# Checkpoint and restore, against tests/fakecpt.so as well.
CPT="$PWD/tests/fakecpt.so $PRELOAD"
vzc() { LD_PRELOAD="$CPT" timeout 30 ./vzctl "$@"; }
DUMP="$D/dump/Dump.101"
expect_out "VE is not running" vzc chkpnt 101
expect_rc 31 vzc chkpnt 101
expect_rc 17 vzc restore 101
expect_out "Dump file $DUMP does not exist" vzc restore 101
expect_rc 0 vz start 101
expect_rc 20 vzc chkpnt 101 --suspend --kill
expect_rc 32 vzc restore 101
out=$(vzc chkpnt 101 2>&1); rc=$?
case $out in *"Setting up checkpoint..."*"	suspend..."*"	dump..."*"	kill..."*"Checkpointing completed successfully"*) ok ;;
*) bad "chkpnt: $out" ;; esac
if [ "$rc" = 0 ]; then ok; else bad "chkpnt rc $rc"; fi
expect_out "VEID 101 exist unmounted down" vz status 101
expect_rc 1 ip link show veth101.0 2>/dev/null
expect_rc 0 ./vzctl dumpinfo "$DUMP"
expect_rc 1 test -e "$DUMP.tmp"
expect_rc 0 test "$(stat -c %a "$DUMP")" = 600
out=$(vzc restore 101 2>&1); rc=$?
case $out in *"Restoring VE ..."*"	undump..."*"	resume..."*"Restoring completed successfully"*) ok ;;
*) bad "restore: $out" ;; esac
if [ "$rc" = 0 ]; then ok; else bad "restore rc $rc"; fi
expect_out "VEID 101 exist mounted running" vz status 101
expect_rc 1 test -e "$DUMP"
expect_out "10.0.0.2/24" vz exec 101 ip addr show eth0
expect_out "master vzbr0" ip link show veth101.0
expect_rc 0 "$BUSYBOX" ping -c 1 -W 2 10.0.0.2 >/dev/null

# A failed dump: the VE runs on, no dump file, the kernel's line shown.
out=$(FAKECPT_FAIL=dump vzc chkpnt 101 2>&1); rc=$?
case $out in *"Error: fake dump failure"*"Checkpointing failed"*) ok ;;
*) bad "failed chkpnt: $out" ;; esac
if [ "$rc" = 16 ]; then ok; else bad "failed chkpnt rc $rc"; fi
expect_rc 1 test -e "$DUMP"
expect_rc 1 test -e "$DUMP.tmp"
expect_out "VEID 101 exist mounted running" vz status 101
expect_rc 1 sh -c "grep -q '^State:.*stopped' /proc/\$(cat $FAKEVZ_DIR/101)/status"
FAKECPT_FAIL=kill expect_rc 16 vzc chkpnt 101
expect_rc 1 test -e "$DUMP"
expect_out "VEID 101 exist mounted running" vz status 101

# Stages through a sticky context.
expect_rc 0 vzc chkpnt 101 --suspend
expect_rc 1 test -e "$DUMP"
expect_out "Unable to create checkpoint context 101" vzc chkpnt 101 --suspend
expect_rc 0 vzc chkpnt 101 --dump
expect_rc 0 ./vzctl dumpinfo "$DUMP"
expect_rc 0 vzc chkpnt 101 --resume
expect_out "No checkpoint context ID 101 found" vzc chkpnt 101 --resume
expect_rc 16 vzc chkpnt 101 --kill
expect_rc 0 vzc chkpnt 101 --suspend --context 0x42
expect_rc 16 vzc chkpnt 101 --dump
expect_rc 0 vzc chkpnt 101 --dump --context 66
expect_rc 0 vzc chkpnt 101 --kill --context 66
expect_out "VEID 101 exist unmounted down" vz status 101
expect_rc 0 vzc restore 101 --undump
expect_out "VEID 101 exist mounted running" vz status 101
expect_rc 0 test -e "$DUMP"
expect_rc 0 vzc restore 101 --resume
expect_rc 1 test -e "$DUMP"
expect_out "10.0.0.2/24" vz exec 101 ip addr show eth0
expect_rc 0 vzc chkpnt 101
expect_rc 0 vzc restore 101 --undump
expect_rc 0 vzc restore 101 --kill
expect_out "VEID 101 exist unmounted down" vz status 101
expect_rc 1 ip link show veth101.0 2>/dev/null
expect_rc 0 test -e "$DUMP"

# A failed restore leaves nothing but the dump file.
FAKECPT_FAIL=resume expect_rc 17 vzc restore 101
expect_out "VEID 101 exist unmounted down" vz status 101
expect_rc 1 ip link show veth101.0 2>/dev/null
expect_rc 0 test -e "$DUMP"
cp "$DUMP" "$D/good-dump"
"$PWD/tests/mkimage" flip=200 > "$DUMP"
out=$(vzc restore 101 2>&1); rc=$?
case $out in *"Error: image: "*"CRC mismatch"*"Restoring failed"*) ok ;;
*) bad "corrupt restore: $out" ;; esac
if [ "$rc" = 17 ]; then ok; else bad "corrupt restore rc $rc"; fi
expect_out "VEID 101 exist unmounted down" vz status 101

# start restores from a dump file; a broken one is set aside.
cp "$D/good-dump" "$DUMP"
expect_out "trying to restore from it" vzc start 101
expect_out "VEID 101 exist mounted running" vz status 101
expect_rc 1 test -e "$DUMP"
expect_rc 0 vz stop 101 --fast
"$PWD/tests/mkimage" truncate=100 > "$DUMP"
out=$(vzc start 101 2>&1); rc=$?
case $out in *"Restoring failed"*"Starting VE ..."*"moved to $DUMP.failed"*) ok ;;
*) bad "start with bad dump: $out" ;; esac
if [ "$rc" = 0 ]; then ok; else bad "start with bad dump rc $rc"; fi
expect_rc 1 test -e "$DUMP"
expect_rc 0 test -e "$DUMP.failed"
expect_out "VEID 101 exist mounted running" vz status 101
expect_rc 0 vz stop 101 --fast

# A VE whose init can not run: start fails and leaves nothing.
mv "$D/private/101/sbin/init" "$D/private/101/sbin/init.off"
expect_out "executing /sbin/init" vz start 101
expect_out "VEID 101 exist unmounted down" vz status 101
expect_rc 1 ip link show veth101.0 2>/dev/null
mv "$D/private/101/sbin/init.off" "$D/private/101/sbin/init"
# An address that ip refuses (bridge missing): start fails cleanly too.
ip link del vzbr0
expect_rc 130 vz start 101
expect_out "VEID 101 exist unmounted down" vz status 101

expect_rc 0 vz destroy 101
expect_rc 1 test -e "$D/private/101"
expect_rc 0 test -e "$VZ_CONFDIR/conf/101.conf.destroyed"

rm -rf "$D"
echo "fake kernel: $pass passed, $fail failed"
[ "$fail" = 0 ]
