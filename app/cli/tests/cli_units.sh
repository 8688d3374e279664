#!/bin/bash
# rnnlab corpus and the units, connectivity and gradient-check views end to end: the generator's
# determinism and errors; each view rendered from a PyTorch-trained char model
# (tests/fixtures/pytorch/char_code_lstm.safetensors) and from models trained in the explorer;
# --unit, --text-file and their errors. Usage: cli_units.sh RNNLAB FIXTURES
set -u
RNNLAB=$1
FIX=$2
. "$(dirname "$0")/lib_cli.sh"
MODEL="$FIX/pytorch/char_code_lstm.safetensors"

# the generator: deterministic by seed, whole lines, quotes and brackets
"$RNNLAB" corpus --kind code --chars 3000 --seed 7 --out "$TMP/a.txt" > /dev/null 2>&1
"$RNNLAB" corpus --kind code --chars 3000 --seed 7 --out "$TMP/b.txt" > /dev/null 2>&1
"$RNNLAB" corpus --kind code --chars 3000 --seed 8 --out "$TMP/c.txt" > /dev/null 2>&1
check 'cmp -s "$TMP/a.txt" "$TMP/b.txt" && ! cmp -s "$TMP/a.txt" "$TMP/c.txt"' "corpus: the same seed gives the same text"
check '[ "$(wc -c < "$TMP/a.txt")" -le 3000 ] && grep -q "{" "$TMP/a.txt" && grep -q "\"" "$TMP/a.txt"' \
  "corpus: at most --chars characters, with brackets and quotes"
run corpus --kind dialogue --chars 2000 --out "$TMP/d.txt"
check '[ "$(rc)" -eq 0 ] && grep -q "said\|asked\|replied\|whispered" "$TMP/d.txt"' "corpus --kind dialogue"
run corpus --kind poem --out "$TMP/x.txt"
check '[ "$(rc)" -eq 2 ] && has "code or dialogue"' "corpus: an unknown kind is refused"
run corpus --kind code --chars 0 --out "$TMP/x.txt"
check '[ "$(rc)" -eq 2 ]' "corpus: --chars 0 is refused"
run corpus --kind code --out "$TMP/no/such/dir/x.txt"
check '[ "$(rc)" -eq 1 ] && has "no/such/dir"' "corpus: an unwritable --out names the path"

# the three views on the PyTorch-trained model
head -c 1200 "$TMP/a.txt" > "$TMP/text.txt"
for p in units connectivity gradient-check; do
  "$RNNLAB" render --model "$MODEL" --text-file "$TMP/text.txt" --panel $p --select 300 --out "$TMP/$p.png" \
    > "$TMP/out.txt" 2>&1
  check '[ $? -eq 0 ] && [ "$(size "$TMP/$p.png")" = 1920x1080 ] && [ "$(colours "$TMP/$p.png")" -gt 50 ]' \
    "render --model (PyTorch char LSTM) --panel $p"
done
"$RNNLAB" render --model "$MODEL" --text-file "$TMP/text.txt" --panel units --unit 1:3:c --out "$TMP/u3.png" \
  > /dev/null 2>&1
check '[ $? -eq 0 ] && ! cmp -s "$TMP/u3.png" "$TMP/units.png"' "--unit 1:3:c shows another unit than the top of the list"
"$RNNLAB" render --model "$MODEL" --text-file "$TMP/text.txt" --panel units --unit 1:3:f --out "$TMP/u3f.png" \
  > /dev/null 2>&1
check '[ $? -eq 0 ] && ! cmp -s "$TMP/u3.png" "$TMP/u3f.png"' "--unit 1:3:f (a gate) differs from the cell state"
"$RNNLAB" render --model "$MODEL" --text "if (x) {" --panel connectivity --select 6 --out "$TMP/t.png" > /dev/null 2>&1
check '[ $? -eq 0 ] && [ -s "$TMP/t.png" ]' "render --model --text --select"
run view "$MODEL" --text-file "$TMP/text.txt" --show units,connectivity,gradient-check --out "$TMP/v.png"
check '[ "$(rc)" -eq 0 ] && [ "$(colours "$TMP/v.png")" -gt 50 ]' "view MODEL --text-file --show units,connectivity,gradient-check"

# errors
run render --model "$MODEL" --text-file "$TMP/text.txt" --panel units --unit 1:99 --out "$TMP/x.png"
check '[ "$(rc)" -eq 2 ] && has "units 0 to 31"' "--unit out of range names the range"
run render --model "$MODEL" --text-file "$TMP/text.txt" --panel units --unit 1:3:z --out "$TMP/x.png"
check '[ "$(rc)" -eq 2 ] && has "lstm has no"' "--unit with a gate the cell lacks"
run render --model "$MODEL" --text-file "$TMP/text.txt" --panel units --unit banana --out "$TMP/x.png"
check '[ "$(rc)" -eq 2 ] && has "LAYER:UNIT"' "--unit that is not L:U"
run render --model "$MODEL" --text-file "$TMP/none.txt" --out "$TMP/x.png"
check '[ "$(rc)" -eq 1 ] && has "none.txt"' "a missing --text-file names it"
printf 'if (x) { \xc3\xa9 }' > "$TMP/unknown.txt"
run render --model "$MODEL" --text-file "$TMP/unknown.txt" --out "$TMP/x.png"
check '[ "$(rc)" -eq 1 ] && ! has "Segmentation"' "a character the model does not know is an error, not a crash"
run render --model "$FIX/no-such-model.safetensors" --text "x" --out "$TMP/x.png"
check '[ "$(rc)" -eq 1 ] && has "no-such-model"' "a missing model file names it"

# models trained in the explorer on a generated text: RNN and LSTM side by side
"$RNNLAB" render --task lm --generated code --level char --cells rnn-tanh,lstm --length 60 --hidden 16 --batch 8 \
  --train-steps 5 --panel connectivity --select 40 --out "$TMP/both.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ "$(colours "$TMP/both.png")" -gt 50 ]' "connectivity of two trained models side by side"
"$RNNLAB" render --task lm --generated dialogue --level char --cells gru --length 60 --hidden 16 --batch 8 \
  --train-steps 5 --panel units --unit 1:2:z --out "$TMP/gru.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ -s "$TMP/gru.png" ]' "units of a GRU trained on dialogue (--unit 1:2:z)"
finish cli_units
