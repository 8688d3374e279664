#!/usr/bin/python3
"""Writes tests/fixtures/pytorch/*.safetensors: state_dicts of small PyTorch models saved the way
a PyTorch user would (safetensors.torch.save_file(model.state_dict()), no rnnlab metadata), and
expected.txt with PyTorch's loss on a fixed sequence, so test_modelfile can check that rnnlab infers
each model correctly and computes the same thing.

Run with Debian's PyTorch: /usr/bin/python3 tools/make_pytorch_files.py
The `safetensors` Python package is not needed: save_file/load_file below write and read the format
by hand (8-byte little-endian header length, JSON header padded with spaces to a multiple of 8,
raw little-endian float32 data).
"""
import json
import os
import struct

import torch
import torch.nn as nn


def save_file(tensors, path, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def load_file(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    sd = {k: torch.frombuffer(bytearray(data[v["data_offsets"][0]:v["data_offsets"][1]]),
                              dtype=torch.float32).reshape(v["shape"]) for k, v in header.items()}
    return sd, meta


class Net(nn.Module):
    """The module layout rnnlab's names follow: embedding -> rnn -> head (per-timestep)."""

    def __init__(self, cell, vocab, embed, hidden, layers, bidirectional, classes, nonlinearity="tanh"):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        kw = dict(num_layers=layers, bidirectional=bidirectional, batch_first=True)
        if cell == "rnn":
            self.rnn = nn.RNN(embed, hidden, nonlinearity=nonlinearity, **kw)
        else:
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cell](embed, hidden, **kw)
        self.head = nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, x):
        return self.head(self.rnn(self.embedding(x))[0])


class RNNModel(nn.Module):
    """The names of PyTorch's examples/word_language_model (encoder, rnn, decoder), without dropout."""

    def __init__(self, ntoken, ninp, nhid, nlayers):
        super().__init__()
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers)  # sequence-first, as in the example
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, x):  # x: [T, B]
        return self.decoder(self.rnn(self.encoder(x))[0])


def load_rnnlab_model(path):
    """An rnnlab model file as a PyTorch module (the README's recipe). Residual connections, the
    sigmoid RNN nonlinearity and the final head have no nn.RNN/LSTM/GRU equivalent: refused here."""
    sd, meta = load_file(path)
    assert meta.get("format") == "rnnlab-model-1", "not an rnnlab model file"
    assert meta["residual"] == "0" and meta["head"] == "step" and meta["nonlinearity"] != "sigmoid"
    m = Net(meta["cell"], int(meta["vocab_size"]), int(meta["embed"]), int(meta["hidden"]), int(meta["layers"]),
            meta["bidirectional"] == "1", int(meta["classes"]), meta["nonlinearity"])
    m.load_state_dict(sd)
    return m, meta


TOKENS = [1, 2, 3, 4, 5, 6, 0, 3]   # also in tests/test_modelfile.c
TARGETS = [2, 3, 4, 5, 6, 0, 3, 1]  # class ids < 3 for the 3-class model: taken modulo classes


def main():
    torch.manual_seed(1234)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "pytorch")
    os.makedirs(out, exist_ok=True)
    lines = []
    models = {
        # name: model, description "cell layers bidirectional vocab embed hidden classes"
        "lstm_named": Net("lstm", 7, 4, 5, 2, True, 7),
        "gru_named": Net("gru", 7, 3, 4, 1, False, 3),
        "rnn_named": Net("rnn", 7, 4, 6, 2, False, 7),
    }
    for name, m in models.items():
        x = torch.tensor([TOKENS])
        y = torch.tensor([[t % m.head.out_features for t in TARGETS]])
        with torch.no_grad():
            logits = m(x)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        save_file(m.state_dict(), os.path.join(out, name + ".safetensors"))
        r = m.rnn
        cell = {"LSTM": "lstm", "GRU": "gru", "RNN": "rnn"}[type(r).__name__]
        lines.append(f"{name} {cell} {r.num_layers} {int(r.bidirectional)} {m.embedding.num_embeddings} "
                     f"{m.embedding.embedding_dim} {r.hidden_size} {m.head.out_features} {loss.item():.9g}")

    m = RNNModel(7, 4, 5, 2)
    x = torch.tensor([TOKENS]).t()  # [T, 1]
    y = torch.tensor(TARGETS)
    with torch.no_grad():
        loss = nn.functional.cross_entropy(m(x).reshape(-1, 7), y)
    save_file(m.state_dict(), os.path.join(out, "word_language_model.safetensors"))
    lines.append(f"word_language_model lstm 2 0 7 4 5 7 {loss.item():.9g}")

    # reading back what was written: the loader gives the same state_dict
    sd, _ = load_file(os.path.join(out, "lstm_named.safetensors"))
    for k, v in models["lstm_named"].state_dict().items():
        assert torch.equal(sd[k], v), k

    with open(os.path.join(out, "expected.txt"), "w") as f:
        f.write("# name cell layers bidirectional vocab embed hidden classes pytorch_loss "
                "(tokens 1 2 3 4 5 6 0 3, targets 2 3 4 5 6 0 3 1 modulo classes)\n")
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        # prints PyTorch's loss of an rnnlab model file on the fixed sequence above
        m, meta = load_rnnlab_model(sys.argv[2])
        C = int(meta["classes"])
        with torch.no_grad():
            logits = m(torch.tensor([TOKENS]))
            y = torch.tensor([t % C for t in TARGETS])
            print(f"{nn.functional.cross_entropy(logits.reshape(-1, C), y).item():.9g}")
    else:
        main()
