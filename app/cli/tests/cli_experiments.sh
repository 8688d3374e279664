#!/bin/bash
# rnnlab experiment NAME --quick: each writes its CSV files (headers, row counts, no NaN; the
# horizon's solve rates and Wilson intervals recomputed from its counts, and its per-seed file adding
# up to them) and PNG figures of the right size that are not blank, prints its tables and the
# command that reproduces it.   usage: cli_experiments.sh RNNLAB FIXTURES
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

# every CSV row with seeds > 0: p = solved/seeds, and [ci_low, ci_high] is the Wilson 95% interval
# recomputed here from the counts (z = 1.959964; 4 decimals in the file, so 1e-4)
check_wilson_rows() {
  awk -F, 'NR > 1 && $5 > 0 {
    n = $5; k = $6; p = k / n; z = 1.959964; d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d; h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    lo = k == 0 ? 0 : c - h; hi = k == n ? 1 : c + h
    if (k > n || (p - $7) ^ 2 > 1e-8 || (lo - $8) ^ 2 > 1e-8 || (hi - $9) ^ 2 > 1e-8) { print "bad row " NR ": " $0; bad++ }
    rows++
  } END { if (bad || !rows) exit 1 }' "$1" || fail "$1: solve rates or Wilson intervals wrong"
}

run horizon
grep -q "where the probability of solving falls below 1/2" horizon.txt || fail "horizon prints no crossing"
grep -qE "^  (RNN|LSTM|GRU) \(lr [0-9.]+\) +[0-9]+/[0-9]+" horizon.txt || fail "horizon table has no cell rows"
check_csv out/horizon/horizon.csv "cell,protocol,distance,lr,seeds,solved,p,ci_low,ci_high$" 24
[ "$(grep -c ',scratch,' out/horizon/horizon.csv)" = 12 ] && [ "$(grep -c ',curriculum,' out/horizon/horizon.csv)" = 12 ] ||
  fail "horizon.csv: want one row per cell, protocol and distance (3 x 2 x 4)"
check_wilson_rows out/horizon/horizon.csv
check_csv out/horizon/horizon_runs.csv "cell,protocol,distance,lr,seed,steps,examples,stopped,val_acc,test_acc,solved$" 12
check_csv out/horizon/horizon_crossing.csv "cell,protocol,lr,seeds,d50,d50_low,d50_high,note$" 6
check_csv out/horizon/horizon_lr_sweep.csv "cell,lr,distance,seed,steps,stopped,val_acc,val_auc,mean_val_auc,chosen$" 6
check_csv out/horizon/horizon_protocol.csv "key,value$" 10
grep -q "^budget_examples," out/horizon/horizon_protocol.csv || fail "horizon_protocol.csv states no budget"
check_png out/horizon/horizon.png 1600 1000
# the per-seed runs add up to the rates: solved runs per cell, protocol and distance
awk -F, 'NR > 1 { s[$1 "," $2 "," $3] += $11 } END { for (k in s) print k "," s[k] }' out/horizon/horizon_runs.csv | sort > runs_sum.txt
awk -F, 'NR > 1 && $5 > 0 { print $1 "," $2 "," $3 "," $6 }' out/horizon/horizon.csv | sort > rates_sum.txt
cmp -s runs_sum.txt rates_sum.txt || fail "horizon_runs.csv does not add up to horizon.csv: $(diff runs_sum.txt rates_sum.txt | head -4)"
# a progress bar with an estimate of the time left, on stderr (the table stays on stdout)
"$R" experiment horizon --out out/h2 --quick 2> progress.txt > /dev/null
grep -q "elapsed, about .* left" progress.txt || fail "horizon prints no progress estimate: $(head -3 progress.txt)"
"$R" experiment --help | grep -qE "horizon [0-9.]+ min" || fail "experiment --help gives no measured durations"

run gradients
grep -q "half-life" gradients.txt || fail "gradients prints no half-life"
grep -q "sigma_max" gradients.txt || fail "gradients prints no singular values"
grep -qE "^  LSTM c +[0-9.]+ \[[0-9.]+, [0-9.]+\]" gradients.txt || fail "gradients gives no median [IQR] for the LSTM's c"
check_csv out/gradients/gradients.csv "part,cell,w_init,radius,state,quantity,seed,k,norm$" 100
grep -q "^cells,lstm,.*,trained,c,2," out/gradients/gradients.csv || fail "gradients.csv: no trained LSTM c curve of seed 2"
check_csv out/gradients/gradients_fit.csv "part,cell,w_init,radius,state,quantity,seed,decay_factor,half_life_steps,r2" 30
check_csv out/gradients/gradients_clip.csv "clip,seed,first_norm,median_norm,max_norm" 4
check_png out/gradients/gradients.png 1600 1000
check_png out/gradients/gradients_radius.png 1600 1000
# the orthogonal sweep: sigma_max equals the radius it was scaled to
grep -qE "orthogonal +0\.50 +0\.500" gradients.txt || fail "orthogonal r=0.5 should have sigma_max 0.500"

run agreement
grep -qE "^  LSTM +mixed " agreement.txt || fail "agreement table has no LSTM row for the mixed grammar"
grep -q "steps to learn" agreement.txt || fail "agreement prints no steps to learn"
check_csv out/agreement/agreement.csv "cell,grammar,seed,snapshot,steps,nouns,attractors,distance_min,distance_max,correct,total$" 24
grep -q "^rnn,mixed,2,end," out/agreement/agreement.csv || fail "agreement.csv: no mixed-grammar rows of seed 2"
check_csv out/agreement/agreement_steps.csv "cell,grammar,seed,learned,steps_to_learn,budget,final_val_acc,test_acc$" 8
check_csv out/agreement/agreement_learning.csv "cell,grammar,seed,step,val_acc$" 40
check_png out/agreement/agreement.png 1600 1000
check_png out/agreement/agreement_learning.png 1600 1000

# usage errors
"$R" experiment nosuch --out x > out.txt 2>&1
[ $? = 2 ] && grep -q "unknown experiment 'nosuch'" out.txt || fail "unknown experiment: $(cat out.txt)"
"$R" experiment horizon > out.txt 2>&1
[ $? = 2 ] && grep -q -- "--out DIR is required" out.txt || fail "missing --out: $(cat out.txt)"
: > afile
"$R" experiment horizon --out afile/sub --quick > out.txt 2>&1
[ $? = 1 ] && grep -q "afile" out.txt || fail "unwritable --out: $(cat out.txt)"

finish cli_experiments
