#!/usr/bin/env bash
# Builds the explorer for the browser: build-web/ with rnnlab.html, rnnlab.js, rnnlab.wasm and rnnlab.data
# (lessons, assets and a DejaVu font). Any static web server can host that folder:
#   python3 -m http.server -d build-web
# From a fresh clone: installs Emscripten (Debian 12's 3.1.6) and what it needs, then builds SDL2, FreeType
# and SDL2_ttf for WebAssembly from Debian's source packages ONCE into a cache folder outside the repo
# (${RNNLAB_WEB_CACHE:-/var/cache/rnnlab-web}); later runs reuse it. Emscripten's own SDL2 "ports" download
# from the internet, which this machine cannot reach.
#   tools/build-web.sh            dependencies (if not cached) + build-web/
#   tools/build-web.sh --deps     only the cached dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${RNNLAB_WEB_CACHE:-/var/cache/rnnlab-web}
PREFIX=$CACHE/prefix
OUT=${RNNLAB_WEB_OUT:-$ROOT/build-web}
# The node on PATH may not be Debian's; emcc needs Debian's node modules (acorn, ...).
export NODE_PATH=/usr/share/nodejs
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
t0=$(date +%s)
say() { echo "build-web: $* ($(( $(date +%s) - t0 )) s)"; }

install_packages() {
  local missing=() p
  for p in emscripten dpkg-dev cmake make python3 fonts-dejavu-core libstb-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# Debian source packages through a private sources folder: the machine's own entries with Types: deb-src.
fetch_sources() {
  local apt=$CACHE/apt src=$CACHE/src
  mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$src"
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    sed 's/^Types:.*/Types: deb-src/' "$f" > "$apt/sources.list.d/$(basename "$f")"
  done
  if [ -s /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > "$apt/sources.list.d/main.list" || true
  fi
  local opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/sources.list.d"
              -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
  say "fetching Debian source packages (libsdl2, freetype, libsdl2-ttf, cjson)"
  apt-get "${opts[@]}" update -qq
  (cd "$src" && apt-get "${opts[@]}" source --download-only -qq libsdl2 freetype libsdl2-ttf cjson)
  local dsc
  for dsc in "$src"/*.dsc; do
    local name; name=$(basename "$dsc" .dsc)
    [ -d "$src/unpacked-$name" ] || (cd "$src" && dpkg-source -q -x "$dsc" "unpacked-$name")
  done
}

srcdir() { ls -d "$CACHE"/src/unpacked-"$1"_* | head -1; }

build_dep() {  # name, source dir, cmake flags...
  local name=$1 dir=$2; shift 2
  if [ -f "$CACHE/build-$name/.installed" ]; then return; fi
  say "building $name for WebAssembly"
  emcmake cmake -S "$dir" -B "$CACHE/build-$name" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_FIND_ROOT_PATH="$PREFIX" \
    "$@" > "$CACHE/build-$name.log" 2>&1 || { tail -30 "$CACHE/build-$name.log"; exit 1; }
  cmake --build "$CACHE/build-$name" -j"${RNNLAB_WEB_JOBS:-2}" >> "$CACHE/build-$name.log" 2>&1 \
    || { tail -30 "$CACHE/build-$name.log"; exit 1; }
  cmake --install "$CACHE/build-$name" >> "$CACHE/build-$name.log" 2>&1
  touch "$CACHE/build-$name/.installed"
}

build_deps() {
  if [ -f "$PREFIX/.complete" ]; then say "reusing SDL2, FreeType, SDL2_ttf from $PREFIX"; return; fi
  mkdir -p "$CACHE"
  fetch_sources
  build_dep sdl2 "$(srcdir libsdl2)" -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF
  build_dep freetype "$(srcdir freetype)" -DBUILD_SHARED_LIBS=OFF -DFT_DISABLE_ZLIB=TRUE \
    -DFT_DISABLE_BZIP2=TRUE -DFT_DISABLE_PNG=TRUE -DFT_DISABLE_HARFBUZZ=TRUE -DFT_DISABLE_BROTLI=TRUE
  build_dep sdl2_ttf "$(srcdir libsdl2-ttf)" -DBUILD_SHARED_LIBS=OFF -DSDL2TTF_VENDORED=OFF \
    -DSDL2TTF_HARFBUZZ=OFF -DSDL2TTF_SAMPLES=OFF
  build_dep cjson "$(srcdir cjson)" -DBUILD_SHARED_LIBS=OFF -DENABLE_CJSON_TEST=OFF \
    -DENABLE_CJSON_UTILS=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF
  # stb (PNG writing and reading) is header-only: Debian's libstb-dev headers
  mkdir -p "$PREFIX/include/stb"
  cp /usr/include/stb/stb_image_write.h /usr/include/stb/stb_image.h "$PREFIX/include/stb/"
  touch "$PREFIX/.complete"
  say "dependencies ready in $PREFIX"
}

build_app() {
  say "building rnnlab for the browser into $OUT"
  emcmake cmake -S "$ROOT" -B "$OUT" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_FIND_ROOT_PATH="$PREFIX" -DRNNLAB_WEB_PREFIX="$PREFIX" > /dev/null
  cmake --build "$OUT" -j"${RNNLAB_WEB_JOBS:-2}" --target rnnlab
  say "done: $(du -sh "$OUT"/rnnlab.{html,js,wasm,data} | awk '{printf "%s %s  ", $2, $1}')"
}

install_packages
build_deps
[ "${1:-}" = "--deps" ] || build_app
