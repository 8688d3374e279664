#!/bin/bash
# Where rnnlab finds its lessons and assets (app/host/files.h), rule by rule, with a copy of the
# binary in a scratch folder: the source tree for a bare copy; the folder next to the executable
# before the source tree (also through a symbolic link); RNNLAB_DATA before that; --lessons
# before RNNLAB_DATA; an explicit choice that does not exist is an error, never passed over; and
# with nothing found, an error naming every place looked. Usage: cli_data_lookup.sh RNNLAB FIXTURES
set -u
RNNLAB=$1
. "$(dirname "$0")/../../cli/tests/lib_cli.sh"
unset RNNLAB_DATA RNNLAB_NO_SOURCE_DATA
SRC=$("$RNNLAB" --version | sed -n 's/^lessons: \(.*\) (the source tree)$/\1/p')
check '[ -n "$SRC" ] && [ -f "$SRC/03-vanishing-gradients.lesson" ]' "the build's own binary reads the source tree's lessons"
SRC=$(dirname "$SRC")

mkdir -p "$TMP/a/bin" "$TMP/run"
cp "$RNNLAB" "$TMP/a/bin/rnnlab"
A="$(cd "$TMP/a" && pwd -P)"
R="$A/bin/rnnlab"
cd "$TMP/run" || exit 1
# a lesson folder whose lesson 3's first step has a title naming the folder; drawn renders print it
marked() {
  mkdir -p "$1"
  sed "s/^\[step\] A product of many factors$/[step] From $2/" "$SRC/lessons/03-vanishing-gradients.lesson" \
    > "$1/03-vanishing-gradients.lesson"
}
# the first step's title as render reports it: drawn RNNLAB [OPTIONS]
drawn() { local r=$1; shift; "$r" render "$@" --lesson 3 --size 320x240 --out t.png 2>&1 | sed -n 's/^wrote t.png (lesson 3, step 1 of 8: \(.*\))$/\1/p'; }
lessons_of() { "$@" --version 2>/dev/null | sed -n 's/^lessons: //p'; }

# 1. a bare copy: the source tree
check '[ "$(lessons_of "$R")" = "$SRC/lessons (the source tree)" ]' "a bare copy finds the source tree"
check '[ "$("$R" --version | sed -n "s/^colour map sequential: //p")" = "$SRC/assets/colormaps/sequential.txt" ]' "... and its colour maps"

# 2. nothing found: every place named, exit 1, nothing written
RNNLAB_NO_SOURCE_DATA=1 "$R" render --lesson 3 --out x.png > "$TMP/out.txt" 2>&1
check '[ $? -eq 1 ] && [ ! -e x.png ]' "nothing found: render fails and writes nothing"
check 'grep -qF "cannot find the lessons folder; looked in: --lessons, RNNLAB_DATA (not set); $A/bin/../share/rnnlab/lessons (next to the executable: No such file or directory); $SRC/lessons (the source tree: skipped: RNNLAB_NO_SOURCE_DATA is set)" "$TMP/out.txt"' "the error lists every place looked, in order"
RNNLAB_NO_SOURCE_DATA=1 "$R" --version > "$TMP/out.txt" 2> "$TMP/err.txt"
check 'grep -q "^assets: not found: cannot find the assets folder; looked in: RNNLAB_DATA (not set); " "$TMP/out.txt"' "--version says the assets were not found"
check 'grep -qx "colour map diverging: built-in table" "$TMP/out.txt" && grep -q "warning: colour maps: cannot find the assets folder" "$TMP/err.txt"' "... and that the colour maps are the built-in ones, with a warning"

# 3. next to the executable, before the source tree
marked "$A/share/rnnlab/lessons" "next to the executable"
cp -r "$SRC/assets" "$A/share/rnnlab/assets"
check '[ "$(lessons_of "$R")" = "$A/share/rnnlab/lessons (next to the executable)" ]' "../share/rnnlab next to the executable comes before the source tree"
check '[ "$(drawn "$R")" = "From next to the executable" ]' "render draws the lesson from there"
check '[ "$("$R" --version | sed -n "s/^colour map diverging: //p")" = "$A/share/rnnlab/assets/colormaps/diverging.txt" ]' "colour maps next to the executable too"
mkdir "$TMP/links" && ln -s "$R" "$TMP/links/rnnlab"
check '[ "$(lessons_of "$TMP/links/rnnlab")" = "$A/share/rnnlab/lessons (next to the executable)" ]' "through a symbolic link to the executable (as /usr/bin/x -> ...)"

# 4. RNNLAB_DATA before that
marked "$TMP/data/lessons" "RNNLAB_DATA"
D="$(cd "$TMP/data" && pwd -P)"
check '[ "$(RNNLAB_DATA="$TMP/data" lessons_of "$R")" = "$D/lessons (RNNLAB_DATA)" ]' "RNNLAB_DATA comes first"
check '[ "$(RNNLAB_DATA="$TMP/data" drawn "$R")" = "From RNNLAB_DATA" ]' "render draws the lesson from RNNLAB_DATA"
RNNLAB_DATA="$TMP/data" "$R" --version > "$TMP/out.txt" 2> "$TMP/err.txt"
check 'grep -q "^assets: not found: cannot find the assets folder; looked in: $TMP/data/assets (RNNLAB_DATA: No such file or directory)$" "$TMP/out.txt"' "RNNLAB_DATA without assets/ is not passed over for the installed assets"
check '[ ! -e "$TMP/data/assets" ] && grep -q "warning: colour maps" "$TMP/err.txt"' "... and the colour maps say so"
RNNLAB_DATA="$TMP/nowhere" "$R" render --lesson 3 --out x.png > "$TMP/out.txt" 2>&1
check '[ $? -eq 1 ] && grep -qF "looked in: $TMP/nowhere/lessons (RNNLAB_DATA: No such file or directory)" "$TMP/out.txt"' "a missing RNNLAB_DATA is an error naming it"

# 5. --lessons before RNNLAB_DATA
marked "$TMP/given" "--lessons"
check '[ "$(RNNLAB_DATA="$TMP/data" drawn "$R" --lessons "$TMP/given")" = "From --lessons" ]' "--lessons DIR comes before RNNLAB_DATA"
RNNLAB_DATA="$TMP/data" "$R" render --lessons "$TMP/nope" --lesson 3 --out x.png > "$TMP/out.txt" 2>&1
check '[ $? -eq 1 ] && grep -qF "looked in: $TMP/nope (--lessons: No such file or directory)" "$TMP/out.txt"' "a missing --lessons DIR is an error naming it, not a fall back to RNNLAB_DATA"
finish cli_data_lookup
