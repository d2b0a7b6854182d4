#!/bin/bash
# lab/demo.sh: boot the lab, run VE 101 from the busybox template on node2
# with 10.77.0.101 and fetch its web page from node1; then migrate a
# running VE online from node2 to node3 while node1 pings it, and show it
# went on counting where it was; tear everything down.
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
show node2 'vzctl stop 101 && vzctl destroy 101'

# A VE whose init counts (with a child) in memory and logs each count:
# it holds no sockets or pipes, which checkpointing does not support yet.
step "VE 102 on node2: a counting workload as its init"
make -s -C "$here/../tests/workloads" O="$here/../build/workloads" cr-counter
lab_copy "$here/../build/workloads/cr-counter" node2:/tmp/cr-counter
show node2 'vzctl create 102 --ostemplate busybox >/dev/null &&
	cp /tmp/cr-counter /vz/private/102/sbin/cr-counter &&
	printf "#!/bin/sh\nexec /sbin/cr-counter\n" >/vz/private/102/sbin/init &&
	vzctl set 102 --ipadd 10.77.0.102 --hostname counter --save >/dev/null &&
	vzctl start 102 >/dev/null && echo VE 102 started'
sleep 3
show node2 'vzctl exec2 102 ps; tail -n 2 /vz/private/102/var/log/cr-counter.log'
step "online migration node2 -> node3 (node1 pings the VE all along)"
lab_run node1 'ping -i 0.2 -w 60 10.77.0.102 >/tmp/ping.log 2>&1 &'
show node2 'vzmigrate --online --ssh-mux -t node3 102'
sleep 2
show node3 'vzctl status 102; vzctl exec2 102 ps; tail -n 2 /vz/private/102/var/log/cr-counter.log'
show node1 'pkill ping; tail -n 3 /tmp/ping.log'
step "cleaning up"
show node3 'vzctl stop 102 >/dev/null && vzctl destroy 102 >/dev/null; echo done'
lab_check_consoles && echo "node consoles clean"
lab_down
