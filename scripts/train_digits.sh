#!/usr/bin/env bash
# The main job: write a digits CNN's training graph with the C++ API (the
# course's layer pattern sized like TF's mnist_deep: conv 5x5x32 -> relu ->
# pool, conv 5x5x64 -> relu -> pool, flatten, fully connected 1024, fully
# connected 10), then train it with the graphflow runner on the bundled
# digits and report held-out accuracy. Run ./setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/digits
mkdir -p "$out"
./build/examples/course_cnn --model=deep --learning_rate=0.001 --epochs=0 \
  --write_graph="$out/digits_cnn.pbtxt" >/dev/null
./build/tools/graphflow train "$out/digits_cnn.pbtxt" \
  --train-op Adam --loss cost --metric accuracy \
  --feed X=data/digits/train-images-idx3-ubyte.gz \
  --feed Y=data/digits/train-labels-idx1-ubyte.gz \
  --eval-feed X=data/digits/heldout-images-idx3-ubyte.gz \
  --eval-feed Y=data/digits/heldout-labels-idx1-ubyte.gz \
  --scale 1/255 --one-hot --batch 50 --epochs 4 --shuffle-seed 1 \
  --save "$out/digits.ckpt" --log "$out/digits.csv" --plot "$out/digits.svg"
echo "graph: $out/digits_cnn.pbtxt  checkpoint: $out/digits.ckpt  curve: $out/digits.svg"
