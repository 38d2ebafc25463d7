#!/usr/bin/python3
"""PyTorch twins of graphflow's benchmark networks, timed per training step.

Prints one JSON line per network: {"model", "batch", "median_ms", "steps"}.
Run by bench/compare_train_step.py; usable alone:
  /usr/bin/python3 bench/torch_train_step.py --threads 2
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


def time_steps(model, x, y, lr, steps, warmup):
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    args = p.parse_args()
    warnings.filterwarnings("ignore")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cases = [
        ("course_64x64x3", CourseNet(64, 3, 6), 64, (3, 64, 64), 6, 0.009),
        ("course_28x28x1", CourseNet(28, 1, 10), 64, (1, 28, 28), 10, 0.009),
        ("mnist_deep", DeepNet(), 50, (1, 28, 28), 10, 1e-4),
    ]
    for name, model, batch, shape, classes, lr in cases:
        x = torch.rand(batch, *shape)
        y = torch.randint(0, classes, (batch,))
        ms = time_steps(model, x, y, lr, args.steps, args.warmup)
        print(json.dumps({"engine": "pytorch", "model": name, "batch": batch,
                          "median_ms": round(ms, 3), "steps": args.steps,
                          "threads": args.threads,
                          "torch": torch.__version__}))


if __name__ == "__main__":
    main()
