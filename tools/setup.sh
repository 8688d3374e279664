#!/usr/bin/env bash
# Installs the Debian 12 packages rnnlab needs to build, run and test. Uses sudo when not root.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PACKAGES=(
  gcc make cmake pkg-config            # toolchain
  libsdl2-dev libsdl2-ttf-dev          # the explorer window and text
  libfontconfig-dev fonts-dejavu-core  # finding the font; the font itself
  libcjson-dev                         # model-file headers (JSON)
  libstb-dev                           # PNG export (stb_image_write)
  xvfb xauth x11-utils xdotool         # the tests that open a real window on a virtual display
  tesseract-ocr tesseract-ocr-eng      # the projector check reads the exported slides back (OCR)
  clang libclang-rt-14-dev             # libFuzzer for tests/fuzz (CI's fuzzing smoke run)
  python3 binutils                     # the layout test (tools/layout.py reads the libraries with nm)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "rnnlab setup: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "rnnlab setup: all Debian packages present"
fi
