// Fixed-width vectors for the hand-blocked kernels (conv_direct.cc,
// conv_winograd.cc, small_gemm.cc).
#ifndef GRAPHFLOW_KERNELS_SIMD_H_
#define GRAPHFLOW_KERNELS_SIMD_H_

#include <cstring>

namespace graphflow {

// kBytes-wide vectors via GCC's vector extensions (256-bit: AVX2 registers,
// 512-bit: AVX-512); scalar * vector broadcasts, a * b + c contracts to FMA.
template <typename T, int kBytes>
struct Simd {
  typedef T V __attribute__((vector_size(kBytes)));
  static constexpr int kLanes = kBytes / sizeof(T);
  static V Load(const T* p) {
    V v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  static void Store(T* p, const V& v) { std::memcpy(p, &v, sizeof(v)); }
};

// Sixteen floats: one AVX-512 register.
using Float16 = Simd<float, 64>;

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_SIMD_H_
