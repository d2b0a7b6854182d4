#!/bin/bash
# The fuzzer (vzctl/tests/cpt-fuzz.c) on node2 of the debug lab: real
# dumps of every checkpointable workload are the seeds; each case is one
# of them changed by the structure-aware mutator (vzctl/tests/mutate.c),
# checked by vzctl's reader and by the kernel (CPT_TEST_IMAGE), and
# restored for real when the kernel accepts it.  Fails on a case the
# kernel accepts that the shared checker refuses, a restore or kill past
# its bound, any kernel report, or a seed that no longer restores.
#
# VZ_FUZZ_CASES (default 1000), VZ_FUZZ_SEED (default 20261202) and
# VZ_FUZZ_RESTORE_PCT (of the accepted cases restored, default 50) pick
# the sample; `make fuzz N=... SEED=...` runs a long one.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
CASES=${VZ_FUZZ_CASES:-1000}
SEED=${VZ_FUZZ_SEED:-20261202}
# Of the cases the kernel accepts, the share restored for real.
RESTORE_PCT=${VZ_FUZZ_RESTORE_PCT:-50}
# VEID workload args: every workload that checkpoints (cr-objects holds
# what is refused; cr-memory and cr-bigmem hold little, as seeds should).
WORKLOADS="181 cr-counter
182 cr-memory small
183 cr-regs
184 cr-tree
185 cr-signals
186 cr-files
187 cr-manyproc 6 64
188 cr-bigmem 2
189 cr-timers
190 cr-chain 300
191 cr-creds
192 cr-pipes small unix"
# cr-pipes starts cr-unix beside it (unix sockets of every kind).
export CR_VE_EXTRA=cr-unix
VEIDS=$(echo "$WORKLOADS" | cut -d' ' -f1 | tr '\n' ' ')

cr_setup $N || { done_testing; exit 1; }
cleanup() { ve_cleanup $N $VEIDS; }
on $N "rm -rf /root/fuzz && mkdir -p /root/fuzz/cases"
seeds=
# On fd 3: ssh (lab_run) would read the list from stdin.
while read -r v w args <&3; do
	# shellcheck disable=SC2086
	cr_make_ve $N "$v" "$w" $args && cr_start $N "$v" 120 || continue
	sleep 1
	cr_chkpnt $N "$v" "seed $w" || continue
	on $N "mv /vz/dump/Dump.$v /root/fuzz/$w.img && vzctl mount $v"
	if [ "$RC" = 0 ]; then
		seeds="$seeds /root/fuzz/$w.img"
	else
		fail "seed $w: kept, VE mounted" "$OUT"
	fi
done 3<<<"$WORKLOADS"
expect_eq "a seed from every workload" "$(echo $seeds | wc -w)" "$(echo "$WORKLOADS" | wc -l)"

t0=$SECONDS
on $N "$CR_NODE_DIR/cpt-fuzz -n $CASES -s $SEED -r $RESTORE_PCT -t 150 -o /root/fuzz/cases $seeds 2>&1 | tail -n 40"
echo "$OUT"
summary=$(echo "$OUT" | grep '^cpt-fuzz: tried ')
if [ "$RC" = 0 ] && [ -n "$summary" ]; then
	ok "fuzz seed $SEED, $CASES cases in $((SECONDS - t0)) s: ${summary#cpt-fuzz: }"
else
	fail "fuzz seed $SEED, $CASES cases (rc $RC)" "$(echo "$OUT" | grep -E 'DISAGREE|HANG|BROKEN|kernel report|does not|saved|tried' | head -n 20 | tr '\n' '|')"
fi
expect_match "every seed restores after the run" "^$(echo "$WORKLOADS" | wc -l)\$" "$(echo "$OUT" | grep -c '^cpt-fuzz: after: .* restores$')"
on $N "ls /proc/rst >/dev/null && tail -n +2 /proc/rst | grep -vc '^0 0 idle\$'"
expect_eq "no restore context left behind" "$OUT" 0
cleanup
done_testing
