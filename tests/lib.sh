#!/bin/bash
# tests/lib.sh: helpers for lab test files (tests/lab/*/*.sh).
#
# A test file sources this, then talks to the running lab (started by
# tests/run.sh, or by hand with `lab/lab.sh up 3`) through lab_run & co.
# Every check prints exactly one line, "PASS: name" or "FAIL: name", which
# tests/run.sh counts.  A test file that exits non-zero is one more failure.
#
#   ok NAME                    pass
#   fail NAME [WHY]            fail
#   check NAME CMD...          pass if CMD succeeds (locally; use `on` inside)
#   expect_eq NAME GOT WANT    pass if GOT = WANT
#   expect_match NAME ERE TEXT pass if TEXT matches the extended regex ERE
#   expect_rc NAME WANT CMD... run CMD, pass if its exit status is WANT
#                              ("nonzero" matches any failure); its output
#                              (stdout+stderr) is left in $OUT, status in $RC
#   on NODE CMD...             lab_run with output in $OUT and status in $RC
#                              (never fails the script by itself)
#   vz NODE ARGS...            on NODE vzctl ARGS...
#   ve_status NODE VEID        prints the state words of `vzctl status`
#   ve_cleanup NODE VEID...    stop + destroy, ignoring errors (test hygiene)

_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$_here/../lab/lab.sh"

TEST_PASSED=0
TEST_FAILED=0
# family/file, e.g. cr/51-memory (tests/lab/<family>/<NN-name>.sh)
TEST_FILE=$(basename "$(dirname "$0")")/$(basename "$0" .sh)

ok() {
	TEST_PASSED=$((TEST_PASSED + 1))
	echo "PASS: $TEST_FILE: $1"
}

fail() {
	TEST_FAILED=$((TEST_FAILED + 1))
	echo "FAIL: $TEST_FILE: $1${2:+ -- $2}"
}

check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "command failed: $*"; fi
}

expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "got '$2', want '$3'"
	fi
}

expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		ok "$1"
	else
		fail "$1" "'$3' does not match /$2/"
	fi
}

expect_no_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		fail "$1" "'$3' matches /$2/"
	else
		ok "$1"
	fi
}

expect_rc() {
	local name=$1 want=$2
	shift 2
	OUT=$("$@" 2>&1)
	RC=$?
	if [ "$want" = nonzero ]; then
		if [ "$RC" -ne 0 ]; then ok "$name"; else fail "$name" "exit 0, want non-zero; output: $OUT"; fi
	elif [ "$RC" = "$want" ]; then
		ok "$name"
	else
		fail "$name" "exit $RC, want $want; output: $OUT"
	fi
}

on() {
	OUT=$(lab_run "$@" 2>&1)
	RC=$?
	return 0
}

vz() {
	local node=$1
	shift
	on "$node" vzctl "$@"
}

# "exist mounted running" etc: the status line minus "VEID <n>".
ve_status() {
	lab_run "$1" vzctl status "$2" 2>/dev/null | sed -n 's/^VEID [0-9]* //p' | tail -n 1
}

ve_cleanup() {
	local node=$1 veid
	shift
	for veid in "$@"; do
		lab_run "$node" "vzctl stop $veid; vzctl destroy $veid; rm -f /etc/vz/conf/$veid.conf*" >/dev/null 2>&1
	done
	return 0
}

# Wait up to $3 seconds (default 30) for CMD ($2, a shell line) on node $1
# to succeed.
# The tries run on the node, in one ssh session (a session per try took
# the node's emulated CPU from what was waited for); CMD runs in a
# subshell so an "exit" in it ends only that try.  A session that fails
# (ssh's 255: the node unreachable for a while) is tried again.
wait_on() {
	local node=$1 cmd=$2 t=${3:-30}
	node_poll "$node" "( $cmd ) >/dev/null 2>&1" "$t" 1 >/dev/null 2>&1
}

# node_poll NODE CONDITION SECONDS STEP: until the shell CONDITION holds on
# NODE, at most SECONDS / STEP tries STEP seconds apart.
node_poll() {
	local node=$1 cond=$2 step=$4 rc end=$((SECONDS + $3)) tries
	tries=$(awk "BEGIN { print int($3 / $step) }")
	while :; do
		lab_run "$node" "n=$tries
			until $cond; do
				[ \$n -gt 0 ] || exit 1
				n=\$((n - 1))
				sleep $step
			done"
		rc=$?
		[ "$rc" = 255 ] && [ "$SECONDS" -lt "$end" ] || return "$rc"
		sleep 1
	done
}

# End of a test file: exit status reflects the checks.
done_testing() {
	echo "# $TEST_FILE: $TEST_PASSED passed, $TEST_FAILED failed"
	[ "$TEST_FAILED" -eq 0 ]
}

# A test file must only run against a lab that is up.
_lab_load >/dev/null || { echo "FAIL: $TEST_FILE: no running lab"; exit 1; }
