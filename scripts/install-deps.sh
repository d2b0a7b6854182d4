#!/bin/sh
# Install the Debian packages the build, the lab and the tests need.
# Only missing packages are installed; nothing happens when all are there.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)

packages=$(cat "$repo/scripts/host-packages.txt" "$repo/lab/host-packages.txt" 2>/dev/null |
	sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: error: missing packages and not root; run as root: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
