#!/bin/bash
# rnnlab init / inspect / bench end to end, and their error paths. Usage: cli_engine.sh RNNLAB FIXTURES
set -u
RNNLAB=$1
FIX=$2
. "$(dirname "$0")/lib_cli.sh"

run init --cell gru --vocab 12 --embed 6 --hidden 10 --layers 2 --bidirectional --seed 3 --save "$TMP/gru.safetensors"
check '[ $(rc) -eq 0 ] && [ -s "$TMP/gru.safetensors" ] && has "gru, 2 layers (bidirectional)"' "init writes a model"

run inspect "$TMP/gru.safetensors" --tokens 3,1,4,1,5 --json
check '[ $(rc) -eq 0 ] && has "\"loss\":" && has "\"dhT_norm\":" && has "\"direction\":\"backward\""' "inspect --json prints loss and trace"
check '[ $(grep -o "\"layer\":" "$TMP/out.txt" | wc -l) -eq 4 ]' "inspect --json has one trace per layer and direction"

run inspect "$TMP/gru.safetensors" --tokens 3,1,4 --targets 1,4,-1 --grads "$TMP/g.safetensors"
check '[ $(rc) -eq 0 ] && [ -s "$TMP/g.safetensors" ] && has "loss"' "inspect --grads writes the gradients"
run inspect "$TMP/g.safetensors" --tokens 1
check '[ $(rc) -eq 0 ]' "a gradient file has the model's layout and opens"

# the same model twice from the same seed: identical files
run init --cell gru --vocab 12 --embed 6 --hidden 10 --layers 2 --bidirectional --seed 3 --save "$TMP/gru2.safetensors"
check 'cmp -s "$TMP/gru.safetensors" "$TMP/gru2.safetensors"' "init is deterministic per seed"

run init --cell rnn --nonlinearity sigmoid --head final --classes 3 --save "$TMP/rnn.safetensors"
run inspect "$TMP/rnn.safetensors" --tokens 1,2,3 --targets 2
check '[ $(rc) -eq 0 ] && has "class probabilities"' "final-head model: one prediction per sequence"
run inspect "$TMP/rnn.safetensors" --tokens 1,2,3 --targets 2,2
check '[ $(rc) -eq 2 ] && has "needs 1"' "final head with too many targets"

# bad values: clear message, non-zero exit
run init --cell cnn --save "$TMP/x"
check '[ $(rc) -eq 2 ] && has "unknown cell" && [ ! -e "$TMP/x" ]' "unknown cell"
run init --hidden -4 --save "$TMP/x"
check '[ $(rc) -eq 2 ] && has "hidden"' "negative size"
run init --hidden 12abc --save "$TMP/x"
check '[ $(rc) -eq 2 ] && has "whole number"' "not a number"
run init --vocab 10
check '[ $(rc) -eq 2 ] && has "save"' "missing --save"
run init --layers
check '[ $(rc) -eq 2 ] && has "needs a value"' "option without value"
run init --save /nonexistent-dir/m.safetensors
check '[ $(rc) -eq 1 ] && has "nonexistent-dir"' "unwritable path"
run inspect "$TMP/missing.safetensors" --tokens 1
check '[ $(rc) -eq 1 ] && has "missing.safetensors"' "missing model file"
run inspect "$TMP/gru.safetensors" --tokens 1,12
check '[ $(rc) -eq 2 ] && has "outside the vocabulary"' "token id out of range"
run inspect "$TMP/gru.safetensors" --tokens ""
check '[ $(rc) -eq 2 ]' "empty sequence"
run inspect "$TMP/gru.safetensors"
check '[ $(rc) -eq 2 ] && has "tokens"' "no sequence"
run inspect "$TMP/gru.safetensors" --text "hello"
check '[ $(rc) -eq 1 ] && has "no vocabulary"' "text for a model without vocabulary"
head -c 100 "$TMP/gru.safetensors" > "$TMP/trunc.safetensors"
run inspect "$TMP/trunc.safetensors" --tokens 1
check '[ $(rc) -eq 1 ] && has "trunc.safetensors"' "truncated model file"
run init --head final --classes 1 --save "$TMP/x"
check '[ $(rc) -eq 2 ] && has "at least 2 classes" && [ ! -e "$TMP/x" ]' "init: a one-class head is refused"
run init --classes 1 --save "$TMP/x"
check '[ $(rc) -eq 2 ] && has "at least 2 classes"' "init: a one-class step head is refused"
run --help
check '[ $(rc) -eq 0 ] && has "--lesson N" && has "^  help "' "top-level help lists --lesson N and help"
run bench --config lstm-h512-b64 --seconds 0.05 --threads 1
check '[ $(rc) -eq 0 ] && ! grep -qE "(^|[^0-9])1 (steps|tokens)" "$TMP/out.txt"' "bench: singular step (a 50 ms run of a big model does one step)"
run bench --config nope
check '[ $(rc) -eq 2 ] && has "unknown configuration"' "bench: unknown configuration"
run bench --config rnn-h32-b1 --seconds 0.1 --json
check '[ $(rc) -eq 0 ] && has "\"tokens_per_s\":"' "bench runs one configuration"
# --profile: every phase, shares adding up to 1, executed FLOPs per CPU-second and per phase present;
# --kernels refuses what this build and CPU lack
run bench --config lstm-h32-b1 --seconds 0.2 --threads 2 --profile --kernels portable --json
check '[ $(rc) -eq 0 ] && has "\"kernels\":\"portable\"" && python3 -c "
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
p = r[\"profile\"]
assert len(p) == 9 and abs(sum(v[\"share\"] for v in p.values()) - 1) < 0.01, p
assert p[\"recurrent products\"][\"gflops_per_cpu_s\"] > 0 and r[\"gflops_executed_per_cpu_s\"] > 0, r
" "$TMP/out.txt"' "bench --profile: every phase, shares add up to 1"
run bench --config rnn-h32-b1 --kernels sse9
check '[ $(rc) -eq 2 ] && has "not available" && has "portable"' "bench --kernels: unknown set refused, available ones named"
# no display: a clear message instead of an invisible window
env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER timeout 20 "$RNNLAB" > "$TMP/out.txt" 2>&1; echo $? > "$TMP/rc"
check '[ $(rc) -eq 1 ] && has "no display"' "explorer without a display says so"
env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER timeout 20 "$RNNLAB" --lesson 1 > "$TMP/out.txt" 2>&1; echo $? > "$TMP/rc"
check '[ $(rc) -eq 1 ] && has "no display"' "presenter without a display says so"
run frobnicate
check '[ $(rc) -eq 2 ] && has "unknown command"' "unknown command"

finish cli_engine
