"""Interleaved A/B timing for the benchmark scripts in tools/ (bench_vs_onednn.py, bench_ab.py).

The machine is shared: a measurement of A then B alone would compare two different loads. So every
configuration runs A B A B ... (rounds times each), and each side reports its median. Every command
must print one JSON line (its last line of output)."""
import json
import os
import statistics
import subprocess


def run_json(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def interleaved(cmd_a, cmd_b, rounds, env_b=None):
    """Runs cmd_a and cmd_b alternately (cmd_b with environment env_b if given); returns (runs of A,
    runs of B) as lists of JSON objects."""
    a, b = [], []
    for _ in range(rounds):
        a.append(run_json(cmd_a))
        b.append(run_json(cmd_b, env_b))
    return a, b


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def load():
    """The 1-minute load average, as a string (the machine's other users show up here)."""
    return f"{os.getloadavg()[0]:.2f}"
