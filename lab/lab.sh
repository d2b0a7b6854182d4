#!/bin/bash
# lab.sh: the QEMU test lab harness.
#
# Boots N lab nodes (TCG by default) on a private bridge inside a network
# namespace of their own, and drives them over ssh.  See
# Documentation/lab.md.
#
# As a library (source it from bash):
#   lab_up N            boot node1..nodeN in parallel, wait for ssh
#   lab_run NODE CMD..  run a command on a node as root (exit status passed on;
#                       one argument = a shell command line, several = argv)
#   lab_copy SRC.. DEST scp between host and nodes ("node2:/path" for nodes)
#   lab_reboot NODE     reboot a node from inside, wait until it is back
#   lab_check_consoles  fail if any console shows a kernel oops/warning/...
#   lab_console_mark    later checks only look at console output after this
#   lab_down            power off, kill, remove taps, netns, overlays
# An owner (the process that called lab_up) tears the lab down from its
# EXIT/INT/TERM trap.  Other processes attach to a running lab with
# VZ_LAB_RUN=<run dir> (exported by lab_up) and never tear it down.
#
# As a command:
#   lab/lab.sh up [N]        boot and leave running (prints the run dir)
#   lab/lab.sh run NODE CMD  run on the lab started by "up"
#   lab/lab.sh ssh NODE      interactive shell on a node
#   lab/lab.sh copy SRC DEST
#   lab/lab.sh reboot NODE
#   lab/lab.sh check         console check
#   lab/lab.sh console NODE  print a node's console log
#   lab/lab.sh down
#
# Environment: VZ_CACHE (/var/cache/vzlab), VZ_KVM=1 (use KVM; never
# detected automatically), VZ_NODE_MEM (MiB per node, 1024),
# VZ_BOOT_TIMEOUT (s, 600), VZ_LAB_IMAGES (image dir, $VZ_CACHE/lab/current),
# VZ_KERNEL_APPEND (more kernel command line, e.g. panic_on_warn=1),
# VZ_LAB_NETNS (netns name, vzlab-<pid>), VZ_LAB_KEEP=1 (owner leaves the lab
# running on exit, for debugging), VZ_LAB_QEMU_RESET=1 (guest reboots reset
# inside the same QEMU instead of a fresh one), VZ_QEMU_MACHINE (q35).

LAB_CACHE=${VZ_CACHE:-/var/cache/vzlab}
LAB_SH=$(readlink -f "${BASH_SOURCE[0]}")
LAB_SUBNET=10.77.0
LAB_HOST_IP=$LAB_SUBNET.1

lab_log() { echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $*" >&2; return 1; }

# --- state --------------------------------------------------------------
# A run directory holds everything of one lab: env (netns, images, node
# count), per node console log, overlays, pid file.  $VZ_LAB_RUN points to it.

_lab_load() {
	local -; set +eu	# callers may run with set -eu
	[ -n "${VZ_LAB_RUN:-}" ] || {
		[ -L "$LAB_CACHE/lab/runs/current" ] && VZ_LAB_RUN=$(readlink -f "$LAB_CACHE/lab/runs/current")
	}
	[ -n "${VZ_LAB_RUN:-}" ] && [ -r "$VZ_LAB_RUN/env" ] || {
		lab_die "no running lab (VZ_LAB_RUN unset and no $LAB_CACHE/lab/runs/current)"
		return 1
	}
	# shellcheck disable=SC1091
	. "$VZ_LAB_RUN/env"
}

# node2 | 2 -> 2
_lab_idx() {
	local n=${1#node}
	case $n in
	'' | *[!0-9]*) lab_die "bad node name '$1'"; return 1 ;;
	esac
	echo "$n"
}

lab_node_ip() { local i; i=$(_lab_idx "$1") || return 1; echo "$LAB_SUBNET.$((10 + i))"; }

_lab_ssh_opts() {
	LAB_SSH_OPTS=(-i "$LAB_IMAGES/id_ed25519" -o BatchMode=yes
		-o StrictHostKeyChecking=yes -o UserKnownHostsFile="$LAB_IMAGES/known_hosts"
		-o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=10
		-o ServerAliveInterval=5 -o ServerAliveCountMax=6 -o LogLevel=ERROR
		-o ControlMaster=no -o ControlPath="$VZ_LAB_RUN/ssh-%h")
}

# Count of "node ready" markers in a node's console (one per boot).
_lab_ready_count() {
	grep -c '^vzlab: node ready' "$VZ_LAB_RUN/node$1.console" 2>/dev/null || true
}

_lab_console_tail() {
	local f=$VZ_LAB_RUN/node$1.console
	echo "---- last lines of $f ----" >&2
	tail -n "${2:-40}" "$f" >&2 2>/dev/null
	echo "---- end of node$1 console ----" >&2
}

# --- boot ---------------------------------------------------------------

# QEMU for node I, in the foreground.  -no-reboot: a guest reboot (or a
# panic, panic=-1) ends this QEMU and _lab_supervise starts a fresh one on
# the same disks.  Resetting inside one QEMU works too (VZ_LAB_QEMU_RESET=1)
# but under TCG the reset gets slower the longer the guest ran (we measured
# 10 s to 110 s before the new kernel printed anything; stale translated
# code?), while a fresh QEMU boots in about 5 s.
_lab_qemu() {
	local i=$1 run=$VZ_LAB_RUN accel mac noreboot=-no-reboot
	mac=$(printf '52:54:00:77:00:%02x' "$i")
	if [ "${VZ_KVM:-0}" = 1 ]; then accel=kvm; else accel=tcg; fi
	[ "${VZ_LAB_QEMU_RESET:-0}" = 1 ] && noreboot=
	ip netns exec "$LAB_NETNS" qemu-system-x86_64 \
		-name "vzlab-node$i" -no-user-config -nodefaults $noreboot \
		-machine "${VZ_QEMU_MACHINE:-q35},accel=$accel" -cpu max -smp 1 -m "${LAB_MEM:-1024}" \
		-display none -pidfile "$run/node$i.pid" \
		-chardev "file,id=con,path=$run/node$i.console,append=on" -serial chardev:con \
		-qmp "unix:$run/node$i.qmp,server=on,wait=off" \
		-kernel "$LAB_IMAGES/bzImage" \
		-append "console=ttyS0 root=/dev/vda rw rootfstype=ext4 init=/sbin/node-init panic=-1 loglevel=6 vzlab.name=node$i vzlab.ip=$LAB_SUBNET.$((10 + i))/24${LAB_APPEND:+ $LAB_APPEND}" \
		-drive "file=$run/node$i.root.qcow2,format=qcow2,if=virtio,cache=unsafe" \
		-drive "file=$run/node$i.vz.qcow2,format=qcow2,if=virtio,cache=unsafe" \
		-netdev "tap,id=n0,ifname=tap$i,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$mac,romfile=" \
		-device virtio-rng-pci \
		</dev/null
}

# Console output of node I's current boot.
_lab_last_boot() {
	awk '/Linux version /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' \
		"$VZ_LAB_RUN/node$1.console" 2>/dev/null
}

# Runs (detached, via "lab.sh _supervise I") as long as node I lives: starts
# QEMU again whenever the guest reset itself (reboot, panic) and stops when
# the guest powered off, QEMU failed, or lab_down asked (node$I.stop).
_lab_supervise() {
	local i=$1 rc
	_lab_load || exit 1
	set +eu
	while :; do
		echo "lab: node$i: starting qemu $(date +%T)"
		_lab_qemu "$i"
		rc=$?
		echo "lab: node$i: qemu exited $rc $(date +%T)"
		[ -e "$VZ_LAB_RUN/node$i.stop" ] && break
		[ "$rc" = 0 ] || break
		_lab_last_boot "$i" | grep -aq 'reboot: Power down' && break
		# A reset: reboot (or panic); same disks, fresh QEMU.
	done
	rm -f "$VZ_LAB_RUN/node$i.sup"
}

_lab_start_node() {
	local -; set +eu	# callers may run with set -eu
	local i=$1 run=$VZ_LAB_RUN sup

	qemu-img create -q -f qcow2 -F raw -b "$LAB_IMAGES/root.img" "$run/node$i.root.qcow2" || return 1
	qemu-img create -q -f qcow2 -F raw -b "$LAB_IMAGES/vz.img" "$run/node$i.vz.qcow2" || return 1
	ip -n "$LAB_NETNS" tuntap add dev "tap$i" mode tap || return 1
	ip -n "$LAB_NETNS" link set "tap$i" master br0 up || return 1
	: >"$run/node$i.console"
	rm -f "$run/node$i.stop"
	echo 1 >"$run/node$i.boots"

	# Own session: a ^C meant for the caller does not hit the nodes; the
	# owner's traps tear them down.
	VZ_LAB_RUN=$run setsid "$LAB_SH" _supervise "$i" </dev/null >>"$run/node$i.qemu.log" 2>&1 &
	sup=$!
	echo "$sup" >"$run/node$i.sup"
	for _ in $(seq 1 100); do
		[ -s "$run/node$i.pid" ] && return 0
		kill -0 "$sup" 2>/dev/null || break
		sleep 0.1
	done
	cat "$run/node$i.qemu.log" >&2
	lab_die "qemu for node$i failed to start"
	return 1
}

# Wait until node I has printed its ready marker number WANT and answers ssh.
_lab_wait_node() {
	local -; set +eu	# callers may run with set -eu
	local i=$1 want=$2 deadline=$3 ip pid
	ip=$LAB_SUBNET.$((10 + i))
	while :; do
		if [ "$(_lab_ready_count "$i")" -ge "$want" ]; then
			if grep '^vzlab: node ready' "$VZ_LAB_RUN/node$i.console" | tail -n 1 | grep -q 'rc-errors=yes'; then
				_lab_console_tail "$i"
				lab_die "node$i: its rc script reported errors"
				return 1
			fi
			if lab_run "node$i" true >/dev/null 2>&1; then
				return 0
			fi
		fi
		pid=$(cat "$VZ_LAB_RUN/node$i.sup" 2>/dev/null)
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
			_lab_console_tail "$i"
			lab_die "node$i: qemu is gone (console: $VZ_LAB_RUN/node$i.console, log: $VZ_LAB_RUN/node$i.qemu.log)"
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			_lab_console_tail "$i"
			lab_die "node$i: not up after ${VZ_BOOT_TIMEOUT:-600} s (console: $VZ_LAB_RUN/node$i.console)"
			return 1
		fi
		sleep 1
	done
}

# lab_up N: boot node1..nodeN; the caller becomes the owner (traps tear down).
lab_up() {
	local -; set +eu	# callers may run with set -eu
	local n=${1:-3} i start deadline id
	command -v qemu-system-x86_64 >/dev/null || { lab_die "qemu-system-x86_64 missing (make deps)"; return 1; }
	LAB_IMAGES=${VZ_LAB_IMAGES:-$LAB_CACHE/lab/current}
	LAB_IMAGES=$(readlink -f "$LAB_IMAGES")
	[ -e "$LAB_IMAGES/.complete" ] || { lab_die "no lab images in $LAB_IMAGES (run lab/build-rootfs.sh)"; return 1; }
	if [ -z "${VZ_LAB_IMAGES:-}" ] && [ -r "$LAB_CACHE/kernel/out-lab/version" ] &&
		! cmp -s "$LAB_CACHE/kernel/out-lab/bzImage" "$LAB_IMAGES/bzImage"; then
		lab_log "WARNING: images were built with another kernel than $LAB_CACHE/kernel/out-lab; run lab/build-rootfs.sh"
	fi
	id=$(date +%Y%m%d-%H%M%S)-$$
	LAB_NETNS=${VZ_LAB_NETNS:-vzlab-$$}
	VZ_LAB_RUN=$LAB_CACHE/lab/runs/$id
	LAB_NODES=$n
	LAB_OWNER=$$
	export VZ_LAB_RUN
	mkdir -p "$VZ_LAB_RUN"
	cat >"$VZ_LAB_RUN/env" <<-EOF
		LAB_NETNS=$LAB_NETNS
		LAB_IMAGES=$LAB_IMAGES
		LAB_NODES=$LAB_NODES
		LAB_OWNER=$LAB_OWNER
		LAB_APPEND='${VZ_KERNEL_APPEND:-}'
		LAB_MEM=${VZ_NODE_MEM:-1024}
	EOF
	ln -sfn "$id" "$LAB_CACHE/lab/runs/current"
	_lab_prune_runs
	_LAB_OWNED=1
	trap 'lab_down; exit 130' INT
	trap 'lab_down; exit 143' TERM
	trap '_lab_exit_trap' EXIT

	lab_log "run dir $VZ_LAB_RUN, netns $LAB_NETNS, images $LAB_IMAGES"
	ip netns add "$LAB_NETNS" || { lab_die "cannot create netns $LAB_NETNS"; return 1; }
	ip -n "$LAB_NETNS" link set lo up
	ip -n "$LAB_NETNS" link add br0 type bridge forward_delay 0 stp_state 0
	ip -n "$LAB_NETNS" addr add "$LAB_HOST_IP/24" dev br0
	ip -n "$LAB_NETNS" link set br0 up

	start=$SECONDS
	for i in $(seq 1 "$n"); do
		_lab_start_node "$i" || { lab_down; return 1; }
	done
	deadline=$((SECONDS + ${VZ_BOOT_TIMEOUT:-600}))
	for i in $(seq 1 "$n"); do
		if ! _lab_wait_node "$i" 1 "$deadline"; then
			lab_log "boot failed; consoles kept in $VZ_LAB_RUN"
			lab_down
			return 1
		fi
		lab_log "node$i up after $((SECONDS - start)) s"
	done
	_lab_ssh_master_all
	lab_log "lab of $n nodes up in $((SECONDS - start)) s"
}

# One persistent ssh connection per node makes each lab_run cheap (an ssh
# handshake costs about a second under TCG).  Optional: without a master,
# ssh falls back to a fresh connection.
_lab_ssh_master() {
	local -; set +eu	# callers may run with set -eu
	local ip
	ip=$(lab_node_ip "$1") || return 1
	_lab_ssh_opts
	ip netns exec "$LAB_NETNS" ssh "${LAB_SSH_OPTS[@]}" -o ControlMaster=yes \
		-o ControlPersist=yes -M -N -f "root@$ip" </dev/null >/dev/null 2>&1 || true
}
_lab_ssh_master_all() {
	local i
	for i in $(seq 1 "$LAB_NODES"); do _lab_ssh_master "$i"; done
}
_lab_ssh_master_stop() {
	local -; set +eu	# callers may run with set -eu
	local ip
	ip=$(lab_node_ip "$1") || return 0
	_lab_ssh_opts
	[ -S "$VZ_LAB_RUN/ssh-$ip" ] &&
		ip netns exec "$LAB_NETNS" ssh "${LAB_SSH_OPTS[@]}" -O exit "root@$ip" >/dev/null 2>&1
	rm -f "$VZ_LAB_RUN/ssh-$ip"
}

_lab_prune_runs() {
	local -; set +eu	# callers may run with set -eu
	# Keep the 10 newest run dirs (consoles of earlier runs for post-mortems).
	ls -1dt "$LAB_CACHE"/lab/runs/*/ 2>/dev/null | tail -n +11 | while read -r d; do
		ls "$d"/node*.pid "$d"/node*.sup >/dev/null 2>&1 || rm -rf "$d"
	done
}

# --- using the lab ------------------------------------------------------

# lab_run NODE CMD...: one argument is a shell command line; several are
# quoted so the remote side sees exactly these arguments.  stdin is passed.
lab_run() {
	local -; set +eu	# callers may run with set -eu
	local node=$1 ip cmd
	shift
	_lab_load || return 1
	ip=$(lab_node_ip "$node") || return 1
	if [ $# -eq 1 ]; then cmd=$1; else cmd=$(printf '%q ' "$@"); fi
	_lab_ssh_opts
	ip netns exec "$LAB_NETNS" ssh "${LAB_SSH_OPTS[@]}" "root@$ip" "$cmd"
}

# lab_copy SRC... DEST: like scp; nodes as "node2:/path".
lab_copy() {
	local -; set +eu	# callers may run with set -eu
	local a args=()
	_lab_load || return 1
	for a in "$@"; do
		case $a in
		node[0-9]*:*) args+=("root@$(lab_node_ip "${a%%:*}"):${a#*:}") ;;
		*) args+=("$a") ;;
		esac
	done
	_lab_ssh_opts
	ip netns exec "$LAB_NETNS" scp -q -r "${LAB_SSH_OPTS[@]}" "${args[@]}"
}

# lab_reboot NODE: reboot from inside, wait for the next ready marker + ssh.
lab_reboot() {
	local -; set +eu	# callers may run with set -eu
	local i want start
	_lab_load || return 1
	i=$(_lab_idx "$1") || return 1
	want=$(($(_lab_ready_count "$i") + 1))
	echo $(($(cat "$VZ_LAB_RUN/node$i.boots" 2>/dev/null || echo 1) + 1)) >"$VZ_LAB_RUN/node$i.boots"
	start=$SECONDS
	# Detached, so the ssh session ends before the node goes down; never
	# through the shared connection, which dies with the node.
	_lab_ssh_master_stop "$i"
	_lab_ssh_opts
	ip netns exec "$LAB_NETNS" timeout 20 ssh "${LAB_SSH_OPTS[@]}" -o ControlPath=none \
		"root@$(lab_node_ip "$i")" \
		'setsid sh -c "sleep 1; reboot" </dev/null >/dev/null 2>&1 &' </dev/null >/dev/null 2>&1
	_lab_wait_node "$i" "$want" $((SECONDS + ${VZ_BOOT_TIMEOUT:-600})) || return 1
	_lab_ssh_master "$i"
	lab_log "node$i rebooted in $((SECONDS - start)) s"
}

# lab_console_mark: later lab_check_consoles calls only look at console
# output written after this point (so one bad test file fails only itself).
lab_console_mark() {
	local -; set +eu	# callers may run with set -eu
	local i f
	_lab_load || return 1
	for i in $(seq 1 "$LAB_NODES"); do
		f=$VZ_LAB_RUN/node$i.console
		stat -c %s "$f" >"$VZ_LAB_RUN/node$i.mark" 2>/dev/null || echo 0 >"$VZ_LAB_RUN/node$i.mark"
		grep -c 'Linux version ' "$f" >"$VZ_LAB_RUN/node$i.boots" 2>/dev/null
	done
}

# lab_check_consoles [NODE...]: non-zero if a console shows kernel trouble or
# a node booted more often than it was asked to (a panic reboots it), since
# the lab came up or the last lab_console_mark.  A user process's fault
# ("traps: comm[pid] general protection fault ip:...") is not the kernel's.
LAB_BAD_PATTERNS='Oops|BUG:|WARNING:|KASAN|Kernel panic|general protection fault[,:]|Call Trace|RCU stall|rcu_sched self-detected stall|soft lockup|hard LOCKUP|UBSAN|kernel BUG|unreferenced object'
lab_check_consoles() {
	local -; set +eu	# callers may run with set -eu
	local i nodes bad=0 f boots want mark
	_lab_load || return 1
	if [ $# -gt 0 ]; then nodes=$*; else nodes=$(seq 1 "$LAB_NODES"); fi
	for i in $nodes; do
		i=$(_lab_idx "$i") || return 1
		f=$VZ_LAB_RUN/node$i.console
		mark=$(cat "$VZ_LAB_RUN/node$i.mark" 2>/dev/null || echo 0)
		if tail -c +$((mark + 1)) "$f" | grep -Eaq "$LAB_BAD_PATTERNS"; then
			echo "lab: node$i console shows kernel trouble ($f):" >&2
			tail -c +$((mark + 1)) "$f" | grep -Ea -m 20 -A 3 "$LAB_BAD_PATTERNS" >&2
			bad=1
		fi
		boots=$(grep -c 'Linux version ' "$f" || true)
		want=$(cat "$VZ_LAB_RUN/node$i.boots" 2>/dev/null || echo 1)
		if [ "$boots" -gt "$want" ]; then
			echo "lab: node$i booted $boots times, expected $want (unexpected reboot?) ($f)" >&2
			bad=1
		fi
	done
	return $bad
}

# --- teardown -----------------------------------------------------------

lab_down() {
	local -; set +eu	# callers may run with set -eu
	local i pid ip _ waitfor=()
	_lab_load 2>/dev/null || return 0
	[ -n "$LAB_NETNS" ] || return 0
	for i in $(seq 1 "$LAB_NODES"); do
		: >"$VZ_LAB_RUN/node$i.stop"
		_lab_ssh_master_stop "$i"
		ip=$(lab_node_ip "$i")
		pid=$(cat "$VZ_LAB_RUN/node$i.pid" 2>/dev/null)
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || continue
		_lab_ssh_opts
		ip netns exec "$LAB_NETNS" timeout 10 ssh "${LAB_SSH_OPTS[@]}" -o ConnectTimeout=3 \
			"root@$ip" 'poweroff' >/dev/null 2>&1 &
		waitfor+=($!)
	done
	# Only these: a bare "wait" would also wait for the node supervisors.
	[ ${#waitfor[@]} -gt 0 ] && wait "${waitfor[@]}" 2>/dev/null
	for i in $(seq 1 "$LAB_NODES"); do
		pid=$(cat "$VZ_LAB_RUN/node$i.pid" 2>/dev/null)
		[ -n "$pid" ] || continue
		for _ in $(seq 1 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$pid" 2>/dev/null &&
			grep -q qemu "/proc/$pid/cmdline" 2>/dev/null; then
			lab_log "node$i did not power off, killing qemu $pid"
			kill "$pid" 2>/dev/null
			sleep 1
			kill -9 "$pid" 2>/dev/null
		fi
		rm -f "$VZ_LAB_RUN/node$i.pid"
		pid=$(cat "$VZ_LAB_RUN/node$i.sup" 2>/dev/null)
		if [ -n "$pid" ]; then
			for _ in $(seq 1 20); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill "$pid" 2>/dev/null
			rm -f "$VZ_LAB_RUN/node$i.sup"
		fi
	done
	for i in $(seq 1 "$LAB_NODES"); do
		ip -n "$LAB_NETNS" link del "tap$i" 2>/dev/null
	done
	ip netns del "$LAB_NETNS" 2>/dev/null
	rm -f "$VZ_LAB_RUN"/*.qcow2 "$VZ_LAB_RUN"/*.qmp "$VZ_LAB_RUN"/ssh-* "$VZ_LAB_RUN"/*.stop
	lab_log "lab down; consoles in $VZ_LAB_RUN"
	LAB_NETNS=
	_LAB_OWNED=
}

_lab_exit_trap() {
	local rc=$?
	set +eu
	if [ -n "${_LAB_OWNED:-}" ]; then
		if [ "${VZ_LAB_KEEP:-0}" = 1 ]; then
			lab_log "VZ_LAB_KEEP=1: leaving the lab running ($VZ_LAB_RUN); stop it with: lab/lab.sh down"
		else
			lab_down
		fi
	fi
	return $rc
}

# --- command line -------------------------------------------------------

_lab_main() {
	local cmd=${1:-}
	shift || true
	case $cmd in
	up)
		lab_up "${1:-3}" || exit 1
		# Hand the lab over to later "lab.sh" calls: no teardown on exit.
		_LAB_OWNED=
		trap - EXIT INT TERM
		echo "$VZ_LAB_RUN"
		;;
	run) lab_run "$@" ;;
	ssh)
		_lab_load || exit 1
		_lab_ssh_opts
		exec ip netns exec "$LAB_NETNS" ssh -t "${LAB_SSH_OPTS[@]}" -o BatchMode=yes \
			"root@$(lab_node_ip "$1")"
		;;
	copy) lab_copy "$@" ;;
	reboot) lab_reboot "$1" ;;
	check) lab_check_consoles "$@" && echo "consoles clean" ;;
	console) _lab_load && cat "$VZ_LAB_RUN/node$(_lab_idx "$1").console" ;;
	down) lab_down ;;
	_supervise) _lab_supervise "$1" ;;
	*)
		sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	_lab_main "$@"
fi
