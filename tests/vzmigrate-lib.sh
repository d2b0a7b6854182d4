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
