#!/usr/bin/env bash
# The Debian package end to end (CI, as root on a throwaway machine): cpack -G DEB in BUILD,
# lintian with no errors, `apt-get install ./rnnlab_*.deb`, `rnnlab --version` and a headless
# render from the installed package in a folder outside the tree, `apt-get remove`, and a check
# that no file of the package and nothing else under /usr, /etc or /opt is left behind.
# Usage: tools/deb_check.sh [BUILD (default build)]
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
rm -f "$BUILD"/rnnlab_*.deb
(cd "$BUILD" && cpack -G DEB > cpack.log) || { cat "$BUILD/cpack.log"; exit 1; }
deb=$(ls "$BUILD"/rnnlab_*_*.deb)
echo "deb_check: $deb: $(dpkg-deb -f "$deb" Depends)"
command -v lintian > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lintian > /dev/null
lintian --fail-on error --allow-root "$deb"
if dpkg -s rnnlab > /dev/null 2>&1; then echo "deb_check: rnnlab is already installed; remove it first" >&2; exit 1; fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
snapshot() { find /usr /etc /opt -xdev 2>/dev/null | sort; }
snapshot > "$T/before.txt"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$T/apt.txt" || { cat "$T/apt.txt"; exit 1; }
dpkg -L rnnlab > "$T/files.txt"
cd "$T"
[ "$(command -v rnnlab)" = /usr/bin/rnnlab ]
RNNLAB_NO_SOURCE_DATA=1 rnnlab --version | tee version.txt
grep -qx "lessons: /usr/share/rnnlab/lessons (next to the executable)" version.txt
grep -qx "colour map sequential: /usr/share/rnnlab/assets/colormaps/sequential.txt" version.txt
RNNLAB_NO_SOURCE_DATA=1 SDL_VIDEODRIVER=dummy rnnlab render --lesson 3 --out "$T/lesson3.png"
[ -s "$T/lesson3.png" ]
grep -qx /usr/share/applications/rnnlab.desktop files.txt
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq rnnlab > "$T/apt.txt" || { cat "$T/apt.txt"; exit 1; }
left=0
while read -r f; do
  if [ -f "$f" ] || [ -L "$f" ]; then echo "deb_check: left behind: $f"; left=1; fi
done < files.txt
snapshot > after.txt
if ! diff before.txt after.txt > diff.txt; then echo "deb_check: /usr, /etc or /opt changed:"; cat diff.txt; left=1; fi
[ "$left" = 0 ] && echo "deb_check: installed, ran, removed; nothing left behind"
