#!/usr/bin/python3
"""The peer of bench/conv_bench's Conv/<shape>/<pass> rows: PyTorch's own
convolution (oneDNN on CPU) forward, input gradient and filter gradient for
the same shapes (stride 1, SAME), NCHW and channels_last, same threads.
Prints GFLOP/s (median of --reps timings of --iters calls each).

  /usr/bin/python3 bench/torch_conv_ops.py [--threads 2] [--reps 5]
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F

# name: (batch, height, width, in_channels, kernel, out_channels), as
# kShapes in bench/conv_bench.cc.
SHAPES = {
    "mnist_conv1": (50, 28, 28, 1, 5, 32),
    "mnist_conv2": (50, 14, 14, 32, 5, 64),
    "course_conv1": (64, 64, 64, 3, 4, 8),
    "course_conv2": (64, 8, 8, 8, 2, 16),
    "resnet_3x3": (8, 56, 56, 64, 3, 64),
}


def same_pad(x, k):
    # TF's SAME: the odd pixel of padding goes after.
    total = k - 1
    return F.pad(x, (total // 2, total - total // 2, total // 2,
                     total - total // 2))


def time_pass(fn, iters, reps):
    fn()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(iters):
            fn()
        samples.append((time.perf_counter() - start) / iters)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--iters", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, mkldnn "
          f"{torch.backends.mkldnn.is_available()}, threads {args.threads}")
    for name, (n, h, w, cin, k, cout) in SHAPES.items():
        flops = 2 * n * h * w * k * k * cin * cout
        for fmt in (torch.contiguous_format, torch.channels_last):
            x = torch.randn(n, cin, h, w).to(memory_format=fmt)
            weight = torch.randn(cout, cin, k, k).to(memory_format=fmt)
            dy = torch.randn(n, cout, h, w).to(memory_format=fmt)
            x.requires_grad_(True)
            weight.requires_grad_(True)
            with torch.no_grad():
                fwd = time_pass(lambda: F.conv2d(same_pad(x, k), weight),
                                args.iters, args.reps)
            y = F.conv2d(same_pad(x, k), weight)
            dx = time_pass(
                lambda: torch.autograd.grad(y, x, dy, retain_graph=True),
                args.iters, args.reps)
            dw = time_pass(
                lambda: torch.autograd.grad(y, weight, dy, retain_graph=True),
                args.iters, args.reps)
            layout = "nchw" if fmt is torch.contiguous_format else \
                "channels_last"
            print(f"{name:13s} {layout:13s} forward {flops / fwd / 1e9:7.1f}"
                  f"  input {flops / dx / 1e9:7.1f}"
                  f"  filter {flops / dw / 1e9:7.1f} GFLOP/s")


if __name__ == "__main__":
    main()
