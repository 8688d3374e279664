#!/bin/bash
# Faults a reliability trial found, one regression check each: FIFOs given as input files,
# SIGTERM during training, resuming after the text file changed, stale temporaries after kills,
# a sanitizer run of render/view without LSAN_OPTIONS, and very long distances in render.
# usage: cli_reliability.sh RNNLAB FIXTURES
R="$1"
FIX="$2"
. "$(dirname "$0")/lib_cli.sh"
cd "$TMP" || exit 1


# ---- a FIFO as a model, checkpoint or text file: an error at once, not a hang in open() ----
# (timeout exits 124 if rnnlab blocks)
mkfifo pipe
"$R" init --hidden 4 --save m.safetensors > /dev/null || fail "init"
expect 1 "pipe: cannot open: it is a FIFO" timeout 20 "$R" inspect pipe --tokens 1,2
expect 1 "pipe: cannot open: it is a FIFO" timeout 20 "$R" sample pipe --prompt a
expect 1 "pipe: cannot open: it is a FIFO" timeout 20 "$R" train --resume pipe --steps 5
expect 1 "pipe: cannot open: it is a FIFO" timeout 20 "$R" train --task lm --data pipe --steps 5
expect 1 "it is a folder" timeout 20 "$R" train --task lm --data . --steps 5
rm -f pipe

# ---- SIGTERM (timeout, systemd, batch schedulers) is treated like Ctrl-C: a checkpoint, then exit 143 ----
stop_train TERM term "$R" train --task recall --distance 8 --hidden 16 --steps 100000000 --checkpoint term.safetensors
check '[ "$rc" = 143 ]' "SIGTERM: exit 143 (got $rc: $(cat term.err))"
check 'grep -q "terminated (SIGTERM) at step [0-9]*; checkpoint written to term.safetensors" term.err' \
  "SIGTERM: says so and writes the checkpoint: $(cat term.err)"
step=$(sed -n 's/.*at step \([0-9]*\).*/\1/p' term.err)
expect 0 "resuming term.safetensors at step $step" "$R" train --resume term.safetensors --steps $((step + 2))
# the same through timeout(1), which sends SIGTERM
timeout 2 "$R" train --task recall --distance 8 --hidden 16 --steps 100000000 --save t2.safetensors > t2.out 2>&1
rc=$?
check '[ "$rc" = 124 ] && grep -q "checkpoint written to t2.ckpt.safetensors" t2.out && [ -s t2.ckpt.safetensors ]' \
  "timeout 2 rnnlab train: a checkpoint next to --save (rc $rc: $(tail -2 t2.out))"

# ---- resuming after the --data file changed is refused (size and hash are in the checkpoint) ----
printf 'the cat sat on the mat .\nthe dog sat on the log .\n%.0s' $(seq 1 40) > text.txt
"$R" train --task lm --data text.txt --length 8 --hidden 8 --steps 4 --checkpoint lm.safetensors --quiet || fail "lm run"
expect 0 "resuming lm.safetensors at step 4" "$R" train --resume lm.safetensors --steps 5 --checkpoint lm2.safetensors
sed -i '1s/cat/dog/' text.txt                       # same size and words, other text
expect 1 "text.txt has changed since this checkpoint was written" "$R" train --resume lm.safetensors --steps 6
grep -q "it was 2000 bytes, hash [0-9a-f]\{16\}; now 2000 bytes, hash" out.txt || fail "sizes and hashes named: $(cat out.txt)"
sed -i '1s/dog/cat/' text.txt && echo "the cat sat on the log ." >> text.txt  # the original bytes, then more
expect 1 "has changed since" "$R" train --resume lm.safetensors --steps 6

# ---- temporaries stranded by a killed writer are removed by the next write of the same file ----
# (tests/cli_crash.sh kills real runs; here two fakes: one stale, one another file's)
echo stale > ck.safetensors.rnnlab-tmp.Ab12Cd
echo other > keep.safetensors.rnnlab-tmp.Ab12Cd
"$R" train --task recall --distance 3 --hidden 8 --steps 2 --quiet --checkpoint ck.safetensors || fail "train"
check '[ ! -e ck.safetensors.rnnlab-tmp.Ab12Cd ] && [ -e keep.safetensors.rnnlab-tmp.Ab12Cd ]' \
  "a stale temporary of the checkpoint is removed, another file's is kept"
echo stale > fig.png.rnnlab-tmp.Zz99Yy
"$R" render --size 320x200 --train-steps 0 --hidden 8 --distance 4 --out fig.png > /dev/null 2>&1 || fail "render"
check '[ ! -e fig.png.rnnlab-tmp.Zz99Yy ]' "a stale temporary of a figure is removed"

# ---- a sanitizer build of render and view exits 0 without LSAN_OPTIONS (fontconfig's parser leaks
# 288 bytes that rnnlab cannot free; rnnlab carries LeakSanitizer suppressions for system libraries) ----
if ldd "$R" 2> /dev/null | grep -q libasan; then
  env -u LSAN_OPTIONS ASAN_OPTIONS=detect_leaks=1 "$R" render --size 320x200 --train-steps 0 --hidden 8 --distance 4 \
    --out lsan.png > out.txt 2>&1
  rc=$?
  check '[ $rc = 0 ] && ! grep -q "LeakSanitizer" out.txt' "ASan render without LSAN_OPTIONS: $(grep -m3 -e Sanitizer -e SUMMARY out.txt)"
  "$R" train --task recall --distance 3 --hidden 8 --steps 1 --quiet --save v.safetensors || fail "train for view"
  env -u LSAN_OPTIONS ASAN_OPTIONS=detect_leaks=1 "$R" view v.safetensors --text "k1 · q" --size 320x200 --out lsan2.png \
    > out.txt 2>&1
  rc=$?
  check '[ $rc = 0 ] && ! grep -q "LeakSanitizer" out.txt' "ASan view without LSAN_OPTIONS: $(grep -m3 -e Sanitizer -e SUMMARY out.txt)"
else
  echo "skip: not a sanitizer build (the ASan build checks render and view without LSAN_OPTIONS)"
fi

# ---- long distances: the explorer's traced pass is linear in T (tests/test_trace.c), and render,
# view and the explorer take distances up to 5000, which draw within a second (99998 ran 20 min) ----
expect 2 "--distance must be between 1 and 5000" timeout 60 "$R" render --train-steps 0 --distance 99998 --out long.png
grep -q "rnnlab train takes distances up to 99998" out.txt || fail "the limit is explained: $(cat out.txt)"
expect 0 "wrote long.png" timeout 300 "$R" render --train-steps 0 --distance 5000 --size 640x360 --out long.png

# ---- found by tests/fuzz/fuzz_cli: strtoull reads " -5" as 2^64 - 5; a seed is refused instead ----
expect 2 "--seed expects a non-negative whole number, not ' -5'" "$R" init --seed " -5" --save neg.safetensors

finish cli_reliability
