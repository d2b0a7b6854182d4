#!/bin/bash
# Root in a VE is confined (security review, "Containment"): from a VE,
# ve-escape (tests/workloads/ve-escape.c) tries what would reach the
# node: loading modules, setting the clock, raw I/O, the kernel log,
# SysRq, IRQ affinity (node-wide /proc files), swap, performance
# counters, /proc/cpt and /proc/rst, global
# sysctls, device nodes of the node, mounting the kernel's or the node's
# filesystems, remounting the VE's root (the node's /vz) read-only, a
# writable sysfs.  Each is refused, while what a distribution needs
# inside its VE works; the node is unchanged afterwards.  The VE's
# capability mask (OpenVZ's defaults, vzctl set --capability) bounds its
# tasks and what enters it; a device is the VE's only once granted (vzctl
# set --devnodes); both survive a checkpoint and restore.  reboot in a
# VE stops the VE, not the node.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=106
V2=107
cr_setup $N || { done_testing; exit 1; }
ve_cleanup $N $V $V2
vz $N create $V --ostemplate busybox
vz $N start $V
expect_eq "busybox VE $V started" "$RC" 0
# /proc/cpt and /proc/rst exist (vzcpt is loaded) and are still refused.
on $N "modprobe vzcpt && test -e /proc/cpt && test -e /proc/rst && echo loaded"
expect_eq "vzcpt is loaded on the node" "$OUT" loaded
on $N "cp $CR_NODE_DIR/ve-escape /vz/private/$V/sbin/ && cat /proc/sys/kernel/printk; date +%s; lsmod | wc -l"
node_before=$(echo "$OUT" | sed -n '1p;3p')
t_before=$(echo "$OUT" | sed -n 2p)

vz $N exec2 $V /sbin/ve-escape
echo "$OUT" | sed 's/^/# /'
attempt() {
	local name=$1 want=$2 got
	got=$(echo "$OUT" | awk -v n="$name" '$1 == n { print $2 }')
	if echo "$got" | grep -qxE "$want"; then
		ok "$name: $got"
	else
		fail "$name" "got '$got', want $want"
	fi
}
ESC=$OUT
# The lab kernel has no iopl() at all (CONFIG_X86_IOPL_IOPERM=n).
OUT=$ESC attempt iopl 'EPERM|ENOSYS'
for a in init_module clock_settime syslog sysrq proc_irq_affinity swapon proc_cpt proc_rst \
	mknod_port mknod_vda mknod_kmsg remount_root_ro mount_devtmpfs \
	mount_cgroup2 mount_ext4; do
	OUT=$ESC attempt $a EPERM
done
OUT=$ESC attempt perf_event_system 'EACCES|EPERM'
OUT=$ESC attempt mount_debugfs 'EPERM|ENODEV'
for a in sysctl_printk sysctl_drop_caches; do
	OUT=$ESC attempt $a EACCES
done
for a in sysctl_hostname sysctl_ip_forward sysctl_msgmax mknod_null open_null proc_interrupts_read \
	mount_tmpfs mount_proc mount_sysfs remount_sysfs_rw; do
	OUT=$ESC attempt $a ok
done
OUT=$ESC attempt sysfs_readonly yes
OUT=$ESC attempt sysfs_still_readonly yes

on $N "cat /proc/sys/kernel/printk; lsmod | wc -l; touch /vz/.ve-escape && rm /vz/.ve-escape && echo rw; date +%s"
expect_eq "the node's printk levels and modules are unchanged" "$(echo "$OUT" | sed -n '1,2p')" "$node_before"
expect_eq "the node's /vz is still writable" "$(echo "$OUT" | sed -n 3p)" rw
t_after=$(echo "$OUT" | sed -n 4p)
if [ $((t_after - t_before)) -ge 0 ] && [ $((t_after - t_before)) -lt 120 ]; then
	ok "the node's clock is unchanged ($((t_after - t_before)) s later)"
else
	fail "the node's clock is unchanged" "$t_before then $t_after"
fi

# The capability mask: OpenVZ's defaults, for the VE and what enters it.
# CapBnd bits: 16 SYS_MODULE, 17 SYS_RAWIO, 21 SYS_ADMIN, 25 SYS_TIME.
capbit() { echo $(( (0x$1 >> $2) & 1 )); }
vz $N exec2 $V "grep CapBnd /proc/1/status /proc/self/status"
init_bnd=$(echo "$OUT" | sed -n '1s/.*CapBnd:\t*//p')
exec_bnd=$(echo "$OUT" | sed -n '2s/.*CapBnd:\t*//p')
expect_eq "default mask: no SYS_MODULE, SYS_RAWIO, SYS_TIME; SYS_ADMIN" \
	"$(capbit "$init_bnd" 16)$(capbit "$init_bnd" 17)$(capbit "$init_bnd" 25)$(capbit "$init_bnd" 21)" 0001
expect_eq "vzctl exec runs with the VE's bounding set" "$exec_bnd" "$init_bnd"
vz $N set $V --capability sys_time:on --save
expect_match "set --capability: applied at the next start" 'applied when the VE starts' "$OUT"
vz $N restart $V
vz $N exec2 $V "grep CapBnd /proc/1/status"
bnd=${OUT##*CapBnd:}
expect_eq "sys_time:on in the config: the VE's init has SYS_TIME" "$(capbit "$(echo $bnd)" 25)" 1
on $N "grep CAPABILITY /etc/vz/conf/$V.conf"
expect_eq "the config says so" "$OUT" 'CAPABILITY="SYS_TIME:on"'
vz $N set $V --capability sys_time:off --save
vz $N set $V --capability frobnicate:on
expect_eq "unknown capability: exit 21" "$RC" 21

# reboot in a VE stops the VE.
vz $N exec $V 'reboot -f'
if wait_on $N "vzctl status $V | grep -q down" 30; then
	ok "reboot in the VE stopped the VE"
else
	fail "reboot in the VE stopped the VE" "$(ve_status $N $V)"
fi
on $N "uptime >/dev/null && echo alive"
expect_eq "the node is alive" "$OUT" alive
ve_cleanup $N $V

# Devices, on a checkpointed VE: cpu_dma_latency (10:124) reads 4 bytes.
cr_make_ve $N $V2 cr-counter && cr_start $N $V2 || { ve_cleanup $N $V2; done_testing; exit 1; }
vz $N exec2 $V2 "mknod /tmp/lat c 10 124"
expect_rc "mknod of a device not granted: refused" nonzero test "$RC" = 0
vz $N set $V2 --devnodes cpu_dma_latency:r --save
expect_eq "set --devnodes cpu_dma_latency:r" "$RC" 0
vz $N exec2 $V2 "head -c 4 /dev/cpu_dma_latency | wc -c"
expect_eq "the granted device reads in the VE" "$OUT" 4
cr_chkpnt $N $V2 "with a granted device"
cr_restore $N $V2 "with a granted device"
vz $N exec2 $V2 "head -c 4 /dev/cpu_dma_latency | wc -c; grep CapBnd /proc/1/status"
expect_eq "after restore: the device is still the VE's" "$(echo "$OUT" | head -1)" 4
bnd=${OUT##*CapBnd:}
expect_eq "after restore: the tasks keep the VE's mask (no SYS_MODULE)" "$(capbit "$(echo $bnd)" 16)" 0
vz $N set $V2 --devnodes cpu_dma_latency:none --save
vz $N exec2 $V2 "test -e /dev/cpu_dma_latency || echo gone; mknod /tmp/lat c 10 124 2>&1 || echo refused"
expect_eq "taken back: node gone, mknod refused again" "$(echo "$OUT" | grep -cE '^(gone|refused)$')" 2
cr_end $N $V2
