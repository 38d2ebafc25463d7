#!/usr/bin/env bash
# Runs graphflow's libFuzzer targets (fuzz/*_fuzzer.cc, built by
# ./setup.sh --sanitize into build-asan/fuzz/) for a bounded time each.
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--seed S] [target...]
# N seconds per target (default 60), J targets at a time (default 2), random
# seed S (default 1, so a CI run repeats the mutations it was verified
# with; --seed 0 lets libFuzzer pick one each run); the
# targets are named without "_fuzzer" (default: all). Each target's corpus is
# rebuilt in build-asan/fuzz-work/<target>/ from fuzz/seeds/<target>/,
# fuzz/regressions/<target>/, the project's data/ files and, when ../shared
# exists, TensorFlow's own files in ../shared/tfgraphs. Prints one summary
# line per target and exits non-zero on any finding; crash inputs are kept
# in build-asan/fuzz-findings/<target>/ (never cleaned by this script).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
jobs=2
seed=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

bin_dir=build-asan/fuzz
if [ ${#targets[@]} -eq 0 ]; then
  for src in fuzz/*_fuzzer.cc; do
    name=$(basename "$src" _fuzzer.cc)
    targets+=("$name")
  done
fi
for t in "${targets[@]}"; do
  if [ ! -x "$bin_dir/${t}_fuzzer" ]; then
    echo "fuzz.sh: $bin_dir/${t}_fuzzer not built; run ./setup.sh --sanitize" >&2
    exit 2
  fi
done

shared=../shared
tf=$shared/tfgraphs
if [ -d "$shared" ]; then
  echo "fuzz.sh: seeding from $(cd "$shared" && pwd) as well"
else
  echo "fuzz.sh: $shared does not exist; seeding from fuzz/seeds and data/ only"
fi
# Larger files slow every execution down and add little coverage.
max_seed_bytes=$((1 << 20))

# Prints the real files that seed target $1 (missing ones are skipped).
real_files() {
  case "$1" in
    graphdef_binary|import_run) find "$tf" -name '*.pb' ;;&
    graphdef_text|import_run) find "$tf" -name '*.pbtxt' ;;
    metagraphdef) find "$tf" -name '*.meta' ;;
    checkpoint) find "$tf" -name '*.index' -o -name '*.data-*' ;;
  esac 2>/dev/null || true
}

# Copies file $2 into corpus dir $1, prefixed by byte $3 (octal) if given.
add_seed() {
  local size
  size=$(stat -c %s "$2")
  [ "$size" -le "$max_seed_bytes" ] || return 0
  local out
  out="$1/$(basename "$(dirname "$2")")_$(basename "$2")"
  if [ -n "${3:-}" ]; then
    { printf "\\$3"; cat "$2"; } >"$out"
  else
    cp "$2" "$out"
  fi
}

build_corpus() {
  local target=$1 corpus=$2 f src
  mkdir -p "$corpus"
  for src in fuzz/seeds/$target fuzz/regressions/$target; do
    [ -d "$src" ] && cp "$src"/* "$corpus"/ 2>/dev/null || true
  done
  while IFS= read -r f; do add_seed "$corpus" "$f"; done < <(real_files "$target")
  if [ "$target" = tf_checkpoint ]; then
    # The fuzzer reads a 4-byte little-endian index length, the index, then
    # the data shard.
    for f in $(find "$tf" -name '*.index' 2>/dev/null); do
      local data=${f%.index}.data-00000-of-00001 n
      # Small checkpoints only: the largest seed sets libFuzzer's input size,
      # and a megabyte per input slows every execution a hundredfold.
      [ -f "$data" ] && [ "$(stat -c %s "$data")" -le 65536 ] || continue
      n=$(stat -c %s "$f")
      { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((n & 255)) \
          $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)))"
        cat "$f" "$data"; } >"$corpus/$(basename "$(dirname "$f")")_$(basename "$f" .index)"
    done
  fi
  if [ "$target" = idx ]; then
    # The idx fuzzer's first byte picks the path: 1 = gzip, 0 = raw.
    for f in data/digits/*.gz "$shared"/data/mnist/*.gz; do
      [ -f "$f" ] || continue
      add_seed "$corpus" "$f" 001
      if [ "$(stat -c %s "$f")" -le 65536 ]; then
        local raw
        raw=$(dirname "$corpus")/raw_$(basename "$f" .gz)
        gunzip -c "$f" >"$raw"
        add_seed "$corpus" "$raw" 000
        rm -f "$raw"
      fi
    done
  fi
}

work=build-asan/fuzz-work
findings=build-asan/fuzz-findings
rm -rf "$work"
mkdir -p "$work" "$findings"

# Runs one target; writes its summary line to $work/<target>/summary.
run_target() {
  local t=$1 dir=$work/$1
  local dict_args=()
  case "$t" in
    graphdef_text|metagraphdef|import_run) dict_args=(-dict=fuzz/dicts/pbtxt.dict) ;;
    npy) dict_args=(-dict=fuzz/dicts/npy.dict) ;;
  esac
  build_corpus "$t" "$dir/corpus"
  local seeds
  seeds=$(find "$dir/corpus" -type f | wc -l)
  mkdir -p "$dir/artifacts"
  local rc=0
  "$bin_dir/${t}_fuzzer" "$dir/corpus" "${dict_args[@]}" \
    -max_total_time="$seconds" -seed="$seed" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    >"$dir/log" 2>&1 || rc=$?
  local execs cov crashes
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log" |
          tail -1 | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | grep -o '[0-9]*$' || true)
  crashes=$(find "$dir/artifacts" -type f | wc -l)
  if [ "$crashes" -gt 0 ] || [ "$rc" -ne 0 ]; then
    mkdir -p "$findings/$t"
    cp "$dir"/artifacts/* "$findings/$t"/ 2>/dev/null || true
    cp "$dir/log" "$findings/$t/log.$(date +%s)"
    [ "$crashes" -gt 0 ] || crashes=1
  fi
  printf '%-16s %4s seeds  %10s execs  cov %6s  findings %s%s\n' "$t" \
    "$seeds" "${execs:-?}" "${cov:-?}" "$crashes" \
    "$([ "$crashes" -gt 0 ] && echo " (see $findings/$t, $dir/log)")" \
    >"$dir/summary"
}

echo "fuzz.sh: ${#targets[@]} target(s), ${seconds}s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait
status=0
for t in "${targets[@]}"; do
  cat "$work/$t/summary"
  grep -q 'findings 0$' "$work/$t/summary" || status=1
done
exit $status
