#!/bin/bash
# The projector check, from the pixels: every lesson exported with `rnnlab export-lesson N --size
# 1920x1080`, then read back with OCR (tesseract) as a student in the back row would. On every slide:
#  - the narration's lines (found by their first words, taken from the lesson file) are at least
#    30 px high from ascender to descender: DejaVu Sans at 36 px measures 34 px so, at 24 px 23 px
#    (a line without descenders, g j p q y: at least 25 px; 27 px at 36 px, 18 px at 24 px);
#  - none of the live window's controls, hints or notices is on it (export, 2x, paused, speed, F12,
#    Saved, click or drag, PgDn).
# The exact sizes of every string are checked from inside by app_test_classroom; this test checks
# the images themselves. Usage: cli_projector.sh RNNLAB FIXTURES
set -u
RNNLAB=$1
. "$(dirname "$0")/lib_cli.sh"
if ! command -v tesseract > /dev/null; then
  echo "SKIP: tesseract is not installed (bash tools/setup.sh installs it); the OCR projector check did not run"
  exit 0
fi
LESSONS="$(dirname "$0")/../../../lessons"
export OMP_THREAD_LIMIT=1 # tesseract: one thread (ctest runs two tests at once)

found_total=0
said_total=0
files=("$LESSONS"/*.lesson)
# Under the sanitizers export-lesson runs ten times slower: one lesson there (the export path is the
# same for all of them); the plain build checks every lesson.
[ "${RNNLAB_SANITIZED:-0}" = 1 ] && files=("$LESSONS"/03-*.lesson)
for file in "${files[@]}"; do
  n=$(sed -n 's/^lesson: *\([0-9]*\).*/\1/p' "$file" | head -1)
  [ -n "$n" ] || continue
  out="$TMP/lesson$n"
  "$RNNLAB" export-lesson "$n" --size 1920x1080 --out "$out" > "$TMP/export.txt" 2>&1
  check '[ $? -eq 0 ]' "export-lesson $n --size 1920x1080"
  step=0
  # the say: lines of each step, in order
  awk '/^\[step\]/ {s++} /^say:/ {sub(/^say: */, ""); print s "\t" $0}' "$file" > "$TMP/say.txt"
  for png in "$out"/lesson*-step*.png; do
    step=$((step + 1))
    [ "$(size "$png")" = 1920x1080 ] || fail "lesson $n step $step: not 1920x1080"
    tesseract "$png" "$TMP/ocr" tsv > /dev/null 2>&1 || { fail "tesseract could not read $png"; continue; }
    # lines: "height<TAB>text", from the word rows (level 5) grouped by block/paragraph/line
    awk -F'\t' 'NR > 1 && $1 == 5 && $12 != "" {
        k = $3 "." $4 "." $5
        if (!(k in top)) { order[++n] = k; top[k] = $8; bot[k] = $8 + $10; txt[k] = $12 }
        else { if ($8 < top[k]) top[k] = $8; if ($8 + $10 > bot[k]) bot[k] = $8 + $10; txt[k] = txt[k] " " $12 }
      } END { for (i = 1; i <= n; i++) print bot[order[i]] - top[order[i]] "\t" txt[order[i]] }' \
      "$TMP/ocr.tsv" > "$TMP/lines.txt"
    text=$(cut -f2 "$TMP/lines.txt" | tr 'A-Z' 'a-z')
    for bad in export "2x" paused speed f12 saved "click or drag" pgdn; do
      if printf '%s\n' "$text" | grep -qiw -- "$bad"; then fail "lesson $n step $step shows '$bad'"; fi
    done
    # each narration line of this step: its first three words on a line at least 30 px high
    while IFS=$'\t' read -r s said; do
      [ "$s" = "$step" ] || continue
      said_total=$((said_total + 1))
      key=$(printf '%s' "$said" | tr -d '",.:;()!?' | awk '{print tolower($1 " " $2 " " $3)}')
      hd=$(awk -F'\t' -v key="$key" '{t = tolower($2); gsub(/[",.:;()!?]/, "", t); split(t, w, " ");
            if (w[1] " " w[2] " " w[3] == key) { print $1, ($2 ~ /[gjpqy(),;]/) ? 30 : 25; exit }}' "$TMP/lines.txt")
      if [ -n "$hd" ]; then
        found_total=$((found_total + 1))
        h=${hd% *}; min=${hd#* }
        [ "$h" -ge "$min" ] || fail "lesson $n step $step: narration '$key...' is $h px high (under $min)"
      fi
    done < "$TMP/say.txt"
  done
done
echo "narration lines read back by OCR: $found_total of $said_total"
# OCR misreads a few lines (Unicode, formulas); most must be found for the size check to mean anything
check '[ "$said_total" -gt 0 ] && [ $((found_total * 100)) -ge $((said_total * 70)) ]' \
  "OCR found at least 70% of the narration lines ($found_total of $said_total)"
finish cli_projector
