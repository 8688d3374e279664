#!/usr/bin/env bash
# ThreadSanitizer runs (CI, .ci/run): builds rnnlab with -DRNNLAB_TSAN=ON in build-tsan/ and runs
# what has threads in it: train --threads 2 (batch shards), the explorer's scripted session in a
# real window under Xvfb (training thread + drawing thread + F12 export) and headless (render
# --script), the presenter, and bench with 2 threads. Any data race ends the run with an error.
#   usage: bash tests/tsan.sh
set -uo pipefail
cd "$(dirname "$0")/.."
B=build-tsan
cmake -S . -B "$B" -DRNNLAB_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null || exit 1
cmake --build "$B" -j2 --target rnnlab > "$B/build.log" 2>&1 || { tail -20 "$B/build.log"; exit 1; }
R=$PWD/$B/rnnlab
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
fails=0
run() { # run NAME COMMAND...: the command must exit 0 with no ThreadSanitizer report
  local name=$1
  shift
  local t0=$SECONDS
  (cd "$T" && "$@") > "$T/out.txt" 2>&1
  local rc=$?
  if [ $rc -ne 0 ] || grep -q "ThreadSanitizer" "$T/out.txt"; then
    echo "FAIL: TSan $name (exit $rc):"
    grep -A30 "WARNING: ThreadSanitizer" "$T/out.txt" | head -60 || tail -20 "$T/out.txt"
    fails=$((fails + 1))
  else
    echo "ok: TSan $name ($((SECONDS - t0)) s)"
  fi
}

run "train --threads 2" "$R" train --task recall --distance 10 --hidden 32 --steps 200 --threads 2 --quiet \
  --checkpoint ck.safetensors --checkpoint-every 50 --log run.csv
run "train --task lm --threads 2 (carried state)" "$R" train --task lm --length 12 --hidden 16 --steps 60 \
  --threads 2 --quiet --save lm.safetensors
run "render --script (headless explorer session)" env SDL_VIDEODRIVER=dummy "$R" render --size 960x540 \
  --train-steps 20 --export-dir figs --script "keys:space;wait:1;keys:n,n,F12,left,c,t;train:10;frames:3" \
  --out render.png
run "bench --threads 2" "$R" bench --config rnn-h128-b32,lstm-h128-b32 --seconds 1 --threads 2
if command -v xvfb-run > /dev/null; then
  run "explorer window --script (Xvfb)" env -u SDL_VIDEODRIVER timeout 300 xvfb-run -a -s "-screen 0 1920x1080x24" \
    "$R" --size 1280x720 --distance 8 --hidden 12 --batch 8 --export-dir winfigs \
    --script "wait:1;keys:space,n,right,left,F12,c,t,1,2;frames:5;wait:1;keys:space;wait:1;quit"
  run "presenter --keys (Xvfb)" env -u SDL_VIDEODRIVER timeout 300 xvfb-run -a -s "-screen 0 1920x1080x24" \
    "$R" --lesson 3 --size 1280x720 --keys pagedown,pagedown,right,b,b,m,escape,pageup
else
  echo "skip: xvfb-run is not installed; the window sessions did not run under TSan"
fi
[ $fails -eq 0 ] || { echo "tsan: $fails failure(s)"; exit 1; }
echo "tsan: all passed"
