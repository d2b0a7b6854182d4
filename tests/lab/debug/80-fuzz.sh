#!/bin/bash
# The fuzzer (vzctl/tests/cpt-fuzz.c) on both nodes of the debug lab:
# real dumps of every checkpointable workload are the seeds; each case is
# one of them changed by the structure-aware mutator (vzctl/tests/mutate.c),
# checked by vzctl's reader and by the kernel (CPT_TEST_IMAGE), and
# restored for real when the kernel accepts it.  Fails on a case the
# kernel accepts that the shared checker refuses, a restore or kill past
# its bound, any kernel report, or a seed that no longer restores.
#
# The workloads are dealt out to the two nodes, which make their seeds and
# run their half of the cases side by side (one emulated CPU each): node1
# cases 0..CASES/2-1 on its seeds, node2 the rest on its own.  A case is
# reproduced by its number on the node that ran it (`cpt-fuzz -k K -n 1`).
#
# VZ_FUZZ_CASES (default 1000), VZ_FUZZ_SEED (default 20261202) and
# VZ_FUZZ_RESTORE_PCT (of the accepted cases restored, default 50) pick
# the sample; `make fuzz N=... SEED=...` runs a long one.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

CASES=${VZ_FUZZ_CASES:-1000}
SEED=${VZ_FUZZ_SEED:-20261202}
# Of the cases the kernel accepts, the share restored for real.
RESTORE_PCT=${VZ_FUZZ_RESTORE_PCT:-50}
# NODE VEID workload args: every workload that checkpoints (cr-objects
# holds what is refused; cr-memory and cr-bigmem hold little, as seeds
# should), dealt out so that each node's cases cost about the same: the
# big images (mutation, checking) and the many-process ones (restores)
# one each in turn.  In the first run with one node holding cr-chain,
# cr-bigmem and cr-files, its 500 cases took 231 s, the other's 46 s.
WORKLOADS="node1 190 cr-chain 100
node2 188 cr-bigmem 2
node1 186 cr-files
node2 192 cr-pipes small unix
node1 183 cr-regs
node2 187 cr-manyproc 6 64
node1 185 cr-signals
node2 184 cr-tree
node1 189 cr-timers
node2 181 cr-counter
node1 191 cr-creds
node2 182 cr-memory small"
# cr-pipes starts cr-unix beside it (unix sockets of every kind).
export CR_VE_EXTRA=cr-unix

# fuzz_node NODE FIRST COUNT: NODE's seeds, then cases FIRST.. (COUNT).
# Prints PASS/FAIL lines (its counts are its caller's to add up).
fuzz_node() {
	local N=$1 first=$2 count=$3 made="" v w args seeds nr t0 summary
	local mine veids
	mine=$(echo "$WORKLOADS" | awk -v n="$N" '$1 == n { $1 = ""; sub(/^ /, ""); print }')
	nr=$(echo "$mine" | wc -l)
	veids=$(echo "$mine" | cut -d' ' -f1 | tr '\n' ' ')
	on "$N" "rm -rf /root/fuzz && mkdir -p /root/fuzz/cases"
	# The seeds, with few ssh round trips (each is slow on the debug
	# kernel): every VE made, then, on the node, one VE at a time started,
	# waited for and checkpointed, its dump kept and its VE mounted for the
	# fuzzer's restores.  One at a time: a VE started while the others run
	# starts several times slower here.  The cr/ tests check these
	# checkpoints.
	# On fd 3: ssh (lab_run) would read the list from stdin.
	while read -r v w args <&3; do
		# shellcheck disable=SC2086
		cr_make_ve "$N" "$v" "$w" $args && made="$made $v:$w"
	done 3<<<"$mine"
	on "$N" "for s in $made; do
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
		[ -z "$line" ] || fail "$N: seed: ${line%%:*}" "${line#*: }"
	done <<<"$(echo "$OUT" | grep -E '^(NOT READY|NO SEED) ')"
	seeds=$(echo "$OUT" | sed -n 's|^SEED \(.*\)|/root/fuzz/\1.img|p' | tr '\n' ' ')
	expect_eq "$N: a seed from each of its workloads" "$(echo "$seeds" | wc -w)" "$nr"

	t0=$SECONDS
	on "$N" "$CR_NODE_DIR/cpt-fuzz -n $count -k $first -s $SEED -r $RESTORE_PCT -t 150 -o /root/fuzz/cases $seeds 2>&1 | tail -n 40"
	printf '%s: %s\n' "$N" "${OUT//$'\n'/$'\n'$N: }"
	summary=$(echo "$OUT" | grep '^cpt-fuzz: tried ')
	if [ "$RC" = 0 ] && [ -n "$summary" ]; then
		ok "$N: fuzz seed $SEED, cases $first..$((first + count - 1)) in $((SECONDS - t0)) s: ${summary#cpt-fuzz: }"
	else
		fail "$N: fuzz seed $SEED, cases $first..$((first + count - 1)) (rc $RC)" "$(echo "$OUT" | grep -E 'DISAGREE|HANG|BROKEN|kernel report|does not|saved|tried' | head -n 20 | tr '\n' '|')"
	fi
	expect_match "$N: every seed restores after the run" "^$nr\$" "$(echo "$OUT" | grep -c '^cpt-fuzz: after: .* restores$')"
	on "$N" "ls /proc/rst >/dev/null && tail -n +2 /proc/rst | grep -vc '^0 0 idle\$'"
	expect_eq "$N: no restore context left behind" "$OUT" 0
	# shellcheck disable=SC2086
	ve_cleanup "$N" $veids
}

cr_setup node1 node2 || { done_testing; exit 1; }
half=$((CASES / 2))
tmp=$(mktemp -d)
fuzz_node node1 0 "$half" >"$tmp/node1" 2>&1 &
p1=$!
fuzz_node node2 "$half" $((CASES - half)) >"$tmp/node2" 2>&1 &
p2=$!
wait "$p1" "$p2"
# Each node's lines, its checks counted here (they ran in subshells).
for n in node1 node2; do
	cat "$tmp/$n"
	TEST_PASSED=$((TEST_PASSED + $(grep -c '^PASS: ' "$tmp/$n")))
	TEST_FAILED=$((TEST_FAILED + $(grep -c '^FAIL: ' "$tmp/$n")))
done
rm -rf "$tmp"
done_testing
