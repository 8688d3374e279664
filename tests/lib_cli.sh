# Shared by the tests/cli_*.sh scripts (sourced, not a test itself):
#   TMP          a fresh folder, removed on exit
#   check COND WHAT   evaluates COND; prints "ok: WHAT" or "FAIL: WHAT" and counts the failure
#   fail WHAT    counts a failure
#   run ARGS...  runs $RNNLAB ARGS with output in $TMP/out.txt; rc and has TEXT read the result
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
