#!/usr/bin/python3
"""rnnlab against Intel's oneDNN (Debian's libdnnl-dev) on the same models, side by side in one run.

For each configuration, `rnnlab bench --json` and tools/bench_onednn.c (oneDNN's vanilla_lstm /
lbr_gru / vanilla_rnn training primitives with the same embedding, head, loss, BPTT and SGD) run
interleaved, A B A B A B (--rounds 3), on the same number of threads, and the medians are compared:
tokens/s of training and executed GFLOP/s (the matrix-product FLOPs each actually ran, per second;
rnnlab's embedding-table shortcut skips most of layer 0's input products, oneDNN runs them all;
with --no-table rnnlab runs them too, so both execute the same products). The machine may be shared:
executed GFLOP per CPU-second (CPU time of all the process's threads) is also printed, which other
processes' load affects much less than the wall-clock rates. oneDNN runs with OMP_WAIT_POLICY=passive,
so its waiting OpenMP threads sleep rather than spin and its CPU time is work, not waiting.

Usage (builds build/bench_onednn first if needed; installs libdnnl-dev with apt-get when missing):
  python3 tools/bench_vs_onednn.py --rnnlab build/rnnlab [--seconds 3] [--rounds 3] [--config NAME,...]
                                   [--no-table]
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interleave import interleaved, load, median  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = [  # name, cell, layers, hidden, batch, seq
    ("lstm-h128-b32", "lstm", 1, 128, 32, 64), ("gru-h128-b32", "gru", 1, 128, 32, 64),
    ("rnn-h128-b32", "rnn", 1, 128, 32, 64), ("lstm-h512-b64", "lstm", 1, 512, 64, 64),
    ("gru-h512-b64", "gru", 1, 512, 64, 64), ("rnn-h512-b64", "rnn", 1, 512, 64, 64),
    ("lstm2-h512-b64", "lstm", 2, 512, 64, 64), ("lstm-h32-b1", "lstm", 1, 32, 1, 64),
    ("gru-h32-b1", "gru", 1, 32, 1, 64), ("rnn-h32-b1", "rnn", 1, 32, 1, 64),
]


def build_tool(path):
    """Compiles tools/bench_onednn.c into path (needs gcc and libdnnl-dev)."""
    if not os.path.exists("/usr/include/oneapi/dnnl/dnnl.h"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        print("installing libdnnl-dev (apt-get)", flush=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libdnnl-dev"],
                       check=True, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    src = os.path.join(HERE, "bench_onednn.c")
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(src):
        return
    subprocess.run([shutil.which("gcc") or "cc", "-O2", "-fopenmp", src, "-ldnnl", "-lm", "-o", path], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rnnlab", default="build/rnnlab")
    ap.add_argument("--onednn", default="", help="the built tool (default: bench_onednn beside --rnnlab)")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--config", default="")
    ap.add_argument("--no-table", action="store_true", help="rnnlab without its embedding-table shortcut")
    args = ap.parse_args()
    tool = args.onednn or os.path.join(os.path.dirname(os.path.abspath(args.rnnlab)), "bench_onednn")
    build_tool(tool)
    wanted = set(filter(None, args.config.split(",")))
    print(f"{args.threads} threads, {args.seconds:g} s per run, {args.rounds} rounds (A B A B ...), medians; "
          f"load average {load()} at the start", flush=True)
    print(f"{'':15} {'tokens/s':^32}   {'executed GFLOP/s':^36}   {'executed GFLOP per CPU-second':^36}")
    print(f"{'configuration':15} {'rnnlab':>12} {'oneDNN':>12} {'ratio':>6}   "
          f"{'rnnlab':>14} {'oneDNN':>14} {'ratio':>6}   {'rnnlab':>14} {'oneDNN':>14} {'ratio':>6}")
    for name, cell, layers, hidden, batch, seq in CONFIGS:
        if wanted and name not in wanted:
            continue
        ours = [args.rnnlab, "bench", "--config", name, "--seconds", str(args.seconds), "--threads",
                str(args.threads), "--json"] + (["--no-table"] if args.no_table else [])
        theirs = [tool, "--cell", cell, "--layers", str(layers), "--hidden", str(hidden), "--batch", str(batch),
                  "--seq", str(seq), "--vocab", "64", "--threads", str(args.threads), "--seconds", str(args.seconds)]
        a, b = interleaved(ours, theirs, args.rounds, env_b=dict(os.environ, OMP_WAIT_POLICY="passive"))
        ta, tb = median(a, "tokens_per_s"), median(b, "tokens_per_s")
        ga, gb = median(a, "gflops_executed"), median(b, "gflops_executed")
        ca, cb = median(a, "gflops_executed_per_cpu_s"), median(b, "gflops_executed_per_cpu_s")
        print(f"{name:15} {ta:12.0f} {tb:12.0f} {ta / tb:6.2f}   {ga:14.1f} {gb:14.1f} {ga / gb:6.2f}   "
              f"{ca:14.1f} {cb:14.1f} {ca / cb:6.2f}", flush=True)
    print(f"rnnlab kernels: {a[0]['kernels']}, embedding table {'off' if args.no_table else 'on'}; "
          f"oneDNN ISA: {b[0]['isa']}; load average {load()} at the end")


if __name__ == "__main__":
    main()
