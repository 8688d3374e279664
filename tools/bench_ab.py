#!/usr/bin/python3
"""Two rnnlab builds side by side in one run: `rnnlab bench` of build A and build B, interleaved
(A B A B A B with --rounds 3), medians of tokens/s and of executed GFLOP per CPU-second (less
affected by other processes' load on a shared machine), and the ratios B / A per configuration.

Made for the portable release build (baseline x86-64, kernels chosen at run time) against a
-march=native build:
  cmake -S . -B build && cmake -S . -B build-native -DRNNLAB_NATIVE=ON   # then build both
  python3 tools/bench_ab.py build-native/rnnlab build/rnnlab [--seconds 2] [--config NAME,...]
Extra options after `--` go to both `rnnlab bench` commands (for example `-- --kernels avx2`).
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interleave import interleaved, load, median  # noqa: E402

median_of = statistics.median
CONFIGS = ["lstm-h128-b32", "gru-h128-b32", "rnn-h128-b32", "lstm-h512-b64", "gru-h512-b64", "rnn-h512-b64",
           "lstm2-h512-b64", "lstm-h32-b1", "gru-h32-b1", "rnn-h32-b1"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", help="rnnlab binary A (the reference)")
    ap.add_argument("b", help="rnnlab binary B")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--config", default="")
    ap.add_argument("extra", nargs="*", help="more `rnnlab bench` options (after --)")
    args = ap.parse_args()
    configs = [c for c in CONFIGS if not args.config or c in args.config.split(",")]
    print(f"A = {args.a}\nB = {args.b}\n{args.seconds:g} s per run, {args.rounds} rounds (A B A B ...), medians; "
          f"load average {load()} at the start", flush=True)
    print(f"{'configuration':15} {'A tokens/s':>11} {'B tokens/s':>11} {'B / A':>6}   "
          f"{'A GFLOP/CPU-s':>13} {'B GFLOP/CPU-s':>13} {'B / A':>6}")
    ratios, cpu_ratios = [], []
    for name in configs:
        cmd = ["bench", "--config", name, "--seconds", str(args.seconds), "--json"] + args.extra
        a, b = interleaved([args.a] + cmd, [args.b] + cmd, args.rounds)
        ta, tb = median(a, "tokens_per_s"), median(b, "tokens_per_s")
        ca, cb = median(a, "gflops_executed_per_cpu_s"), median(b, "gflops_executed_per_cpu_s")
        ratios.append(tb / ta)
        cpu_ratios.append(cb / ca)
        print(f"{name:15} {ta:11.0f} {tb:11.0f} {tb / ta:6.3f}   {ca:13.1f} {cb:13.1f} {cb / ca:6.3f}", flush=True)
    print(f"B / A from {min(ratios):.3f} to {max(ratios):.3f} (tokens/s), median {median_of(ratios):.3f}; "
          f"per CPU-second from {min(cpu_ratios):.3f} to {max(cpu_ratios):.3f}, median {median_of(cpu_ratios):.3f}")
    print(f"kernels A {a[0]['kernels']}, B {b[0]['kernels']}; "
          f"load average {load()} at the end")


if __name__ == "__main__":
    main()
