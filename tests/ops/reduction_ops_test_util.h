// Helpers shared by the reduction and MatMul op tests.
#ifndef GRAPHFLOW_TESTS_OPS_REDUCTION_OPS_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_OPS_REDUCTION_OPS_TEST_UTIL_H_

#include <cstdint>
#include <vector>

namespace graphflow::testing {

// Deterministic pseudo-random values in [-1, 1), with ties when `levels` is
// small (values quantized to that many steps).
inline std::vector<float> Pattern(int64_t n, uint32_t seed, int levels = 0) {
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    float u = static_cast<float>(seed >> 8) / static_cast<float>(1 << 24);
    if (levels > 0)
      u = static_cast<float>(static_cast<int>(u * levels)) / levels;
    v[i] = 2 * u - 1;
  }
  return v;
}

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_OPS_REDUCTION_OPS_TEST_UTIL_H_
