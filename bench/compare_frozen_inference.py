#!/usr/bin/python3
"""Inference of one frozen TF-format CNN, graphflow vs OpenCV's dnn module
(python3-opencv: cv2.dnn.readNetFromTensorflow reads the same .pb).

  /usr/bin/python3 bench/compare_frozen_inference.py [--rounds 3]
      [--steps 30] [--threads 2] [--batch 64]

bench/frozen_inference_bench writes the graph (two conv branches,
concatenated, a third conv, two dense layers; batch `--batch`) with an input
and graphflow's output; OpenCV's output must agree to 1e-5 before anything
is timed. The engines alternate over rounds; each reports the median step
time of its round; the table gives the median over rounds and the ratio.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def opencv_round(graph, x, steps, warmup, threads):
    import cv2
    cv2.setNumThreads(threads)
    net = cv2.dnn.readNetFromTensorflow(graph)
    blob = np.ascontiguousarray(x.transpose(0, 3, 1, 2))  # OpenCV wants NCHW.
    times, out = [], None
    for i in range(warmup + steps):
        start = time.perf_counter()
        net.setInput(blob)
        out = net.forward()
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), out, cv2.__version__


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = p.parse_args()
    bench = os.path.join(args.build, "bench", "frozen_inference_bench")
    work = tempfile.mkdtemp(prefix="frozen_bench_")
    subprocess.run([bench, "--write", work, str(args.batch)], check=True)
    graph = os.path.join(work, "branch_cnn.pb")
    x = np.load(os.path.join(work, "input.npy"))
    expected = np.load(os.path.join(work, "output.npy"))
    env = dict(os.environ, GRAPHFLOW_NUM_THREADS=str(args.threads))
    gf, cv = [], []
    version = "?"
    for _ in range(args.rounds):
        out = subprocess.run([bench, graph, os.path.join(work, "input.npy"),
                              str(args.steps), "5"], check=True,
                             capture_output=True, text=True, env=env).stdout
        gf.append(json.loads(out)["median_ms"])
        ms, got, version = opencv_round(graph, x, args.steps, 5, args.threads)
        diff = float(np.abs(got - expected).max())
        if got.shape != expected.shape or diff > 1e-5:
            sys.exit(f"outputs differ: OpenCV {got.shape}, graphflow "
                     f"{expected.shape}, max |difference| {diff}")
        cv.append(ms)
    g, c = statistics.median(gf), statistics.median(cv)
    print(f"frozen two-branch CNN, batch {args.batch}, {args.threads} threads,"
          f" {args.rounds} rounds x {args.steps} steps; outputs agree to "
          f"{diff:.1e}")
    print("| engine | median ms |\n|---|---|")
    print(f"| graphflow | {g:.2f} |\n| OpenCV {version} dnn | {c:.2f} |")
    print(f"ratio graphflow / OpenCV: {g / c:.2f}")


if __name__ == "__main__":
    main()
