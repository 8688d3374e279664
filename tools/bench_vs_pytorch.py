#!/usr/bin/python3
"""rnnlab against PyTorch's CPU nn.LSTM / nn.GRU / nn.RNN on the same models, side by side in one run.

For each configuration of `rnnlab bench` it runs rnnlab (all cores) and tools/bench_pytorch.py
(PyTorch with its fastest thread setting: 1 and 2 threads are both tried) for the same number of
seconds, interleaved A B A B A B (--rounds 3) because the machine is shared, and prints the median
tokens/s of each and the ratio rnnlab / PyTorch next to the target.

Usage (Debian's python3-torch):
  /usr/bin/python3 tools/bench_vs_pytorch.py --rnnlab build/rnnlab [--seconds 5] [--rounds 3] [--config NAME,...]

The BLAS library PyTorch loaded is printed: Debian's python3-torch uses whichever libblas.so.3 the
alternatives system selects (the reference BLAS, or OpenBLAS if libopenblas0 is installed: faster).
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from interleave import interleaved, load, median  # noqa: E402

CONFIGS = [  # name, cell, layers, hidden, batch, seq, target ratio (None: no target)
    ("lstm-h128-b32", "lstm", 1, 128, 32, 64, 2.0), ("gru-h128-b32", "gru", 1, 128, 32, 64, 2.0),
    ("rnn-h128-b32", "rnn", 1, 128, 32, 64, 2.0), ("lstm-h512-b64", "lstm", 1, 512, 64, 64, 1.3),
    ("gru-h512-b64", "gru", 1, 512, 64, 64, 1.3), ("rnn-h512-b64", "rnn", 1, 512, 64, 64, 1.3),
    ("lstm2-h512-b64", "lstm", 2, 512, 64, 64, None), ("lstm-h32-b1", "lstm", 1, 32, 1, 64, 20.0),
    ("gru-h32-b1", "gru", 1, 32, 1, 64, 20.0), ("rnn-h32-b1", "rnn", 1, 32, 1, 64, 20.0),
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
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--config", default="")
    args = ap.parse_args()
    wanted = set(filter(None, args.config.split(",")))
    print("PyTorch BLAS:", blas_in_use(), flush=True)
    print(f"{args.rounds} rounds (A B A B ...), medians; load average {load()} at the start", flush=True)
    print(f"{'configuration':16} {'rnnlab tok/s':>13} {'PyTorch tok/s':>14} {'(threads)':>9} {'ratio':>7} {'target':>7}")
    below = []
    for name, cell, layers, hidden, batch, seq, target in CONFIGS:
        if wanted and name not in wanted:
            continue
        # the largest model needs longer runs for more than a handful of PyTorch steps
        secs = args.seconds * (3 if hidden >= 512 else 1)
        ours = [args.rnnlab, "bench", "--config", name, "--seconds", str(secs), "--json"]
        theirs = [sys.executable, os.path.join(HERE, "bench_pytorch.py"), "--cell", cell, "--layers", str(layers),
                  "--hidden", str(hidden), "--batch", str(batch), "--seq", str(seq), "--vocab", "64", "--seconds",
                  str(secs), "--threads", "best"]
        a, b = interleaved(ours, theirs, args.rounds)
        ta, tb = median(a, "tokens_per_s"), median(b, "tokens_per_s")
        ratio = ta / tb
        verdict = "" if target is None else ("ok" if ratio >= target else "BELOW")
        if target is not None and ratio < target:
            below.append(name)
        threads = "/".join(sorted({str(r["threads"]) for r in b}))
        print(f"{name:16} {ta:13.0f} {tb:14.0f} {threads:>9} {ratio:7.2f} "
              f"{'' if target is None else f'{target:6.1f}x'} {verdict}", flush=True)
    print("all targets met" if not below else "below target: " + ", ".join(below))
    print(f"load average {load()} at the end")


if __name__ == "__main__":
    main()
