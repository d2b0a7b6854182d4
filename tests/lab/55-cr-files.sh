#!/bin/bash
# Open files and fs state across checkpoint/restore (cr-files as the VE's
# init): offsets (shared by dup and fork, separate descriptions), access
# and O_APPEND flags, close-on-exec, directory fds, /dev/zero, urandom,
# null, cwd in a subdirectory, umask 027.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr-lib.sh"

N=node2
V=155
cr_setup $N || { done_testing; exit 1; }
cr_make_ve $N $V cr-files && cr_start $N $V || { ve_cleanup $N $V; done_testing; exit 1; }

cr_round $N $V 1 check 60 "before"
for c in 1 2; do
	cr_chkpnt $N $V "cycle $c" || break
	cr_restore $N $V "cycle $c" || break
	cr_round $N $V $((c + 1)) check 60 "cycle $c"
done
on $N "cat /vz/private/$V/var/log/cr-append.log"
expect_eq "append log: every line once, in order" "$(echo "$OUT" | tr '\n' ' ')" "line 1 line r1 line r2 line r3 "

vz $N stop $V
expect_eq "stop" "$RC" 0
ve_cleanup $N $V
done_testing
