#!/usr/bin/python3
"""rnnlab against PyTorch's CPU nn.LSTM / nn.GRU / nn.RNN on the same models, side by side in one run.

For each configuration of `rnnlab bench` it runs rnnlab (all cores) and then tools/bench_pytorch.py
(PyTorch with its fastest thread setting: 1 and 2 threads are both tried) for the same number of
seconds, and prints tokens/s and the ratio rnnlab / PyTorch next to the target.

Usage (Debian's python3-torch; run on a quiet machine):
  /usr/bin/python3 tools/bench_vs_pytorch.py --rnnlab build/rnnlab [--seconds 5] [--config NAME,...]

The BLAS library PyTorch loaded is printed: Debian's python3-torch uses whichever libblas.so.3 the
alternatives system selects (the reference BLAS, or OpenBLAS if libopenblas0 is installed: faster).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = [  # name, cell, hidden, batch, seq, target ratio
    ("lstm-h128-b32", "lstm", 128, 32, 64, 2.0), ("gru-h128-b32", "gru", 128, 32, 64, 2.0),
    ("rnn-h128-b32", "rnn", 128, 32, 64, 2.0), ("lstm-h512-b64", "lstm", 512, 64, 64, 1.3),
    ("gru-h512-b64", "gru", 512, 64, 64, 1.3), ("rnn-h512-b64", "rnn", 512, 64, 64, 1.3),
    ("lstm-h32-b1", "lstm", 32, 1, 64, 20.0), ("gru-h32-b1", "gru", 32, 1, 64, 20.0),
    ("rnn-h32-b1", "rnn", 32, 1, 64, 20.0),
]


def blas_in_use():
    code = ("import torch, re; torch.randn(64, 64) @ torch.randn(64, 64);"
            "print(sorted({l.split()[-1] for l in open('/proc/self/maps') if re.search(r'blas|mkl|omp', l)}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return out.stdout.strip() or out.stderr.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rnnlab", default="build/rnnlab")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--config", default="")
    args = ap.parse_args()
    wanted = set(filter(None, args.config.split(",")))
    print("PyTorch BLAS:", blas_in_use(), flush=True)
    print(f"{'configuration':16} {'rnnlab tok/s':>13} {'PyTorch tok/s':>14} {'(threads)':>9} {'ratio':>7} {'target':>7}")
    rows = []
    for name, cell, hidden, batch, seq, target in CONFIGS:
        if wanted and name not in wanted:
            continue
        # the largest model needs longer runs for more than a handful of PyTorch steps
        secs = args.seconds * (3 if hidden >= 512 else 1)
        r = subprocess.run([args.rnnlab, "bench", "--config", name, "--seconds", str(secs), "--json"],
                           capture_output=True, text=True, check=True)
        ours = json.loads(r.stdout.strip().splitlines()[-1])
        p = subprocess.run([sys.executable, os.path.join(HERE, "bench_pytorch.py"), "--cell", cell, "--hidden",
                            str(hidden), "--batch", str(batch), "--seq", str(seq), "--vocab", "64", "--seconds",
                            str(secs), "--threads", "best"], capture_output=True, text=True, check=True)
        theirs = json.loads(p.stdout.strip().splitlines()[-1])
        ratio = ours["tokens_per_s"] / theirs["tokens_per_s"]
        rows.append((name, ratio, target))
        print(f"{name:16} {ours['tokens_per_s']:13.0f} {theirs['tokens_per_s']:14.0f} {theirs['threads']:9} "
              f"{ratio:7.2f} {target:6.1f}x {'ok' if ratio >= target else 'BELOW'}", flush=True)
    below = [n for n, r, t in rows if r < t]
    print("all targets met" if not below else "below target: " + ", ".join(below))


if __name__ == "__main__":
    main()
