#!/usr/bin/python3
"""graphflow's Conv2D passes vs PyTorch's (oneDNN), alternating in rounds.

  /usr/bin/python3 bench/compare_conv_ops.py [--rounds 3] [--threads 2]
      [--shapes mnist_conv2,resnet_3x3]

Each round runs bench/conv_bench (graphflow's own choice of kernel, the
"auto" rows) and then bench/torch_conv_ops.py (NCHW and channels_last) on
the same shapes and thread count, the latter twice: with glibc malloc's
defaults and tuned (compare_train_step.TUNED_MALLOC). The table shows
medians over rounds of GFLOP/s and the ratio of graphflow to PyTorch's
best configuration (above 1: graphflow is faster), with the CPU model and
the measured FMA ceiling.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_train_step import (ROOT, TUNED_MALLOC, cpu_model,  # noqa: E402
                                run_json)

PASSES = ("forward", "backprop_input", "backprop_filter")


def graphflow_round(build, shapes, threads):
    """{(shape, pass): GFLOP/s} of one conv_bench run (median of 3)."""
    pattern = "Conv/(" + "|".join(shapes) + ")/.*/auto"
    cmd = [os.path.join(build, "bench", "conv_bench"),
           f"--benchmark_filter={pattern}", "--benchmark_format=json",
           "--benchmark_repetitions=3", "--benchmark_min_time=0.2",
           "--benchmark_report_aggregates_only=true"]
    env = dict(os.environ, GRAPHFLOW_NUM_THREADS=str(threads))
    out = subprocess.run(cmd, env=env, check=True, capture_output=True,
                         text=True).stdout
    result = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        _, shape, pass_name = b["run_name"].split("/")[:3]
        result[(shape, pass_name)] = b["GFLOP/s"]  # A rate: per second.
    return result


CONFIGS = [(layout, malloc) for layout in ("nchw", "channels_last")
           for malloc in ("default", "tuned")]


def torch_round(shapes, threads):
    """{(shape, (layout, malloc), pass): GFLOP/s} of torch_conv_ops.py,
    run once with each malloc setting."""
    cmd = [sys.executable, os.path.join(ROOT, "bench", "torch_conv_ops.py"),
           "--threads", str(threads), "--json"]
    result = {}
    for malloc in ("default", "tuned"):
        env = dict(os.environ)
        if malloc == "tuned":
            env.update(TUNED_MALLOC)
        for r in run_json(cmd, env=env):
            if r["shape"] in shapes:
                for p in PASSES:
                    result[(r["shape"], (r["layout"], malloc), p)] = r[p]
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--shapes", default="mnist_conv2,course_conv1,resnet_3x3")
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = p.parse_args()
    shapes = args.shapes.split(",")
    fma = run_json([os.path.join(args.build, "bench", "fma_probe"),
                    str(args.threads)])[0]
    gf, pt = {}, {}
    for _ in range(args.rounds):
        for k, v in graphflow_round(args.build, shapes, args.threads).items():
            gf.setdefault(k, []).append(v)
        for k, v in torch_round(shapes, args.threads).items():
            pt.setdefault(k, []).append(v)
    print(f"CPU: {cpu_model()}; FMA ceiling {fma['gflops']:.1f} GFLOP/s on "
          f"{args.threads} threads; {args.rounds} alternating rounds, "
          f"medians")
    print()
    print("| shape | pass | graphflow GFLOP/s (% of FMA) | " +
          " | ".join(f"PyTorch {layout}/{malloc}"
                     for layout, malloc in CONFIGS) +
          " | graphflow / best PyTorch |")
    print("|---|---|---|" + "---|" * len(CONFIGS) + "---|")
    for shape in shapes:
        for pass_name in PASSES:
            if (shape, pass_name) not in gf:
                continue
            g = statistics.median(gf[(shape, pass_name)])
            peers = [statistics.median(pt[(shape, c, pass_name)])
                     for c in CONFIGS]
            cells = " | ".join(
                f"**{v:.0f}**" if v == max(peers) else f"{v:.0f}"
                for v in peers)
            print(f"| {shape} | {pass_name} | {g:.0f} "
                  f"({100 * g / fma['gflops']:.0f} %) | {cells} | "
                  f"{g / max(peers):.2f} |")


if __name__ == "__main__":
    main()
