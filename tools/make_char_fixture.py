#!/usr/bin/python3
"""Writes tests/fixtures/pytorch/char_code_lstm.safetensors: a small character-level LSTM trained
in PyTorch on rnnlab's generated code text, saved the way a PyTorch user would (the state_dict of
embedding -> nn.LSTM -> Linear) plus the two vocabulary metadata entries rnnlab reads
(vocab_level = "char", vocab = a JSON array of the characters, sorted by code point as rnnlab's
char corpora sort them). The tests open it with `rnnlab view` / `render --model` (units,
connectivity, gradient check) and compare rnnlab's loss with PyTorch's (expected in
char_code_lstm.txt).

    build/rnnlab corpus --kind code --chars 60000 --seed 1 --out /tmp/code.txt
    /usr/bin/python3 tools/make_char_fixture.py /tmp/code.txt

Training: hidden 32, embedding 16, Adam lr 3e-3, 1500 steps of 32 x 64 characters, seed 1234
(about a minute on one core).
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_pytorch_files import Net, save_file  # noqa: E402


def main():
    text = open(sys.argv[1], encoding="utf-8").read().replace("\r", "")
    vocab = sorted(set(text))
    idx = {c: i for i, c in enumerate(vocab)}
    data = torch.tensor([idx[c] for c in text])
    torch.manual_seed(1234)
    V = len(vocab)
    m = Net("lstm", V, 16, 32, 1, False, V)
    opt = torch.optim.Adam(m.parameters(), lr=3e-3)
    B, T = 32, 64
    for step in range(1500):
        starts = torch.randint(0, len(data) - T - 1, (B,))
        x = torch.stack([data[s:s + T] for s in starts])
        y = torch.stack([data[s + 1:s + T + 1] for s in starts])
        loss = nn.functional.cross_entropy(m(x).reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 250 == 0 or step == 1499:
            print(f"step {step} loss {loss.item():.4f}", flush=True)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "pytorch")
    meta = {"vocab_level": "char", "vocab": json.dumps(vocab)}
    save_file(m.state_dict(), os.path.join(out, "char_code_lstm.safetensors"), meta)
    probe = text[:200]
    x = torch.tensor([[idx[c] for c in probe]])
    with torch.no_grad():
        loss = nn.functional.cross_entropy(m(x)[0, :-1], x[0, 1:])
    with open(os.path.join(out, "char_code_lstm.txt"), "w") as f:
        f.write("# PyTorch's mean loss of char_code_lstm on the first 200 characters of\n"
                "# rnnlab corpus --kind code --chars 60000 --seed 1 (targets: the next character)\n")
        f.write(f"{loss.item():.9g}\n")
    print(f"held loss on the first 200 characters: {loss.item():.6f}")


if __name__ == "__main__":
    main()
