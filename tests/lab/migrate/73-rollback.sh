#!/bin/bash
# vzmigrate rollback.  A cr-counter VE on node2 is migrated online to
# node3 and something goes wrong after it was frozen: the network to node3
# goes down while the dump is copied, the dump arrives corrupt so the
# undump fails there (also with --keep-dst), the resume fails there.
# Each failure must exit with its documented code and leave the VE
# running on node2 with the same processes, the count going on with no
# gap or duplicate, and nothing on node3 (but what --keep-dst keeps).
# In between, a migration that works.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../cr-lib.sh"
. "$(dirname "$0")/../../vzmigrate-lib.sh"

A=node2
B=node3
V=174
IP=10.77.0.174
on $B "rm -f /etc/modprobe.d/vzmigrate-test.conf /root/rsync-wrap* /usr/local/sbin/vzctl"
mig_counter_ve $A $B $V $IP || { done_testing; exit 1; }

# After a failed migration: the VE runs on node2 as before, counting on,
# and node3 has nothing of it.
intact() { mig_intact $A $B $V "$1"; }

# The rsync on node3 runs through a wrapper (--rsync-path), which acts
# only when it receives the dump.
on $B "cat >/root/rsync-wrap <<'EOF'
#!/bin/sh
case \"\$*\" in
*Dump.$V.vzmigrate*)
	case \$(cat /root/rsync-wrap.mode 2>/dev/null) in
	cut)	# the network goes down for 8 s while the dump is on its way
		setsid sh -c 'ip link set eth0 down; sleep 8; ip link set eth0 up' </dev/null >/dev/null 2>&1 &
		sleep 1
		exec rsync \"\$@\" ;;
	corrupt) # the dump arrives, with its header overwritten
		rsync \"\$@\"; rc=\$?
		printf 'garbage-garbage-garbage' | dd of=/vz/dump/Dump.$V.vzmigrate bs=1 seek=40 conv=notrunc 2>/dev/null
		exit \$rc ;;
	esac ;;
esac
exec rsync \"\$@\"
EOF
chmod 755 /root/rsync-wrap"

# 6. The network is cut while the dump is copied.
on $B "echo cut >/root/rsync-wrap.mode"
t0=$(date +%s)
expect_rc "network cut during the dump copy: exit 9" 9 lab_run $A vzmigrate --online -v \
	--ssh="-o ConnectTimeout=5 -o ServerAliveInterval=1 -o ServerAliveCountMax=3" \
	--rsync="--rsync-path=/root/rsync-wrap --timeout=5" $B $V
echo "# failed after $(( $(date +%s) - t0 )) s: $(echo "$OUT" | tr '\n' '|')"
expect_match "network cut: dump copy failure reported" 'copying the dump to node3 failed' "$OUT"
expect_match "network cut: rolled back" 'Resuming VE' "$OUT"
wait_on $B "ip -o link show eth0 | grep -q 'state UP'" 30
# rsync's half-received dump goes once its dead connection is noticed.
wait_on $B "! ls -a /vz/dump | grep -q $V" 60
on $B "rm -f /root/rsync-wrap.mode"
intact "network cut"

# 7. The dump arrives corrupt: the undump fails on the destination.
on $B "echo corrupt >/root/rsync-wrap.mode"
expect_rc "corrupt dump, undump fails there: exit 7" 7 lab_run $A vzmigrate --online \
	--rsync="--rsync-path=/root/rsync-wrap" $B $V
expect_match "corrupt dump: undump failure reported with vzctl's error" "undumping VE $V on node3 failed.*Restoring failed" "$(echo "$OUT" | tr '\n' ' ')"
on $B "rm -f /root/rsync-wrap.mode"
intact "corrupt dump"

# 8. --keep-dst: the same failure keeps the copied config and private
#    area there (never the dump).
on $B "echo corrupt >/root/rsync-wrap.mode"
expect_rc "--keep-dst, corrupt dump: exit 7" 7 lab_run $A vzmigrate --online --keep-dst \
	--rsync="--rsync-path=/root/rsync-wrap" $B $V
on $B "test -f /etc/vz/conf/$V.conf && test -x /vz/private/$V/sbin/cr-counter && ! ls /vz/dump | grep -q $V"
expect_eq "--keep-dst: config and private area kept on $B, no dump" "$RC" 0
expect_eq "--keep-dst: VE not running on $B" "$(ve_status $B $V)" "exist unmounted down"
on $B "rm -rf /root/rsync-wrap* /etc/vz/conf/$V.conf /vz/private/$V; rmdir /vz/root/$V"
intact "--keep-dst"

# Finally a migration that works, after all that.
expect_rc "online migration after the faults: exit 0" 0 lab_run $A vzmigrate --online $B $V
expect_eq "after the faults: same processes on $B" "$(mig_pids $B $V)" "$MIG_PIDS0"
cr_round $B $V 99 check 60 "after the faults, on $B"
MIG_ROUND=99
cr_counter_check $B $V "after the faults, on $B"
expect_rc "and back to $A: exit 0" 0 lab_run $B vzmigrate --online $A $V
expect_eq "back on $A: same processes" "$(mig_pids $A $V)" "$MIG_PIDS0"


# Last (a failed kill of the undumped VE leaves its restore context
# behind on node3, see the report): the resume fails on the destination
# (a vzctl wrapper early in PATH there refuses "restore --resume"): the VE
# undumped there is killed, the one here resumed.
on $B "printf '#!/bin/sh\ncase \"\$*\" in *restore*--resume*) echo injected resume failure >&2; exit 17 ;; esac\nexec /usr/sbin/vzctl \"\$@\"\n' >/usr/local/sbin/vzctl; chmod 755 /usr/local/sbin/vzctl; command -v vzctl"
expect_eq "vzctl wrapper first in PATH on $B" "$OUT" /usr/local/sbin/vzctl
expect_rc "resume fails there: exit 7" 7 lab_run $A vzmigrate --online -v $B $V
echo "# $(echo "$OUT" | tr "\n" "|")"
expect_match "resume fails: reported" "resuming VE $V on node3 failed.*injected resume failure" "$(echo "$OUT" | tr '\n' ' ')"
expect_match "resume fails: killed there, resumed here" "Killing VE $V on node3.*Resuming VE $V here" "$(echo "$OUT" | tr '\n' ' ')"
on $B "rm -f /usr/local/sbin/vzctl"
intact "resume fails"

mig_clean $V $A $B
on $B "rm -f /root/rsync-wrap* /usr/local/sbin/vzctl"
done_testing
