#!/bin/bash
# Smoke test of the real window: rnnlab under Xvfb (a real X server, not SDL's dummy driver), driven
# by injected key presses (--script), exports a PNG with F12 and quits cleanly.
# Usage: cli_xvfb_smoke.sh RNNLAB FIXTURES
set -u
RNNLAB=$1
if ! command -v xvfb-run > /dev/null; then
  echo "SKIP: xvfb-run is not installed (apt-get install xvfb); the window smoke test did not run"
  exit 0
fi
. "$(dirname "$0")/lib_cli.sh"

# Under AddressSanitizer the X server's OpenGL driver (Mesa, loaded and unloaded at run time, so
# LeakSanitizer sees only "<unknown module>") leaks a few hundred bytes that no suppression can name.
# The window's own code is leak-checked through the same drawing paths by app_test_explorer and
# cli_render (dummy video driver); here leak detection is off so the smoke test checks the window.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# Space pauses (the window starts training), N steps, F12 saves, Ctrl+Q would quit; "quit" closes.
env -u SDL_VIDEODRIVER timeout 180 xvfb-run -a -s "-screen 0 1920x1080x24" \
  "$RNNLAB" --size 1280x720 --distance 8 --hidden 12 --batch 8 --export-dir "$TMP/figs" \
  --script "wait:0.5;keys:space,n,right,left,F12;frames:3;quit" > "$TMP/out.txt" 2>&1
rc=$?
cat "$TMP/out.txt"
check '[ $rc -eq 0 ]' "the window opened, ran the script and quit cleanly (exit $rc)"
png=$(ls "$TMP"/figs/explorer-view-step*.png 2>/dev/null | head -1)
check '[ -n "$png" ] && [ -s "$png" ]' "F12 exported the window as PNG"
[ -n "$png" ] && check '[ "$(size "$png")" = 1280x720 ]' "the export has the window's size"

# A script error is reported and the window still closes.
env -u SDL_VIDEODRIVER timeout 120 xvfb-run -a -s "-screen 0 1280x720x24" \
  "$RNNLAB" --size 800x600 --distance 4 --hidden 8 --script "keys:nosuchkey" > "$TMP/out.txt" 2>&1
rc=$?
check '[ $rc -eq 2 ] && grep -q nosuchkey "$TMP/out.txt"' "a bad script key is named (exit $rc)"
finish cli_xvfb_smoke
