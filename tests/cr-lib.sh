#!/bin/bash
# tests/cr-lib.sh: helpers for the checkpoint/restore lab tests
# (tests/lab/5*.sh, tests/bench/cr-bench.sh).  Source after tests/lib.sh.
#
# A test of one resource (tests/lab/cr/NN-name.sh) is its workload and a
# few lines:
#
#   cr_begin node2 151 cr-memory       # VE with the workload as init, ready
#   cr_cycles node2 151 2 120          # "before" round, 2 chkpnt/restore
#                                      # cycles, each followed by a round
#   ... checks of its own ...
#   cr_end node2 151                   # stop, clean up, summary
#
# The workloads (tests/workloads/*.c, built static into build/workloads/)
# run as a VE's init: the VE is made from the busybox template and its
# /sbin/init replaced by "exec /sbin/WORKLOAD ARGS".  They talk to the test
# through two files of the private area (no process is added to the VE):
# /var/run/cr-trigger ("ROUND COMMAND", written by the test) and
# /var/log/cr-result (lines "R<round> OK|FAIL|SKIP|INFO|READY|DONE ...").
#
#   cr_begin NODE VEID WORKLOAD [ARGS...]
#                                  cr_setup, cr_make_ve, cr_start; on failure
#                                  cleans up and ends the test file
#   cr_cycles NODE VEID [CYCLES] [TIMEOUT] [CMD]
#                                  round 1 "before", then CYCLES (2) times
#                                  chkpnt, restore, a round of CMD (check)
#   cr_end NODE VEID               stop (checked), clean up, done_testing
#   cr_host_pid NODE VEID VEPID    the host pid of VE pid VEPID, in $OUT
#   cr_setup NODE...               build the workloads, copy them to the nodes
#   cr_make_ve NODE VEID WORKLOAD [ARGS...]
#                                  fresh VE with that workload as init;
#                                  the workloads named in $CR_VE_EXTRA
#                                  (e.g. CR_VE_EXTRA=cr-unix cr_begin ...)
#                                  are installed in its /sbin too, for an
#                                  init that starts them
#   cr_start NODE VEID [TIMEOUT]   vzctl start, wait for R0 READY
#   cr_round NODE VEID ROUND [CMD] [TIMEOUT] [LABEL]
#                                  trigger a round, wait for its DONE, one
#                                  PASS/FAIL per OK/FAIL line (SKIP lines
#                                  pass, marked "SKIP")
#   cr_chkpnt NODE VEID LABEL [ARGS...]
#                                  vzctl chkpnt; checks exit 0, the dump,
#                                  dumpinfo and --json, VE down; $CR_SECS
#   cr_restore NODE VEID LABEL [ARGS...]
#                                  vzctl restore; exit 0, VE running, dump
#                                  removed; $CR_SECS
#   cr_results NODE VEID           the result file
#   cr_counter_check NODE VEID LABEL
#                                  the cr-counter log has no gap/duplicate

CR_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CR_BUILD=${CR_BUILD:-$CR_REPO/build/workloads}
CR_NODE_DIR=/root/cr
CR_JSON_ON_NODE=

cr_setup() {
	local out node
	if ! out=$(make -s -C "$CR_REPO/tests/workloads" O="$CR_BUILD" 2>&1); then
		fail "workloads build" "$out"
		return 1
	fi
	for node in "$@"; do
		if ! out=$(lab_run "$node" "mkdir -p $CR_NODE_DIR" 2>&1 &&
			lab_copy "$CR_BUILD"/* "$node:$CR_NODE_DIR/" 2>&1); then
			fail "workloads copied to $node" "$out"
			return 1
		fi
	done
	return 0
}

# cr_make_ve NODE VEID WORKLOAD [ARGS...]
cr_make_ve() {
	local node=$1 v=$2 w=$3 x extra=
	shift 3
	for x in ${CR_VE_EXTRA:-}; do
		extra="$extra
		cp $CR_NODE_DIR/$x \$p/sbin/$x
		chmod 755 \$p/sbin/$x"
	done
	# One ssh session: the old VE (as ve_cleanup), the new one, its init.
	on "$node" "vzctl stop $v >/dev/null 2>&1; vzctl destroy $v >/dev/null 2>&1
		rm -f /etc/vz/conf/$v.conf*
		rm -f /vz/dump/Dump.$v /vz/dump/Dump.$v.tmp
		echo '--- create'
		vzctl create $v --ostemplate busybox || exit 3
		set -e; p=/vz/private/$v
		cp $CR_NODE_DIR/$w \$p/sbin/$w$extra
		rm -f \$p/sbin/init
		printf '#!/bin/sh\nexec /sbin/$w $*\n' >\$p/sbin/init
		chmod 755 \$p/sbin/init \$p/sbin/$w
		mkdir -p \$p/var/log \$p/var/run \$p/var/lib
		rm -f \$p/var/log/cr-* \$p/var/run/cr-*"
	OUT=${OUT#*--- create
}
	case $RC in
	0) return 0 ;;
	3) fail "create VE $v" "$OUT" ;;
	*) fail "install $w as init of VE $v" "$OUT" ;;
	esac
	return 1
}

cr_results() {
	lab_run "$1" "cat /vz/private/$2/var/log/cr-result" 2>/dev/null
}

# Wait until the result file has a line matching ERE.
cr_wait_line() {
	local node=$1 v=$2 re=$3 t=${4:-60}
	node_poll "$node" "grep -Eq -- '$re' /vz/private/$v/var/log/cr-result 2>/dev/null" "$t" 0.25 2>/dev/null
}

cr_start() {
	local node=$1 v=$2 t=${3:-60}
	vz "$node" start "$v"
	if [ "$RC" != 0 ]; then
		fail "start VE $v" "rc $RC: $OUT"
		return 1
	fi
	if cr_wait_line "$node" "$v" '^R0 READY' "$t"; then
		ok "VE $v started, workload ready ($(cr_results "$node" "$v" | grep '^R0 READY' | cut -d' ' -f3-))"
	else
		fail "VE $v workload ready" "no R0 READY in $t s; result file: $(cr_results "$node" "$v" | tail -5)"
		return 1
	fi
	on "$node" "grep -h '^R0 FAIL' /vz/private/$v/var/log/cr-result"
	[ -z "$OUT" ] || fail "VE $v workload setup" "$OUT"
	return 0
}

# cr_round NODE VEID ROUND [CMD] [TIMEOUT] [LABEL]
cr_round() {
	local node=$1 v=$2 r=$3 cmd=${4:-check} t=${5:-120} label=${6:-round $3} word rest
	on "$node" "echo '$r $cmd' >/vz/private/$v/var/run/cr-trigger.tmp && mv /vz/private/$v/var/run/cr-trigger.tmp /vz/private/$v/var/run/cr-trigger"
	if ! cr_wait_line "$node" "$v" "^R$r DONE" "$t"; then
		fail "$label: workload answers '$cmd'" "no R$r DONE in $t s; VE status '$(ve_status "$node" "$v")'; result tail: $(cr_results "$node" "$v" | tail -5 | tr '\n' '|')"
		return 1
	fi
	while read -r _ word rest; do
		case $word in
		OK) ok "$label: $rest" ;;
		FAIL) fail "$label: ${rest%% *}" "${rest#* }" ;;
		SKIP) ok "$label: SKIP $rest" ;;
		esac
	done < <(cr_results "$node" "$v" | grep "^R$r ")
	return 0
}

_cr_json_check() {
	local node=$1 f=$2 py='import json,sys
d=json.load(sys.stdin)
assert d["valid"] is True, d.get("error")
print("%d records, header version %s" % (len(d["records"]), d["header"].get("version")))'
	if [ -z "$CR_JSON_ON_NODE" ]; then
		if lab_run "$node" "python3 -c 'import json'" >/dev/null 2>&1; then
			CR_JSON_ON_NODE=yes
		else
			CR_JSON_ON_NODE=no
		fi
	fi
	if [ "$CR_JSON_ON_NODE" = yes ]; then
		OUT=$(lab_run "$node" "vzctl dumpinfo --json $f | python3 -c '$py'" 2>&1)
	else
		OUT=$(lab_run "$node" "vzctl dumpinfo --json $f" 2>/dev/null | python3 -c "$py" 2>&1)
	fi
}

# cr_chkpnt NODE VEID LABEL [ARGS...]
# _cr_timed NODE VEID LABEL SUBCOMMAND [ARGS...]: vzctl SUBCOMMAND VEID,
# timed into $CR_SECS; one PASS/FAIL for its exit code (with the kernel's
# CPT lines on failure).  Returns non-zero if it failed.
_cr_timed() {
	local node=$1 v=$2 label=$3 cmd=$4 t0
	shift 4
	t0=$(date +%s.%N)
	vz "$node" "$cmd" "$v" "$@"
	CR_SECS=$(printf %.1f "$(echo "$(date +%s.%N) - $t0" | bc)")
	if [ "$RC" != 0 ]; then
		fail "$label: $cmd $v exits 0" "rc $RC: $OUT; dmesg: $(lab_run "$node" 'dmesg | grep -E "CPT|vzcpt|vzrst" | tail -5' 2>&1 | tr '\n' '|')"
		return 1
	fi
	ok "$label: $cmd $v exits 0 ($CR_SECS s)"
}

cr_chkpnt() {
	local node=$1 v=$2 label=$3 f=/vz/dump/Dump.$2
	shift 3
	_cr_timed "$node" "$v" "$label" chkpnt "$@" || return 1
	on "$node" "stat -c %s $f; test ! -e $f.tmp"
	if [ "$RC" = 0 ]; then
		CR_DUMP_SIZE=$(echo "$OUT" | head -1)
		ok "$label: dump file $f exists ($CR_DUMP_SIZE bytes), no .tmp left"
	else
		fail "$label: dump file $f" "$OUT"
	fi
	on "$node" "vzctl dumpinfo $f >/tmp/dumpinfo.$v.txt 2>&1; echo rc=\$?; tail -n 3 /tmp/dumpinfo.$v.txt"
	expect_match "$label: dumpinfo accepts the dump" '^rc=0' "$OUT"
	_cr_json_check "$node" "$f"
	expect_match "$label: dumpinfo --json parses, valid=true" '^[0-9]+ records' "$OUT"
	expect_eq "$label: VE $v down after chkpnt" "$(ve_status "$node" "$v")" "exist unmounted down"
	return 0
}

# cr_restore NODE VEID LABEL [ARGS...]
cr_restore() {
	local node=$1 v=$2 label=$3
	shift 3
	_cr_timed "$node" "$v" "$label" restore "$@" || return 1
	expect_eq "$label: VE $v running after restore" "$(ve_status "$node" "$v")" "exist mounted running"
	on "$node" "test -e /vz/dump/Dump.$v"
	expect_eq "$label: dump file removed after restore" "$RC" 1
	return 0
}

# cr-counter log: each of P and C counts 1, 2, 3, ... with no gap or
# duplicate.  Prints a summary in $OUT.
cr_counter_check() {
	local node=$1 v=$2 label=$3
	on "$node" "awk '
		{ if (\$2 != last[\$1] + 1) { bad++; if (bad < 5) printf \"%s: %s after %s at line %d; \", \$1, \$2, last[\$1], NR }
		  if (\$3 - t[\$1] > maxgap[\$1] && t[\$1]) maxgap[\$1] = \$3 - t[\$1]
		  last[\$1] = \$2; t[\$1] = \$3 }
		END { printf \"P %d C %d maxgap P %d ms C %d ms bad %d\n\", last[\"P\"], last[\"C\"], maxgap[\"P\"], maxgap[\"C\"], bad }
	' /vz/private/$v/var/log/cr-counter.log"
	expect_match "$label: counter log has no gap or duplicate ($OUT)" ' bad 0$' "$OUT"
}

cr_begin() {
	local node=$1 v=$2
	shift 2
	if ! cr_setup "$node" || ! cr_make_ve "$node" "$v" "$@" ||
		! cr_start "$node" "$v"; then
		ve_cleanup "$node" "$v"
		done_testing
		exit 1
	fi
}

cr_cycles() {
	local node=$1 v=$2 cycles=${3:-2} t=${4:-60} cmd=${5:-check} c
	cr_round "$node" "$v" 1 "$cmd" "$t" "before" || return 1
	for c in $(seq 1 "$cycles"); do
		cr_chkpnt "$node" "$v" "cycle $c" || return 1
		cr_restore "$node" "$v" "cycle $c" || return 1
		cr_round "$node" "$v" $((c + 1)) "$cmd" "$t" "cycle $c" || return 1
	done
}

cr_end() {
	vz "$1" stop "$2"
	expect_eq "stop" "$RC" 0
	ve_cleanup "$1" "$2"
	on "$1" "rm -f /vz/dump/Dump.$2 /vz/dump/Dump.$2.*"
	done_testing
}

# The VE's init is found with VE_TEST (vzctl-probe prints its host pid);
# another task of the VE is the one with the init's pid namespace whose
# innermost pid is VEPID.
cr_host_pid() {
	local node=$1 v=$2 vp=$3
	on "$node" "init=\$(/usr/local/lib/vzlab/vzctl-probe /dev/vzctl $v | sed -n 's/^ok open ioctl=//p')
		ns=\$(readlink /proc/\$init/ns/pid)
		for d in /proc/[0-9]*; do
			[ \"\$(readlink \$d/ns/pid 2>/dev/null)\" = \"\$ns\" ] || continue
			awk -v vp=$vp '/^NSpid:/ && \$NF == vp { print \$2 }' \$d/status 2>/dev/null
		done | head -n 1"
}
