#!/usr/bin/env bash
# Builds and runs rnnlab's libFuzzer targets (clang, ASan + UBSan, invariant checks; see each
# tests/fuzz/fuzz_*.c for what it checks).
#
#   bash tests/fuzz/run.sh [SECONDS] [TARGET ...]
#
# SECONDS per target (default 30; CI runs this smoke). TARGETs: model checkpoint lesson corpus cli
# (default all). For a long run, e.g. an hour each on both cores:
#
#   bash tests/fuzz/run.sh 3600
#   JOBS=2 bash tests/fuzz/run.sh 3600 model      (two fuzzing processes sharing one corpus)
#
# The build goes to build-fuzz/. Each target's corpus starts from tests/fixtures (and the README's
# command lines for cli) and grows in build-fuzz/corpus/TARGET, kept between runs, so a long run
# continues where the last one stopped. A crash or a broken invariant leaves the input in
# build-fuzz/crashes/TARGET/ and makes this script exit 1; replay it with
#   build-fuzz/tests/fuzz/fuzz_TARGET build-fuzz/crashes/TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-30}
shift || true
TARGETS=${*:-model checkpoint lesson corpus cli}
JOBS=${JOBS:-1}
B=build-fuzz
FIX=tests/fixtures

if [ ! -f "$B/CMakeCache.txt" ]; then
  cmake -S . -B "$B" -DRNNLAB_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang > /dev/null
fi
cmake --build "$B" -j2 > "$B/build.log" 2>&1 || { tail -30 "$B/build.log"; exit 1; }

seed() { # seed TARGET: copies the starting inputs into the target's corpus folder
  local d=$B/corpus/$1
  mkdir -p "$d"
  case $1 in
    model) cp "$FIX"/parity/*.safetensors "$FIX"/pytorch/*.safetensors "$FIX"/models/*.safetensors \
             "$FIX"/checkpoints/*.safetensors "$d"/ ;;
    checkpoint) cp "$FIX"/checkpoints/*.safetensors "$FIX"/parity/lstm_l1_uni_step.safetensors "$d"/ ;;
    lesson) cp "$FIX"/lessons/*.lesson lessons/*.lesson "$d"/ ;;
    corpus) # first byte: options (see fuzz_corpus.c), then the text
      local i=0
      for f in "$FIX"/corpus/*.txt; do
        for o in 0 1 5 66 200; do
          { printf "\\$(printf %o $o)"; head -c 4096 "$f"; } > "$d/seed-$i-$o"
        done
        i=$((i + 1))
      done ;;
    cli) local i=0
      grep -v '^#' tests/fuzz/cli.seeds | while read -r line; do
        # shellcheck disable=SC2086
        printf '%s\0' $line | head -c -1 > "$d/seed-$i"
        i=$((i + 1))
      done ;;
  esac
}

dict_of() {
  case $1 in model | checkpoint) echo tests/fuzz/safetensors.dict ;; lesson) echo tests/fuzz/lesson.dict ;;
    cli) echo tests/fuzz/cli.dict ;; *) echo "" ;; esac
}

failed=()
for t in $TARGETS; do
  bin=$B/tests/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz: no target '$t' (model checkpoint lesson corpus cli)"; exit 2; }
  seed "$t"
  mkdir -p "$B/crashes/$t"
  dict=$(dict_of "$t")
  echo "== fuzz_$t: ${SECONDS_EACH} s, corpus $B/corpus/$t ($(ls "$B/corpus/$t" | wc -l) inputs)${dict:+, dictionary $dict}"
  args=(-max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=3072 -max_len=65536 -print_final_stats=1
    -artifact_prefix="$B/crashes/$t/")
  [ -n "$dict" ] && args+=(-dict="$dict")
  [ "$JOBS" -gt 1 ] && args+=(-jobs="$JOBS" -workers="$JOBS")
  log=$B/fuzz_$t.log
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin" "${args[@]}" "$B/corpus/$t" > "$log" 2>&1; then
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" | tr '\n' ' '
    echo
  else
    echo "fuzz_$t FAILED (input in $B/crashes/$t/):"
    grep -E -A25 "ERROR|invariant broken|deadly signal|Timeout" "$log" | head -60
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in ${failed[*]}"
  exit 1
fi
echo "fuzz: ${TARGETS// /, } passed (${SECONDS_EACH} s each)"
