#!/usr/bin/python3
"""Training-step time, graphflow vs PyTorch on CPU, side by side in one run.

  /usr/bin/python3 bench/compare_train_step.py [--rounds 3] [--steps 30]

Alternates the two engines for --rounds rounds (so machine noise hits both),
takes the median step time of each round and reports the median over
rounds and the ratio graphflow / PyTorch (below 1: graphflow is faster).
Both use 2 threads. The OPENBLAS_* environment is passed through unchanged
and printed, since it changes PyTorch's GEMM speed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return {r["model"]: r for r in map(json.loads, out.strip().splitlines())}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = p.parse_args()
    gf_cmd = [os.path.join(args.build, "bench", "train_step_bench"),
              str(args.steps), "5"]
    torch_cmd = [sys.executable, os.path.join(ROOT, "bench", "torch_train_step.py"),
                 "--threads", "2", "--steps", str(args.steps)]
    gf, th = {}, {}
    for _ in range(args.rounds):
        for model, r in run(gf_cmd).items():
            gf.setdefault(model, []).append(r["median_ms"])
        for model, r in run(torch_cmd).items():
            th.setdefault(model, []).append(r["median_ms"])
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    print(f"OPENBLAS environment: {env or 'unset'}; rounds={args.rounds}, "
          f"steps/round={args.steps}, cpus={os.cpu_count()}")
    print(f"{'network':<16} {'batch':>5} {'graphflow ms':>13} {'PyTorch ms':>11} "
          f"{'ratio':>6}")
    batches = {"course_64x64x3": 64, "course_28x28x1": 64, "mnist_deep": 50}
    for model in gf:
        g, t = statistics.median(gf[model]), statistics.median(th[model])
        print(f"{model:<16} {batches.get(model, 0):>5} {g:>13.2f} {t:>11.2f} "
              f"{g / t:>6.2f}")


if __name__ == "__main__":
    main()
