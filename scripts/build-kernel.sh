#!/bin/bash
# Build the lab kernel: Debian's linux-source-6.1 + our patchset + our sources.
#
# The tree and the build output live in a cache outside the clone
# ($VZ_CACHE/kernel), so an unchanged kernel is not rebuilt and a changed
# file rebuilds incrementally: files are copied into the tree only when their
# content differs, which keeps make's timestamps meaningful.
#
# Usage: build-kernel.sh [lab|debug]
set -euo pipefail

flavour=${1:-lab}
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${VZ_CACHE:-/var/cache/vzlab}
tarball=${VZ_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
want_version=$(cat "$repo/kernel/UPSTREAM_VERSION")
kdir=$cache/kernel
src=$kdir/src
pristine=$kdir/pristine
build=$kdir/build-$flavour
out=$kdir/out-$flavour
jobs=${VZ_JOBS:-3}

die() { echo "build-kernel: error: $*" >&2; exit 1; }
say() { echo "build-kernel: $*"; }

for tool in bc bison flex cpio rsync make gcc perl xz; do
	command -v "$tool" >/dev/null || die "missing '$tool' (run: make deps)"
done
[ -e /usr/include/gelf.h ] || die "missing libelf-dev (run: make deps)"
[ -e /usr/include/openssl/ssl.h ] || die "missing libssl-dev (run: make deps)"
[ -r "$tarball" ] || die "no kernel source at $tarball (apt-get install linux-source-6.1, or: make deps)"

case $flavour in
lab) fragments="$repo/kernel/config/lab.config" ;;
debug) fragments="$repo/kernel/config/lab.config $repo/kernel/config/debug.config" ;;
*) die "unknown flavour '$flavour' (lab or debug)" ;;
esac

# Our files and where they go in the tree.  Kept in one place so the copy
# step and the content key cannot disagree.
our_files() {
	(cd "$repo" && find kernel/ve kernel/cpt include/linux include/uapi/linux \
		-type f \( -name '*.c' -o -name '*.h' -o -name Makefile -o -name Kconfig \) 2>/dev/null | sort)
	echo Kconfig
}
tree_path() {
	case $1 in
	Kconfig) echo kernel/Kconfig.vz ;;
	*) echo "$1" ;;
	esac
}

mapfile -t patches < <(grep -v '^\s*#' "$repo/kernel/patches/series" | sed '/^\s*$/d')
key=$( {
	echo "$flavour $want_version $(stat -c %s "$tarball")"
	for p in "${patches[@]}"; do cat "$repo/kernel/patches/$p"; done
	for f in $(our_files); do echo "$f"; cat "$repo/$f"; done
	cat $fragments
} | sha256sum | cut -d' ' -f1)

if [ -f "$out/key" ] && [ "$(cat "$out/key")" = "$key" ] && [ -f "$out/bzImage" ]; then
	say "kernel up to date ($out/bzImage, Linux $(cat "$out/version"))"
	exit 0
fi

mkdir -p "$kdir"
# 1. Unpack the upstream source once per upstream version.
if [ ! -f "$src/.vz-upstream" ] || [ "$(cat "$src/.vz-upstream")" != "$want_version" ]; then
	say "unpacking $tarball"
	rm -rf "$src" "$kdir/unpack" "$pristine" "$kdir"/build-* "$kdir"/out-*
	mkdir -p "$kdir/unpack"
	tar -xJf "$tarball" -C "$kdir/unpack"
	top=$(ls "$kdir/unpack")
	got=$(make -s -C "$kdir/unpack/$top" kernelversion 2>/dev/null)
	[ "$got" = "$want_version" ] ||
		die "linux-source is $got but kernel/UPSTREAM_VERSION says $want_version; update the patchset for $got and that file"
	mv "$kdir/unpack/$top" "$src"
	rmdir "$kdir/unpack"
	echo "$want_version" >"$src/.vz-upstream"
	: >"$src/.vz-patched-files"
	mkdir -p "$pristine"
fi

# Copy $1 to $2 only when the content differs (keeps mtimes of unchanged files).
sync_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
	fi
}

# 2. Apply the patchset in a staging copy made from pristine files, then
# bring the tree to the result: files patched now get the staged content,
# files patched only last time get their pristine content back.  Only files
# whose content differs are written, so make rebuilds what really changed.
files=()
for p in "${patches[@]}"; do
	[ -f "$repo/kernel/patches/$p" ] || die "patch $p listed in series does not exist"
	while read -r f; do files+=("$f"); done < <(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$repo/kernel/patches/$p")
done
stage=$kdir/stage
rm -rf "$stage"; mkdir -p "$stage"
for f in $(printf '%s\n' "${files[@]}" | sort -u); do
	if [ ! -e "$pristine/$f" ] && [ -e "$src/$f" ] && ! grep -qxF "$f" "$src/.vz-patched-files"; then
		mkdir -p "$(dirname "$pristine/$f")"; cp "$src/$f" "$pristine/$f"
	fi
	if [ -e "$pristine/$f" ]; then
		mkdir -p "$(dirname "$stage/$f")"; cp "$pristine/$f" "$stage/$f"
	fi
done
for p in "${patches[@]}"; do
	if ! patch -p1 -s -N -d "$stage" <"$repo/kernel/patches/$p" >"$kdir/patch.log" 2>&1; then
		cat "$kdir/patch.log" >&2
		die "patch $p does not apply to Linux $want_version"
	fi
done
printf '%s\n' "${files[@]}" | sort -u >"$kdir/patched-now"
while read -r f; do
	[ -n "$f" ] && ! grep -qxF "$f" "$kdir/patched-now" && sync_file "$pristine/$f" "$src/$f"
done <"$src/.vz-patched-files"
while read -r f; do
	[ -n "$f" ] && sync_file "$stage/$f" "$src/$f"
done <"$kdir/patched-now"
mv "$kdir/patched-now" "$src/.vz-patched-files"

# 3. Our own sources; files of ours that were removed or moved go too.
for f in $(our_files); do
	sync_file "$repo/$f" "$src/$(tree_path "$f")"
done
our_files >"$kdir/ours-now"
for d in kernel/ve kernel/cpt; do
	[ -d "$src/$d" ] || continue
	(cd "$src" && find "$d" -type f \( -name '*.c' -o -name '*.h' -o -name Makefile \)) |
	while read -r f; do
		grep -qxF "$f" "$kdir/ours-now" || rm -f "$src/$f"
	done
done

# 4. Configure from tinyconfig + fragments (only when fragments change).
mkdir -p "$build" "$out"
cfgkey=$(cat $fragments | sha256sum | cut -d' ' -f1)
if [ ! -f "$build/.config" ] || [ "$(cat "$build/.vz-cfgkey" 2>/dev/null)" != "$cfgkey" ]; then
	say "configuring ($flavour)"
	make -s -C "$src" O="$build" ARCH=x86_64 tinyconfig >/dev/null
	# shellcheck disable=SC2086
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" $fragments >"$build/merge.log"
	make -s -C "$src" O="$build" ARCH=x86_64 olddefconfig >/dev/null
	missing=0
	# What the fragments ask for, a later fragment's line winning.
	# shellcheck disable=SC2086
	wanted=$(cat $fragments | grep '^CONFIG_' | awk -F= '{ last[$1] = $0; order[NR] = $1 }
		END { for (i = 1; i <= NR; i++) if (order[i] in last) { print last[order[i]]; delete last[order[i]] } }')
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) opt=${line%%=*}
			grep -q "^$opt=" "$build/.config" && { echo "  $line: not honoured" >&2; missing=1; } ;;
		CONFIG_*) grep -qxF "$line" "$build/.config" || { echo "  $line: not honoured" >&2; missing=1; } ;;
		esac
	done <<<"$wanted"
	[ $missing = 0 ] || die "config fragment options above did not survive olddefconfig"
	echo "$cfgkey" >"$build/.vz-cfgkey"
fi

# 5. Build.
say "building bzImage and modules (Linux $want_version, $flavour, -j$jobs)"
start=$(date +%s)
if ! make -s -C "$src" O="$build" ARCH=x86_64 -j"$jobs" bzImage modules >"$build/build.log" 2>&1; then
	grep -iE 'error' "$build/build.log" | head -40 >&2
	die "kernel build failed; full log: $build/build.log"
fi
grep -E 'warning:' "$build/build.log" | grep -E 'kernel/(ve|cpt)/' >&2 && die "our kernel code has compiler warnings"
rm -rf "$out/modules"
make -s -C "$src" O="$build" ARCH=x86_64 INSTALL_MOD_PATH="$out/modules" modules_install >/dev/null
cp "$build/arch/x86/boot/bzImage" "$out/bzImage"
cp "$build/.config" "$out/config"
make -s -C "$src" O="$build" ARCH=x86_64 kernelrelease >"$out/version"
echo "$key" >"$out/key"
say "built Linux $(cat "$out/version") in $(( $(date +%s) - start ))s: $out/bzImage"
