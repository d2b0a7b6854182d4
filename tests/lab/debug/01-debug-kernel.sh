#!/bin/bash
# The debug lab runs what it should: the debug kernel (KASAN, lockdep,
# kmemleak) with panic_on_warn, on every node; kmemleak's findings from
# boot are cleared, so that 99-kmemleak.sh reports only what the tests
# leaked.
. "$(dirname "$0")/../../lib.sh"

for n in $(seq 1 "$LAB_NODES"); do
	N=node$n
	on $N 'uname -r; cat /proc/sys/kernel/panic_on_warn; test -e /proc/lockdep && echo lockdep;
		test -e /sys/kernel/debug/kmemleak && echo kmemleak;
		dmesg | grep -c "KernelAddressSanitizer initialized"'
	expect_match "$N: debug kernel" '-vzlab-debug$' "$(echo "$OUT" | sed -n 1p)"
	expect_eq "$N: panic_on_warn" "$(echo "$OUT" | sed -n 2p)" 1
	expect_match "$N: lockdep, kmemleak" '^lockdep kmemleak$' "$(echo "$OUT" | sed -n 3,4p | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "$N: KASAN initialized" "$(echo "$OUT" | sed -n 5p)" 1
	on $N 'echo scan >/sys/kernel/debug/kmemleak && echo clear >/sys/kernel/debug/kmemleak'
	expect_eq "$N: kmemleak boot findings cleared" "$RC" 0
done
done_testing
