#!/usr/bin/python3
"""PyTorch twins of graphflow's benchmark networks, timed per step.

Prints one JSON line per network: {"model", "mode", "batch", "median_ms",
"steps", "format", ...}. Run by bench/compare_train_step.py; usable alone:
  /usr/bin/python3 bench/torch_train_step.py --threads 2 \
      [--mode train|infer] [--format nchw|channels_last]
  /usr/bin/python3 bench/torch_train_step.py --threads 2 --check-blas
(--check-blas prints the GFLOP/s of a 1024^3 torch.mm and the BLAS torch
was built against, so the harness can refuse a reference-BLAS peer.)
"""
import argparse
import json
import statistics
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F


class CourseNet(nn.Module):
    """The course CNN: conv 4x4x8 SAME, relu, pool 8; conv 2x2x16, relu,
    pool 4; flatten; fully connected (TF's SAME pooling ~ ceil_mode)."""

    def __init__(self, size, channels, classes):
        super().__init__()
        self.c1 = nn.Conv2d(channels, 8, 4, padding="same", bias=False)
        self.c2 = nn.Conv2d(8, 16, 2, padding="same", bias=False)
        s = -(-size // 8)
        s = -(-s // 4)
        self.fc = nn.Linear(16 * s * s, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 8, 8, ceil_mode=True)
        x = F.max_pool2d(F.relu(self.c2(x)), 4, 4, ceil_mode=True)
        return self.fc(torch.flatten(x, 1))


class DeepNet(nn.Module):
    """TF's mnist_deep: conv 5x5x32, pool 2, conv 5x5x64, pool 2, fc 1024."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 5, padding=2)
        self.c2 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(7 * 7 * 64, 1024)
        self.fc2 = nn.Linear(1024, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def time_train(model, x, y, lr, steps, warmup):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def time_infer(model, x, steps, warmup):
    model.eval()
    times = []
    with torch.inference_mode():
        for i in range(warmup + steps):
            start = time.perf_counter()
            model(x)
            if i >= warmup:
                times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def blas_name():
    """The BLAS library actually loaded (Debian switches it underneath torch
    through the libblas.so.3 alternative, so torch's build info says
    'generic' whichever it is)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line}
    names = sorted(p for p in paths if "libblas" in p or "openblas" in p)
    return ", ".join(names) or "none loaded"


def check_blas(threads):
    a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
    for _ in range(3):
        torch.mm(a, b)
    best = float("inf")
    for _ in range(10):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"gflops": round(2 * 1024 ** 3 / best / 1e9, 1),
                      "blas": blas_name(), "threads": threads,
                      "mkldnn": torch.backends.mkldnn.is_available(),
                      "torch": torch.__version__}))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--mode", choices=["train", "infer"], default="train")
    p.add_argument("--format", choices=["nchw", "channels_last"],
                   default="nchw")
    p.add_argument("--check-blas", action="store_true")
    args = p.parse_args()
    warnings.filterwarnings("ignore")
    torch.set_num_threads(args.threads)
    if args.check_blas:
        check_blas(args.threads)
        return
    torch.manual_seed(0)
    memory_format = (torch.channels_last if args.format == "channels_last"
                     else torch.contiguous_format)
    cases = [
        ("course_64x64x3", CourseNet(64, 3, 6), 64, (3, 64, 64), 6, 0.009),
        ("course_28x28x1", CourseNet(28, 1, 10), 64, (1, 28, 28), 10, 0.009),
        ("mnist_deep", DeepNet(), 50, (1, 28, 28), 10, 1e-4),
    ]
    for name, model, batch, shape, classes, lr in cases:
        model = model.to(memory_format=memory_format)
        x = torch.rand(batch, *shape).contiguous(memory_format=memory_format)
        y = torch.randint(0, classes, (batch,))
        if args.mode == "train":
            ms = time_train(model, x, y, lr, args.steps, args.warmup)
        else:
            ms = time_infer(model, x, args.steps, args.warmup)
        print(json.dumps({"engine": "pytorch", "model": name,
                          "mode": args.mode, "format": args.format,
                          "batch": batch, "median_ms": round(ms, 3),
                          "steps": args.steps, "threads": args.threads,
                          "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
