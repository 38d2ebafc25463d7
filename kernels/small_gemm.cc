#include "kernels/small_gemm.h"

#include <algorithm>

#include "kernels/simd.h"

namespace graphflow {
namespace {

constexpr int kLanes = Float16::kLanes;
constexpr int kMaxVectors = 4;  // Vectors of columns of one register tile.

using Vec = Float16::V;

// c[i][j] (+)= sum_k a[i * a_row + k * a_k] * b[k * b_k + j] for i < kP and
// j < kV vectors, in registers.
template <int kP, int kV>
inline void RegisterTile(const float* __restrict a, int64_t a_row, int64_t a_k,
                         const float* __restrict b, int64_t b_k, int64_t depth,
                         float* __restrict c, int64_t c_row, bool accumulate) {
  Vec acc[kP][kV] = {};
  for (int64_t k = 0; k < depth; ++k, a += a_k, b += b_k) {
    Vec bv[kV];
    for (int v = 0; v < kV; ++v) bv[v] = Float16::Load(b + v * kLanes);
    for (int p = 0; p < kP; ++p) {
      const float x = a[p * a_row];
      for (int v = 0; v < kV; ++v) acc[p][v] += x * bv[v];
    }
  }
  for (int p = 0; p < kP; ++p) {
    for (int v = 0; v < kV; ++v) {
      float* dst = c + p * c_row + v * kLanes;
      Float16::Store(dst,
                     accumulate ? Float16::Load(dst) + acc[p][v] : acc[p][v]);
    }
  }
}

// c[rows x kV vectors] (+)= a * b in register tiles of kSmallGemmRows rows.
template <int kV>
void RowsOfTiles(const float* a, int64_t a_row, int64_t a_k, const float* b,
                 int64_t b_k, int64_t rows, int64_t depth, float* c,
                 int64_t c_row, bool accumulate) {
  int64_t i = 0;
  for (; i + kSmallGemmRows <= rows; i += kSmallGemmRows) {
    RegisterTile<kSmallGemmRows, kV>(a + i * a_row, a_row, a_k, b, b_k, depth,
                                     c + i * c_row, c_row, accumulate);
  }
  auto tail = [&]<int kP>() {
    RegisterTile<kP, kV>(a + i * a_row, a_row, a_k, b, b_k, depth,
                         c + i * c_row, c_row, accumulate);
  };
  static_assert(kSmallGemmRows == 6);
  switch (rows - i) {
    case 5:
      return tail.template operator()<5>();
    case 4:
      return tail.template operator()<4>();
    case 3:
      return tail.template operator()<3>();
    case 2:
      return tail.template operator()<2>();
    case 1:
      return tail.template operator()<1>();
    default:
      return;
  }
}

}  // namespace

void SmallGemm(const float* a, int64_t a_row, int64_t a_k, const float* b,
               int64_t b_k, int64_t rows, int64_t cols, int64_t depth, float* c,
               int64_t c_row, bool accumulate) {
  static_assert(kMaxVectors == 4);
  for (int64_t j = 0; j < cols; j += kMaxVectors * kLanes) {
    const float* bj = b + j;
    float* cj = c + j;
    switch (std::min<int64_t>(kMaxVectors, (cols - j) / kLanes)) {
      case 4:
        RowsOfTiles<4>(a, a_row, a_k, bj, b_k, rows, depth, cj, c_row,
                       accumulate);
        break;
      case 3:
        RowsOfTiles<3>(a, a_row, a_k, bj, b_k, rows, depth, cj, c_row,
                       accumulate);
        break;
      case 2:
        RowsOfTiles<2>(a, a_row, a_k, bj, b_k, rows, depth, cj, c_row,
                       accumulate);
        break;
      default:
        RowsOfTiles<1>(a, a_row, a_k, bj, b_k, rows, depth, cj, c_row,
                       accumulate);
        break;
    }
  }
}

}  // namespace graphflow
