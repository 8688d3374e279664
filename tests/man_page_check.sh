#!/usr/bin/env bash
# The man page says what --help says: every line of `rnnlab --help`, of `rnnlab COMMAND --help` for
# each listed command and of `rnnlab --lesson 1 --help` appears, in order within its section, in
# the man page as groff renders it (spaces squeezed: roff re-indents). First checks that the check
# catches a page missing one line. Usage: man_page_check.sh RNNLAB RNNLAB.1
set -u
RNNLAB=$1
MAN=$2
. "$(dirname "$0")/../app/cli/tests/lib_cli.sh"

squeeze() { sed -e 's/[[:space:]]\+/ /g' -e 's/^ //' -e 's/ $//' -e '/^$/d'; }
render() { groff -man -Tascii -P -cbou -rLL=300n "$1" 2>/dev/null | squeeze; }
# agree PAGE: 0 if every help line is in the rendered PAGE, in order; names the first line missing
agree() {
  render "$1" > "$TMP/page.txt"
  local helps=("" init inspect bench train sample experiment render view export-lesson corpus "--lesson 1")
  local listed
  listed=$("$RNNLAB" --help | awk '/^Commands:/ {on = 1; next} on && /^$/ {exit} on && $1 !~ /^(help|-)/ {print $1}')
  for c in $listed; do
    printf '%s\n' "${helps[@]}" | grep -qx -- "$c" || { echo "a command missing from this test's list: $c"; return 1; }
  done
  for h in "${helps[@]}"; do
    # shellcheck disable=SC2086
    "$RNNLAB" $h --help 2>&1 | squeeze > "$TMP/help.txt"
    [ -s "$TMP/help.txt" ] || { echo "rnnlab $h --help printed nothing"; return 1; }
    # each help line must be found after the previous one
    awk 'NR == FNR {want[++n] = $0; next} i < n && $0 == want[i + 1] {i++} END {if (i < n) {print "missing: " want[i + 1]; exit 1}}' \
      "$TMP/help.txt" "$TMP/page.txt" || { echo "(from rnnlab $h --help)"; return 1; }
  done
}

# the check itself: a page with one help line taken out must be refused
sed '/^Writes a freshly initialised model/d' "$MAN" > "$TMP/short.1"
if cmp -s "$MAN" "$TMP/short.1"; then fail "the planted change did not change the page (help text moved?)"; fi
agree "$TMP/short.1" > "$TMP/out.txt"
rc=$? # kept: check's message runs commands of its own
check '[ $rc -ne 0 ] && grep -q "missing: Writes a freshly initialised model" "$TMP/out.txt"' "the check catches a man page missing a help line"

agree "$MAN" > "$TMP/out.txt"
rc=$?
check '[ $rc -eq 0 ]' "the man page holds every line of every --help ($(cat "$TMP/out.txt"))"
check 'grep -q "^\.TH RNNLAB 1 .*\"rnnlab $("$RNNLAB" --version | sed -n "1s/^rnnlab //p")\"" "$MAN"' "the man page names the version it was made from"
check '! groff -man -ww -z "$MAN" 2>&1 | grep .' "groff reads the page without warnings"
finish man_page_check
