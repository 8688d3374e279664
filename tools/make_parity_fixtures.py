#!/usr/bin/python3
"""Writes tests/fixtures/parity/*.safetensors: PyTorch reference results that tests/test_parity.c
compares rnnlab's forward pass, backward pass and optimizers against.

Each case builds nn.Embedding -> nn.RNN/LSTM/GRU (batch_first) -> nn.Linear with a fixed seed, draws
random tokens and targets (some step targets are -1 = not scored), and computes the mean
cross-entropy (ignore_index=-1), its gradients and the states. Head "step" scores every timestep;
head "final" scores one prediction per sequence from h_n of the top layer (bidirectional:
concat(h_n[-2], h_n[-1]) = forward output at T-1 and backward output at 0).

The reference is computed in float64 from the float32 parameters (which are exact in float64), so
the stored numbers are the exact answer rounded once to float32, and the test measures rnnlab's
own float32 error. PyTorch's float32 error on the same case (largest over the compared tensors of
max|f32 - f64| / max|f64|) is stored in the metadata "torch_f32_err" so the two can be quoted side
by side.

One file per case holds:
  every parameter under its PyTorch name (embedding.weight, rnn.weight_ih_l0, ..., head.weight,
  head.bias); input.tokens [B,T] and input.targets ([B,T] step / [B] final) as F32 small integers;
  optionally input.h0 / input.c0 [L*D,B,H]; expect.loss [1]; expect.output [B,T,D*H] (top layer);
  expect.h_n [L*D,B,H]; expect.c_n (LSTM); expect.probs (softmax of the logits, [B,T,C] or [B,C]);
  grad.<name> for every parameter.
Cases with metadata optim=1 also hold after.<opt>.<name>: the parameters after `opt_steps_<opt>`
optimizer steps on the same batch, each step = zero_grad, loss, backward,
clip_grad_norm_(max_norm=clip), step; <opt> = sgd (SGD lr 0.1, 1 step), momentum (SGD lr 0.1
momentum 0.9, 2 steps), adam (Adam lr 0.01, defaults otherwise, 3 steps). Their head is sharpened
(weight x4, class-0 bias +3) so the gradient norm (opt_norms_<opt>, before clipping) is well above
the clip at every step, and a seed is skipped (the next one tried) if Adam would see a nonzero
gradient element below 1e-6, where its update becomes ill-conditioned in float32.
The bidirectional 2-layer "final" cases leave one sequence unscored (target -1).

Run with Debian's PyTorch: /usr/bin/python3 tools/make_parity_fixtures.py
The output is deterministic: rerunning rewrites byte-identical files.
"""
import copy
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_pytorch_files import save_file  # noqa: E402  (the hand-written safetensors writer)

V, E, B, T = 11, 6, 3, 7
CLIP = 0.5
ADAM_MIN_GRAD = 1e-6
OPTIMIZERS = [  # name, constructor, steps
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1), 1),
    ("momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 2),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.01), 3),
]
OPT_LR = {"sgd": "0.1", "momentum": "0.1", "adam": "0.01"}


class IllConditioned(Exception):
    pass


class Net(nn.Module):
    def __init__(self, cell, nonlin, vocab, embed, hidden, layers, bidirectional, classes):
        super().__init__()
        self.cell = cell
        self.embedding = nn.Embedding(vocab, embed)
        kw = dict(num_layers=layers, bidirectional=bidirectional, batch_first=True)
        if cell == "rnn":
            self.rnn = nn.RNN(embed, hidden, nonlinearity=nonlin, **kw)
        else:
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cell](embed, hidden, **kw)
        self.head = nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, x, head, h0=None, c0=None):
        e = self.embedding(x)
        if self.cell == "lstm":
            state = (h0, c0) if h0 is not None else None
            out, (h_n, c_n) = self.rnn(e, state)
        else:
            out, h_n = self.rnn(e, h0)
            c_n = None
        if head == "step":
            logits = self.head(out)  # [B,T,C]
        elif self.rnn.bidirectional:
            logits = self.head(torch.cat([h_n[-2], h_n[-1]], dim=1))  # [B,C]
        else:
            logits = self.head(h_n[-1])
        return out, h_n, c_n, logits


def loss_of(logits, targets):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-1)


def run(net, head, tokens, targets, h0, c0):
    """Forward + backward; returns a dict of result tensors (same names as stored)."""
    net.zero_grad()
    out, h_n, c_n, logits = net(tokens, head, h0, c0)
    loss = loss_of(logits, targets)
    loss.backward()
    r = {"expect.loss": loss.detach().reshape(1), "expect.output": out.detach(), "expect.h_n": h_n.detach()}
    if c_n is not None:
        r["expect.c_n"] = c_n.detach()
    r["expect.probs"] = torch.softmax(logits.detach(), dim=-1)
    for name, p in net.named_parameters():
        r["grad." + name] = p.grad.detach().clone()
    return r


def make_case(out_dir, name, seed, cell, nonlin="tanh", layers=1, bi=False, head="step", hidden=6,
              t_len=T, classes=None, state=False, optim=False, final_skip=False):
    torch.manual_seed(seed)
    C = classes or (V if head == "step" else 4)
    D = 2 if bi else 1
    net = Net(cell, nonlin, V, E, hidden, layers, bi, C)
    if optim:
        # a sharper head that favours class 0, so the loss is large and the gradient norm is well
        # above the clip threshold at every step
        with torch.no_grad():
            net.head.weight.mul_(4.0)
            net.head.bias[0] += 3.0
    tokens = torch.randint(0, V, (B, t_len))
    if head == "step":
        targets = torch.randint(0, C, (B, t_len))
        targets[torch.rand(B, t_len) < 0.25] = -1
        targets[0, -1] = 0 if targets[0, -1] < 0 else targets[0, -1]  # at least one scored position
    else:
        targets = torch.randint(0, C, (B,))
        if final_skip:
            targets[1] = -1
    h0 = c0 = None
    if state:
        h0 = 0.5 * torch.randn(layers * D, B, hidden)
        if cell == "lstm":
            c0 = 0.5 * torch.randn(layers * D, B, hidden)

    # float32 PyTorch (only for the quoted comparison) and the float64 reference
    r32 = run(net, head, tokens, targets, h0, c0)
    ref = copy.deepcopy(net).double()
    d = lambda t: None if t is None else t.double()  # noqa: E731
    r64 = run(ref, head, tokens, targets, d(h0), d(c0))
    f32_err = 0.0
    for k, v in r64.items():  # the same error measure as tests/test_parity.c
        scale = v.abs().max().item()
        e = (r32[k].double() - v).abs().max().item()
        f32_err = max(f32_err, e / scale if scale > 0 else e)

    tensors = {}
    for pname, p in net.named_parameters():
        tensors[pname] = p.detach()
    tensors["input.tokens"] = tokens.float()
    tensors["input.targets"] = targets.float()
    if h0 is not None:
        tensors["input.h0"] = h0
    if c0 is not None:
        tensors["input.c0"] = c0
    for k, v in r64.items():
        tensors[k] = v.float()

    meta = {"cell": cell, "nonlinearity": nonlin, "head": head, "layers": str(layers),
            "bidirectional": str(int(bi)), "hidden": str(hidden), "embed": str(E), "vocab": str(V),
            "classes": str(C), "batch": str(B), "time": str(t_len), "seed": str(seed),
            "torch_f32_err": "%.3e" % f32_err, "optim": str(int(optim))}

    if optim:
        meta["clip"] = str(CLIP)
        for oname, make, steps in OPTIMIZERS:
            m = copy.deepcopy(net).double()
            opt = make(m.parameters())
            norms = []
            for _ in range(steps):
                opt.zero_grad()
                loss = loss_of(m(tokens, head, d(h0), d(c0))[3], targets)
                loss.backward()
                norms.append(float(torch.nn.utils.clip_grad_norm_(m.parameters(), max_norm=CLIP)))
                if oname == "adam":
                    # Adam divides by sqrt(v) + eps: an element with 0 < |g| << 1e-5 gets an update
                    # whose size depends on the tiny gradient's last digits (d update / d g = lr*eps/(|g|+eps)^2),
                    # so float32 rounding there would be amplified out of any parity tolerance.
                    # Such seeds are skipped (exact zeros, e.g. unused embedding rows, are fine:
                    # both sides give 0).
                    g = torch.cat([p.grad.reshape(-1) for p in m.parameters()]).abs()
                    gmin = g[g > 0].min().item()
                    if gmin < ADAM_MIN_GRAD:
                        raise IllConditioned("%s seed %d: Adam step %d has |g| = %.3g" % (name, seed, len(norms), gmin))
                opt.step()
            # the first step must really clip, or the test would not exercise clipping
            assert norms[0] > 1.5 * CLIP, (name, oname, norms)
            meta["opt_steps_" + oname] = str(steps)
            meta["opt_lr_" + oname] = OPT_LR[oname]
            meta["opt_norms_" + oname] = " ".join("%.6g" % n for n in norms)
            for pname, p in m.named_parameters():
                tensors["after.%s.%s" % (oname, pname)] = p.detach().float()

    path = os.path.join(out_dir, name + ".safetensors")
    save_file(tensors, path, metadata=meta)
    print("%-28s loss %.6f  torch f32 err %.2e  %6d bytes" % (name, r64["expect.loss"].item(), f32_err,
                                                               os.path.getsize(path)))


def main():
    torch.set_num_threads(1)
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "parity")
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        if f.endswith(".safetensors"):
            os.remove(os.path.join(out_dir, f))
    seed = 1000
    # every cell x layers x direction x head; hidden sizes 5..8 vary with the case
    cells = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
    for cell, nonlin in cells:
        for layers in (1, 2):
            for bi in (False, True):
                for head in ("step", "final"):
                    hidden = 5 + (seed % 4)
                    name = "%s_l%d_%s_%s" % (cell if cell != "rnn" else "rnn_" + nonlin, layers,
                                             "bi" if bi else "uni", head)
                    make_case(out_dir, name, seed, cell, nonlin, layers, bi, head, hidden,
                              final_skip=(head == "final" and layers == 2 and bi))
                    seed += 1
    # carried state (truncated BPTT): h0 / c0 given
    make_case(out_dir, "lstm_l2_bi_step_state", 2001, "lstm", layers=2, bi=True, hidden=7, state=True)
    make_case(out_dir, "gru_l1_uni_step_state", 2002, "gru", layers=1, hidden=6, state=True)
    make_case(out_dir, "rnn_tanh_l2_uni_final_state", 2003, "rnn", layers=2, hidden=5, head="final",
              state=True)
    # optimizers (clip 0.5 then SGD / momentum / Adam)
    for name, seed, kw in [("lstm_l1_uni_step_optim", 3001, dict(cell="lstm", hidden=8)),
                           ("gru_l2_bi_final_optim", 3101, dict(cell="gru", layers=2, bi=True, hidden=5,
                                                                head="final"))]:
        while True:  # the first seed whose Adam steps are well conditioned (deterministic)
            try:
                make_case(out_dir, name, seed, optim=True, **kw)
                break
            except IllConditioned as e:
                print("  skipped:", e)
                seed += 1
    # larger: error growth with size and sequence length
    make_case(out_dir, "lstm_l1_uni_step_h32_t20", 4001, "lstm", layers=1, hidden=32, t_len=20)


if __name__ == "__main__":
    main()
