#!/bin/bash
# rnnlab experiment NAME --quick: each writes its CSV files and PNG figures of the right size that
# are not blank, prints a table and the command that reproduces it.   usage: cli_experiments.sh RNNLAB FIXTURES
R="$1"
. "$(dirname "$0")/lib_cli.sh"
T=$TMP
cd "$T" || exit 1

# Size and colour count from tests/tools/pngstat (PNGSTAT, set by ctest): a figure with axes, text
# and curves has hundreds of distinct colours; a blank or flat image has a handful.
check_png() {
  local f=$1 w=$2 h=$3
  [ -s "$f" ] || { fail "$f missing"; return; }
  local stat
  stat=$("$PNGSTAT" "$f") || { fail "$f is not a readable PNG"; return; }
  [ "${stat%% *}" = "${w}x${h}" ] || fail "$f is ${stat%% *}, want ${w}x${h}"
  [ "${stat##* }" -gt 100 ] || fail "$f has only ${stat##* } colours: blank?"
}

check_csv() {
  local f=$1 header=$2 min_rows=$3
  [ -s "$f" ] || { fail "$f missing"; return; }
  head -1 "$f" | grep -q "^$header" || fail "$f header: $(head -1 "$f")"
  local rows=$(($(wc -l < "$f") - 1))
  [ "$rows" -ge "$min_rows" ] || fail "$f has $rows rows, want >= $min_rows"
  grep -qi "nan" "$f" && fail "$f holds NaN: $(grep -i nan "$f" | head -3)"
}

run() {
  local name=$1
  local t0=$SECONDS
  "$R" experiment "$name" --out "out/$name" --quick > "$name.txt" 2>&1
  local rc=$?
  [ "$rc" = 0 ] || fail "experiment $name exited $rc: $(tail -5 "$name.txt")"
  grep -q "reproduce with: rnnlab experiment $name --out out/$name --quick" "$name.txt" ||
    fail "$name does not print the command that reproduces it"
  echo "experiment $name --quick: $((SECONDS - t0)) s"
}

run horizon
grep -q "memory horizon" horizon.txt || fail "horizon prints no table"
grep -qE "^  (RNN|LSTM|GRU) " horizon.txt || fail "horizon table has no cell rows"
check_csv out/horizon/horizon.csv "cell,seed,protocol,distance,accuracy,solved,steps" 12
check_csv out/horizon/horizon_summary.csv "cell,seed,protocol,horizon" 6
check_png out/horizon/horizon.png 1600 1000
# progress while it runs, on stderr (the table stays on stdout)
"$R" experiment horizon --out out/h2 --quick 2> progress.txt > /dev/null
grep -q "horizon: LSTM seed 1 curriculum: solved distance" progress.txt || fail "horizon prints no progress: $(head -3 progress.txt)"
"$R" experiment --help | grep -q "horizon about 90 s" || fail "experiment --help gives no measured durations"

run gradients
grep -q "half-life" gradients.txt || fail "gradients prints no half-life"
grep -q "sigma_max" gradients.txt || fail "gradients prints no singular values"
check_csv out/gradients/gradients.csv "series,cell,radius,state,k,norm" 100
check_csv out/gradients/gradients_fit.csv "series,cell,radius,state,decay_factor" 13
check_png out/gradients/gradients.png 1600 1000
check_png out/gradients/gradients_radius.png 1600 1000
# the orthogonal sweep: sigma_max equals the radius it was scaled to
grep -qE "orthogonal +0\.50 +0\.500" gradients.txt || fail "orthogonal r=0.5 should have sigma_max 0.500"

run agreement
grep -qE "^  LSTM " agreement.txt || fail "agreement table has no LSTM row"
check_csv out/agreement/agreement.csv "cell,seed,steps,attractors,correct,total,accuracy" 24
check_png out/agreement/agreement.png 1600 1000

# usage errors
"$R" experiment nosuch --out x > out.txt 2>&1
[ $? = 2 ] && grep -q "unknown experiment 'nosuch'" out.txt || fail "unknown experiment: $(cat out.txt)"
"$R" experiment horizon > out.txt 2>&1
[ $? = 2 ] && grep -q -- "--out DIR is required" out.txt || fail "missing --out: $(cat out.txt)"
: > afile
"$R" experiment horizon --out afile/sub --quick > out.txt 2>&1
[ $? = 1 ] && grep -q "afile" out.txt || fail "unwritable --out: $(cat out.txt)"

finish cli_experiments
