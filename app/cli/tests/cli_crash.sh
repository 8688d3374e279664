#!/bin/bash
# Crash consistency: `train --checkpoint` (a checkpoint every step, a log) is killed with SIGKILL at
# random moments, $RNNLAB_CRASH_KILLS times (default 24), each run resuming the last checkpoint.
# After every kill the checkpoint must load, the next --resume must work, at most one temporary per
# file may be there (the killed run's own: the next write of that file removes it, so they never pile
# up), and the log must hold whole rows with increasing steps. A last run to the end leaves no temporary at all.
# usage: cli_crash.sh RNNLAB FIXTURES      (RNNLAB_CRASH_SEED=N repeats a run's kill times)
R="$1"
. "$(dirname "$0")/lib_cli.sh"
cd "$TMP" || exit 1
KILLS=${RNNLAB_CRASH_KILLS:-24}
SEED=${RNNLAB_CRASH_SEED:-$$}
RANDOM=$SEED
echo "kills: $KILLS, seed $SEED"
FRESH="--task recall --distance 12 --cell lstm --hidden 48 --seed 3"
COMMON="--steps 1000000 --checkpoint ck.safetensors --checkpoint-every 1 --eval-every 7 --log run.csv"

# everything in the folder that is not ours is a left-over temporary
leftovers() { ls -A | grep -v -x -e ck.safetensors -e run.csv -e out.txt -e run.out -e final.safetensors; }

last_step=0
for k in $(seq 1 "$KILLS"); do
  if [ -f ck.safetensors ]; then
    # shellcheck disable=SC2086
    "$R" train --resume ck.safetensors $COMMON > run.out 2>&1 &
  else
    # shellcheck disable=SC2086
    "$R" train $FRESH $COMMON > run.out 2>&1 &
  fi
  pid=$!
  # a random moment between 0.1 and 0.9 s into the run (startup, training, or inside a write)
  sleep "0.$(( RANDOM % 9 + 1 ))$(( RANDOM % 10 ))"
  kill -KILL "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  if [ ! -f ck.safetensors ]; then
    echo "kill $k: before the first checkpoint"
    continue
  fi
  # the checkpoint loads (as a model too)
  "$R" inspect ck.safetensors --tokens 1,2,3 > out.txt 2>&1 || fail "kill $k: the checkpoint does not load: $(head -3 out.txt)"
  n=$(leftovers | wc -l)
  nck=$(leftovers | grep -c '^ck\.safetensors\.rnnlab-tmp\.......$')
  nlog=$(leftovers | grep -c '^run\.csv\.rnnlab-tmp\.......$')
  [ "$nck" -le 1 ] && [ "$nlog" -le 1 ] && [ "$n" = $((nck + nlog)) ] ||
    fail "kill $k: temporaries pile up (or strangers): $(leftovers | tr '\n' ' ')"
  # whole rows, increasing steps (a resumed run rewrites the rows after its checkpoint)
  awk -F, 'NR == 1 { next } NF != 10 || $1 <= prev { bad = 1 } { prev = $1 } END { exit bad }' run.csv ||
    fail "kill $k: the log has a broken row or a repeated step: $(tail -3 run.csv)"
  step=$(grep -a -o '"train.step":"[0-9]*"' ck.safetensors | grep -o '[0-9]*')
  [ -n "$step" ] && [ "$step" -ge "$last_step" ] || fail "kill $k: the checkpoint went back from step $last_step to '$step'"
  last_step=${step:-$last_step}
  echo "kill $k: checkpoint at step $last_step, temporaries: $n"
done
[ "$last_step" -gt 0 ] || fail "no checkpoint was ever written"
# the last resume runs to the end: it works, and no temporary is left
expect_steps=$((last_step + 3))
"$R" train --resume ck.safetensors --steps "$expect_steps" --checkpoint ck.safetensors --log run.csv \
  --save final.safetensors > out.txt 2>&1 || fail "the final resume failed: $(tail -3 out.txt)"
grep -q "final: step $expect_steps" out.txt || fail "the final resume did not reach step $expect_steps: $(tail -3 out.txt)"
check '[ -z "$(leftovers)" ]' "no temporaries after the final run: $(leftovers | tr '\n' ' ')"
finish cli_crash
