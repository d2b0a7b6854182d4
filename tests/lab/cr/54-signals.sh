#!/bin/bash
# Signal state across checkpoint/restore (cr-signals as the VE's init):
# blocked pending SIGUSR2 and two queued SIGRTMIN+1 (with values) that
# are delivered only when unblocked after the restore, handlers with
# their flags and masks, an ignored signal, sigaltstack, ITIMER_REAL
# every 200 ms still firing at 5/s, and a 5 s nanosleep running across a
# checkpoint: it must end about 5 s plus the checkpointed time after it
# started (remaining time kept, not restarted from scratch).
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=154
cr_setup $N || { done_testing; exit 1; }
cr_make_ve $N $V cr-signals && cr_start $N $V || { ve_cleanup $N $V; done_testing; exit 1; }

cr_round $N $V 1 check 60 "before"
cr_chkpnt $N $V "cycle 1" && cr_restore $N $V "cycle 1" && cr_round $N $V 2 check 60 "cycle 1"

# nanosleep(5 s) across a checkpoint.
cr_round $N $V 3 sleep 60 "sleep"
sleep 2.5
t0=$(date +%s.%N)
if cr_chkpnt $N $V "cycle 2 (during nanosleep)"; then
	t1=$(date +%s.%N)
	sleep 2
	t2=$(date +%s.%N)
	cr_restore $N $V "cycle 2 (during nanosleep)"
	t3=$(date +%s.%N)
	if cr_wait_line $N $V '^R3 SLEPT' 30; then
		line=$(cr_results $N $V | grep '^R3 SLEPT')
		wall=$(echo "$line" | awk '{print $4}')
		ret=$(echo "$line" | awk '{print $8}')
		D=$(echo "$t3 - $t0" | bc)
		dead=$(echo "$t2 - $t1" | bc)
		echo "# $line; chkpnt..restore took $D s, of which $dead s with no VE at all"
		expect_eq "nanosleep returned 0 (not cut short)" "$ret" 0
		if [ "$(echo "$wall >= 5" | bc)" = 1 ] && [ "$(echo "$wall <= 6.5 + $D" | bc)" = 1 ]; then
			ok "nanosleep ended on time: $wall s wall for 5 s with $D s of checkpoint/restore (limit 5..$(echo "6.5 + $D" | bc))"
		else
			fail "nanosleep ended on time" "$wall s wall for 5 s; checkpoint+restore took $D s: want 5..$(echo "6.5 + $D" | bc) (a restart from scratch would give >= 7.5 + the frozen time)"
		fi
		if [ "$(echo "$wall >= 5 + $dead - 0.5" | bc)" = 1 ]; then
			echo "# nanosleep: the time without a VE was not counted as sleep (remaining time kept)"
		else
			echo "# nanosleep: the time without a VE counted as sleep (absolute deadline kept)"
		fi
	else
		fail "nanosleep ends after the restore" "no R3 SLEPT line within 30 s: $(cr_results $N $V | tail -3 | tr '\n' '|')"
	fi
	cr_round $N $V 4 check 60 "cycle 2"
fi
cr_round $N $V 5 unblock 60 "unblock"

vz $N stop $V
expect_eq "stop" "$RC" 0
ve_cleanup $N $V
done_testing
