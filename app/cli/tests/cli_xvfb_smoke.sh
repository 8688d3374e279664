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

# The window cannot be shrunk below the layout's minimum: xdotool resizes the real X window to 100x80
# while the explorer runs; X keeps the window manager's hints (SDL sets them) ...
env -u SDL_VIDEODRIVER timeout 120 xvfb-run -a -s "-screen 0 1920x1080x24" bash -c '
  "$1" --size 1280x720 --distance 4 --hidden 8 --script "wait:12;quit" > /dev/null 2>&1 &
  pid=$!
  for i in 1 2 3 4 5 6 7 8 9 10; do w=$(xdotool search --name "^rnnlab$" 2>/dev/null | head -1); [ -n "$w" ] && break; sleep 0.3; done
  [ -n "$w" ] || { echo "no window"; kill $pid; exit 1; }
  for i in $(seq 1 40); do # the size hints come just after the window (later under the sanitizers)
    # SDL may destroy and re-create its window when the renderer starts: look the window up each time.
    w2=$(xdotool search --name "^rnnlab$" 2>/dev/null | tail -1); [ -n "$w2" ] && w=$w2
    xprop -id "$w" WM_NORMAL_HINTS > /tmp/hints.$$ 2>&1
    grep -q "minimum size" /tmp/hints.$$ && break
    sleep 0.25
  done
  cat /tmp/hints.$$; rm -f /tmp/hints.$$
  wait $pid' _ "$RNNLAB" > "$TMP/hints.txt" 2>&1
if command -v xdotool > /dev/null && command -v xprop > /dev/null; then
  cat "$TMP/hints.txt"
  check 'grep -q "program specified minimum size: 960 by 540" "$TMP/hints.txt"' "the window asks X for a 960x540 minimum size"
else
  echo "SKIP: xdotool/xprop missing; the window's minimum size hint was not read"
fi

# The presenter opens full screen by default (the screen's size), in a window with --window.
env -u SDL_VIDEODRIVER timeout 180 xvfb-run -a -s "-screen 0 1920x1080x24" \
  "$RNNLAB" --lesson 1 --keys pagedown --out "$TMP/full.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ "$(size "$TMP/full.png")" = 1920x1080 ]' "rnnlab --lesson 1 fills a 1920x1080 screen ($(size "$TMP/full.png" 2>/dev/null))"
env -u SDL_VIDEODRIVER timeout 180 xvfb-run -a -s "-screen 0 1920x1080x24" \
  "$RNNLAB" --lesson 1 --window --keys pagedown --out "$TMP/win.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ "$(size "$TMP/win.png")" = 1600x900 ]' "--window opens 1600x900 ($(size "$TMP/win.png" 2>/dev/null))"

# A script error is reported and the window still closes.
env -u SDL_VIDEODRIVER timeout 120 xvfb-run -a -s "-screen 0 1280x720x24" \
  "$RNNLAB" --size 800x600 --distance 4 --hidden 8 --script "keys:nosuchkey" > "$TMP/out.txt" 2>&1
rc=$?
check '[ $rc -eq 2 ] && grep -q nosuchkey "$TMP/out.txt"' "a bad script key is named (exit $rc)"
finish cli_xvfb_smoke
