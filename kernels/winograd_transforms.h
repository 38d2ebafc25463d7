// The 1-D transforms of the Winograd convolutions (conv_winograd.cc), from
// the modified Toom-Cook construction: on kAlpha - 1 finite points and
// infinity, B^T (kAlpha x kAlpha) transforms the input, A^T (kM x kAlpha)
// the output and G (kAlpha x r) the filter. kAlpha = 6 uses the points
// 0, +-1, +-2 (F(4x4, 3x3)); kAlpha = 8 adds +-1/2 (F(4x4, 5x5)). Errors
// of both in float: a few 1e-6 of the output's scale.
#ifndef GRAPHFLOW_KERNELS_WINOGRAD_TRANSFORMS_H_
#define GRAPHFLOW_KERNELS_WINOGRAD_TRANSFORMS_H_

#include <vector>

#include "kernels/simd.h"

namespace graphflow::winograd {

using Vec = Float16::V;

// out = m * in, with m's zero coefficients skipped at compile time (m is a
// constant, the loops unroll).
template <int kRows, int kCols>
inline void Apply(const float (&m)[kRows][kCols], const Vec (&in)[kCols],
                  Vec (&out)[kRows]) {
#pragma GCC unroll 8
  for (int i = 0; i < kRows; ++i) {
    Vec acc = {};
#pragma GCC unroll 8
    for (int j = 0; j < kCols; ++j) {
      if (m[i][j] != 0) acc += m[i][j] * in[j];
    }
    out[i] = acc;
  }
}

// out = m^T * in.
template <int kRows, int kCols>
inline void ApplyTransposed(const float (&m)[kRows][kCols],
                            const Vec (&in)[kRows], Vec (&out)[kCols]) {
#pragma GCC unroll 8
  for (int j = 0; j < kCols; ++j) {
    Vec acc = {};
#pragma GCC unroll 8
    for (int i = 0; i < kRows; ++i) {
      if (m[i][j] != 0) acc += m[i][j] * in[i];
    }
    out[j] = acc;
  }
}

// Points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity.
inline constexpr float kInput8[8][8] = {
    {-1, 0, 5.25f, 0, -5.25f, 0, 1, 0},
    {0, 1, 1, -4.25f, -4.25f, 1, 1, 0},
    {0, -1, 1, 4.25f, -4.25f, -1, 1, 0},
    {0, 0.5f, 0.25f, -2.5f, -1.25f, 2, 1, 0},
    {0, -0.5f, 0.25f, 2.5f, -1.25f, -2, 1, 0},
    {0, 2, 4, -2.5f, -5, 0.5f, 1, 0},
    {0, -2, 4, 2.5f, -5, -0.5f, 1, 0},
    {0, -1, 0, 5.25f, 0, -5.25f, 0, 1}};
inline constexpr float kOutput8x4[4][8] = {
    {1, 1, 1, 1, 1, 1, 1, 0},
    {0, 1, -1, 2, -2, 0.5f, -0.5f, 0},
    {0, 1, 1, 4, 4, 0.25f, 0.25f, 0},
    {0, 1, -1, 8, -8, 0.125f, -0.125f, 1}};

// v = B^T d.
template <int kAlpha>
inline void TransformInput1D(const Vec (&d)[kAlpha], Vec (&v)[kAlpha]) {
  if constexpr (kAlpha == 8) {
    Apply(kInput8, d, v);
  } else {
    // Points 0, 1, -1, 2, -2: written out to share the sums.
    const Vec d42 = d[4] - d[2], d31 = d[3] - d[1];
    v[0] = 4.f * d[0] - 5.f * d[2] + d[4];
    v[1] = d[3] + d[4] - 4.f * (d[1] + d[2]);
    v[2] = d[4] - d[3] + 4.f * (d[1] - d[2]);
    v[3] = d42 + 2.f * d31;
    v[4] = d42 - 2.f * d31;
    v[5] = 4.f * d[1] - 5.f * d[3] + d[5];
  }
}

// y = A^T s.
template <int kAlpha, int kM>
inline void TransformOutput1D(const Vec (&s)[kAlpha], Vec (&y)[kM]) {
  if constexpr (kAlpha == 8) {
    static_assert(kM == 4);
    Apply(kOutput8x4, s, y);
  } else {
    static_assert(kAlpha == 6 && kM == 4);
    const Vec sum12 = s[1] + s[2], diff12 = s[1] - s[2];
    const Vec sum34 = s[3] + s[4], diff34 = s[3] - s[4];
    y[0] = s[0] + sum12 + sum34;
    y[1] = diff12 + 2.f * diff34;
    y[2] = sum12 + 4.f * sum34;
    y[3] = diff12 + 8.f * diff34 + s[5];
  }
}

// s = A y: the transpose of TransformOutput1D, for the output gradient.
template <int kAlpha, int kM>
inline void ExpandGradient1D(const Vec (&y)[kM], Vec (&s)[kAlpha]) {
  if constexpr (kAlpha == 8) {
    static_assert(kM == 4);
    ApplyTransposed(kOutput8x4, y, s);
  } else {
    static_assert(kAlpha == 6 && kM == 4);
    const Vec even = y[0] + y[2], odd = y[1] + y[3];
    const Vec even2 = y[0] + 4.f * y[2], odd2 = 2.f * y[1] + 8.f * y[3];
    s[0] = y[0];
    s[1] = even + odd;
    s[2] = even - odd;
    s[3] = even2 + odd2;
    s[4] = even2 - odd2;
    s[5] = y[3];
  }
}

// G (alpha x r), row-major: row j < alpha - 1 is a_j^k / prod_{l != j}
// (a_j - a_l) over the finite points a; the last row picks g[r - 1].
inline std::vector<float> FilterTransformMatrix(int alpha, int r) {
  constexpr double kPoints[7] = {0, 1, -1, 2, -2, 0.5, -0.5};
  std::vector<float> G(alpha * r, 0.f);
  for (int j = 0; j < alpha - 1; ++j) {
    double scale = 1;
    for (int l = 0; l < alpha - 1; ++l) {
      if (l != j) scale *= kPoints[j] - kPoints[l];
    }
    double power = 1;
    for (int k = 0; k < r; ++k, power *= kPoints[j]) {
      G[j * r + k] = static_cast<float>(power / scale);
    }
  }
  G[(alpha - 1) * r + r - 1] = 1;
  return G;
}

}  // namespace graphflow::winograd

#endif  // GRAPHFLOW_KERNELS_WINOGRAD_TRANSFORMS_H_
