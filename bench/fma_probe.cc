// The machine's fp32 FMA ceiling: GFLOP/s of independent fused multiply-adds
// on the widest vectors -march=native allows, on 1 and on N threads. The
// benchmarks report their speed as a share of this number.
//   fma_probe [threads]   -> {"threads": N, "gflops": ..., "gflops_1": ...}
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

#if defined(__AVX512F__)
using Vec = __m512;
inline Vec Set(float v) { return _mm512_set1_ps(v); }
inline Vec Fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
#elif defined(__FMA__)
using Vec = __m256;
inline Vec Set(float v) { return _mm256_set1_ps(v); }
inline Vec Fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
#else
#error "fma_probe needs FMA (build with -march=native on an FMA machine)"
#endif
constexpr int kChains = 12;  // Enough independent chains to hide latency.
constexpr int kFloats = sizeof(Vec) / sizeof(float);

// Returns a value depending on every chain, so nothing is optimized away.
float Chains(long iterations, float seed) {
  Vec acc[kChains];
  const Vec a = Set(0.999999f), b = Set(seed * 1e-7f);
  for (int c = 0; c < kChains; ++c) acc[c] = Set(seed * (c + 1) * 1e-7f);
  for (long i = 0; i < iterations; ++i) {
    for (int c = 0; c < kChains; ++c) acc[c] = Fma(acc[c], a, b);
  }
  float sum = 0;
  for (int c = 0; c < kChains; ++c) {
    alignas(64) float lanes[kFloats];
    std::memcpy(lanes, &acc[c], sizeof(lanes));
    for (float v : lanes) sum += v;
  }
  return sum;
}

double Gflops(int threads, long iterations) {
  std::vector<std::thread> pool;
  std::vector<float> sink(threads);
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] { sink[t] = Chains(iterations, t + 1.0f); });
  }
  for (auto& th : pool) th.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (sink[0] == 12345.0f) std::printf(" ");
  return 2.0 * kFloats * kChains * iterations * threads / seconds / 1e9;
}

double Best(int threads) {
  double best = 0;
  for (int round = 0; round < 5; ++round) {
    double g = Gflops(threads, 20'000'000);
    if (g > best) best = g;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  if (threads < 1) threads = 1;
  double one = Best(1);
  double all = Best(threads);
  std::printf("{\"threads\": %d, \"gflops\": %.1f, \"gflops_1\": %.1f}\n",
              threads, all, one);
  return 0;
}
