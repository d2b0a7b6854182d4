#!/bin/bash
# The deepest process tree: a chain of 300 processes, each the child of
# the one before (cr-chain).  The dump orders them in linear time (it
# was cubic: review finding 6), the restore builds them link by link,
# each with its own session turn (finding 7); every link then has the
# parent and the pid it had.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=166
cr_begin $N $V cr-chain 300
cr_cycles $N $V 1 120
cr_end $N $V
