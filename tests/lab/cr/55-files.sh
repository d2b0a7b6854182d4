#!/bin/bash
# Open files and fs state across checkpoint/restore (cr-files as the VE's
# init): offsets (shared by dup and fork, separate descriptions), access
# and O_APPEND flags, close-on-exec, directory fds, /dev/zero, urandom,
# null, cwd in a subdirectory, umask 027.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=155
cr_begin $N $V cr-files
cr_cycles $N $V 2 60
on $N "cat /vz/private/$V/var/log/cr-append.log"
expect_eq "append log: every line once, in order" "$(echo "$OUT" | tr '\n' ' ')" "line 1 line r1 line r2 line r3 "
cr_end $N $V
