#include "kernels/conv_planar.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace graphflow {
namespace {

// 16 floats: one AVX-512 register (the compiler splits it where vectors are
// narrower). __builtin_shufflevector (GCC 12, clang) picks lanes of two.
typedef float Vec __attribute__((vector_size(64)));
constexpr int kLanes = 16;
constexpr int kDepth = 8;  // Output channels.
// A register tile: kVectors x 16 output pixels times 8 channels, 16
// accumulators, each input vector load shared by 8 FMAs.
constexpr int kVectors = 2;
constexpr int kTilePixels = kVectors * kLanes;
// Output rows per planar copy: bounds the copy, and the rows it shares
// between neighbouring output rows are copied once.
constexpr int64_t kBandRows = 16;

Vec Load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

void Store(float* p, const Vec& v) { std::memcpy(p, &v, sizeof(v)); }

// The input rows [lo, hi) of one image that a run of output rows reads
// (only rows inside the image: taps on padding rows are skipped),
// channel-planar and zero-padded so that column j holds input column
// j - pad_left: each tile's loads are contiguous and in bounds.
struct Band {
  int64_t lo = 0, hi = 0, width = 0;
  std::unique_ptr<float[]> data;  // Uninitialized: FillBand writes it all.
  int64_t capacity = 0;

  int64_t Offset(int64_t ci, int64_t h) const {
    return (ci * (hi - lo) + h - lo) * width;
  }
  const float* Row(int64_t ci, int64_t h) const {
    return data.get() + Offset(ci, h);
  }
};

// planes[k][w] = src[w * 3 + k] for w < cols (RGB pixels to planes): per
// 16 pixels, three loads and two two-vector shuffles per channel. Lane p of
// channel k is element 3p + k of the 48 loaded: first from a and b, then
// the rest (-1: not yet known) from c.
void SplitRgb(const float* src, int64_t cols, float* const (&planes)[3]) {
  int64_t w = 0;
  for (; w + kLanes <= cols; w += kLanes) {
    const float* x = src + 3 * w;
    const Vec a = Load(x), b = Load(x + kLanes), c = Load(x + 2 * kLanes);
    const Vec r = __builtin_shufflevector(a, b, 0, 3, 6, 9, 12, 15, 18, 21, 24,
                                          27, 30, -1, -1, -1, -1, -1);
    const Vec g = __builtin_shufflevector(a, b, 1, 4, 7, 10, 13, 16, 19, 22, 25,
                                          28, 31, -1, -1, -1, -1, -1);
    const Vec bl = __builtin_shufflevector(a, b, 2, 5, 8, 11, 14, 17, 20, 23,
                                           26, 29, -1, -1, -1, -1, -1, -1);
    Store(planes[0] + w, __builtin_shufflevector(r, c, 0, 1, 2, 3, 4, 5, 6, 7,
                                                 8, 9, 10, 17, 20, 23, 26, 29));
    Store(planes[1] + w, __builtin_shufflevector(g, c, 0, 1, 2, 3, 4, 5, 6, 7,
                                                 8, 9, 10, 18, 21, 24, 27, 30));
    Store(planes[2] + w, __builtin_shufflevector(bl, c, 0, 1, 2, 3, 4, 5, 6, 7,
                                                 8, 9, 16, 19, 22, 25, 28, 31));
  }
  for (; w < cols; ++w) {
    for (int k = 0; k < 3; ++k) planes[k][w] = src[3 * w + k];
  }
}

void FillBand(const ConvGeometry& g, const float* image, int64_t r0, int64_t r1,
              Band* b) {
  const int64_t first = r0 * g.stride_rows - g.pad_top;
  const int64_t last = (r1 - 1) * g.stride_rows - g.pad_top +
                       (g.filter_rows - 1) * g.dilation_rows;
  b->lo = std::clamp<int64_t>(first, 0, g.in_rows);
  b->hi = std::clamp<int64_t>(last + 1, b->lo, g.in_rows);
  const int64_t tiles = (g.out_cols + kTilePixels - 1) / kTilePixels;
  // The last tile's loads reach column tiles * kTilePixels + filter_cols - 2.
  b->width = tiles * kTilePixels + g.filter_cols - 1;
  const int64_t size = g.in_depth * (b->hi - b->lo) * b->width;
  if (size > b->capacity) {
    b->data.reset(new float[size]);
    b->capacity = size;
  }
  const int64_t pad = std::min(g.pad_left, b->width);
  const int64_t cols = std::clamp<int64_t>(b->width - pad, 0, g.in_cols);
  const int64_t cin = g.in_depth;
  for (int64_t h = b->lo; h < b->hi; ++h) {
    const float* src = image + h * g.in_cols * cin;
    auto plane = [&](int64_t ci) {
      return b->data.get() + b->Offset(ci, h) + pad;
    };
    for (int64_t ci = 0; ci < cin; ++ci) {
      std::fill(plane(ci) - pad, plane(ci), 0.0f);
      std::fill(plane(ci) + cols, plane(ci) - pad + b->width, 0.0f);
    }
    if (cin == 1) {
      std::copy_n(src, cols, plane(0));
    } else if (cin == 3) {
      SplitRgb(src, cols, {plane(0), plane(1), plane(2)});
    } else {
      for (int64_t ci = 0; ci < cin; ++ci) {
        float* row = plane(ci);
        for (int64_t w = 0; w < cols; ++w) row[w] = src[w * cin + ci];
      }
    }
  }
}

// acc[v][c] += output pixels [wo + 16 v, wo + 16 (v + 1)) of channel c over
// the filter rows [kh0, kh1); h0 is the input row of filter row 0.
inline void ComputeTile(const ConvGeometry& g, const Band& b,
                        const float* __restrict filter, int64_t h0, int64_t kh0,
                        int64_t kh1, int64_t wo, Vec (&acc)[kVectors][kDepth]) {
  const int64_t cin = g.in_depth;
  for (int64_t kh = kh0; kh < kh1; ++kh) {
    const int64_t h = h0 + kh * g.dilation_rows;
    for (int64_t kw = 0; kw < g.filter_cols; ++kw) {
      const float* w = filter + (kh * g.filter_cols + kw) * cin * kDepth;
      for (int64_t ci = 0; ci < cin; ++ci, w += kDepth) {
        const float* x = b.Row(ci, h) + wo + kw;
        Vec xv[kVectors];
        for (int v = 0; v < kVectors; ++v) xv[v] = Load(x + v * kLanes);
        for (int c = 0; c < kDepth; ++c) {
          for (int v = 0; v < kVectors; ++v) acc[v][c] += xv[v] * w[c];
        }
      }
    }
  }
}

// The first n (<= 16) pixels of acc (acc[c] = 16 pixels of channel c) to
// out as NHWC pixels of 8 channels: an 8 x 16 transpose in three rounds of
// two-vector shuffles (channel pairs, quads, then whole pixels).
void StoreTransposed(const Vec (&acc)[kDepth], int64_t n, float* out) {
  // pairs[2j + half]: pixels 8 half .. + 7, each as channels (2j, 2j + 1).
  Vec pairs[kDepth];
  for (int j = 0; j < kDepth / 2; ++j) {
    const Vec& a = acc[2 * j];
    const Vec& b = acc[2 * j + 1];
    pairs[2 * j] = __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4,
                                           20, 5, 21, 6, 22, 7, 23);
    pairs[2 * j + 1] = __builtin_shufflevector(
        a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  }
  // quads[4 g + 2 half + part]: pixels 8 half + 4 part .. + 3, each as
  // channels 4 g .. 4 g + 3.
  Vec quads[kDepth];
  for (int grp = 0; grp < 2; ++grp) {
    for (int half = 0; half < 2; ++half) {
      const Vec& a = pairs[4 * grp + half];
      const Vec& c = pairs[4 * grp + 2 + half];
      quads[4 * grp + 2 * half] = __builtin_shufflevector(
          a, c, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
      quads[4 * grp + 2 * half + 1] = __builtin_shufflevector(
          a, c, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
    }
  }
  // Each quad of pixels q: two vectors of two whole pixels.
  Vec pixels[kDepth];
  for (int q = 0; q < 4; ++q) {
    const Vec& a = quads[q];
    const Vec& c = quads[4 + q];
    pixels[2 * q] = __builtin_shufflevector(a, c, 0, 1, 2, 3, 16, 17, 18, 19, 4,
                                            5, 6, 7, 20, 21, 22, 23);
    pixels[2 * q + 1] = __builtin_shufflevector(
        a, c, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  }
  if (n == kLanes) {
    for (int k = 0; k < kDepth; ++k) Store(out + k * kLanes, pixels[k]);
    return;
  }
  float tile[kLanes * kDepth];
  for (int k = 0; k < kDepth; ++k) Store(tile + k * kLanes, pixels[k]);
  std::copy_n(tile, n * kDepth, out);
}

// Output row ho of the band's image into out.
void ForwardRow(const ConvGeometry& g, const Band& b,
                const float* __restrict filter, int64_t ho,
                float* __restrict out) {
  const int64_t h0 = ho * g.stride_rows - g.pad_top;
  int64_t kh0 = 0, kh1 = g.filter_rows;
  while (kh0 < kh1 && h0 + kh0 * g.dilation_rows < 0) ++kh0;
  while (kh1 > kh0 && h0 + (kh1 - 1) * g.dilation_rows >= g.in_rows) --kh1;
  for (int64_t wo = 0; wo < g.out_cols; wo += kTilePixels) {
    Vec acc[kVectors][kDepth] = {};
    ComputeTile(g, b, filter, h0, kh0, kh1, wo, acc);
    for (int v = 0; v < kVectors; ++v) {
      const int64_t p = wo + v * kLanes;
      if (p >= g.out_cols) break;
      StoreTransposed(acc[v], std::min<int64_t>(kLanes, g.out_cols - p),
                      out + p * kDepth);
    }
  }
}

}  // namespace

bool UsePlanarConv(const ConvGeometry& g) {
#ifdef __AVX512F__
  return g.out_depth == kDepth && g.stride_cols == 1 && g.dilation_cols == 1;
#else
  (void)g;
  return false;  // The 16-lane tiles would be split into narrower vectors.
#endif
}

void PlanarConvForwardRows(const ConvGeometry& g, const float* input,
                           const float* filter, int64_t u0, int64_t u1,
                           float* out) {
  const int64_t image_size = g.in_rows * g.in_cols * g.in_depth;
  const int64_t row_size = g.out_cols * kDepth;
  Band band;
  for (int64_t u = u0; u < u1;) {
    const int64_t n = u / g.out_rows, r0 = u % g.out_rows;
    const int64_t r1 = std::min({g.out_rows, r0 + (u1 - u), r0 + kBandRows});
    FillBand(g, input + n * image_size, r0, r1, &band);
    for (int64_t r = r0; r < r1; ++r, ++u) {
      ForwardRow(g, band, filter, r, out + (u - u0) * row_size);
    }
  }
}

}  // namespace graphflow
