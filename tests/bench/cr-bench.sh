#!/bin/bash
# tests/bench/cr-bench.sh: checkpoint/restore benchmark in the lab (not a
# test: it prints a table and fails only if something does not work).
#
#   tests/bench/cr-bench.sh [MB...]          (default: 64 256 512)
#
# For each size, a VE on node2 whose init (cr-bigmem) touched that much
# memory is checkpointed in stages and restored, timed on the node itself:
# suspend, dump (to DUMPDIR, /vz/dump on the node's virtio disk), kill,
# restore (the whole vzctl restore).  Dump throughput is image bytes per
# second of CPT_DUMP, also as a fraction of the node's tmpfs write
# bandwidth measured in the same run (dd of 256 MB to /dev/shm, best of
# 3).  The restored memory is verified (untimed).
#
# Uses the running lab if there is one (VZ_LAB_RUN or runs/current),
# else boots its own (2 nodes) and tears it down at the end.  Run it
# under `flock /tmp/vz-heavy.lock` like any lab job.  VZ_NODE_MEM must
# leave room for the largest size (512 MB fits in the default 1024).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../../lab/lab.sh
. "$repo/lab/lab.sh"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64 256 512)
N=node2
V=190

own=0
if ! _lab_load >/dev/null 2>&1 || ! lab_run $N true >/dev/null 2>&1; then
	unset VZ_LAB_RUN
	echo "cr-bench: booting a lab of 2 nodes" >&2
	lab_up 2 >&2 || { echo "cr-bench: lab did not boot" >&2; exit 1; }
	own=1
fi

# lib.sh-style helpers without the PASS/FAIL counting.
ok() { :; }
fail() { echo "cr-bench: $1${2:+: $2}" >&2; bench_failed=1; }
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
bench_failed=0

cr_setup $N || exit 1

# tmpfs write bandwidth, MB/s, best of 3.
on $N 'best=0; for i in 1 2 3; do
	s=$(date +%s%N); dd if=/dev/zero of=/dev/shm/cr-bw bs=1M count=256 2>/dev/null; e=$(date +%s%N)
	rm -f /dev/shm/cr-bw
	bw=$(( 256 * 1000000000 / (e - s) )); [ $bw -gt $best ] && best=$bw
done; echo $best'
tmpfs_bw=$OUT
on $N "nproc; awk '/MemTotal/ {print int(\$2/1024)}' /proc/meminfo; uname -r"
node_info=$(echo "$OUT" | tr '\n' ' ')

rows=()
for mb in "${sizes[@]}"; do
	cr_make_ve $N $V cr-bigmem "$mb" || continue
	if ! cr_start $N $V 600; then
		ve_cleanup $N $V
		continue
	fi
	on $N "
		ns() { date +%s%N; }
		t0=\$(ns); vzctl chkpnt $V --suspend >/dev/null 2>&1 || { echo suspend failed; exit 1; }
		t1=\$(ns); vzctl chkpnt $V --dump >/dev/null 2>&1 || { vzctl chkpnt $V --resume; echo dump failed; exit 1; }
		t2=\$(ns); vzctl chkpnt $V --kill >/dev/null 2>&1 || { echo kill failed; exit 1; }
		t3=\$(ns); size=\$(stat -c %s /vz/dump/Dump.$V)
		t4=\$(ns); vzctl restore $V >/dev/null 2>&1 || { echo restore failed; exit 1; }
		t5=\$(ns)
		echo \$(( (t1 - t0) / 1000000 )) \$(( (t2 - t1) / 1000000 )) \$(( (t3 - t2) / 1000000 )) \$size \$(( (t5 - t4) / 1000000 ))"
	if [ "$RC" != 0 ]; then
		fail "$mb MB" "$OUT"
		ve_cleanup $N $V
		lab_run $N "rm -f /vz/dump/Dump.$V*" >/dev/null 2>&1
		continue
	fi
	read -r susp dump kill size rest <<<"$OUT"
	cr_round $N $V 1 check 600 "verify" >/dev/null
	verdict=$(cr_results $N $V | grep -E '^R1 (OK|FAIL) bigmem' | cut -d' ' -f2)
	rows+=("$(awk -v mb="$mb" -v size="$size" -v s="$susp" -v d="$dump" -v k="$kill" -v r="$rest" \
		-v bw="$tmpfs_bw" -v v="${verdict:-?}" 'BEGIN {
		tp = d > 0 ? size / 1048576 / (d / 1000) : 0
		printf "%8d %9.1f %9.2f %8.2f %9.1f %7.3f %8.2f %9.2f  %s", mb, size / 1048576, s / 1000, d / 1000,
			tp, (bw > 0 ? tp / bw : 0), k / 1000, r / 1000, v }')")
	vz $N stop $V
	ve_cleanup $N $V
	lab_run $N "rm -f /vz/dump/Dump.$V*" >/dev/null 2>&1
done

echo "cr-bench: node2 ($node_info), dump to /vz/dump (virtio disk), tmpfs write ${tmpfs_bw} MB/s"
printf '%8s %9s %9s %8s %9s %7s %8s %9s  %s\n' mem_MB image_MB suspend_s dump_s dump_MB/s /tmpfs kill_s restore_s verify
for r in "${rows[@]}"; do echo "$r"; done
[ "$own" = 1 ] && lab_down >&2
exit "$bench_failed"
