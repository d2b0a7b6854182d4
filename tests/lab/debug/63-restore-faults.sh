#!/bin/bash
# What a restore must survive without an oops, a hang or a VE left where
# nothing can reach it (security review findings 1, 8, 10, 11):
#  - a restored task killed between --undump and --resume: the resume
#    fails, the VE is killed, and a later restore of the same dump works;
#  - vzctl dying just before CPT_RESUME: the kernel kills the undumped VE;
#  - a file of the image turned into a FIFO: refused at once, not a
#    restore blocked in open();
#  - an image whose saved auxv has no AT_NULL where this kernel's array
#    ends: /proc/1/auxv ends with one (no read past the array).
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=164
D=/vz/dump/Dump.$V
GOOD=/root/good-$V.dump
P=/vz/private/$V
cr_begin $N $V cr-counter
sleep 1
cr_chkpnt $N $V "good dump" || { cr_end $N $V; exit 1; }
on $N "cp $D $GOOD"

# no_rst_context LABEL: /proc/rst lists no context of the VE.
no_rst_context() {
	on $N "tail -n +2 /proc/rst | grep -E '^[0-9]+ $V '"
	expect_eq "$1: no restore context of VE $V left" "$OUT" ""
}

# 1. Killed while parked.
on $N "vzctl restore $V --undump"
expect_eq "undump: exit 0" "$RC" 0
cr_host_pid $N $V 2
child=$OUT
if [ -n "$child" ]; then
	on $N "kill -9 $child"
	on $N "vzctl restore $V --resume"
	expect_eq "resume after a restored task was killed: exit 17" "$RC" 17
	expect_match "resume names the task that is gone" 'gone or no longer parked' "$OUT"
	wait_on $N "vzctl status $V | grep -q down" 20
	expect_match "VE $V down after the failed resume" 'down' "$(ve_status $N $V)"
	no_rst_context "failed resume"
else
	fail "undumped child found on the host" "no host pid for VE pid 2"
	on $N "vzctl restore $V --kill"
fi
on $N "test -e $D || cp $GOOD $D"
cr_restore $N $V "same dump after the failed resume"
cr_round $N $V 1 check 60 "after the failed resume"
cr_counter_check $N $V "after the failed resume"
cr_chkpnt $N $V "again" || { cr_end $N $V; exit 1; }
on $N "cp $D $GOOD"

# 2. vzctl dies just before CPT_RESUME (_IO('-', 8) = 11528).
on $N "DIE_AT_IOCTL=11528 LD_PRELOAD=$CR_NODE_DIR/die-at-ioctl.so vzctl restore $V"
expect_eq "vzctl killed before CPT_RESUME: exit 99" "$RC" 99
if wait_on $N "vzctl status $V | grep -q down" 20; then
	ok "the kernel killed the undumped VE whose vzctl died"
else
	fail "the kernel killed the undumped VE whose vzctl died" "$(ve_status $N $V); /proc/rst: $(lab_run $N cat /proc/rst)"
fi
no_rst_context "vzctl died"
on $N "vzctl umount $V >/dev/null 2>&1; cp $GOOD $D"
cr_restore $N $V "same dump after vzctl died"
cr_round $N $V 2 check 60 "after vzctl died"
cr_chkpnt $N $V "again" || { cr_end $N $V; exit 1; }
on $N "cp $D $GOOD && cp $P/var/log/cr-counter.log $GOOD.log"

# 3. The counter's log, open in the image, is now a FIFO.
on $N "rm $P/var/log/cr-counter.log && mkfifo $P/var/log/cr-counter.log && timeout 60 vzctl restore $V"
expect_eq "restore with a FIFO where a file was: exit 17 (not a hang)" "$RC" 17
expect_match "the error says the file changed kind" 'not the same kind of file' "$OUT"
expect_eq "VE down after the refused restore" "$(ve_status $N $V)" "exist unmounted down"
on $N "rm $P/var/log/cr-counter.log && cp $GOOD.log $P/var/log/cr-counter.log && test -e $D"
expect_eq "dump kept after the refused restore" "$RC" 0

# 4. saved auxv: 46 words (this kernel's array) without AT_NULL, the
#    image's AT_NULL in the last two (struct cpt_mm: saved_auxv at 112).
lab_copy "$(dirname "$0")/../../helpers/cptimg.py" $N:/root/cptimg.py >/dev/null
on $N "python3 /root/cptimg.py $D --set MM:0:112=$(printf '41%.0s' $(seq 1 368)) && vzctl dumpinfo $D >/dev/null"
expect_eq "auxv without AT_NULL in the first 46 words: dumpinfo accepts it" "$RC" 0
cr_restore $N $V "auxv image"
on $N "vzctl exec2 $V 'wc -c </proc/1/auxv; tail -c 16 /proc/1/auxv | od -An -tx1 | tr -d \" \\n\"'"
expect_eq "/proc/1/auxv stops at this kernel's array, with an AT_NULL" "$(echo "$OUT" | tr '\n' ' ')" "368 00000000000000000000000000000000 "
cr_round $N $V 3 check 60 "after the auxv image"
on $N "rm -f $GOOD $GOOD.log /root/cptimg.py"
cr_end $N $V
