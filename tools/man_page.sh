#!/usr/bin/env bash
# Writes the man page rnnlab.1 from the program's own help, so the two cannot drift:
#   DESCRIPTION  = `rnnlab --help`,
#   COMMANDS     = `rnnlab COMMAND --help` for every command that help lists, and `rnnlab --lesson 1 --help`,
#   VERSION      = the first line of `rnnlab --version`.
# The help text is kept verbatim (no-fill blocks); only roff's special characters are escaped.
# Run at build time by cmake/install.cmake; checked by tests/man_page_check.sh.
# Usage: man_page.sh RNNLAB OUT.1
set -euo pipefail
RNNLAB=$1
OUT=$2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# help text -> roff: a no-fill block, backslashes and minus signs escaped, a leading . or ' neutralised
verbatim() {
  echo ".nf"
  sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  echo ".fi"
}
help_of() { # prints the help of "$@" or fails loudly
  local text
  if ! text=$("$RNNLAB" "$@" --help 2>&1) || [ -z "$text" ]; then
    echo "man_page.sh: 'rnnlab $* --help' failed" >&2
    return 1
  fi
  printf '%s\n' "$text"
}

top=$(help_of)
version=$("$RNNLAB" --version 2>/dev/null | sed -n 1p)
commands=$(printf '%s\n' "$top" | awk '/^Commands:/ {on = 1; next} on && /^$/ {exit} on && $1 !~ /^(help|-)/ {print $1}')
[ -n "$commands" ] || { echo "man_page.sh: no 'Commands:' list in rnnlab --help" >&2; exit 1; }

{
  echo ".TH RNNLAB 1 \"\" \"$version\" \"User Commands\""
  echo ".SH NAME"
  echo "rnnlab \\- classroom explorer for recurrent neural networks"
  echo ".SH SYNOPSIS"
  echo ".B rnnlab"
  echo "[\\fICOMMAND\\fR] [\\fIOPTIONS\\fR]"
  echo ".SH DESCRIPTION"
  printf '%s\n' "$top" | verbatim
  echo ".SH COMMANDS"
  for c in $commands; do
    echo ".SS rnnlab $c"
    help_of "$c" | verbatim
  done
  echo ".SS rnnlab \\-\\-lesson N"
  help_of --lesson 1 | verbatim
  echo ".SH VERSION"
  echo "This page was made from the help of $version."
  echo ".SH SEE ALSO"
  echo "The README in /usr/share/doc/rnnlab (or PREFIX/share/doc/rnnlab after cmake \\-\\-install)."
} > "$tmp"
chmod 644 "$tmp"
mv "$tmp" "$OUT"
trap - EXIT
