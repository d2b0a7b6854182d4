#!/bin/sh
# make test: the unit tests (tests/run_tests), then the fake-kernel test
# (tests/fake-kernel-test.sh, root only), each with its own output and
# counts, then one last line with both added up: "N passed, N failed".
# Exits non-zero if anything failed, or a count is missing.
cd "$(dirname "$0")/.." || exit 1
log=$(mktemp /tmp/vzctl-tests.XXXXXX) || exit 1
trap 'rm -f "$log"' EXIT

passed=0 failed=0
# count LABEL PATTERN: add up the last "PATTERN N passed, N failed" in $log.
count() {
	line=$(sed -n "s/^$2\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\$/\1 \2/p" \
		"$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$1: no 'N passed, N failed' line" >&2
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + ${line% *}))
	failed=$((failed + ${line#* }))
}

./tests/run_tests >"$log" 2>&1
rc=$?
cat "$log"
count "unit tests" ""
[ "$rc" = 0 ] || [ "$failed" != 0 ] || failed=$((failed + 1))

if [ "$(id -u)" = 0 ]; then
	before=$failed
	./tests/fake-kernel-test.sh >"$log" 2>&1
	rc=$?
	cat "$log"
	count "fake kernel test" "fake kernel: "
	[ "$rc" = 0 ] || [ "$failed" != "$before" ] || failed=$((failed + 1))
else
	echo "fake kernel: skipped (needs root)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
