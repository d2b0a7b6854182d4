#!/bin/bash
# Build the lab's node disk images.
#
#   $VZ_CACHE/lab/images/<key>/   root.img  (ext4, raw, sparse; the node's /)
#                                 vz.img    (ext4, raw, sparse; the node's /vz)
#                                 bzImage, kernel-version (the kernel they match)
#                                 id_ed25519{,.pub}, known_hosts (for the harness)
#                                 manifest (what went in)
#   $VZ_CACHE/lab/current -> images/<key>
#
# VZ_KERNEL_DIR picks the kernel (default $VZ_CACHE/kernel/out-lab) and
# VZ_LAB_LINK the name of the link (default current); make check builds
# a second set for the debug kernel as current-debug.
#
# <key> hashes everything that goes in: the Debian base (lab/build-base.sh,
# the slow debootstrap, cached on its own), the kernel and its modules, the
# installed vzctl tree, the templates, node-init, the rc script, this script
# and the test helpers; unchanged inputs reuse the existing images.
#
# vzctl is installed with `make -C vzctl install DESTDIR=<rootfs>`; it is
# required unless VZ_ALLOW_NO_VZCTL=1 (for lab work before vzctl exists).
#
# Usage: lab/build-rootfs.sh         (prints the image directory)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${VZ_CACHE:-/var/cache/vzlab}
kdir=${VZ_KERNEL_DIR:-$cache/kernel/out-lab}
link=${VZ_LAB_LINK:-current}
case $link in
current | current-*) ;;
*) echo "build-rootfs: error: VZ_LAB_LINK must be current or current-NAME" >&2; exit 1 ;;
esac
nodes=${VZ_MAX_NODES:-3}	# host keys and /etc/hosts entries for node1..N
root_size=${VZ_ROOT_SIZE:-1536M}
vz_size=${VZ_VZ_SIZE:-4G}

say() { echo "build-rootfs: $*" >&2; }
die() { echo "build-rootfs: error: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
for t in mkfs.ext4 ssh-keygen gcc make tar sha256sum depmod; do
	command -v "$t" >/dev/null || die "missing '$t' (run: make deps)"
done
[ -r "$kdir/bzImage" ] || die "no kernel at $kdir/bzImage (build it: scripts/build-kernel.sh)"
[ -r "$kdir/version" ] || die "no $kdir/version"
kver=$(cat "$kdir/version")
moddir=$kdir/modules/lib/modules/$kver

start=$SECONDS
base=$("$here/build-base.sh")
busybox_tgz=$("$repo/templates/build-busybox.sh")
debian_tgz=$("$repo/templates/build-debian.sh")

work=$(mktemp -d "$cache/lab/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Static helpers that go into every node.
mkdir -p "$work/bin"
gcc -static -O2 -Wall -Wextra -o "$work/bin/node-init" "$here/node-init.c"
gcc -static -O2 -Wall -I"$repo/include/uapi" -o "$work/bin/vzctl-probe" \
	"$repo/tests/helpers/vzctl-probe.c"

# vzctl, installed into a staging tree first so it can be hashed.
mkdir -p "$work/vzctl"
if [ -f "$repo/vzctl/Makefile" ]; then
	make -s -C "$repo/vzctl" >&2 || die "make -C vzctl failed"
	if ! make -s -C "$repo/vzctl" install DESTDIR="$work/vzctl" >&2; then
		[ "${VZ_ALLOW_NO_VZCTL:-0}" = 1 ] || die "make -C vzctl install failed"
		say "WARNING: make -C vzctl install failed; using what it installed (VZ_ALLOW_NO_VZCTL=1)"
	fi
	[ -x "$work/vzctl/usr/sbin/vzctl" ] || die "vzctl install did not produce /usr/sbin/vzctl"
elif [ "${VZ_ALLOW_NO_VZCTL:-0}" = 1 ]; then
	say "WARNING: no vzctl/Makefile; building images without vzctl (VZ_ALLOW_NO_VZCTL=1)"
else
	die "no vzctl/Makefile (set VZ_ALLOW_NO_VZCTL=1 to build a lab without vzctl)"
fi

treehash() {
	[ -d "$1" ] || { echo none; return; }
	tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		--exclude=./source --exclude=./build -cf - . | sha256sum | cut -d' ' -f1
}

key=$( {
	echo "base $(basename "$base")"
	echo "kernel $kver $(sha256sum <"$kdir/bzImage")"
	echo "modules $(treehash "$moddir")"
	echo "vzctl $(treehash "$work/vzctl")"
	echo "busybox $(sha256sum <"$busybox_tgz")"
	echo "debian $(sha256sum <"$debian_tgz")"
	echo "helpers $(cat "$work"/bin/* | sha256sum)"
	echo "nodes $nodes $root_size $vz_size"
	cat "$0" "$here/node-rc" "$here/node-rc.shutdown"
} | sha256sum | cut -c1-16)

img=$cache/lab/images/$key
if [ -e "$img/.complete" ]; then
	ln -sfn "images/$key" "$cache/lab/$link"
	say "up to date: $img"
	echo "$img"
	exit 0
fi
say "building images $key (kernel $kver)"

r=$work/root
v=$work/vz
cp -a "$base" "$r"
rm -f "$r/.complete"

# Kernel modules (the lab kernel has most things built in; copy what exists).
if [ -d "$moddir" ]; then
	mkdir -p "$r/lib/modules"
	cp -a "$moddir" "$r/lib/modules/"
	rm -f "$r/lib/modules/$kver/source" "$r/lib/modules/$kver/build"
	depmod -b "$r" "$kver" || die "depmod failed"
fi

# vzctl and its /vz tree; /vz itself lives on the second disk (vz.img).
cp -a "$work/vzctl/." "$r/"
mkdir -p "$v"
if [ -d "$r/vz" ]; then
	cp -a "$r/vz/." "$v/"
	rm -rf "$r/vz"
fi
mkdir -p "$r/vz" "$v"/{private,root,lock,dump,template/cache}
cp "$busybox_tgz" "$v/template/cache/busybox.tar.gz"
cp "$debian_tgz" "$v/template/cache/debian.tar.gz"

# PID 1 and its reboot/poweroff/halt personalities.
install -m 755 "$work/bin/node-init" "$r/sbin/node-init"
for c in reboot poweroff halt; do
	ln -sf node-init "$r/sbin/$c"
done
mkdir -p "$r/etc/vzlab" "$r/usr/local/lib/vzlab"
install -m 755 "$here/node-rc" "$r/etc/vzlab/rc"
install -m 755 "$here/node-rc.shutdown" "$r/etc/vzlab/rc.shutdown"
install -m 755 "$work/bin/vzctl-probe" "$r/usr/local/lib/vzlab/vzctl-probe"
echo "$key" >"$r/etc/vzlab/image-key"

# Names and addresses.
{
	echo "127.0.0.1	localhost"
	echo "10.77.0.1	labhost"
	for i in $(seq 1 "$nodes"); do echo "10.77.0.$((10 + i))	node$i"; done
} >"$r/etc/hosts"
echo node >"$r/etc/hostname"
: >"$r/etc/resolv.conf"
: >"$r/etc/fstab"

# SSH: one lab root key shared by all nodes and the harness; a host key per
# node, chosen at boot by name; known_hosts with every node by name and IP.
out=$work/out
mkdir -p "$out" "$r/root/.ssh"
chmod 700 "$r/root/.ssh"
ssh-keygen -q -t ed25519 -N '' -C vzlab -f "$out/id_ed25519" </dev/null
install -m 600 "$out/id_ed25519" "$r/root/.ssh/id_ed25519"
install -m 644 "$out/id_ed25519.pub" "$r/root/.ssh/id_ed25519.pub"
install -m 600 "$out/id_ed25519.pub" "$r/root/.ssh/authorized_keys"
: >"$out/known_hosts"
for i in $(seq 1 "$nodes"); do
	d=$r/etc/ssh/vzlab-hostkeys/node$i
	mkdir -p "$d"
	ssh-keygen -q -t ed25519 -N '' -C "node$i" -f "$d/ssh_host_ed25519_key" </dev/null
	echo "node$i,10.77.0.$((10 + i)) $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" >>"$out/known_hosts"
done
chmod 700 "$r/etc/ssh/vzlab-hostkeys"
install -m 644 "$out/known_hosts" "$r/root/.ssh/known_hosts"
install -m 644 "$out/known_hosts" "$r/etc/ssh/ssh_known_hosts"
cat >"$r/etc/ssh/sshd_config.d/vzlab.conf" <<'EOF'
# Lab node sshd: key-only root logins, no DNS, one host key picked at boot.
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
HostKey /etc/ssh/ssh_host_ed25519_key
MaxStartups 100:30:200
MaxSessions 100
EOF
cat >"$r/etc/ssh/ssh_config.d/vzlab.conf" <<'EOF'
# Lab nodes talk to each other as root with the lab key, non-interactively.
Host *
	BatchMode yes
	StrictHostKeyChecking yes
	ConnectTimeout 10
	ServerAliveInterval 5
EOF

# Nothing that would try to run Debian's init scripts at our boot.
rm -f "$r/usr/sbin/policy-rc.d"

# Images.
mkdir -p "$cache/lab/images"
tmpimg=$cache/lab/images/.tmp-$key
rm -rf "$tmpimg"
mkdir -p "$tmpimg"
mkfs.ext4 -q -F -L vzroot -E root_owner=0:0 -d "$r" "$tmpimg/root.img" "$root_size" >&2 ||
	die "mkfs.ext4 root.img failed"
mkfs.ext4 -q -F -L vz -E root_owner=0:0 -d "$v" "$tmpimg/vz.img" "$vz_size" >&2 ||
	die "mkfs.ext4 vz.img failed"
cp "$kdir/bzImage" "$tmpimg/bzImage"
echo "$kver" >"$tmpimg/kernel-version"
cp "$out/id_ed25519" "$out/id_ed25519.pub" "$out/known_hosts" "$tmpimg/"
chmod 600 "$tmpimg/id_ed25519"
{
	echo "key $key"
	echo "built $(date -u +%FT%TZ)"
	echo "base $base"
	echo "kernel $kver"
	echo "vzctl $([ -x "$r/usr/sbin/vzctl" ] && echo yes || echo no)"
	echo "templates busybox debian"
} >"$tmpimg/manifest"
touch "$tmpimg/.complete"
rm -rf "$img"
mv "$tmpimg" "$img"
ln -sfn "images/$key" "$cache/lab/$link"

# Keep the three newest image sets (a running lab may still use an older
# one), and whatever a current* link points to.
linked=$(for l in "$cache"/lab/current*; do [ -L "$l" ] && readlink -f "$l"; done)
ls -1dt "$cache"/lab/images/*/ 2>/dev/null | tail -n +4 | while read -r old; do
	printf '%s\n' "$linked" | grep -qxF "$(readlink -f "$old")" || rm -rf "$old"
done

say "done in $((SECONDS - start)) s: $img (root.img $(du -h "$img/root.img" | cut -f1) used, vz.img $(du -h "$img/vz.img" | cut -f1) used)"
echo "$img"
