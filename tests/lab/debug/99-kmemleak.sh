#!/bin/bash
# After the debug lab's tests: kmemleak finds no unreferenced object on
# any node.  Two scans, as kmemleak's documentation advises (an object
# only counts when two scans in a row find no reference to it), with a
# pause for RCU and deferred frees in between.
. "$(dirname "$0")/../../lib.sh"

for n in $(seq 1 "$LAB_NODES"); do
	N=node$n
	on $N 'k=/sys/kernel/debug/kmemleak; echo scan >$k && sleep 10 && echo scan >$k && cat $k'
	if [ "$RC" != 0 ]; then
		fail "$N: kmemleak scan" "$OUT"
	elif echo "$OUT" | grep -q 'unreferenced object'; then
		fail "$N: no leak found by kmemleak" "$(echo "$OUT" | grep -c 'unreferenced object') objects; first: $(echo "$OUT" | head -n 30 | tr '\n' '|')"
	else
		ok "$N: no leak found by kmemleak"
	fi
done
done_testing
