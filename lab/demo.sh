#!/bin/bash
# lab/demo.sh: boot the lab, run VE 101 from the busybox template on node2
# with 10.77.0.101, fetch its web page from node1, tear everything down.
# Assumes the kernel and images are built (make; or lab/build-rootfs.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lab.sh
. "$here/lab.sh"

step() { printf '\n### %s\n' "$*"; }
show() { printf '%s$ %s\n' "$1" "$2"; lab_run "$1" "$2"; }

step "building/refreshing the node images"
"$here/build-rootfs.sh" >/dev/null
step "booting 3 nodes"
lab_up 3
show node2 'uname -r; hostname; ip -br addr show vzbr0'
step "VE 101 on node2"
show node2 'vzctl create 101 --ostemplate busybox'
show node2 'vzctl set 101 --ipadd 10.77.0.101 --hostname ve101 --save'
show node2 'vzctl start 101'
show node2 'vzctl status 101; vzlist'
show node2 'vzctl exec2 101 "hostname; ps"'
step "from node1"
for _ in $(seq 1 20); do
	lab_run node1 'timeout 5 busybox wget -qO- http://10.77.0.101/' >/dev/null 2>&1 && break
	sleep 1
done
show node1 'timeout 5 busybox wget -qO- http://10.77.0.101/'
step "cleaning up"
show node2 'vzctl stop 101 && vzctl destroy 101'
lab_check_consoles && echo "node consoles clean"
lab_down
