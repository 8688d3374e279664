#!/bin/bash
# A full disk, for every kind of file rnnlab writes: PNG figures (render, view, a lesson step,
# export-lesson, F12 and a panel's export in a scripted session), CSVs (experiments, panel data),
# the training log, models, checkpoints, gradients. Each command must say which file and why ("No space left on device"),
# exit 1, keep the previous file byte for byte and leave no temporary behind.
# The full disk is the LD_PRELOAD shim tests/tools/enospc.c ($ENOSPC_SHIM, always) and, where this
# runs as root and may mount, also a real 8 MB tmpfs filled to the last byte.
# usage: cli_fulldisk.sh RNNLAB FIXTURES
R="$1"
. "$(dirname "$0")/lib_cli.sh"
cd "$TMP" || exit 1
# a sanitized rnnlab with a preloaded (unsanitized) shim: ASan must not insist on coming first
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
SMALL="--size 640x360 --train-steps 0 --hidden 8 --distance 6"

# The commands, each writing into folder F (previous outputs already there).
cmd_render() { "$R" render $SMALL --out "$1/fig.png"; }
cmd_view() { "$R" view "$TMP/vm.safetensors" --text "k1 · · q" --size 640x360 --out "$1/view.png"; }
cmd_lesson() { "$R" render --lesson 1 --step 1 --size 640x360 --out "$1/lesson.png"; }
cmd_export_lesson() { "$R" export-lesson 1 --size 640x360 --out "$1/slides"; }
cmd_f12() { "$R" render $SMALL --export-dir "$1/figs" --script "keys:F12;frames:2" --out "$TMP/f12-view.png"; }
cmd_panel() { "$R" render $SMALL --export-dir "$1/panels" --script "export:gradients;frames:2" --out "$TMP/panel-view.png"; }
cmd_experiment() { "$R" experiment gradients --quick --out "$1/exp"; }
cmd_log() { "$R" train --task recall --distance 3 --hidden 8 --steps 20 --eval-every 10 --quiet --log "$1/run.csv"; }
cmd_save() { "$R" train --task recall --distance 3 --hidden 8 --steps 10 --quiet --save "$1/m.safetensors"; }
cmd_checkpoint() { "$R" train --task recall --distance 3 --hidden 8 --steps 10 --quiet --checkpoint "$1/c.safetensors"; }
cmd_init() { "$R" init --hidden 4 --vocab 8 --save "$1/init.safetensors"; }
cmd_grads() { "$R" inspect "$1/init.safetensors" --tokens 1,2,3 --grads "$1/g.safetensors"; }
COMMANDS="render view lesson export_lesson f12 panel experiment log save checkpoint init grads"
# the file (or folder) each command writes, and the message's file name
target() {
  case $1 in
    render) echo fig.png ;; view) echo view.png ;; lesson) echo lesson.png ;; export_lesson) echo slides/lesson01-step01.png ;;
    f12) echo figs ;; panel) echo panels ;; experiment) echo exp/gradients.csv ;; log) echo run.csv ;; save) echo m.safetensors ;;
    checkpoint) echo c.safetensors ;; init) echo init.safetensors ;; grads) echo g.safetensors ;;
  esac
}

# prepare F: every output written once on a disk with room (F12 twice: the exports never overwrite)
prepare() {
  local F=$1
  cmd_init "$F" > /dev/null || fail "prepare: init"
  for c in $COMMANDS; do
    [ "$c" = init ] && continue
    "cmd_$c" "$F" > prep.txt 2>&1 || fail "prepare: $c: $(tail -3 prep.txt)"
  done
  ls "$F"/figs/*.png > /dev/null 2>&1 || fail "prepare: F12 wrote no figure"
  ls "$F"/panels/*.csv > /dev/null 2>&1 || fail "prepare: the panel export wrote no CSV"
}

# run every command on the full disk; RUN is a command prefix (env with the shim, or nothing)
check_full() {
  local mode=$1 F=$2
  shift 2
  rm -rf snap
  cp -a "$F" snap
  rm -f snap/filler
  for c in $COMMANDS; do
    env "$@" bash -c "$(declare -f "cmd_$c"); R='$R'; SMALL='$SMALL'; TMP='$TMP'; cmd_$c '$F'" > out.txt 2>&1
    local rc=$?
    local t; t=$(target "$c")
    [ "$rc" = 1 ] || fail "$mode: $c exited $rc on a full disk (want 1): $(tail -3 out.txt)"
    grep -q "No space left on device" out.txt || fail "$mode: $c: no 'No space left on device' in: $(tail -3 out.txt)"
    grep -q "$(basename "$t" | sed 's/\.[a-z]*$//')" out.txt || fail "$mode: $c: the message does not name the file: $(tail -3 out.txt)"
    diff -r -x filler snap "$F" > diff.txt 2>&1 || fail "$mode: $c changed the previous files: $(head -5 diff.txt)"
    find "$F" -name "*.rnnlab-tmp.*" | grep -q . && fail "$mode: $c left a temporary: $(find "$F" -name '*.rnnlab-tmp.*')"
  done
}

"$R" train --task recall --distance 3 --hidden 8 --steps 1 --quiet --save vm.safetensors || fail "a model for view"

# ---- the shim: writes to folder full/ fail ----
[ -f "$ENOSPC_SHIM" ] || fail "ENOSPC_SHIM not set (run through ctest)"
mkdir -p full
prepare "$TMP/full"
check_full shim "$TMP/full" LD_PRELOAD="$ENOSPC_SHIM" RNNLAB_FULL_DIR="$TMP/full"

# the disk fills up in the middle of a figure: the write is cut short, then fails
env LD_PRELOAD="$ENOSPC_SHIM" RNNLAB_FULL_DIR="$TMP/full" RNNLAB_FULL_AFTER=3000 bash -c \
  "$(declare -f cmd_render); R='$R'; SMALL='$SMALL'; cmd_render '$TMP/full'" > out.txt 2>&1
check '[ $? = 1 ] && cmp -s full/fig.png snap/fig.png' "a PNG cut short after 3000 bytes keeps the previous one"
# ... or in the middle of a training run's log: it stops, naming the log; the log holds whole rows
cp full/run.csv old-run.csv
env LD_PRELOAD="$ENOSPC_SHIM" RNNLAB_FULL_DIR="$TMP/full" RNNLAB_FULL_AFTER=$(( $(head -1 full/run.csv | wc -c) + 100 )) \
  "$R" train --task recall --distance 3 --hidden 8 --steps 60 --eval-every 10 --log full/run.csv > out.txt 2>&1
rc=$?
check '[ $rc = 1 ] && grep -q "stopped at step .*cannot write the log: .*run.csv.*No space left" out.txt' \
  "a log that fills the disk mid-run stops training with the reason (rc $rc: $(tail -2 out.txt))"
check '[ "$(tail -c 1 full/run.csv | od -An -c | tr -d " ")" = "\n" ] && ! awk -F, "NF != 10 { bad = 1 } END { exit !bad }" full/run.csv' \
  "the cut log ends with a whole row: $(tail -c 120 full/run.csv)"
rows=$(($(wc -l < full/run.csv) - 1))
check '[ "$rows" -ge 1 ] && [ "$rows" -lt 6 ]' "the cut log kept the rows that fitted ($rows)"

# ---- a real tmpfs, filled up (root with permission to mount only) ----
mkdir -p real
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=8m rnnlab-full "$TMP/real" 2> /dev/null; then
  trap 'umount "$TMP/real" 2> /dev/null; rm -rf "$TMP"' EXIT
  prepare "$TMP/real"
  dd if=/dev/zero of=real/filler bs=64k 2> /dev/null
  check '[ "$(df --output=avail "$TMP/real" | tail -1 | tr -d " ")" = 0 ]' "the tmpfs is full"
  check_full tmpfs "$TMP/real"
  umount "$TMP/real"
else
  echo "skip: a real full tmpfs needs root and permission to mount (the shim above covers every output)"
fi

finish cli_fulldisk
