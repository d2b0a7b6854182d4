#!/bin/sh
# Check our kernel sources and patches with the kernel tree's checkpatch.pl.
# Prints one "PASS:"/"FAIL:" line per file, for the test runner.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
src=${VZ_CACHE:-/var/cache/vzlab}/kernel/src
cp=$src/scripts/checkpatch.pl
[ -x "$cp" ] || { echo "FAIL: checkpatch: $cp missing (make kernel first)"; exit 1; }
cd "$repo" || exit 1
rc=0
# LONG_LINE_STRING: coding-style.rst says never to break user-visible
# strings (they must stay greppable), so a long message stays one line.
check() {
	if out=$("$cp" --no-tree --strict -q --show-types --ignore LONG_LINE_STRING "$@" 2>&1); then
		echo "PASS: checkpatch $*"
	else
		echo "FAIL: checkpatch $*"; echo "$out" | sed 's/^/    /'; rc=1
	fi
}
for f in $(find kernel -name '*.[ch]' | sort) include/linux/*.h; do
	check -f "$f"
done
# The uapi header keeps OpenVZ's envid_t typedef on purpose.
check --ignore NEW_TYPEDEFS -f include/uapi/linux/vzcalluser.h
for p in $(grep -v '^#' kernel/patches/series); do
	if out=$("$cp" --no-tree --strict -q --show-types - <"kernel/patches/$p" 2>&1); then
		echo "PASS: checkpatch kernel/patches/$p"
	else
		echo "FAIL: checkpatch kernel/patches/$p"; echo "$out" | sed "s/^/    /"; rc=1
	fi
done
exit $rc
