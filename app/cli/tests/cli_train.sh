#!/bin/bash
# rnnlab train / sample from the command line: usage errors, logs, bit-identical resume, Ctrl-C,
# NaN detection, corrupted text files.   usage: cli_train.sh RNNLAB FIXTURES
R="$1"
. "$(dirname "$0")/lib_cli.sh"
T=$TMP
cd "$T" || exit 1


# ---- bad values: clear message, exit 2 ----
expect 2 "--hidden must be between" "$R" train --hidden -3
expect 2 "unknown cell 'foo'" "$R" train --cell foo
expect 2 "--lr must be greater than 0" "$R" train --lr 0
expect 2 "--lr must be between" "$R" train --lr -1
expect 2 "--batch must be between" "$R" train --batch 0
expect 2 "unknown task" "$R" train --task nonsense
expect 2 "unknown option '--bogus'" "$R" train --bogus
expect 2 "unknown optimizer" "$R" train --optimizer rmsprop
expect 2 "--steps needs a value" "$R" train --steps
expect 2 "does not fit the recall task" "$R" train --vocab 5 --steps 1
expect 1 "missing.safetensors" "$R" train --resume missing.safetensors
expect 2 "--prompt TEXT is required" "$R" sample x.safetensors
expect 1 "missing.safetensors" "$R" sample missing.safetensors --prompt "a"
expect 0 "--checkpoint-every" "$R" train --help
grep -q "default word" out.txt && grep -q "default 16M" out.txt || fail "train --help: --level/--max-tokens defaults"

# ---- a short run with a log, then sampling from the model ----
expect 0 "final: step 60" "$R" train --task recall --distance 3 --cell gru --hidden 16 --steps 60 --eval-every 20 \
  --log run.csv --save m.safetensors
[ -s m.safetensors ] || fail "no model written"
head -1 run.csv | grep -q '^step,train_loss,train_accuracy,eval_loss,eval_accuracy' || fail "log header: $(head -1 run.csv)"
[ "$(wc -l < run.csv)" = 4 ] || fail "log should have a header and 3 evaluations: $(cat run.csv)"
expect 0 "next token after" "$R" sample m.safetensors --prompt "k1 · · · q" --top 3 --length 4
# without a terminal: exactly one line per evaluation (no progress lines), then the final summary
"$R" train --task recall --distance 3 --hidden 8 --steps 60 --eval-every 20 > out.txt 2>&1
grep -q "^step [0-9]*/" out.txt && fail "non-terminal output holds progress lines: $(cat out.txt)"
[ "$(grep -c '^eval step' out.txt)" = 3 ] || fail "want 3 evaluation lines: $(cat out.txt)"
[ "$(wc -l < out.txt)" = 5 ] || fail "want description + 3 evaluations + final: $(cat out.txt)"
grep -q "^final: step 60, .* of 256 scored positions correct)" out.txt || fail "final line: $(cat out.txt)"
expect 2 "'zebra' is not in the model's vocabulary" "$R" sample m.safetensors --prompt "k1 zebra q"

# ---- resume == uninterrupted, bit for bit (model files compared byte for byte) ----
for opts in "--task recall --distance 6 --cell lstm" "--task lm --length 6 --cell gru --optimizer momentum --lr 0.05"; do
  # shellcheck disable=SC2086
  "$R" train $opts --hidden 12 --steps 40 --save full.safetensors --quiet || fail "straight run ($opts)"
  # shellcheck disable=SC2086
  "$R" train $opts --hidden 12 --steps 20 --checkpoint half.safetensors --quiet || fail "first half ($opts)"
  "$R" train --resume half.safetensors --steps 40 --save resumed.safetensors --quiet || fail "resume ($opts)"
  cmp -s full.safetensors resumed.safetensors || fail "resumed run differs from the uninterrupted one ($opts)"
  # shellcheck disable=SC2086
  "$R" train $opts --hidden 12 --steps 20 --save twenty.safetensors --quiet
  cmp -s full.safetensors twenty.safetensors && fail "20 and 40 steps gave the same model (vacuous comparison)"
done
expect 2 "differs from the checkpoint" "$R" train --resume half.safetensors --hidden 99 --steps 50
expect 2 "past --steps" "$R" train --resume half.safetensors --steps 10

# ---- Ctrl-C leaves a loadable checkpoint ----
stop_train INT int "$R" train --task recall --distance 20 --cell lstm --hidden 16 --steps 100000000 \
  --checkpoint int.safetensors
[ "$rc" = 130 ] || fail "interrupted train exited $rc (want 130): $(cat int.err)"
grep -q "checkpoint written to int.safetensors" int.err || fail "no checkpoint message: $(cat int.err)"
step=$(sed -n 's/.*interrupted at step \([0-9]*\).*/\1/p' int.err)
[ -n "$step" ] || fail "no step in: $(cat int.err)"
expect 0 "resuming int.safetensors at step $step" "$R" train --resume int.safetensors --steps $((step + 3)) \
  --save after.safetensors
expect 0 "next token after" "$R" sample int.safetensors --prompt "k2 · q" --length 0

# ---- NaN: named step, advice, the last good checkpoint kept and loadable ----
expect 1 "became NaN" "$R" train --task recall --cell rnn --nonlinearity relu --optimizer sgd --lr 1e6 --clip 0 \
  --steps 50 --checkpoint good.safetensors --checkpoint-every 1 --quiet
grep -q "step [0-9]*:" out.txt || fail "NaN message names no step: $(cat out.txt)"
grep -q "clip" out.txt && grep -q "lower learning rate" out.txt || fail "NaN message gives no advice: $(cat out.txt)"
grep -q "last good checkpoint, good.safetensors" out.txt || fail "no word on the kept checkpoint: $(cat out.txt)"
grep -q -- "--lr 0.01)" out.txt || fail "NaN at --lr 1e6 should suggest --lr 0.01: $(cat out.txt)"
good=$(sed -n 's/.*good.safetensors (step \([0-9]*\)).*/\1/p' out.txt)
expect 0 "final: step $good" "$R" train --resume good.safetensors --steps "$good" --lr 0.001

# ---- corrupted text files for the lm task: clear message naming the file, non-zero exit ----
printf 'hello\0world\n' > binary.txt
: > empty.txt
printf 'caf\xc3 ok\n' > badutf8.txt
for f in binary.txt empty.txt badutf8.txt missing.txt; do
  "$R" train --task lm --data "$f" --steps 5 --quiet > out.txt 2>&1
  rc=$?
  [ "$rc" != 0 ] || fail "--data $f was accepted"
  grep -q "$f" out.txt || fail "message for $f does not name it: $(cat out.txt)"
done
# a text too short to train on: the real error only (no unrelated word on checkpoints), singular "1 token"
printf 'abc' > tiny.txt
expect 1 "has 1 token:" "$R" train --task lm --data tiny.txt --steps 5
grep -q "checkpoint" out.txt && fail "tiny text: unrelated checkpoint message: $(cat out.txt)"
grep -qi "binary" <("$R" train --task lm --data binary.txt --steps 5 2>&1) || fail "binary file not called binary"
grep -qi "utf-8" <("$R" train --task lm --data badutf8.txt --steps 5 2>&1) || fail "invalid UTF-8 not reported"

# ---- a character-level language model on a small text, then sampling ----
for i in $(seq 1 60); do echo "the students opened their books and the teacher opened the door."; done > text.txt
expect 0 "perplexity" "$R" train --task lm --data text.txt --level char --length 16 --hidden 32 --steps 60 \
  --batch 8 --save lm.safetensors
expect 0 "sample (temperature 0.5" "$R" sample lm.safetensors --prompt "the stu" --top 3 --temperature 0.5 --length 20
# a space as the likely next character is shown as a visible mark, not a blank
expect 0 "%  ␣" "$R" sample lm.safetensors --prompt "the" --top 3 --length 0
grep -qE "%  $" out.txt && fail "top-k list shows a blank token: $(cat out.txt)"

finish cli_train
