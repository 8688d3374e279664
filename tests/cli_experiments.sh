#!/bin/bash
# rnnlab experiment NAME --quick: each writes its CSV files and PNG figures of the right size that
# are not blank, prints a table and the command that reproduces it.   usage: cli_experiments.sh RNNLAB FIXTURES
R="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# PNG signature, IHDR width x height (big-endian at bytes 16..23), and not blank: a flat 1600x1000
# image compresses to a few kilobytes; a figure with axes, text and curves is far larger. When
# python3 is present, also check the decompressed scanlines hold more than a flat colour.
check_png() {
  local f=$1 w=$2 h=$3
  [ -s "$f" ] || { fail "$f missing"; return; }
  [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { fail "$f is not a PNG"; return; }
  local dims
  dims=$(od -An -tu1 -j16 -N8 "$f" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
  [ "$dims" = "${w}x${h}" ] || fail "$f is $dims, want ${w}x${h}"
  local size
  size=$(stat -c %s "$f")
  [ "$size" -gt 20000 ] || fail "$f is only $size bytes: blank?"
  if command -v python3 > /dev/null; then
    python3 - "$f" << 'EOF' || fail "$f looks blank (python check)"
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
pos, idat, w, h, ct = 8, b"", 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, bd, ct = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}.get(ct, 4)
assert len(raw) == h * (w * bpp + 1), "decoded size"
# filtered scanlines of a flat image are (almost) all zero bytes; a figure's are not
ink = len(raw) - raw.count(0) - h
sys.exit(0 if ink > len(raw) // 200 and len(set(raw)) > 64 else 1)
EOF
  fi
}

check_csv() {
  local f=$1 header=$2 min_rows=$3
  [ -s "$f" ] || { fail "$f missing"; return; }
  head -1 "$f" | grep -q "^$header" || fail "$f header: $(head -1 "$f")"
  local rows=$(($(wc -l < "$f") - 1))
  [ "$rows" -ge "$min_rows" ] || fail "$f has $rows rows, want >= $min_rows"
  grep -qi "nan" "$f" && fail "$f holds NaN: $(grep -i nan "$f" | head -3)"
}

run() {
  local name=$1
  local t0=$SECONDS
  "$R" experiment "$name" --out "out/$name" --quick > "$name.txt" 2>&1
  local rc=$?
  [ "$rc" = 0 ] || fail "experiment $name exited $rc: $(tail -5 "$name.txt")"
  grep -q "reproduce with: rnnlab experiment $name --out out/$name --quick" "$name.txt" ||
    fail "$name does not print the command that reproduces it"
  echo "experiment $name --quick: $((SECONDS - t0)) s"
}

run horizon
grep -q "memory horizon" horizon.txt || fail "horizon prints no table"
grep -qE "^  (RNN|LSTM|GRU) " horizon.txt || fail "horizon table has no cell rows"
check_csv out/horizon/horizon.csv "cell,seed,protocol,distance,accuracy,solved,steps" 12
check_csv out/horizon/horizon_summary.csv "cell,seed,protocol,horizon" 6
check_png out/horizon/horizon.png 1600 1000
# progress while it runs, on stderr (the table stays on stdout)
"$R" experiment horizon --out out/h2 --quick 2> progress.txt > /dev/null
grep -q "horizon: LSTM seed 1 curriculum: solved distance" progress.txt || fail "horizon prints no progress: $(head -3 progress.txt)"
"$R" experiment --help | grep -q "horizon about 90 s" || fail "experiment --help gives no measured durations"

run gradients
grep -q "half-life" gradients.txt || fail "gradients prints no half-life"
grep -q "sigma_max" gradients.txt || fail "gradients prints no singular values"
check_csv out/gradients/gradients.csv "series,cell,radius,state,k,norm" 100
check_csv out/gradients/gradients_fit.csv "series,cell,radius,state,decay_factor" 13
check_png out/gradients/gradients.png 1600 1000
check_png out/gradients/gradients_radius.png 1600 1000
# the orthogonal sweep: sigma_max equals the radius it was scaled to
grep -qE "orthogonal +0\.50 +0\.500" gradients.txt || fail "orthogonal r=0.5 should have sigma_max 0.500"

run agreement
grep -qE "^  LSTM " agreement.txt || fail "agreement table has no LSTM row"
check_csv out/agreement/agreement.csv "cell,seed,steps,attractors,correct,total,accuracy" 24
check_png out/agreement/agreement.png 1600 1000

# usage errors
"$R" experiment nosuch --out x > out.txt 2>&1
[ $? = 2 ] && grep -q "unknown experiment 'nosuch'" out.txt || fail "unknown experiment: $(cat out.txt)"
"$R" experiment horizon > out.txt 2>&1
[ $? = 2 ] && grep -q -- "--out DIR is required" out.txt || fail "missing --out: $(cat out.txt)"
: > afile
"$R" experiment horizon --out afile/sub --quick > out.txt 2>&1
[ $? = 1 ] && grep -q "afile" out.txt || fail "unwritable --out: $(cat out.txt)"

if [ "$fails" -gt 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "cli_experiments: all passed"
