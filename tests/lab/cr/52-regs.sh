#!/bin/bash
# Registers across checkpoint/restore (cr-regs as the VE's init): two
# processes spin with patterns in rbx, rbp, r8-r15, xmm0-15 and (if the
# guest CPU has AVX) ymm0-15, MXCSR and the x87 control word, and count
# any corruption.  AVX is SKIPped only when the guest CPU lacks it.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=152
cr_setup $N || { done_testing; exit 1; }
on $N "grep -m1 -o -w -E 'avx|xsave' /proc/cpuinfo | sort -u | tr '\n' ' '"
echo "# node CPU flags: ${OUT:-no avx, no xsave}"
cr_make_ve $N $V cr-regs && cr_start $N $V || { ve_cleanup $N $V; done_testing; exit 1; }
on $N "grep '^R0 READY' /vz/private/$V/var/log/cr-result"
if echo "$OUT" | grep -q 'avx=1'; then
	ok "AVX in use (guest CPU has it)"
elif grep -qw avx <(lab_run $N cat /proc/cpuinfo); then
	fail "AVX in use" "/proc/cpuinfo has avx but the workload did not detect it: $OUT"
else
	ok "SKIP AVX: guest CPU has no avx flag"
fi

sleep 2
cr_round $N $V 1 check 60 "before"
for c in 1 2 3; do
	cr_chkpnt $N $V "cycle $c" || break
	cr_restore $N $V "cycle $c" || break
	sleep 1
	cr_round $N $V $((c + 1)) check 60 "cycle $c"
done
vz $N stop $V
expect_eq "stop" "$RC" 0
ve_cleanup $N $V
done_testing
