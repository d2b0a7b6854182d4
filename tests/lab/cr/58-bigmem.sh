#!/bin/bash
# A VE with 512 MB of touched memory (cr-bigmem): checkpoint, restore,
# every word checked.  Needs nodes with enough RAM (VZ_NODE_MEM, default
# 1024 MiB): with less than 812 MB of MemTotal the size is reduced to
# fit and the test says so.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node3
V=158
MB=${CR_BIGMEM_MB:-512}
cr_setup $N || { done_testing; exit 1; }
on $N "awk '/MemTotal/ {print int(\$2/1024)}' /proc/meminfo"
total=$OUT
if [ "$total" -lt $((MB + 300)) ]; then
	MB=$(( (total - 300) / 64 * 64 ))
	echo "# node has $total MB: testing with $MB MB instead of 512 (boot the lab with VZ_NODE_MEM=1536 for the full test)"
fi
cr_make_ve $N $V cr-bigmem $MB && cr_start $N $V 300 || { ve_cleanup $N $V; done_testing; exit 1; }
cr_round $N $V 1 check 300 "before"
cr_chkpnt $N $V "${MB} MB"
echo "# dump of $MB MB: $CR_SECS s, $CR_DUMP_SIZE bytes"
[ "${CR_DUMP_SIZE:-0}" -ge $((MB * 1048576)) ] && ok "dump holds all $MB MB" || fail "dump holds all $MB MB" "$CR_DUMP_SIZE bytes"
cr_restore $N $V "${MB} MB"
echo "# restore of $MB MB: $CR_SECS s"
cr_round $N $V 2 check 300 "${MB} MB"
on $N "dmesg | grep -iE 'out of memory|oom' | tail -3"
expect_eq "no OOM on $N" "$OUT" ""
vz $N stop $V
expect_eq "stop" "$RC" 0
ve_cleanup $N $V
on $N "rm -f /vz/dump/Dump.$V*"
done_testing
