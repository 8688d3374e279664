#!/usr/bin/python3
"""Training throughput of PyTorch's model of the shape rnnlab trains, for comparison with `rnnlab bench`.

Model: nn.Embedding(V, E=hidden) -> nn.LSTM / nn.GRU / nn.RNN(tanh) (batch_first) -> nn.Linear(H, V),
cross-entropy over every position, plain SGD step, on random tokens (drawn once, before timing).
Prints one JSON line:
  {"cell": .., "hidden": .., "batch": .., "seq": .., "vocab": .., "threads": .., "steps": ..,
   "tokens_per_s": ..}
where tokens_per_s = steps * batch * seq / seconds of training (forward, backward and update).

Example:
  /usr/bin/python3 tools/bench_pytorch.py --cell lstm --hidden 128 --batch 32 --seq 64 --vocab 64 \\
      --seconds 5 --threads best
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, cell, vocab, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        rnn_class = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = rnn_class(hidden, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        out, _ = self.rnn(self.embedding(tokens))
        return self.head(out)


def measure(args, threads):
    """Trains for args.seconds with `threads` intra-op threads; returns (steps, tokens per second)."""
    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    model = Model(args.cell, args.vocab, args.hidden, args.layers)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    pool = 8  # a few different batches, generated before timing
    inputs = torch.randint(args.vocab, (pool, args.batch, args.seq))
    targets = torch.randint(args.vocab, (pool, args.batch, args.seq))

    def step(i):
        opt.zero_grad(set_to_none=True)
        logits = model(inputs[i % pool])
        loss = loss_fn(logits.reshape(-1, args.vocab), targets[i % pool].reshape(-1))
        loss.backward()
        opt.step()

    # Warm-up: at least 3 steps and at least a fifth of the measuring time (caches, allocator).
    t0 = time.perf_counter()
    i = 0
    while i < 3 or time.perf_counter() - t0 < 0.2 * args.seconds:
        step(i)
        i += 1
    steps = 0
    t0 = time.perf_counter()
    while True:
        step(steps)
        steps += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= args.seconds:
            break
    return steps, steps * args.batch * args.seq / elapsed


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--vocab", type=int, default=64)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--threads", default="1", help="a thread count, or 'best' (tries 1 and 2)")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    for name in ("hidden", "batch", "seq", "vocab", "layers"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    if args.seconds <= 0:
        p.error("--seconds must be positive")

    if args.threads == "best":
        candidates = [1, 2]
    else:
        try:
            candidates = [int(args.threads)]
        except ValueError:
            p.error("--threads takes a number or 'best'")
        if candidates[0] < 1:
            p.error("--threads must be at least 1")

    best = None
    for threads in candidates:
        steps, rate = measure(args, threads)
        if len(candidates) > 1:
            print(f"threads={threads}: {steps} steps, {rate:.1f} tokens/s", file=sys.stderr)
        if best is None or rate > best[2]:
            best = (threads, steps, rate)
    threads, steps, rate = best
    print(json.dumps({"cell": args.cell, "hidden": args.hidden, "batch": args.batch,
                      "seq": args.seq, "vocab": args.vocab, "threads": threads, "steps": steps,
                      "tokens_per_s": round(rate, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
