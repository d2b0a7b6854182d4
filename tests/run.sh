#!/bin/bash
# tests/run.sh: the test runner behind `make check`.
#
#   tests/run.sh [--unit-only | --lab-only | --no-debug | --debug-only]
#                [--debug tests/lab/FAMILY/NN-name.sh ...]
#                [tests/lab/FAMILY/NN-name.sh ...]
#
# 1. Unit tests: `make -C vzctl test`, counted from its final
#    "N passed, N failed" line; checkpatch, shellcheck, cppcheck.
# 2. Lab tests: builds/refreshes the node images (lab/build-rootfs.sh, cheap
#    when nothing changed; skip with VZ_NO_BUILD=1), boots one lab of 3 nodes
#    and runs every tests/lab/{ve,cr,migrate}/*.sh (or the files given)
#    against it, one after the other.  After each file the node consoles are
#    checked: a kernel warning, oops or unexpected reboot fails that file.
#    A lab that does not boot is a failure, never a skip.  Test files live
#    in one folder per family, run in this order: ve/ (VE lifecycle), cr/
#    (checkpoint and restore, one file per resource), migrate/ (vzmigrate).
# 3. Debug lab: the debug kernel (kernel/config/debug.config: KASAN,
#    lockdep, kmemleak, DEBUG_LIST, ...; built in the background at idle
#    priority from the start) with panic_on_warn, 2 nodes, its own images;
#    runs tests/lab/debug/01-debug-kernel.sh, then the hostile-image and
#    hardening tests and the fuzzer (tests/lab/debug/), a checkpoint/
#    restore subset, or the --debug files given, then the kmemleak scan
#    (tests/lab/debug/99-kmemleak.sh).  Only when no file is given, or
#    with --debug.
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

do_debug=1
debug_files=()
while [ $# -gt 0 ]; do
	case $1 in
	--unit-only) do_lab=0; do_debug=0 ;;
	--lab-only) do_unit=0 ;;
	--no-debug) do_debug=0 ;;
	--debug-only) do_unit=0; do_lab=0 ;;
	--debug) shift; debug_files+=("$1") ;;
	-h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) files+=("$1") ;;
	esac
	shift
done
if [ ${#files[@]} -eq 0 ] && [ ${#debug_files[@]} -eq 0 ]; then
	files=(tests/lab/ve/*.sh tests/lab/cr/*.sh tests/lab/migrate/*.sh)
	# On the debug kernel: the hardening tests (only there: debug/) and
	# the fuzzer, whose seeds are a checkpoint and a restore of every
	# workload on this kernel.  01- and 99- come first and last anyway.
	debug_files=(tests/lab/debug/[1-8]*.sh)
fi

logdir=${VZ_TEST_LOGS:-$repo/build/test-logs}
mkdir -p "$logdir"

child=
tailer=
stop_child() {
	# Never a bare "wait": the lab's node supervisors are our children too.
	if [ -n "$child" ]; then kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
	if [ -n "$tailer" ]; then kill "$tailer" 2>/dev/null; wait "$tailer" 2>/dev/null; fi
	if [ -n "$debug_build" ]; then kill -- "-$debug_build" 2>/dev/null; wait "$debug_build" 2>/dev/null; fi
}

pass() { passed=$((passed + 1)); echo "PASS: $1"; }
failure() { failed=$((failed + 1)); echo "FAIL: $1"; }

# --- the debug kernel, built while the rest runs -------------------------
# A cold build takes as long as the main lab's tests; at idle priority it
# uses only the CPU time the lab's nodes leave, and the debug lab waits
# for it.  Its log: $logdir/build-kernel-debug.log.
debug_build=
if [ "$do_debug" = 1 ] && [ ${#debug_files[@]} -gt 0 ] && [ "${VZ_NO_BUILD:-0}" != 1 ]; then
	# Its own process group, so that an interrupt stops all of make.
	setsid nice -n 19 chrt --idle 0 scripts/build-kernel.sh debug \
		>"$logdir/build-kernel-debug.log" 2>&1 </dev/null &
	debug_build=$!
fi
trap 'stop_child; exit 130' INT
trap 'stop_child; exit 143' TERM

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

# run_lab PHASE NODES FILE...: boot a lab of NODES nodes on the images of
# $VZ_LAB_IMAGES, run the files one after the other against it, check
# the consoles after each, tear it down.  PHASE prefixes the names.
run_lab() {
	local phase=$1 nodes=$2 f name frc fp ff t0 lab_ok=1
	shift 2
	echo "== $phase lab: booting $nodes nodes"
	if lab_up "$nodes"; then
		# Stop a running test file too, not only the lab.
		trap 'stop_child; lab_down; exit 130' INT
		trap 'stop_child; lab_down; exit 143' TERM
		pass "$phase lab: $nodes nodes booted"
	else
		failure "$phase lab: boot failed (consoles in ${VZ_LAB_RUN:-?})"
		lab_ok=0
	fi
	for f in "$@"; do
		name=$phase$(basename "$(dirname "$f")")-$(basename "$f" .sh)
		if [ "$lab_ok" != 1 ]; then
			failure "$name: not run, no lab"
			continue
		fi
		echo "== $phase$f"
		t0=$SECONDS
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
		# Where the time goes: make check has a budget (README).
		echo "== $phase$f: $((SECONDS - t0)) s"
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
		echo "== $phase lab run dir (consoles): $VZ_LAB_RUN"
		[ "${VZ_LAB_KEEP:-0}" = 1 ] || lab_down
	fi
	trap 'stop_child; exit 130' INT
	trap 'stop_child; exit 143' TERM
}

# build_images WHAT CMD...: a build step of the lab's; a failure is one.
build_images() {
	local what=$1 log=$logdir/build-$1.log
	shift
	[ "${VZ_NO_BUILD:-0}" = 1 ] && return 0
	echo "== lab images: $what"
	if ! "$@" >"$log" 2>&1; then
		tail -n 20 "$log"
		failure "lab: $what failed (log $log)"
		return 1
	fi
}

if [ "$do_lab" = 1 ] || [ "$do_debug" = 1 ]; then
	# shellcheck source=../lab/lab.sh
	. "$repo/lab/lab.sh"
	cache=${VZ_CACHE:-/var/cache/vzlab}
fi
if [ "$do_lab" = 1 ] && [ ${#files[@]} -gt 0 ]; then
	if build_images rootfs lab/build-rootfs.sh; then
		VZ_LAB_IMAGES=$cache/lab/current run_lab "" 3 "${files[@]}"
	fi
fi
# The debug kernel: hostile images, hardening, a checkpoint/restore
# subset and the fuzzer, then a kmemleak scan, on a lab whose kernel has
# KASAN, lockdep, kmemleak and friends and panics on any warning.
# wait_debug_build: the background build's outcome, as a build step.
wait_debug_build() {
	local rc
	[ -n "$debug_build" ] || return 0
	echo "== debug kernel: waiting for its build (log $logdir/build-kernel-debug.log)"
	wait "$debug_build"
	rc=$?
	debug_build=
	tail -n 3 "$logdir/build-kernel-debug.log"
	[ "$rc" = 0 ] && return 0
	failure "lab: debug kernel build failed (log $logdir/build-kernel-debug.log)"
	return 1
}
if [ "$do_debug" = 1 ] && [ ${#debug_files[@]} -gt 0 ]; then
	if wait_debug_build &&
		build_images rootfs-debug env VZ_KERNEL_DIR="$cache/kernel/out-debug" \
			VZ_LAB_LINK=current-debug lab/build-rootfs.sh; then
		# debug_pagealloc and slub_debug are compiled in (debug.config)
		# but off: under TCG they made this kernel several times slower
		# again, and KASAN finds the same bugs.
		VZ_LAB_IMAGES=$cache/lab/current-debug VZ_NODE_MEM=${VZ_DEBUG_NODE_MEM:-1536} \
			VZ_KERNEL_APPEND="panic_on_warn=1 debug_pagealloc=off slub_debug=- ${VZ_DEBUG_APPEND:-}" \
			run_lab debug- "${VZ_DEBUG_NODES:-2}" tests/lab/debug/01-debug-kernel.sh \
			"${debug_files[@]}" tests/lab/debug/99-kmemleak.sh
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
