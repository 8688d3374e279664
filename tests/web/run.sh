#!/usr/bin/env bash
# The browser build in a real browser: Debian's Chromium, headless, driven through the DevTools
# protocol (tests/web/browser_test.py). Needs build-web/ (tools/build-web.sh). Installs what it needs
# (chromium, python3-websocket, ImageMagick, tesseract) when missing. Screenshots go to
# ${RNNLAB_WEB_SHOTS:-build-web-shots}/.
#   tests/web/run.sh                 the checks (CI)
#   tests/web/run.sh --measure 60    frames/s and training steps/s of the default view for 60 s
set -euo pipefail
cd "$(dirname "$0")/../.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
for p in chromium python3-websocket imagemagick tesseract-ocr tesseract-ocr-eng; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "web test: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ ! -f build-web/rnnlab.wasm ]; then
  echo "web test: build-web/ does not exist: run tools/build-web.sh first" >&2
  exit 1
fi
exec /usr/bin/python3 tests/web/browser_test.py build-web "${RNNLAB_WEB_SHOTS:-build-web-shots}" "$@"
