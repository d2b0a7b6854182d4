#!/bin/bash
# POSIX timers and timed waits across checkpoint/restore (cr-timers as the
# VE's init, see tests/workloads/cr-timers.c): timers on four clocks keep
# their ids (with a gap), settings, notification (signal value, target
# thread, SIGEV_NONE) and remaining time, periodic ones fire at their rate
# afterwards (also ITIMER_PROF and ITIMER_VIRTUAL, in CPU time), the id
# counter continues, a queued timer signal survives; twice, the second time restored on the other server node.  Then a poll()
# and a futex wait with 5 s timeouts are checkpointed 2.5 s in: each must
# end after its remaining time, not restart from scratch.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
M=node3
V=163
cr_setup $N $M || { done_testing; exit 1; }
ve_cleanup $M $V
cr_make_ve $N $V cr-timers && cr_start $N $V || { ve_cleanup $N $V; done_testing; exit 1; }

cr_round $N $V 1 check 60 "before"
cr_chkpnt $N $V "cycle 1" && cr_restore $N $V "cycle 1" && cr_round $N $V 2 check 60 "cycle 1"

# Restore on the other node: the monotonic clocks differ there.
if cr_chkpnt $N $V "to $M"; then
	on $N "set -e
		rsync -aH --numeric-ids --delete /vz/private/$V/ $M:/vz/private/$V/
		rsync -a /vz/dump/Dump.$V $M:/vz/dump/
		rsync -a /etc/vz/conf/$V.conf $M:/etc/vz/conf/"
	expect_eq "private area, config and dump copied to $M" "$RC" 0
	if cr_restore $M $V "on $M"; then
		cr_round $M $V 3 check 60 "on $M"
		on $N "vzctl destroy $V"
		N=$M
	fi
fi

# poll() and a FUTEX_WAIT, 5 s each, checkpointed 2.5 s in.
cr_round $N $V 4 waits 60 "waits"
sleep 2.5
t0=$(date +%s.%N)
if cr_chkpnt $N $V "during timed waits"; then
	sleep 2
	cr_restore $N $V "during timed waits"
	t3=$(date +%s.%N)
	D=$(echo "$t3 - $t0" | bc)
	for w in POLLED FUTEXED; do
		if ! cr_wait_line $N $V "^R4 $w" 30; then
			fail "$w: wait ends after the restore" "no R4 $w line in 30 s: $(cr_results $N $V | tail -3 | tr '\n' '|')"
			continue
		fi
		line=$(cr_results $N $V | grep "^R4 $w")
		wall=$(echo "$line" | awk '{print $4}')
		ret=$(echo "$line" | awk '{print $6}')
		err=$(echo "$line" | awk '{print $8}')
		echo "# $line; chkpnt..restore took $D s"
		if [ $w = POLLED ]; then
			expect_eq "poll timed out normally (ret 0)" "$ret/$err" "0/0"
		else
			expect_eq "futex wait timed out normally (ETIMEDOUT)" "$ret/$err" "-1/110"
		fi
		if [ "$(echo "$wall >= 5 && $wall <= 6.5 + $D" | bc)" = 1 ]; then
			ok "$w ended on time: $wall s wall for 5 s with $D s of checkpoint/restore (limit 5..$(echo "6.5 + $D" | bc))"
		else
			fail "$w ended on time" "$wall s wall for 5 s; checkpoint+restore took $D s: want 5..$(echo "6.5 + $D" | bc) (a restart from scratch gives about 7.5 + that)"
		fi
	done
fi
cr_round $N $V 5 check 60 "after waits"
cr_round $N $V 6 unblock 60 "unblock"

vz $N stop $V
expect_eq "stop" "$RC" 0
ve_cleanup node2 $V
ve_cleanup node3 $V
done_testing
