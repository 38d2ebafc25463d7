#!/usr/bin/python3
"""The peer of bench/conv_bench's Conv/<shape>/<pass> rows: PyTorch's own
convolution (oneDNN on CPU) forward, input gradient and filter gradient for
the same shapes (stride 1, SAME), NCHW and channels_last, same threads.
Prints GFLOP/s (median of --reps timings of --iters calls each), or with
--json one JSON line per shape and layout (bench/compare_conv_ops.py).
SAME is conv2d's own padding="same" (TF's rule: the odd pixel of padding
after), so no separately padded copy of the input is timed.

  /usr/bin/python3 bench/torch_conv_ops.py [--threads 2] [--reps 5] [--json]
"""
import argparse
import json
import statistics
import time
import warnings

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
    "branch_3x3": (64, 40, 40, 3, 3, 32),
    "branch_5x5": (64, 40, 40, 3, 5, 32),
    "branch_conv3": (64, 20, 20, 64, 3, 64),
}


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
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    # padding="same" with an even kernel pads a copy of the input; that is
    # PyTorch's own way, and timed as such.
    warnings.filterwarnings("ignore", message=".*padding='same'.*")
    if not args.json:
        print(f"torch {torch.__version__}, mkldnn "
              f"{torch.backends.mkldnn.is_available()}, "
              f"threads {args.threads}")
    for name, (n, h, w, cin, k, cout) in SHAPES.items():
        flops = 2 * n * h * w * k * k * cin * cout
        for fmt in (torch.contiguous_format, torch.channels_last):
            x = torch.randn(n, cin, h, w).to(memory_format=fmt)
            weight = torch.randn(cout, cin, k, k).to(memory_format=fmt)
            dy = torch.randn(n, cout, h, w).to(memory_format=fmt)
            x.requires_grad_(True)
            weight.requires_grad_(True)
            with torch.no_grad():
                fwd = time_pass(lambda: F.conv2d(x, weight, padding="same"),
                                args.iters, args.reps)
            y = F.conv2d(x, weight, padding="same")
            dx = time_pass(
                lambda: torch.autograd.grad(y, x, dy, retain_graph=True),
                args.iters, args.reps)
            dw = time_pass(
                lambda: torch.autograd.grad(y, weight, dy, retain_graph=True),
                args.iters, args.reps)
            layout = "nchw" if fmt is torch.contiguous_format else \
                "channels_last"
            if args.json:
                print(json.dumps({
                    "shape": name, "layout": layout,
                    "forward": flops / fwd / 1e9,
                    "backprop_input": flops / dx / 1e9,
                    "backprop_filter": flops / dw / 1e9}), flush=True)
                continue
            print(f"{name:13s} {layout:13s} forward {flops / fwd / 1e9:7.1f}"
                  f"  input {flops / dx / 1e9:7.1f}"
                  f"  filter {flops / dw / 1e9:7.1f} GFLOP/s")


if __name__ == "__main__":
    main()
