#!/bin/bash
# lab/demo.sh: boot the lab, run VE 101 from the busybox template on node2
# with 10.77.0.101 and fetch its web page from node1; run VE 102 (a
# process and its child counting in memory) on node2 and migrate it online
# to node3, showing that the counts went on; tear everything down.
# Assumes the kernel, images and test workloads are built (make demo).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
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

step "VE 102 on node2: a process and its child counting in memory, logging each count"
show node2 'vzctl create 102 --ostemplate busybox'
lab_copy "$repo/build/workloads/cr-counter" node2:/vz/private/102/sbin/cr-counter
show node2 "cd /vz/private/102 && mkdir -p var/log && rm -f sbin/init && printf '#!/bin/sh\nexec /sbin/cr-counter\n' >sbin/init && chmod 755 sbin/init"
show node2 'vzctl set 102 --ipadd 10.77.0.102 --hostname ve102 --save'
show node2 'vzctl start 102'
sleep 3
show node2 'vzctl exec2 102 ps; tail -n 2 /vz/private/102/var/log/cr-counter.log'
show node1 'busybox ping -c 1 -W 2 10.77.0.102 | grep -E "bytes from|loss"'
step "online migration of VE 102 from node2 to node3"
show node2 'vzmigrate --online --ssh-mux -v -t node3 102'
step "VE 102 on node3: same processes, counts went on"
show node3 'vzlist; vzctl exec2 102 ps'
show node2 'vzctl status 102'
sleep 1
# Each line is "P|C count wall_ms": no count may be missing or repeated.
# shellcheck disable=SC2016
gaps='{ if ($2 != last[$1] + 1) bad++; if (t[$1] && $3 - t[$1] > gap) gap = $3 - t[$1]
	last[$1] = $2; t[$1] = $3 }
END { printf "counts: parent %d, child %d; missing or repeated: %d; longest pause: %d ms\n", last["P"], last["C"], bad, gap }'
show node3 "awk '$gaps' /vz/private/102/var/log/cr-counter.log"
show node1 'busybox ping -c 1 -W 2 10.77.0.102 | grep -E "bytes from|loss"'

step "cleaning up"
show node2 'vzctl stop 101 && vzctl destroy 101'
show node3 'vzctl stop 102 && vzctl destroy 102'
lab_check_consoles && echo "node consoles clean"
lab_down
