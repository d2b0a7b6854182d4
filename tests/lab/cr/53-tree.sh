#!/bin/bash
# A process tree across checkpoint/restore (cr-tree as the VE's init):
# children and grandchildren, a child in its own session (with a child
# of its own in that session), one in its own process group, a zombie, a
# process with 4 counting threads, and a daemon that forked twice (its
# session and group have no leader), with a child, and a sibling in the
# same session with a group of its own.  The pids/ppids/pgids/sids/
# states/tids must be the same, threads must run on with their tids, and
# the zombie must be reapable with status 42.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"

N=node2
V=153
cr_setup $N || { done_testing; exit 1; }

tree_test() {
	local label=$1 c
	shift
	cr_make_ve $N $V cr-tree "$@" && cr_start $N $V || { ve_cleanup $N $V; return 1; }
	cr_round $N $V 1 check 60 "$label before"
	for c in 1 2; do
		cr_chkpnt $N $V "$label cycle $c" || return 1
		if ! cr_restore $N $V "$label cycle $c"; then
			on $N "vzctl dumpinfo /vz/dump/Dump.$V | grep -E ' TASK '"
			echo "# tasks in the dump:"$'\n'"$OUT"
			return 1
		fi
		cr_round $N $V $((c + 1)) check 60 "$label cycle $c"
		on $N "cd /vz/private/$V/var/log && diff cr-tree.0 cr-tree.$((c + 1))"
		[ "$RC" = 0 ] || echo "# tree differences after cycle $c:"$'\n'"$OUT"
	done
	on $N "vzctl exec2 $V 'ps -o pid,ppid,pgid,sid,stat,comm 2>/dev/null || ps'"
	echo "# ps in the VE after restore:"$'\n'"$OUT"
	cr_round $N $V 4 reap 60 "$label reap"
	vz $N stop $V
	expect_eq "$label: stop" "$RC" 0
}

tree_test "full tree"
ve_cleanup $N $V
on $N "rm -f /vz/dump/Dump.$V"
done_testing
