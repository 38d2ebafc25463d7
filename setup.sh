#!/usr/bin/env bash
# Installs the Debian packages graphflow builds with (only those missing) and
# builds it. Safe to run again: it only redoes what changed.
#   ./setup.sh             release build in build/
#   ./setup.sh --sanitize  clang AddressSanitizer + UBSan build in build-asan/,
#                          with the libFuzzer targets of fuzz/ (scripts/fuzz.sh)
#   ./setup.sh --tsan      ThreadSanitizer build of the concurrency tests in
#                          build-tsan/
set -euo pipefail
cd "$(dirname "$0")"

sanitize=0
[ "${1:-}" = "--sanitize" ] && sanitize=1
packages=(g++ cmake ninja-build pkg-config libabsl-dev libprotobuf-dev
          protobuf-compiler libgtest-dev libgmock-dev libbenchmark-dev
          libeigen3-dev zlib1g-dev libsnappy-dev graphviz
          libopenmpi-dev openmpi-bin  # MPI: data-parallel training
          libdnnl-dev ocl-icd-opencl-dev)  # oneDNN (its CMake config needs OpenCL)
# libFuzzer ships in clang's runtime package.
[ $sanitize = 1 ] && packages+=(clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

build=build
options=(-DCMAKE_BUILD_TYPE=Release)
targets=(all)
case "${1:-}" in
  --sanitize)
    build=build-asan
    options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRAPHFLOW_SANITIZE=ON
             -DGRAPHFLOW_FUZZ=ON -DGRAPHFLOW_BUILD_BENCH=OFF
             -DCMAKE_CXX_COMPILER=clang++
             # Open MPI's own allocations at exit read as leaks to ASan;
             # oneDNN's OpenMP runtime is not instrumented.
             -DGRAPHFLOW_MPI=OFF -DGRAPHFLOW_ONEDNN=OFF)
    # A build-asan configured with another compiler cannot switch in place.
    if [ -f "$build/CMakeCache.txt" ] &&
       ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++' "$build/CMakeCache.txt"; then
      rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
    fi ;;
  --tsan)
    build=build-tsan
    options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRAPHFLOW_TSAN=ON
             -DGRAPHFLOW_BUILD_BENCH=OFF -DGRAPHFLOW_MPI=OFF
             # oneDNN's OpenMP threads synchronize in ways TSan cannot see.
             -DGRAPHFLOW_ONEDNN=OFF)
    targets=(concurrency_tests) ;;
  "") ;;
  *) echo "usage: $0 [--sanitize | --tsan]" >&2; exit 2 ;;
esac
cmake -S . -B "$build" -G Ninja "${options[@]}" >/dev/null
cmake --build "$build" --target "${targets[@]}"
