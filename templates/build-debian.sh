#!/bin/bash
# Build the "debian" OS template: $VZ_CACHE/templates/debian.tar.gz
#
# debootstrap --variant=minbase bookworm with sysvinit as init, python3 for
# workloads, iproute2 and procps; apt caches and docs removed; getty lines
# disabled (a VE has no ttys); tarred with numeric owners.
#
# Content-keyed: rebuilt only when this script changes (or VZ_SUITE/mirror).
# Prints the path of the tarball on stdout.
set -euo pipefail

cache=${VZ_CACHE:-/var/cache/vzlab}
suite=${VZ_SUITE:-bookworm}
# Debian archive: debootstrap's default unless VZ_MIRROR is set.
mirror=${VZ_MIRROR:-}
out=$cache/templates/debian.tar.gz
pkgs=sysvinit-core,python3-minimal,iproute2,procps,iputils-ping

say() { echo "build-debian: $*" >&2; }
die() { echo "build-debian: error: $*" >&2; exit 1; }

command -v debootstrap >/dev/null || die "debootstrap missing (run: make deps)"
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap)"

key=$( { cat "$0"; echo "$suite $mirror"; } | sha256sum | cut -c1-16)
if [ -e "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
	say "reusing $out"
	echo "$out"
	exit 0
fi

mkdir -p "$cache/templates"
tmp=$(mktemp -d "$cache/templates/.debian.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
log=$cache/templates/debian-debootstrap.log

say "debootstrap $suite (log: $log)"
start=$SECONDS
debootstrap --variant=minbase --include="$pkgs" "$suite" "$r" ${mirror:+"$mirror"} >"$log" 2>&1 ||
	die "debootstrap failed, see $log"

chroot "$r" apt-get clean
rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/usr/share/doc/* \
	"$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* \
	"$r"/var/log/*.log "$r"/var/cache/debconf/*-old
[ -x "$r/sbin/init" ] || die "no /sbin/init (sysvinit-core missing?)"

# No gettys: a VE has no ttys.  Keep everything else of inittab (runlevels,
# ctrl-alt-del), so halt/reboot inside take the normal sysvinit path.
sed -i -e 's/^\([^#].*:respawn:.*getty.*\)$/#\1/' "$r/etc/inittab"
grep -q '^[^#].*getty' "$r/etc/inittab" && die "getty lines left in inittab"

# No filesystem unmounting at halt: a VE's root is a bind mount of the
# node's /vz, and "mount -o remount,ro /" from umountroot would make the
# node's whole /vz read-only (the superblock is shared).  As OpenVZ's
# templates did, the VE's halt only stops its services.
for s in umountroot umountfs umountnfs.sh hwclock.sh; do
	rm -f "$r"/etc/rc[0-6S].d/[SK][0-9][0-9]"$s"
done
ls "$r"/etc/rc0.d | grep -q umount && die "umount scripts left in rc0.d"
# Default runlevel 2 is fine; make sure halt powers off rather than asks.
grep -q '^HALT=' "$r/etc/default/halt" 2>/dev/null &&
	sed -i 's/^HALT=.*/HALT=poweroff/' "$r/etc/default/halt"

echo ve >"$r/etc/hostname"
: >"$r/etc/resolv.conf"
cat >"$r/etc/hosts" <<'HO'
127.0.0.1	localhost
10.77.0.1	labhost
10.77.0.11	node1
10.77.0.12	node2
10.77.0.13	node3
HO
# Things that only make sense on real hardware or confuse a VE's boot.
rm -f "$r"/etc/rcS.d/S*hwclock* "$r"/etc/rc?.d/*hwclock* 2>/dev/null || true
rm -f "$r"/etc/machine-id "$r"/var/lib/dbus/machine-id
: >"$r/etc/machine-id"

tar --numeric-owner --sort=name -C "$r" -czf "$tmp/t.tar.gz" .
mv "$tmp/t.tar.gz" "$out"
echo "$key" >"$out.key"
say "built $out ($(du -h "$out" | cut -f1)) in $((SECONDS - start)) s"
echo "$out"
