#!/bin/bash
# Lesson commands end to end: render one step, export a whole lesson, the presenter window driven
# by injected keys (SDL dummy video driver), and the error paths. Usage: cli_lesson.sh RNNLAB FIXTURES
set -u
RNNLAB=$1
FIX=$2
. "$(dirname "$0")/lib_cli.sh"

# One step, headless, at a chosen size.
"$RNNLAB" render --lesson 2 --step 2 --size 1280x720 --out "$TMP/l2s2.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ -s "$TMP/l2s2.png" ]' "render --lesson 2 --step 2 writes a PNG"
check '[ "$(size "$TMP/l2s2.png")" = 1280x720 ]' "the PNG has the requested size"
check 'grep -q "step 2 of 7" "$TMP/out.txt"' "render names the step it drew"

# Every step of lesson 2 (7 steps, 50 training steps).
"$RNNLAB" export-lesson 2 --out "$TMP/slides" --size 960x540 > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ]' "export-lesson 2 succeeds"
check '[ $(ls "$TMP/slides"/lesson02-step0*.png | wc -l) -eq 7 ]' "export-lesson writes one PNG per step"
check '[ "$(size "$TMP/slides/lesson02-step07.png")" = 960x540 ]' "exported slides have the requested size"

# The presenter window: keys move through the steps; B blanks.
SDL_VIDEODRIVER=dummy "$RNNLAB" --lesson 2 --keys pagedown,pagedown,pageup,right,right,left --out "$TMP/win.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && grep -q "lesson 2, step 3 of 7" "$TMP/out.txt"' "clicker keys: 3 forward, 2 back = step 3"
check '[ -s "$TMP/win.png" ]' "the presenter window saved its last frame"
SDL_VIDEODRIVER=dummy "$RNNLAB" --lesson 2 --keys end,b > "$TMP/out.txt" 2>&1
check 'grep -q "step 7 of 7, blank" "$TMP/out.txt"' "End goes to the last step, B blanks"

# Errors: a missing lesson, a step out of range, a broken lesson file (file:line message).
"$RNNLAB" render --lesson 99 --out "$TMP/x.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 1 ] && grep -q "no lesson 99" "$TMP/out.txt"' "a missing lesson is a clear error"
"$RNNLAB" render --lesson 2 --step 9 --out "$TMP/x.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 2 ] && grep -q "steps 1 to 7" "$TMP/out.txt"' "a step out of range is a usage error"
"$RNNLAB" render --lesson 2 --step 99 --out "$TMP/x.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 2 ] && grep -q "steps 1 to 7" "$TMP/out.txt"' "a step past any lesson names the lesson's own range"
mkdir "$TMP/bad" && cp "$FIX/lessons/bad_panel.lesson" "$TMP/bad/09-bad.lesson"
"$RNNLAB" render --lessons "$TMP/bad" --lesson 9 --out "$TMP/x.png" > "$TMP/out.txt" 2>&1
check '[ $? -eq 1 ] && grep -q "09-bad.lesson:6: unknown panel .gradeints." "$TMP/out.txt"' "a broken lesson names file and line"
check '[ ! -e "$TMP/x.png" ]' "no PNG is written for a broken lesson"
finish cli_lesson
