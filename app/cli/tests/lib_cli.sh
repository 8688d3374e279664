# Shared by the tests/cli_*.sh scripts (sourced, not a test itself):
#   TMP          a fresh folder, removed on exit
#   check COND WHAT   evaluates COND; prints "ok: WHAT" or "FAIL: WHAT" and counts the failure
#   fail WHAT    counts a failure
#   run ARGS...  runs $RNNLAB ARGS with output in $TMP/out.txt; rc and has TEXT read the result
#   expect CODE TEXT COMMAND...   runs COMMAND (output in $TMP/out.txt); fails unless it exits CODE
#                and prints TEXT
#   stop_train SIGNAL NAME COMMAND...   starts a training COMMAND (output in NAME.out, NAME.err), sends
#                SIGNAL once it trains, waits; its exit status is then in $rc
#   size PNG, colours PNG   from tests/tools/pngstat ($PNGSTAT, set by ctest)
#   finish NAME  prints the summary line and exits non-zero if anything failed
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { if eval "$1"; then echo "ok: $2"; else fail "$2"; fi; }
run() { "$RNNLAB" "$@" > "$TMP/out.txt" 2>&1; echo $? > "$TMP/rc"; }
rc() { cat "$TMP/rc"; }
has() { grep -q -- "$1" "$TMP/out.txt"; }
expect() {
  local want=$1 say=$2
  shift 2
  "$@" > "$TMP/out.txt" 2>&1
  local rc=$?
  [ "$rc" = "$want" ] || fail "exit $rc (want $want): $*: $(head -c 400 "$TMP/out.txt")"
  grep -qF -- "$say" "$TMP/out.txt" || fail "'$say' missing from output of: $*: $(head -c 400 "$TMP/out.txt")"
}
stop_train() {
  local sig=$1 name=$2
  shift 2
  "$@" > "$name.out" 2> "$name.err" &
  local pid=$!
  for _ in $(seq 1 100); do grep -q " task (T = " "$name.out" && break; sleep 0.1; done
  sleep 0.5
  kill "-$sig" "$pid"
  wait "$pid"
  rc=$?
}
size() { "$PNGSTAT" "$1" | cut -d' ' -f1; }
colours() { "$PNGSTAT" "$1" | cut -d' ' -f2; }
finish() {
  if [ "$fails" -gt 0 ]; then
    echo "$1: $fails failure(s)"
    exit 1
  fi
  echo "$1: all passed"
  exit 0
}
