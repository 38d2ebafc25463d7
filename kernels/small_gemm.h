// A register-tiled, single-threaded float GEMM for small products that stay
// in cache, reading A with any strides, so A and A^T serve alike: the
// Winograd convolutions' 36 per-position products (conv_winograd.cc).
#ifndef GRAPHFLOW_KERNELS_SMALL_GEMM_H_
#define GRAPHFLOW_KERNELS_SMALL_GEMM_H_

#include <cstdint>

namespace graphflow {

// Rows of one register tile; row counts that are a multiple of it run
// without a tail.
inline constexpr int kSmallGemmRows = 6;

// c[rows x cols] (+ c when accumulate) = a * b, where a[i][k] is
// a[i * a_row + k * a_k], b[k][j] is b[k * b_k + j] and c[i][j] is
// c[i * c_row + j]; cols is a multiple of 16.
void SmallGemm(const float* a, int64_t a_row, int64_t a_k, const float* b,
               int64_t b_k, int64_t rows, int64_t cols, int64_t depth, float* c,
               int64_t c_row, bool accumulate);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_SMALL_GEMM_H_
