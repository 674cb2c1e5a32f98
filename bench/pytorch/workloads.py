#!/usr/bin/env python3
"""dlearn's reference workloads W1-W8 in PyTorch (eager mode, CPU).

The same workloads as engine/bench (see shared/bench/WORKLOADS.md), written
the way a learner would write them in PyTorch: nn.Linear, nn.Conv2d,
nn.RNN, nn.MultiheadAttention, nn.LayerNorm, torch.optim. Data is generated
from a fixed seed before the clock starts; only the training loop is timed.

Each workload is run once to warm up, then --runs times (fresh model and
data each time); the line printed is the median seconds per training step:

    W1Linreg/float32 400 1.234e-04

For W8 (gemm) the line also gives GFLOP/s = 2 n^3 / t.

Usage: workloads.py [--dtype float32|float64|both] [--runs N] [--only W1,W3]
       workloads.py --serve

With --serve it reads requests from stdin, one per line, and answers each
with one line, so that bench/run.sh can time PyTorch and dlearn alternately
in one run without paying for Python's start-up each time:

    W3MLP float32 1      ->  W3MLP float32 1 3.456e-04   (seconds per step,
                             one fresh run at 1 thread, after a warm-up run
                             the first time a workload and dtype are asked)
    W8Gemm/n=256 float64 2  ->  W8Gemm/n=256 float64 2 1.2e-04 (per product)
"""

import argparse
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 42


def batches(n, batch, gen=None):
    """Row indices of one epoch in mini-batches, shuffled when gen is set."""
    idx = torch.randperm(n, generator=gen) if gen is not None else torch.arange(n)
    return [idx[i:i + batch] for i in range(0, n, batch)]


def w1_linreg():
    """Dense 1->1, MSE, SGD 0.01, batch 32 reshuffled each epoch."""
    g = torch.Generator().manual_seed(SEED)
    x = torch.rand(100, 1, generator=g)
    y = 2 * x + 1 + 0.5 * torch.randn(100, 1, generator=g)
    model = nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    state = {"queue": []}

    def step():
        if not state["queue"]:
            state["queue"] = [(x[b], y[b]) for b in batches(100, 32, g)]
        xb, yb = state["queue"].pop(0)
        opt.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
    return step, 400


def w2_logreg():
    """Dense 2->1 + sigmoid, BCE, SGD 0.01, batch 32 in a fixed order."""
    g = torch.Generator().manual_seed(SEED)
    x = torch.rand(100, 2, generator=g)
    y = torch.round(0.5 * x.sum(1, keepdim=True))
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    epoch = [(x[b], y[b]) for b in batches(100, 32)]
    state = {"i": 0}

    def step():
        xb, yb = epoch[state["i"] % len(epoch)]
        state["i"] += 1
        opt.zero_grad()
        loss = F.binary_cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
    return step, 400


def spiral(per_arm, g):
    """The three-arm spiral of CS231n, arm after arm."""
    xs, ys = [], []
    for j in range(3):
        f = torch.linspace(0, 1, per_arm)
        th = 4 * j + 4 * f + 0.2 * torch.randn(per_arm, generator=g)
        xs.append(torch.stack([f * torch.sin(th), f * torch.cos(th)], 1))
        ys.append(torch.full((per_arm,), j, dtype=torch.long))
    return torch.cat(xs), torch.cat(ys)


def w3_mlp():
    """2->64->64->3 ReLU, softmax cross-entropy, Adam 0.01, batch 64, reshuffled."""
    g = torch.Generator().manual_seed(SEED)
    x, y = spiral(300, g)
    x = x.to(torch.get_default_dtype())
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    state = {"queue": []}

    def step():
        if not state["queue"]:
            state["queue"] = [(x[b], y[b]) for b in batches(900, 64, g)]
        xb, yb = state["queue"].pop(0)
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
    return step, 750


def w4_cnn():
    """Conv 1->8, ReLU, pool; Conv 8->16, ReLU, pool; Dense 784->10; SGD momentum."""
    g = torch.Generator().manual_seed(SEED)
    x = torch.randn(32, 1, 28, 28, generator=g)
    y = torch.randint(0, 10, (32,), generator=g)
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(784, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step, 50


class SineRNN(nn.Module):
    """A vanilla tanh RNN (1 -> 32) with a Dense 32->1 head at every step."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.head(h)


def w5_rnn():
    """Next value of 16 sine waves of length 51; MSE over 50 steps, full BPTT, Adam 0.001."""
    g = torch.Generator().manual_seed(SEED)
    phase = 2 * math.pi * torch.rand(16, 1, generator=g)
    seq = torch.sin(0.1 * torch.arange(51) + phase).to(torch.get_default_dtype())
    x, y = seq[:, :-1, None], seq[:, 1:, None]
    model = SineRNN()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)

    def step():
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return step, 100


class EncoderBlock(nn.Module):
    """x + MHA(LN(x)); x + FFN(LN(x)), pre-LayerNorm."""

    def __init__(self, d=32, heads=4, ff=64):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ffn = nn.Sequential(nn.Linear(d, ff), nn.ReLU(), nn.Linear(ff, d))

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.ffn(self.ln2(x))


def w6_attention():
    """One pre-LN encoder block learning to reverse X [16 16 32]; MSE, Adam 0.001."""
    g = torch.Generator().manual_seed(SEED)
    x = torch.randn(16, 16, 32, generator=g)
    y = torch.flip(x, [1])
    model = EncoderBlock()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)

    def step():
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return step, 100


def mlp3(out):
    return nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, out))


def w7_gan():
    """GAN on a ring of 8 Gaussians; one D step then one G step, BCE on logits, Adam."""
    g = torch.Generator().manual_seed(SEED)
    pool = 64
    modes = torch.randint(0, 8, (pool, 128), generator=g)
    ang = 2 * math.pi * modes / 8
    real = torch.stack([2 * torch.cos(ang), 2 * torch.sin(ang)], -1) + 0.02 * torch.randn(pool, 128, 2, generator=g)
    real = real.to(torch.get_default_dtype())
    noise = torch.randn(2 * pool, 128, 2, generator=g)
    G, D = mlp3(2), mlp3(1)
    optG = torch.optim.Adam(G.parameters(), lr=0.001, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=0.001, betas=(0.5, 0.999))
    ones, zeros = torch.ones(128, 1), torch.zeros(128, 1)
    state = {"i": 0}

    def step():
        i = state["i"]
        state["i"] += 1
        r, z1, z2 = real[i % pool], noise[(2 * i) % (2 * pool)], noise[(2 * i + 1) % (2 * pool)]
        with torch.no_grad():
            fake = G(z1)
        optD.zero_grad()
        lossD = F.binary_cross_entropy_with_logits(D(r), ones) + F.binary_cross_entropy_with_logits(D(fake), zeros)
        lossD.backward()
        optD.step()
        optG.zero_grad()
        lossG = F.binary_cross_entropy_with_logits(D(G(z2)), ones)
        lossG.backward()
        optG.step()
    return step, 200


WORKLOADS = [
    ("W1Linreg", w1_linreg),
    ("W2Logreg", w2_logreg),
    ("W3MLP", w3_mlp),
    ("W4CNN", w4_cnn),
    ("W5RNN", w5_rnn),
    ("W6Attention", w6_attention),
    ("W7GAN", w7_gan),
]

GEMM = [(64, 2000), (256, 100), (1024, 5)]


def time_workload(make, runs):
    """Median seconds per step over runs fresh runs, after one warm-up run."""
    per_step = []
    for r in range(runs + 1):
        torch.manual_seed(SEED + r)
        step, steps = make()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        dt = (time.perf_counter() - t0) / steps
        if r > 0:
            per_step.append(dt)
    return steps, statistics.median(per_step)


def time_gemm(n, reps, runs, dtype):
    g = torch.Generator().manual_seed(SEED)
    a = torch.randn(n, n, generator=g, dtype=dtype)
    b = torch.randn(n, n, generator=g, dtype=dtype)
    c = torch.empty(n, n, dtype=dtype)
    per_op = []
    for r in range(runs + 1):
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        dt = (time.perf_counter() - t0) / reps
        if r > 0:
            per_op.append(dt)
    return statistics.median(per_op)


def serve():
    """Answer timing requests from stdin (see the module's doc)."""
    makers = dict(WORKLOADS)
    reps = {f"W8Gemm/n={n}": (n, r) for n, r in GEMM}
    warm = set()
    print("# ready", torch.__version__, flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3:
            print(f"# bad request: {line.strip()}", flush=True)
            continue
        name, dt, threads = parts[0], parts[1], int(parts[2])
        torch.set_num_threads(threads)
        dtype = getattr(torch, dt)
        torch.set_default_dtype(dtype)
        if name in reps:
            n, r = reps[name]
            sec = time_gemm(n, r, 1, dtype)
        else:
            make = makers[name]
            if (name, dt) not in warm:
                torch.manual_seed(SEED)
                step, steps = make()
                for _ in range(steps):
                    step()
                warm.add((name, dt))
            torch.manual_seed(SEED)
            step, steps = make()
            t0 = time.perf_counter()
            for _ in range(steps):
                step()
            sec = (time.perf_counter() - t0) / steps
        torch.set_default_dtype(torch.float32)
        print(f"{name} {dt} {threads} {sec:.6e}", flush=True)


def main():
    if "--serve" in sys.argv[1:]:
        serve()
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dtype", default="both", choices=["float32", "float64", "both"])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--only", default="", help="comma-separated ids, e.g. W1,W8")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    if args.runs < 5:
        sys.exit("workloads.py: --runs must be at least 5 (the median of at least 5 runs)")
    torch.set_num_threads(args.threads)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    dtypes = ["float32", "float64"] if args.dtype == "both" else [args.dtype]
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, runs {args.runs}", flush=True)
    for dt in dtypes:
        dtype = getattr(torch, dt)
        torch.set_default_dtype(dtype)
        for name, make in WORKLOADS:
            if only and not any(name.startswith(o) for o in only):
                continue
            steps, sec = time_workload(make, args.runs)
            print(f"{name}/{dt} {steps} {sec:.6e}", flush=True)
        if not only or any("W8".startswith(o) or o.startswith("W8") for o in only):
            for n, reps in GEMM:
                sec = time_gemm(n, reps, args.runs, dtype)
                print(f"W8Gemm/n={n}/{dt} {reps} {sec:.6e} {2 * n ** 3 / sec / 1e9:.2f} GFLOP/s", flush=True)
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
