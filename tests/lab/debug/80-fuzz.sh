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
190 cr-chain 100
191 cr-creds
192 cr-pipes small unix"
# cr-pipes starts cr-unix beside it (unix sockets of every kind).
export CR_VE_EXTRA=cr-unix
VEIDS=$(echo "$WORKLOADS" | cut -d' ' -f1 | tr '\n' ' ')

cr_setup $N || { done_testing; exit 1; }
cleanup() { ve_cleanup $N $VEIDS; }
on $N "rm -rf /root/fuzz && mkdir -p /root/fuzz/cases"
# The seeds, with few ssh round trips (each is slow on the debug kernel):
# every VE made, then, on the node, one VE at a time started, waited for
# and checkpointed, its dump kept and its VE mounted for the fuzzer's
# restores.  One at a time: a VE started while the others run starts
# several times slower here.  The cr/ tests check these checkpoints.
made=
# On fd 3: ssh (lab_run) would read the list from stdin.
while read -r v w args <&3; do
	# shellcheck disable=SC2086
	cr_make_ve $N "$v" "$w" $args && made="$made $v:$w"
done 3<<<"$WORKLOADS"
on $N "for s in $made; do
		v=\${s%%:*} w=\${s#*:} r=/vz/private/\${s%%:*}/var/log/cr-result i=0
		if ! vzctl start \$v >/tmp/seed.\$v.log 2>&1; then
			echo \"NO SEED \$s: \$(tail -n 3 /tmp/seed.\$v.log | tr '\\n' '|')\"
			continue
		fi
		until grep -q '^R0 READY' \$r 2>/dev/null || [ \$i = 480 ]; do
			sleep 0.25; i=\$((i + 1))
		done
		if ! grep -q '^R0 READY' \$r || grep -q '^R0 FAIL' \$r; then
			echo \"NOT READY \$s: \$(tail -n 3 \$r 2>/dev/null | tr '\\n' '|')\"
			continue
		fi
		sleep 1
		if vzctl chkpnt \$v >/tmp/seed.\$v.log 2>&1 &&
		   mv /vz/dump/Dump.\$v /root/fuzz/\$w.img && vzctl mount \$v; then
			echo \"SEED \$w\"
		else
			echo \"NO SEED \$s: \$(tail -n 3 /tmp/seed.\$v.log | tr '\\n' '|')\"
		fi
	done"
while read -r line; do
	[ -z "$line" ] || fail "seed: ${line%%:*}" "${line#*: }"
done <<<"$(echo "$OUT" | grep -E '^(NOT READY|NO SEED) ')"
seeds=$(echo "$OUT" | sed -n 's|^SEED \(.*\)|/root/fuzz/\1.img|p' | tr '\n' ' ')
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
