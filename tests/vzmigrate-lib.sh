#!/bin/bash
# tests/vzmigrate-lib.sh: helpers for the vzmigrate lab tests
# (tests/lab/70-vzmigrate.sh, 72-vzmigrate-faults.sh,
# tests/bench/migrate-bench.sh).  Source after tests/lib.sh and
# tests/cr-lib.sh.
#
#   mig_setup NODE...           install vzmigrate from the working tree as
#                               /usr/sbin/vzmigrate on the nodes (until the
#                               node image carries it)
#   mig_clean VEID NODE...      no trace of the VE on the nodes
#   mig_pids NODE VEID          "pid ppid comm" of the VE's cr-* processes,
#                               sorted, as seen inside the VE
#   mig_nothing_on NODE VEID LABEL
#                               checks: no config, private area, dump, veth,
#                               running VE of VEID on NODE
#   mig_listing NODE            a listing of /etc/vz and /vz (names, sizes of
#                               everything but the VEs' private areas)
#   mig_counter_ve SRC DST VEID IP
#                               a running cr-counter VE with that address on
#                               SRC, nothing of it on DST; its processes in
#                               $MIG_PIDS0, MIG_ROUND=1
#   mig_intact SRC DST VEID LABEL
#                               after a failed migration: the VE still runs
#                               on SRC with the same processes, counting on
#                               with no gap, nothing of it left on DST, no
#                               dump, lock or context on SRC

MIG_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MIG_SCRIPT=$MIG_REPO/vzmigrate/vzmigrate

mig_setup() {
	local node out
	for node in "$@"; do
		if ! out=$(lab_copy "$MIG_SCRIPT" "$node:/usr/sbin/vzmigrate" 2>&1 &&
			lab_run "$node" "chmod 755 /usr/sbin/vzmigrate" 2>&1); then
			fail "vzmigrate installed on $node" "$out"
			return 1
		fi
	done
	return 0
}

mig_clean() {
	local v=$1 node
	shift
	for node in "$@"; do
		ve_cleanup "$node" "$v"
		lab_run "$node" "vzctl restore $v --kill; vzctl chkpnt $v --resume; vzctl stop $v --fast; vzctl destroy $v
			rm -rf /vz/private/$v /vz/dump/Dump.$v* /vz/dump/.Dump.$v* /vz/lock/$v.vzmigrate.lck /etc/vz/conf/$v.conf*" >/dev/null 2>&1
	done
	return 0
}

mig_pids() {
	lab_run "$1" "vzctl exec2 $2 'cat /proc/[0-9]*/stat 2>/dev/null'" 2>/dev/null |
		awk '$2 ~ /^\(cr-/ { print $1, $4, $2 }' | sort -n | tr '\n' ' '
}

mig_nothing_on() {
	local node=$1 v=$2 label=$3
	on "$node" "ls -d /etc/vz/conf/$v.conf /vz/private/$v /vz/dump/Dump.$v* /vz/dump/.Dump.$v* 2>/dev/null; ip -o link show 2>/dev/null | grep -o 'veth$v\.0'; true"
	expect_eq "$label: nothing of VE $v left on $node" "$OUT" ""
	expect_eq "$label: VE $v not on $node" "$(ve_status "$node" "$v")" "deleted unmounted down"
}

mig_listing() {
	lab_run "$1" "find /etc/vz /vz -xdev \\( -path '/vz/private/*/*' -o -path '/vz/root/*/*' \\) -prune -o -printf '%p %s %m\\n' 2>/dev/null | grep -v '^/vz/lost+found' | sort; lsmod | awk 'NR > 1 { print \$1 }' | sort | tr '\\n' ' '" 2>&1
}

mig_counter_ve() {
	local src=$1 dst=$2 v=$3 ip=$4
	mig_clean "$v" "$src" "$dst"
	mig_setup "$src" "$dst" || return 1
	cr_setup "$src" "$dst" || return 1
	cr_make_ve "$src" "$v" cr-counter || return 1
	vz "$src" set "$v" --ipadd "$ip" --hostname "ve$v" --save
	expect_eq "set --ipadd" "$RC" 0
	cr_start "$src" "$v" || { mig_clean "$v" "$src" "$dst"; return 1; }
	MIG_PIDS0=$(mig_pids "$src" "$v")
	expect_match "two cr-counter processes on $src ($MIG_PIDS0)" '^1 0 \(cr-counter\) [0-9]+ 1 \(cr-counter\) $' "$MIG_PIDS0"
	MIG_ROUND=1
}

mig_intact() {
	local src=$1 dst=$2 v=$3 label=$4
	expect_eq "$label: VE still running on $src" "$(ve_status "$src" "$v")" "exist mounted running"
	expect_eq "$label: same processes on $src" "$(mig_pids "$src" "$v")" "$MIG_PIDS0"
	MIG_ROUND=$((MIG_ROUND + 1))
	cr_round "$src" "$v" "$MIG_ROUND" check 60 "$label"
	cr_counter_check "$src" "$v" "$label"
	mig_nothing_on "$dst" "$v" "$label"
	on "$src" "ls /vz/dump /vz/lock | grep -c '$v\.'"
	expect_eq "$label: no dump or lock left on $src" "$OUT" 0
	on "$src" "cat /proc/cpt"
	expect_no_match "$label: no checkpoint context left on $src" "^[0-9]+ $v " "$OUT"
}
