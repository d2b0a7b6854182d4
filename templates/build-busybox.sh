#!/bin/bash
# Build the "busybox" OS template: $VZ_CACHE/templates/busybox.tar.gz
#
# A tiny VE root filesystem made of the host's busybox-static: /bin/busybox
# plus applet links, busybox init (/sbin/init) with an inittab that runs
# /etc/init.d/rcS, which starts httpd on port 80 serving
# "hello from VE <hostname>" and a TCP echo service on port 7.
#
# Content-keyed: rebuilt only when this script or the busybox binary changes.
# Prints the path of the tarball on stdout.
set -euo pipefail

cache=${VZ_CACHE:-/var/cache/vzlab}
out=$cache/templates/busybox.tar.gz
bb=${VZ_BUSYBOX:-/bin/busybox}

say() { echo "build-busybox: $*" >&2; }
die() { echo "build-busybox: error: $*" >&2; exit 1; }

[ -x "$bb" ] || die "$bb missing (apt-get install busybox-static, or: make deps)"
file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$bb" 2>&1 | grep -q 'not a dynamic' || die "$bb is not static"

key=$( { cat "$0"; sha256sum <"$bb"; } | sha256sum | cut -c1-16)
if [ -e "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
	say "reusing $out"
	echo "$out"
	exit 0
fi

mkdir -p "$cache/templates"
tmp=$(mktemp -d "$cache/templates/.busybox.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root

mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,proc,sys,dev,dev/pts,tmp,run,root,var/www,var/log,var/run,home}
chmod 1777 "$r/tmp"
chmod 700 "$r/root"
cp "$bb" "$r/bin/busybox"
chmod 755 "$r/bin/busybox"

# Applet links, in the directories busybox itself reports.
"$bb" --list-full | while read -r path; do
	case $path in
	bin/busybox) continue ;;
	esac
	mkdir -p "$r/$(dirname "$path")"
	rel=$(dirname "$path" | sed -e 's|[^/]*|..|g')
	ln -sf "$rel/bin/busybox" "$r/$path"
done
ln -sf ../bin/busybox "$r/sbin/init"
for a in sh halt poweroff reboot; do
	[ -e "$r/bin/$a" ] || [ -e "$r/sbin/$a" ] || die "busybox lacks the $a applet"
done

cat >"$r/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$r/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR
echo 'root:*:0:0:99999:7:::' >"$r/etc/shadow"
chmod 600 "$r/etc/shadow"
echo ve >"$r/etc/hostname"
cat >"$r/etc/hosts" <<'HO'
127.0.0.1	localhost
10.77.0.1	labhost
10.77.0.11	node1
10.77.0.12	node2
10.77.0.13	node3
HO
: >"$r/etc/resolv.conf"
echo '/bin/sh' >"$r/etc/shells"
cat >"$r/etc/profile" <<'PR'
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export PS1='\h:\w\$ '
PR

cat >"$r/etc/inittab" <<'IT'
# busybox init: no gettys (a VE has no consoles to log in on).
::sysinit:/etc/init.d/rcS
::shutdown:/etc/init.d/rcK
IT

cat >"$r/etc/init.d/rcS" <<'RC'
#!/bin/sh
# Start the VE's services.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
[ -e /proc/self ] || mount -t proc proc /proc
[ -d /sys/class ] || mount -t sysfs sysfs /sys 2>/dev/null
grep -q '^[^ ]* /tmp ' /proc/mounts || mount -t tmpfs -o mode=1777 tmpfs /tmp 2>/dev/null
ip link set lo up 2>/dev/null
h=$(hostname)
echo "hello from VE $h" >/var/www/index.html
# Web server on port 80.
httpd -p 80 -h /var/www
# TCP echo on port 7.
nc -ll -p 7 -e /bin/cat >/dev/null 2>&1 </dev/null &
echo $! >/var/run/echo.pid
echo "rcS: services started on $h" >/var/log/rcS.log
RC
cat >"$r/etc/init.d/rcK" <<'RK'
#!/bin/sh
# Stop the VE's services (busybox init kills whatever is left afterwards).
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
killall httpd 2>/dev/null
[ -f /var/run/echo.pid ] && kill "$(cat /var/run/echo.pid)" 2>/dev/null
rm -f /var/run/echo.pid
RK
chmod 755 "$r/etc/init.d/rcS" "$r/etc/init.d/rcK"

tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$r" -czf "$tmp/t.tar.gz" .
mv "$tmp/t.tar.gz" "$out"
echo "$key" >"$out.key"
say "built $out ($(du -h "$out" | cut -f1))"
echo "$out"
