#!/bin/bash
# tests/run.sh: the test runner behind `make check`.
#
#   tests/run.sh [--unit-only | --lab-only] [tests/lab/FAMILY/NN-name.sh ...]
#
# 1. Unit tests: `make -C vzctl test`, counted from its final
#    "N passed, N failed" line.
# 2. Lab tests: builds/refreshes the node images (lab/build-rootfs.sh, cheap
#    when nothing changed; skip with VZ_NO_BUILD=1), boots one lab of 3 nodes
#    and runs every tests/lab/*/*.sh (or the files given) against it, one after
#    the other.  After each file the node consoles are checked: a kernel
#    warning, oops or unexpected reboot fails that file.  A lab that does not
#    boot is a failure, never a skip.  Test files live in one folder per
#    family, run in this order: ve/ (VE lifecycle), cr/ (checkpoint and
#    restore, one file per resource), migrate/ (vzmigrate).
#
# Ends with exactly "N passed, N failed"; exits non-zero if anything failed.
# VZ_LAB_KEEP=1 leaves the lab running afterwards (lab/lab.sh down stops it).
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
passed=0
failed=0
do_unit=1
do_lab=1
files=()

while [ $# -gt 0 ]; do
	case $1 in
	--unit-only) do_lab=0 ;;
	--lab-only) do_unit=0 ;;
	-h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) files+=("$1") ;;
	esac
	shift
done
if [ ${#files[@]} -eq 0 ]; then
	files=(tests/lab/ve/*.sh tests/lab/cr/*.sh tests/lab/migrate/*.sh)
fi

logdir=${VZ_TEST_LOGS:-$repo/build/test-logs}
mkdir -p "$logdir"

child=
tailer=
stop_child() {
	# Never a bare "wait": the lab's node supervisors are our children too.
	if [ -n "$child" ]; then kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
	if [ -n "$tailer" ]; then kill "$tailer" 2>/dev/null; wait "$tailer" 2>/dev/null; fi
}

pass() { passed=$((passed + 1)); echo "PASS: $1"; }
failure() { failed=$((failed + 1)); echo "FAIL: $1"; }

# --- unit tests ---------------------------------------------------------
if [ "$do_unit" = 1 ]; then
	echo "== unit tests: make -C vzctl test"
	make -C vzctl test >"$logdir/unit.log" 2>&1
	urc=$?
	cat "$logdir/unit.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$logdir/unit.log" | tail -n 1)
	if [ -n "$line" ]; then
		up=${line%% passed*}
		uf=${line#*passed, }
		uf=${uf%% failed*}
		passed=$((passed + up))
		failed=$((failed + uf))
		if [ "$urc" -ne 0 ] && [ "$uf" -eq 0 ]; then
			failure "unit tests: make -C vzctl test exited $urc"
		fi
	else
		failure "unit tests: no 'N passed, N failed' line (make exited $urc; log $logdir/unit.log)"
	fi
fi

# --- static checks: kernel style, C lint ---------------------------------
if [ "$do_unit" = 1 ]; then
	echo "== static checks: checkpatch.pl, cppcheck"
	scripts/checkpatch.sh >"$logdir/checkpatch.log" 2>&1
	cat "$logdir/checkpatch.log"
	passed=$((passed + $(grep -c '^PASS: ' "$logdir/checkpatch.log")))
	failed=$((failed + $(grep -c '^FAIL: ' "$logdir/checkpatch.log")))
	if dash -n vzmigrate/vzmigrate && shellcheck -s sh vzmigrate/vzmigrate \
		>"$logdir/shellcheck.log" 2>&1; then
		pass "dash -n, shellcheck: vzmigrate"
	else
		cat "$logdir/shellcheck.log"
		failure "dash -n, shellcheck: vzmigrate"
	fi
	if make -C vzctl lint >"$logdir/lint.log" 2>&1; then
		pass "cppcheck: vzctl"
	else
		cat "$logdir/lint.log"
		failure "cppcheck: vzctl (log $logdir/lint.log)"
	fi
fi

# --- lab tests ----------------------------------------------------------
if [ "$do_lab" = 1 ]; then
	# shellcheck source=../lab/lab.sh
	. "$repo/lab/lab.sh"
	lab_ok=1
	if [ "${VZ_NO_BUILD:-0}" != 1 ]; then
		echo "== lab images: lab/build-rootfs.sh"
		if ! lab/build-rootfs.sh >"$logdir/build-rootfs.log" 2>&1; then
			tail -n 20 "$logdir/build-rootfs.log"
			failure "lab: image build failed (log $logdir/build-rootfs.log)"
			lab_ok=0
		fi
	fi
	if [ "$lab_ok" = 1 ]; then
		echo "== lab: booting 3 nodes"
		if lab_up 3; then
			# Stop a running test file too, not only the lab.
			trap 'stop_child; lab_down; exit 130' INT
			trap 'stop_child; lab_down; exit 143' TERM
			pass "lab: 3 nodes booted"
		else
			failure "lab: boot failed (consoles in ${VZ_LAB_RUN:-?})"
			lab_ok=0
		fi
	fi
	for f in "${files[@]}"; do
		name=$(basename "$(dirname "$f")")-$(basename "$f" .sh)
		if [ "$lab_ok" != 1 ]; then
			failure "$name: not run, no lab"
			continue
		fi
		echo "== $f"
		lab_console_mark
		# In the background, so that a signal to this script is acted on at
		# once (bash runs traps only between foreground commands).
		: >"$logdir/$name.log"
		timeout "${VZ_TEST_TIMEOUT:-1200}" bash "$f" </dev/null >"$logdir/$name.log" 2>&1 &
		child=$!
		tail -n +1 -f --pid="$child" "$logdir/$name.log" &
		tailer=$!
		wait "$child"
		frc=$?
		wait "$tailer"
		child='' tailer=''
		[ "$frc" = 124 ] && failure "$name: timed out after ${VZ_TEST_TIMEOUT:-1200} s"
		fp=$(grep -c '^PASS: ' "$logdir/$name.log")
		ff=$(grep -c '^FAIL: ' "$logdir/$name.log")
		passed=$((passed + fp))
		failed=$((failed + ff))
		if [ "$frc" -ne 0 ] && [ "$ff" -eq 0 ]; then
			failure "$name: exited $frc without a FAIL line"
		fi
		if [ "$fp" -eq 0 ] && [ "$ff" -eq 0 ] && [ "$frc" -eq 0 ]; then
			failure "$name: ran no checks"
		fi
		if lab_check_consoles; then
			pass "$name: node consoles clean"
		else
			failure "$name: kernel trouble on a node console (run dir $VZ_LAB_RUN)"
		fi
	done
	if [ "$lab_ok" = 1 ]; then
		echo "== lab run dir (consoles): $VZ_LAB_RUN"
		[ "${VZ_LAB_KEEP:-0}" = 1 ] || lab_down
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
