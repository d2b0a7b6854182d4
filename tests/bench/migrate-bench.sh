#!/bin/bash
# tests/bench/migrate-bench.sh: migration benchmark in the lab (not a test:
# it prints a table and fails only if something does not work).
#
#   tests/bench/migrate-bench.sh [MB...]          (default: 64 256)
#
# For each size, a VE on node2 whose init (cr-bigmem) touched that much
# memory is migrated online to node3 with `vzmigrate --online -t`, once
# with a fresh ssh connection per step and once with --ssh-mux; the
# table shows vzmigrate's own breakdown of the time the VE was frozen
# (suspend+dump, second rsync, dump copy, undump+resume, total), the
# whole command's wall time and the dump size.  Then a VE with 64 MB is
# migrated offline (stop, rsync, start) and its downtime shown.  The
# migrated memory is verified (untimed).
#
# Uses the running lab if there is one (VZ_LAB_RUN or runs/current),
# else boots its own (3 nodes) and tears it down at the end.  Run it
# under `flock /tmp/vz-heavy.lock` like any lab job.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../../lab/lab.sh
. "$repo/lab/lab.sh"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64 256)
A=node2
B=node3
V=191

own=0
if ! _lab_load >/dev/null 2>&1 || ! lab_run $B true >/dev/null 2>&1; then
	unset VZ_LAB_RUN
	echo "migrate-bench: booting a lab of 3 nodes" >&2
	lab_up 3 >&2 || { echo "migrate-bench: lab did not boot" >&2; exit 1; }
	own=1
fi

# lib.sh-style helpers without the PASS/FAIL counting.
ok() { :; }
fail() { echo "migrate-bench: $1${2:+: $2}" >&2; bench_failed=1; }
on() { OUT=$(lab_run "$@" 2>&1); RC=$?; return 0; }
vz() { local node=$1; shift; on "$node" vzctl "$@"; }
ve_status() { lab_run "$1" vzctl status "$2" 2>/dev/null | sed -n 's/^VEID [0-9]* //p' | tail -n 1; }
ve_cleanup() {
	local node=$1 v; shift
	for v in "$@"; do lab_run "$node" "vzctl stop $v; vzctl destroy $v; rm -f /etc/vz/conf/$v.conf*" >/dev/null 2>&1; done
	return 0
}
expect_eq() { [ "$2" = "$3" ] || fail "$1" "got '$2', want '$3'"; }
expect_match() { printf '%s\n' "$3" | grep -Eq -- "$2" || fail "$1" "'$3'"; }
# shellcheck source=../cr-lib.sh
. "$repo/tests/cr-lib.sh"
# shellcheck source=../vzmigrate-lib.sh
. "$repo/tests/vzmigrate-lib.sh"
bench_failed=0

mig_setup $A $B || exit 1
cr_setup $A $B || exit 1

rows=()
round=1
row() { rows+=("$(printf '%-16s %8s %8s %8s %8s %8s %9s %6s' "$@")"); echo "row: ${rows[-1]}" >&2; }

# bench_online MB LABEL [VZMIGRATE OPTIONS...]
bench_online() {
	local mb=$1 label=$2 line sd r2 dc ur tot wall verdict s
	shift 2
	mig_clean $V $A $B
	if ! cr_make_ve $A $V cr-bigmem "$mb" || ! cr_start $A $V 300; then
		fail "$label: VE did not start"
		return
	fi
	s=$(date +%s%N)
	on $A "vzmigrate --online -t $* $B $V"
	wall=$(( ($(date +%s%N) - s) / 1000000 ))
	if [ "$RC" != 0 ]; then
		fail "$label: vzmigrate --online failed (rc $RC)" "$OUT"
		return
	fi
	line=$(echo "$OUT" | grep '^Frozen time')
	read -r sd r2 dc ur tot <<<"$(echo "$line" | sed -E 's/.*suspend\+dump ([0-9]+), second rsync ([0-9]+), dump copy ([0-9]+), undump\+resume ([0-9]+), total ([0-9]+).*/\1 \2 \3 \4 \5/')"
	round=$((round + 1))
	cr_round $B $V $round check 300 "$label after migration"
	verdict=ok
	cr_results $B $V | grep -q "^R$round OK" || verdict=BAD
	row "$label" "$sd" "$r2" "$dc" "$ur" "$tot" "$wall" "$verdict"
	vz $B stop $V
	mig_clean $V $A $B
}

for mb in "${sizes[@]}"; do
	bench_online "$mb" "online ${mb}M"
	bench_online "$mb" "online ${mb}M mux" --ssh-mux
done

# Offline: stop, rsync, start.
mb=64
if cr_make_ve $A $V cr-bigmem $mb && cr_start $A $V 300; then
	s=$(date +%s%N)
	on $A "vzmigrate -t $B $V"
	wall=$(( ($(date +%s%N) - s) / 1000000 ))
	if [ "$RC" = 0 ]; then
		line=$(echo "$OUT" | grep '^Downtime')
		read -r r2 st tot <<<"$(echo "$line" | sed -E 's/.*second rsync ([0-9]+), start ([0-9]+), total ([0-9]+).*/\1 \2 \3/')"
		# The downtime ends when the VE's init is ready again.
		verdict=ok
		cr_wait_line $B $V '^R0 READY' 300 || verdict=BAD
		row "offline ${mb}M" "-" "$r2" "-" "$st" "$tot" "$wall" "$verdict"
	else
		fail "offline: vzmigrate failed (rc $RC)" "$OUT"
	fi
	vz $B stop $V
fi
mig_clean $V $A $B

echo
echo "vzmigrate $A -> $B, times in ms (vzmigrate -t; wall = whole command)"
printf '%-16s %8s %8s %8s %8s %8s %9s %6s\n' "" "susp+dmp" "rsync2" "dumpcopy" "undmp+rs" "frozen" "wall" "check"
for r in "${rows[@]}"; do echo "$r"; done
echo "(offline row: rsync2 runs after the stop, undmp+rs column is the remote start, frozen = downtime from stop to started)"

[ "$own" = 1 ] && lab_down >&2
exit "$bench_failed"
