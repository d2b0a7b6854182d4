#!/bin/bash
# Hostile images for vzctl restore (and the kernel's /proc/rst) on node2:
# synthetic broken images from mkimage (truncated, bit-flipped, wrong
# version/arch/page size, huge lengths, forward references, too many
# VMAs/tasks, unknown types, bad indexes, garbage padding, PAGES too
# early, a dropped record, trailing bytes, no END), then a real dump of
# cr-counter truncated and bit-flipped at many points.  Each restore must
# fail with exit 17 and an error, leave no VE, no context in /proc/rst,
# no veth; dumpinfo must reject each image too.  Afterwards the good
# dump still restores and the counter goes on.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=159
D=/vz/dump/Dump.$V
GOOD=/root/good-$V.dump
cr_setup $N || { done_testing; exit 1; }
on $N "dmesg | wc -l"
DMESG0=$OUT
cr_make_ve $N $V cr-counter && cr_start $N $V || { ve_cleanup $N $V; done_testing; exit 1; }
sleep 1
cr_chkpnt $N $V "good dump" || { ve_cleanup $N $V; done_testing; exit 1; }
on $N "cp $D $GOOD && cp /vz/private/$V/var/log/cr-counter.log $GOOD.log && stat -c %s $GOOD"
SIZE=$OUT

# On the node: restore the image at $D, report what is left behind.
TRY='try() {
	vzctl dumpinfo '$D' >/dev/null 2>&1; di=$?
	out=$(timeout 120 vzctl restore '$V' 2>&1); rc=$?
	st=$(vzctl status '$V' | sed "s/^VEID [0-9]* //")
	ctx=$(tail -n +2 /proc/rst 2>/dev/null | grep -vc "^0 0 idle\$")	# not our own
	veth=no; ip link show veth'$V'.0 >/dev/null 2>&1 && veth=yes
	err=$(echo "$out" | grep -m1 -E "^Error: .*(rule|offset|image|CRC|crc|version|arch|truncat|invalid|Invalid|short|record|page|END|length|read)" || echo "$out" | grep -m1 "^Error")
	echo "rc=$rc dumpinfo=$di status=[$st] ctx=$ctx veth=$veth err=$err"
	# A restore that wrongly succeeded ran on: stop it and put back the
	# log as it was at the checkpoint.
	case $st in *running*) vzctl stop '$V' >/dev/null 2>&1; cp '$GOOD'.log /vz/private/'$V'/var/log/cr-counter.log ;; esac
}'

# bad_case LABEL NODE-COMMAND-THAT-WRITES-$D
bad_case() {
	local label=$1 cmd=$2
	on $N "$TRY; $cmd && try"
	if [ "$RC" != 0 ]; then
		fail "$label: image prepared" "$OUT"
		return
	fi
	if echo "$OUT" | grep -q '^rc=17 dumpinfo=1 status=\[exist unmounted down\] ctx=0 veth=no err=Error'; then
		ok "$label: restore fails cleanly (${OUT##*err=})"
	else
		fail "$label: restore fails cleanly" "$OUT"
	fi
}

# 1. Synthetic images.
MK=$CR_NODE_DIR/mkimage
for c in truncate=0 truncate=40 truncate=88 truncate=100 truncate=1424 truncate=3488 truncate=4840 \
	truncate=6000 truncate=13064 truncate=13095 flip=0 flip=5 flip=9 flip=17 flip=60 flip=88 \
	flip=100 flip=560 flip=3500 flip=4100 flip=4400 flip=5000:0x80 flip=13070 \
	badversion badarch badpagesize hugelen forwardref manyvmas manytasks unknowntype badindex \
	padding pagesearly droprecord trailing noend timernosignal timerorder timerclock timernotify \
	timersignal; do
	bad_case "mkimage $c" "$MK veid=$V $c >$D"
done
on $N "$MK veid=$V pages=300 hugelen >$D && ls -l $D"
bad_case "mkimage pages=300 flip=600000" "$MK veid=$V pages=300 flip=600000 >$D"

# 2. The real dump, truncated and flipped.
points="0 4 9 16 40 80 87 88 96 100 130"
for k in $(seq 1 15); do points="$points $((SIZE * k / 16))"; done
points="$points $((SIZE - 32)) $((SIZE - 17)) $((SIZE - 16)) $((SIZE - 8)) $((SIZE - 1))"
for p in $points; do
	bad_case "real dump truncated to $p of $SIZE" "cp $GOOD $D && truncate -s $p $D"
done
for p in $points; do
	bad_case "real dump, byte $p flipped" "cp $GOOD $D && printf '%s\n' 'import sys' 'f = open(sys.argv[1], \"r+b\"); f.seek($p); b = f.read(1); f.seek($p); f.write(bytes([b[0] ^ 0x10]))' >/tmp/flip.py && python3 /tmp/flip.py $D"
done
bad_case "real dump with 8 extra bytes" "cp $GOOD $D && printf '\\0\\0\\0\\0\\0\\0\\0\\0' >>$D"
# Rules past the CRCs, on the real dump (tests/helpers/cptimg.py rewrites
# a field and every CRC): an interrupted nanosleep on a clock no dump
# writes (struct cpt_task: restart_block[0] at 120, restart_fn at 184),
# a thread that is a zombie, a device no VE may hold.
lab_copy "$(dirname "$0")/../../helpers/cptimg.py" $N:/root/cptimg.py >/dev/null
P="python3 /root/cptimg.py $D --set"
bad_case "nanosleep on clock 0xffffffff" "cp $GOOD $D && $P TASK:0:120=ffffffff00000000 && $P TASK:0:184=01000000"
bad_case "nanosleep on clock 5" "cp $GOOD $D && $P TASK:0:120=0500000000000000 && $P TASK:0:184=01000000"
bad_case "child process made a zombie thread" "cp $GOOD $D && $P TASK:1:4=01000000 && $P TASK:1:20=01000000"
bad_case "FILE 0 as the block device 8:0" "cp $GOOD $D && $P FILE:0:0=02000000 && $P FILE:0:20=00080000"
# Environment, not format: an image needing a CPU feature this CPU lacks
# (cpu_caps bit 40: no CPU has it) is refused by the kernel alone.
lab_copy "$(dirname "$0")/../../helpers/cpt-header.py" $N:/root/cpt-header.py >/dev/null
on $N "cp $GOOD $D && python3 /root/cpt-header.py $D --caps 10000000000 && vzctl dumpinfo $D >/dev/null; echo dumpinfo=\$?; vzctl restore $V"
expect_match "image needing unknown CPU features: dumpinfo accepts it" 'dumpinfo=0' "$OUT"
expect_match "image needing unknown CPU features: restore refuses it, naming them" 'CPU features this CPU lacks' "$OUT"
expect_eq "image needing unknown CPU features: VE not running" "$(ve_status $N $V)" "exist unmounted down"

# 3. Nothing leaked: the good dump restores and the VE goes on.
on $N "dmesg | tail -n +$((DMESG0 + 1)) | grep -E 'WARNING|BUG|Oops|Call Trace' | tail -5"
expect_eq "no kernel warnings" "$OUT" ""
# A failed CPT_UNDUMP must not return to user mode in a half-restored
# address space (seen: the new init segfaults "in zero (deleted)").
on $N "dmesg | tail -n +$((DMESG0 + 1)) | grep -E 'segfault at' | tail -5"
expect_eq "no restoring init segfaults after a failed restore" "$OUT" ""
on $N "ps -eo stat,comm | awk '\$1 ~ /D/' | head -5"
expect_eq "no task stuck in D state on the node" "$OUT" ""
# A newer minor version's header fields (16 bytes more) are ignored: the
# good dump restores with them.
on $N "cp $GOOD $D && python3 /root/cpt-header.py $D --extend 16 && vzctl dumpinfo $D | head -1"
expect_match "good dump with a longer header: dumpinfo accepts it" 'hdr_len=104' "$OUT"
cr_restore $N $V "good dump with a longer header, after all that"
cr_round $N $V 1 check 60 "good dump after all that"
cr_counter_check $N $V "good dump after all that"

vz $N stop $V
expect_eq "stop" "$RC" 0
ve_cleanup $N $V
on $N "rm -f $D $D.* $GOOD $GOOD.log /tmp/flip.py"
done_testing
