#!/usr/bin/env bash
# An installed rnnlab works on its own: `cmake --install` into a temporary prefix, the prefix moved
# elsewhere (an installed tree is relocatable), the source tree made unreachable
# (RNNLAB_NO_SOURCE_DATA=1 switches off the last place the program looks: app/host/files.h), and
# the installed binary run from an unrelated folder: render --lesson 3, export-lesson 3, and
# colour maps that are read from the installed assets -- checked by breaking the installed copy
# and watching the program say so, not assumed. Usage: install_check.sh BUILD_DIR CMAKE
set -u
BUILD=$1
CMAKE=$2
. "$(dirname "$0")/../app/cli/tests/lib_cli.sh"

"$CMAKE" --install "$BUILD" --prefix "$TMP/prefix" > "$TMP/install.txt" 2>&1
rc=$? # kept before the message below runs commands of its own
check '[ $rc -eq 0 ]' "cmake --install into a temporary prefix ($(tail -n 2 "$TMP/install.txt"))"
( cd "$TMP/prefix" && find . -type f | sort ) > "$TMP/files.txt"
for f in bin/rnnlab share/rnnlab/lessons/03-vanishing-gradients.lesson share/rnnlab/assets/colormaps/diverging.txt \
         share/rnnlab/assets/colormaps/sequential.txt share/applications/rnnlab.desktop \
         share/icons/hicolor/scalable/apps/rnnlab.svg share/icons/hicolor/48x48/apps/rnnlab.png \
         share/man/man1/rnnlab.1.gz share/doc/rnnlab/README.md share/doc/rnnlab/LICENSE share/doc/rnnlab/copyright; do
  check 'grep -qx "./$f" "$TMP/files.txt"' "installs $f"
done
check '[ "$(ls "$TMP/prefix/share/rnnlab/lessons" | wc -l)" = "$(ls "$(dirname "$0")/../lessons" | wc -l)" ]' "installs every lesson"
check '! grep -q "icons/rnnlab.svg" <(find "$TMP/prefix/share/rnnlab")' "the icon's source is not installed among the program's data"
check 'desktop-file-validate "$TMP/prefix/share/applications/rnnlab.desktop"' "the desktop entry is valid (desktop-file-validate)"
check 'grep -qx "Name=rnnlab: RNN explorer" "$TMP/prefix/share/applications/rnnlab.desktop" && grep -q "^Categories=Education;" "$TMP/prefix/share/applications/rnnlab.desktop"' "the desktop entry: its name, in Education"
for d in "$TMP/prefix"/share/icons/hicolor/*x*; do
  n=${d##*/}
  check '[ "$(size "$d/apps/rnnlab.png")" = "$n" ]' "icon $n is $n pixels"
done

# moved away from where it was installed, run from an unrelated folder, the source tree unreachable
mv "$TMP/prefix" "$TMP/moved"
mkdir "$TMP/elsewhere"
cd "$TMP/elsewhere" || exit 1
unset RNNLAB_DATA
export RNNLAB_NO_SOURCE_DATA=1
R="$TMP/moved/bin/rnnlab"
SHARE="$(cd "$TMP/moved/share/rnnlab" && pwd -P)"

"$R" --version > "$TMP/out.txt" 2>&1
check 'grep -qx "lessons: $SHARE/lessons (next to the executable)" "$TMP/out.txt"' "--version: lessons from the installed copy"
check 'grep -qx "colour map sequential: $SHARE/assets/colormaps/sequential.txt" "$TMP/out.txt" && grep -qx "colour map diverging: $SHARE/assets/colormaps/diverging.txt" "$TMP/out.txt"' "--version: colour maps read from the installed assets"

# the lesson drawn is the installed one: give its first step a title only the installed copy has
sed -i 's/^\[step\] A product of many factors$/[step] A product of many factors (installed copy)/' "$SHARE/lessons/03-vanishing-gradients.lesson"
"$R" render --lesson 3 --out l3.png > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ "$(size l3.png)" = 1920x1080 ] && [ "$(colours l3.png)" -gt 50 ]' "render --lesson 3 from the installed copy"
check 'grep -q "step 1 of 8: A product of many factors (installed copy)" "$TMP/out.txt"' "render read the installed lesson file"
check '! grep -q "warning" "$TMP/out.txt"' "render has no warning (colour maps loaded)"

"$R" export-lesson 3 --out slides --size 960x540 > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && [ "$(ls slides/lesson03-step0*.png | wc -l)" = 8 ] && [ "$(size slides/lesson03-step08.png)" = 960x540 ]' "export-lesson 3 writes its 8 slides"

# colour maps: a broken installed file is named (so the good case above really read these files)
echo "300 0 0" >> "$SHARE/assets/colormaps/sequential.txt"
"$R" render --lesson 3 --out l3b.png > "$TMP/out.txt" 2>&1
check '[ $? -eq 0 ] && grep -q "warning: colour maps: $SHARE/assets/colormaps/sequential.txt" "$TMP/out.txt"' "a broken installed colour map is reported by name, and render still draws"
"$R" --version > "$TMP/out.txt" 2>&1
check 'grep -qx "colour map sequential: built-in table" "$TMP/out.txt" && grep -qx "colour map diverging: $SHARE/assets/colormaps/diverging.txt" "$TMP/out.txt"' "--version says which map fell back"

# with the installed data gone too, nothing is found and the message lists every place looked
rm -rf "$SHARE/lessons"
"$R" render --lesson 3 --out x.png > "$TMP/out.txt" 2>&1
check '[ $? -eq 1 ] && [ ! -e x.png ]' "no lessons anywhere: render fails"
BIN="$(cd "$TMP/moved/bin" && pwd -P)"
check 'grep -qF "$BIN/../share/rnnlab/lessons (next to the executable: No such file or directory)" "$TMP/out.txt"' "the message names the folder next to the executable"
check 'grep -q "(the source tree: skipped: RNNLAB_NO_SOURCE_DATA is set)" "$TMP/out.txt" && grep -q "RNNLAB_DATA (not set)" "$TMP/out.txt"' "the message names the source tree and RNNLAB_DATA"
finish install_check
