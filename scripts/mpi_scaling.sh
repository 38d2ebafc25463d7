#!/usr/bin/env bash
# Measures data-parallel training on one machine (docs/SCALING.md): for the
# course CNN and mnist_deep, 1 process x T threads against mpirun -np N x
# T/N threads, same global batch, one epoch each after a warm-up epoch.
# Prints examples/s and the share of the step spent in MPI collectives.
#   scripts/mpi_scaling.sh [N=2] [EXAMPLES=2000]
set -euo pipefail
cd "$(dirname "$0")/.."
np=${1:-2}
examples=${2:-2000}
threads=$(nproc)
out=out/scaling
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# The first EXAMPLES digits as IDX files (the runner has no row limit).
python3 - "$examples" "$out" <<'PY'
import gzip, struct, sys
n, out = int(sys.argv[1]), sys.argv[2]
for kind, row in (("images", 784), ("labels", 1)):
    data = gzip.open(f"data/digits/train-{kind}-idx{3 if row > 1 else 1}-ubyte.gz").read()
    header = 16 if row > 1 else 8
    head = bytearray(data[:header]); head[4:8] = struct.pack(">I", n)
    open(f"{out}/{kind}.idx", "wb").write(bytes(head) + data[header:header + n * row])
PY
for model in course deep; do
  ./build/examples/course_cnn --model=$model --epochs=0 \
    --write_graph="$out/$model.pbtxt" >/dev/null
  train=(train "$out/$model.pbtxt" --train-op Adam --loss cost
         --feed X="$out/images.idx" --feed Y="$out/labels.idx"
         --scale 1/255 --one-hot --batch 64 --epochs 2 --shuffle-seed 1)
  # Epoch 2's seconds from the CSV log (full precision).
  GRAPHFLOW_NUM_THREADS=$threads ./build/tools/graphflow "${train[@]}" \
    --log "$out/one.csv" >/dev/null
  multi=$(mpirun --oversubscribe --bind-to none -np "$np" \
            -x GRAPHFLOW_NUM_THREADS=$((threads / np > 0 ? threads / np : 1)) \
            ./build/tools/graphflow "${train[@]}" --log "$out/multi.csv" |
          tr '\r' '\n')
  one=$(tail -1 "$out/one.csv" | cut -d, -f5)
  secs=$(tail -1 "$out/multi.csv" | cut -d, -f5)
  echo "$model: 1 process x $threads threads: $(python3 -c "print(f'{$examples/$one:.0f}')") examples/s;" \
       "$np processes x $((threads / np)) threads: $(python3 -c "print(f'{$examples/$secs:.0f}')") examples/s"
  echo "$multi" | grep '^mpi:'
done
