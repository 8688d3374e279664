#!/bin/bash
# rnnlab render / view end to end: the explorer's view and single panels as PNGs with no display,
# the options' error paths, and a model file viewed on a sentence. Usage: cli_render.sh RNNLAB FIXTURES
set -u
RNNLAB=$1
. "$(dirname "$0")/lib_cli.sh"
SMALL="--distance 8 --hidden 12 --batch 8"

"$RNNLAB" render $SMALL --train-steps 20 --out "$TMP/view.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ "$(size "$TMP/view.png")" = 1920x1080 ]' "render draws the whole view at 1920x1080"
check 'grep -q "step 20" "$TMP/out.txt"' "render reports the training step it drew"
check '[ "$(colours "$TMP/view.png")" -gt 50 ]' "the view is not blank"

"$RNNLAB" render $SMALL --train-steps 5 --theme light --size 1280x720 --out "$TMP/light.png" > /dev/null 2>&1
check '[ $? -eq 0 ] && [ "$(size "$TMP/light.png")" = 1280x720 ]' "--theme light --size 1280x720"

for p in heatmaps gradients curves diagram sidebar distribution bptt params; do
  "$RNNLAB" render $SMALL --train-steps 3 --panel $p --size 640x400 --out "$TMP/$p.png" > /dev/null 2>&1
  check '[ $? -eq 0 ] && [ "$(size "$TMP/$p.png")" = 640x400 ] && [ "$(colours "$TMP/$p.png")" -gt 20 ]' "--panel $p"
done

"$RNNLAB" render $SMALL --cells gru,rnn-relu,lstm --clamp keep --select 3 --train-steps 2 --out "$TMP/three.png" > /dev/null 2>&1
check '[ $? -eq 0 ] && [ -s "$TMP/three.png" ]' "three model slots, a clamp and a selected timestep"

# figures for print: the same layout at twice the pixels; the gradient plot raw or relative
"$RNNLAB" render $SMALL --train-steps 3 --panel gradients --scale 2 --out "$TMP/g2.png" > /dev/null 2>&1
check '[ $? -eq 0 ] && [ "$(size "$TMP/g2.png")" = 3840x2160 ]' "--panel gradients --scale 2 is 3840x2160"
"$RNNLAB" render $SMALL --train-steps 3 --size 1280x720 --scale 2 --out "$TMP/view2x.png" > /dev/null 2>&1
check '[ $? -eq 0 ] && [ "$(size "$TMP/view2x.png")" = 2560x1440 ]' "--size 1280x720 --scale 2 is 2560x1440"
"$RNNLAB" render $SMALL --train-steps 3 --panel gradients --gradient raw --out "$TMP/raw.png" > /dev/null 2>&1
check '[ $? -eq 0 ] && [ -s "$TMP/raw.png" ] && ! cmp -s "$TMP/raw.png" "$TMP/gradients.png"' "--gradient raw"
run render --scale 3 --out "$TMP/x.png"
check '[ "$(rc)" -eq 2 ] && has "scale"' "--scale 3 is refused"
run render --gradient log --out "$TMP/x.png"
check '[ "$(rc)" -eq 2 ] && has "relative or raw"' "--gradient log is refused"

# the explorer's own options are listed by rnnlab --help, and bad ones are refused before any window
run --help
check 'has "--paused" && has "--fullscreen" && has "--cells" && has "--speed" && has "default 10"' \
  "rnnlab --help lists the explorer window's options"
run --speed 7
check '[ "$(rc)" -eq 2 ] && has "1, 2, 5, 10"' "--speed 7 names the speeds there are"

# events injected from a script: keys, a click, export with F12
"$RNNLAB" render $SMALL --export-dir "$TMP/figs" --script "keys:n,n,left,F12;frames:2" --out "$TMP/s.png" > /dev/null 2>&1
check '[ $? -eq 0 ] && ls "$TMP"/figs/explorer-view-step*.png > /dev/null 2>&1' "--script keys and F12 export"

# errors
"$RNNLAB" render --out "$TMP/x.png" --panel nonsense > "$TMP/out.txt" 2>&1
check '[ $? -eq 2 ] && grep -q "unknown panel" "$TMP/out.txt"' "unknown panel is a usage error"
"$RNNLAB" render --cells lstm,banana --out "$TMP/x.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 2 ] && grep -q "banana" "$TMP/out.txt"' "unknown cell names the value"
"$RNNLAB" render --size 12 --out "$TMP/x.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 2 ] && grep -q "WxH" "$TMP/out.txt"' "bad --size"
"$RNNLAB" render $SMALL --out "$TMP/no/such/dir/x.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 1 ] && grep -q "no/such/dir" "$TMP/out.txt"' "unwritable --out names the path"
"$RNNLAB" render --train-steps 3 > "$TMP/out.txt" 2>&1
check '[ $? -eq 2 ] && grep -q -- "--out" "$TMP/out.txt"' "--out is required"

# view: a model file with a vocabulary on a sentence (rnnlab train stores the task's tokens)
"$RNNLAB" train --task recall --distance 4 --cell lstm --hidden 8 --steps 5 --save "$TMP/m.safetensors" > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ -s "$TMP/m.safetensors" ]' "a small trained model to view"
"$RNNLAB" view "$TMP/m.safetensors" --text "k3 · · · · q" --out "$TMP/v.png" --size 1280x720 > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ "$(size "$TMP/v.png")" = 1280x720 ] && [ "$(colours "$TMP/v.png")" -gt 50 ]' "view MODEL --text draws the model on the sentence"
"$RNNLAB" view "$TMP/m.safetensors" --text "k3 zzzunknownzzz q" --out "$TMP/v2.png" > "$TMP/out.txt" 2>&1
check '[ $? -ne 0 ] && grep -q "zzzunknownzzz" "$TMP/out.txt" && [ ! -e "$TMP/v2.png" ]' "an unknown token is named, no PNG"
"$RNNLAB" view "$TMP/m.safetensors" > "$TMP/out.txt" 2>&1
check '[ $? -eq 2 ]' "view without --text is a usage error"
"$RNNLAB" view "$TMP/missing.safetensors" --text "a" --out "$TMP/v.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 1 ] && grep -q "missing.safetensors" "$TMP/out.txt"' "a missing model file names the path"

finish cli_render
