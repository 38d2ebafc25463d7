#!/usr/bin/python3
"""graphflow vs PyTorch on CPU, side by side in one run, against the peer's
best configuration.

  /usr/bin/python3 bench/compare_train_step.py [--rounds 3] [--steps 30]
      [--threads 2] [--modes train,infer] [--markdown FILE] [--svg FILE]

Before timing, it checks the peer: torch.mm of 1024^3 must reach 100 GFLOP/s
(an optimized BLAS, e.g. OpenBLAS that knows this CPU), else it refuses and
says how to fix it. PyTorch then runs in four configurations, NCHW and
channels_last, each with glibc malloc default and tuned
(MALLOC_TRIM_THRESHOLD_=MALLOC_MMAP_THRESHOLD_=1e9, which keeps freed
blocks instead of returning them to the kernel every step), and each network
is compared against the fastest of the four. The engines alternate within
every round (noise hits both), each reports the median step time of its
round, and the table shows the median over rounds and the ratio graphflow /
best PyTorch (below 1: graphflow is faster). Same thread count for both.
Also reported: the CPU model, the measured FMA ceiling (bench/fma_probe) and
the effective GFLOP/s, the OPENBLAS_* environment (passed through), and each
engine's peak RSS.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUNED_MALLOC = {"MALLOC_TRIM_THRESHOLD_": "1000000000",
                "MALLOC_MMAP_THRESHOLD_": "1000000000"}
MIN_BLAS_GFLOPS = 100
BATCHES = {"course_64x64x3": 64, "course_28x28x1": 64, "mnist_deep": 50}


def conv(n, h, w, cin, cout, k):
    return 2 * n * h * w * cin * cout * k * k


def model_flops(model, mode):
    """Multiply-adds x 2 of one step. Training: forward, both backprops of
    every layer, except the input gradient of the first conv (not needed)."""
    n = BATCHES[model]
    if model == "mnist_deep":
        first = conv(n, 28, 28, 1, 32, 5)
        rest = conv(n, 14, 14, 32, 64, 5) + 2 * n * (3136 * 1024 + 1024 * 10)
    else:
        size, channels = (64, 3) if model == "course_64x64x3" else (28, 1)
        classes = 6 if channels == 3 else 10
        s1 = -(-size // 8)
        s2 = -(-s1 // 4)
        first = conv(n, size, size, channels, 8, 4)
        rest = conv(n, s1, s1, 8, 16, 2) + 2 * n * 16 * s2 * s2 * classes
    return first + rest if mode == "infer" else 2 * first + 3 * rest


def run_json(cmd, env=None, rss=None):
    """The JSON lines cmd prints; with rss (a list), appends its peak RSS
    in MB (the child's ru_maxrss)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd, out)
    if rss is not None:
        rss.append(usage.ru_maxrss / 1024)
    return [json.loads(line) for line in out.strip().splitlines()]


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def check_peer(threads, minimum):
    torch = [sys.executable, os.path.join(ROOT, "bench", "torch_train_step.py")]
    probe = run_json(torch + ["--threads", str(threads), "--check-blas"])[0]
    if probe["gflops"] < minimum:
        sys.exit(
            f"refusing to compare: PyTorch's torch.mm of 1024^3 reaches "
            f"{probe['gflops']} GFLOP/s on {threads} threads (BLAS: "
            f"{probe['blas']}), below {minimum}: no one runs that "
            f"peer. Install an optimized BLAS (apt-get install "
            f"libopenblas0-pthread). If OpenBLAS is loaded but slow, it may "
            f"not know this CPU and fall back to an old core (check "
            f"OPENBLAS_VERBOSE=2): set OPENBLAS_CORETYPE to the machine's "
            f"(SkylakeX for AVX-512, Haswell for AVX2) and re-run.")
    return probe


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--modes", default="train,infer")
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--markdown", help="also write the tables here")
    p.add_argument("--svg", help="write a chart of the ratios here")
    p.add_argument("--min-blas-gflops", type=float, default=MIN_BLAS_GFLOPS,
                   help="the peer check's bar (lower it only to smoke-test "
                        "the harness on a busy machine)")
    args = p.parse_args()
    modes = args.modes.split(",")
    blas = check_peer(args.threads, args.min_blas_gflops)
    fma = run_json([os.path.join(args.build, "bench", "fma_probe"),
                    str(args.threads)])[0]
    gf_env = dict(os.environ, GRAPHFLOW_NUM_THREADS=str(args.threads))
    configs = [(fmt, malloc) for fmt in ("nchw", "channels_last")
               for malloc in ("default", "tuned")]
    times = {}  # (mode, engine config, model) -> [round medians]
    rss = {}  # (mode, engine config) -> [peak RSS MB of each round]
    for _ in range(args.rounds):
        for mode in modes:
            gf_cmd = [os.path.join(args.build, "bench", "train_step_bench"),
                      str(args.steps), "5"] + (["--infer"] if mode == "infer"
                                               else [])
            for r in run_json(gf_cmd, gf_env,
                              rss.setdefault((mode, "graphflow"), [])):
                times.setdefault((mode, "graphflow", r["model"]),
                                 []).append(r["median_ms"])
            for fmt, malloc in configs:
                env = dict(os.environ)
                if malloc == "tuned":
                    env.update(TUNED_MALLOC)
                cmd = [sys.executable,
                       os.path.join(ROOT, "bench", "torch_train_step.py"),
                       "--threads", str(args.threads), "--steps",
                       str(args.steps), "--mode", mode, "--format", fmt]
                for r in run_json(cmd, env, rss.setdefault(
                        (mode, f"{fmt}/{malloc}"), [])):
                    times.setdefault((mode, f"{fmt}/{malloc}", r["model"]),
                                     []).append(r["median_ms"])

    openblas = {k: v for k, v in os.environ.items()
                if k.startswith("OPENBLAS")}
    lines = [
        f"CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; FMA ceiling "
        f"{fma['gflops']} GFLOP/s on {args.threads} threads "
        f"({fma['gflops_1']} on 1)",
        f"PyTorch {blas['torch']}, BLAS {blas['gflops']} GFLOP/s "
        f"(torch.mm 1024^3) from {blas['blas'].split(',')[0]}, oneDNN "
        f"{'on' if blas['mkldnn'] else 'off'}; OPENBLAS environment: "
        f"{openblas or 'unset'}",
        f"threads {args.threads}, rounds {args.rounds}, steps/round "
        f"{args.steps}; medians over rounds of per-round median ms",
    ]
    ratios = []
    for mode in modes:
        lines += ["", f"### {mode}", "",
                  "| network | batch | graphflow ms | GFLOP/s (% of FMA) | "
                  + " | ".join(f"PyTorch {f}/{m} ms" for f, m in configs)
                  + " | ratio to best |",
                  "|---" * (5 + len(configs)) + "|"]
        for model in BATCHES:
            g = statistics.median(times[(mode, "graphflow", model)])
            peer = [statistics.median(times[(mode, f"{f}/{m}", model)])
                    for f, m in configs]
            best = min(peer)
            gflops = model_flops(model, mode) / g / 1e6
            ratios.append((f"{model} {mode}", g / best))
            cells = [f"**{t:.2f}**" if t == best else f"{t:.2f}" for t in peer]
            lines.append(
                f"| {model} | {BATCHES[model]} | {g:.2f} | {gflops:.0f} "
                f"({100 * gflops / fma['gflops']:.0f} %) | "
                + " | ".join(cells) + f" | {g / best:.2f} |")
    lines += ["", "### peak RSS", "",
              "One process runs the three networks (MB, median over rounds).",
              "", "| mode | graphflow | "
              + " | ".join(f"PyTorch {f}/{m}" for f, m in configs)
              + " | ratio to the smallest |", "|---" * (3 + len(configs)) + "|"]
    for mode in modes:
        g = statistics.median(rss[(mode, "graphflow")])
        peer = [statistics.median(rss[(mode, f"{f}/{m}")]) for f, m in configs]
        lines.append(f"| {mode} | {g:.0f} | "
                     + " | ".join(f"{t:.0f}" for t in peer)
                     + f" | {g / min(peer):.2f} |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")
    if args.svg:
        write_svg(args.svg, ratios)


def write_svg(path, ratios):
    """Horizontal bars of graphflow / best PyTorch, with lines at 0.5 (the
    target) and 1 (parity)."""
    row, left, width = 26, 200, 420
    top = max(2.0, max(r for _, r in ratios) * 1.1)
    x = lambda v: left + width * v / top  # noqa: E731
    height = row * len(ratios) + 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}"'
           f' height="{height}" font-family="sans-serif" font-size="12">',
           f'<text x="{left}" y="16">step time, graphflow / best PyTorch '
           f'(lower is better)</text>']
    for i, (name, r) in enumerate(ratios):
        y = 30 + i * row
        colour = "#2a7" if r <= 0.5 else ("#49c" if r <= 1 else "#c54")
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">'
                   f'{name}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{x(r) - left:.1f}" '
                   f'height="{row - 8}" fill="{colour}"/>')
        out.append(f'<text x="{x(r) + 4:.1f}" y="{y + 15}">{r:.2f}</text>')
    for v, label in ((0.5, "target 0.5"), (1.0, "parity")):
        out.append(f'<line x1="{x(v):.1f}" y1="24" x2="{x(v):.1f}" '
                   f'y2="{height - 14}" stroke="#333" stroke-dasharray="4"/>')
        out.append(f'<text x="{x(v):.1f}" y="{height - 2}" '
                   f'text-anchor="middle">{label}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
