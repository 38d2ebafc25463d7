#include "kernels/conv_direct.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "kernels/conv_planar.h"
#include "kernels/simd.h"

namespace graphflow {
namespace {

// Where one output row (unit = n * out_rows + ho) reads the input: the image,
// the first input row and the filter rows [kh0, kh1) that fall inside it;
// and the output columns [lo, hi) whose window row lies wholly inside the
// input and is contiguous (dilation 1), the fast path.
struct RowWindow {
  int64_t image_offset, h0, kh0, kh1, lo, hi;
};

RowWindow GetRowWindow(const ConvGeometry& g, int64_t u) {
  RowWindow r;
  const int64_t n = u / g.out_rows, ho = u % g.out_rows;
  r.image_offset = n * g.in_rows * g.in_cols * g.in_depth;
  r.h0 = ho * g.stride_rows - g.pad_top;
  r.kh0 = 0;
  r.kh1 = g.filter_rows;
  while (r.kh0 < r.kh1 && r.h0 + r.kh0 * g.dilation_rows < 0) ++r.kh0;
  while (r.kh1 > r.kh0 && r.h0 + (r.kh1 - 1) * g.dilation_rows >= g.in_rows) {
    --r.kh1;
  }
  r.lo = (g.pad_left + g.stride_cols - 1) / g.stride_cols;
  const int64_t last = g.in_cols - g.filter_cols + g.pad_left;  // Max w0+pl.
  r.hi = last < 0 ? 0 : last / g.stride_cols + 1;
  r.hi = std::min(r.hi, g.out_cols);
  if (g.dilation_cols != 1 || r.hi < r.lo) r.hi = r.lo;
  r.lo = std::min(r.lo, g.out_cols);
  r.hi = std::max(r.hi, r.lo);
  return r;
}

// acc (output channels [co, co + lanes)) with the epilogue applied.
template <typename S, typename T>
inline typename S::V Finish(const StoreEpilogue<T>& e, int64_t co,
                            typename S::V acc) {
  if (e.bias != nullptr) acc = acc + S::Load(e.bias + co);
  if (e.relu) acc = acc < T(0) ? typename S::V{} : acc;  // NaN stays NaN.
  return acc;
}

// One output pixel of any position (padding, dilation): kV vectors of
// output channels from co.
template <typename T, int kB, int kV>
void ForwardPixel(const ConvGeometry& g, const RowWindow& rw, const T* image,
                  const T* filter, const StoreEpilogue<T>& e, int64_t wo,
                  int64_t co, T* out) {
  using S = Simd<T, kB>;
  typename S::V acc[kV] = {};
  const int64_t cin = g.in_depth, cout = g.out_depth;
  const int64_t w0 = wo * g.stride_cols - g.pad_left;
  for (int64_t kh = rw.kh0; kh < rw.kh1; ++kh) {
    const int64_t hi = rw.h0 + kh * g.dilation_rows;
    for (int64_t kw = 0; kw < g.filter_cols; ++kw) {
      const int64_t wi = w0 + kw * g.dilation_cols;
      if (wi < 0 || wi >= g.in_cols) continue;
      const T* x = image + (hi * g.in_cols + wi) * cin;
      const T* w = filter + (kh * g.filter_cols + kw) * cin * cout + co;
      for (int64_t ci = 0; ci < cin; ++ci, w += cout) {
        for (int v = 0; v < kV; ++v)
          acc[v] += x[ci] * S::Load(w + v * S::kLanes);
      }
    }
  }
  for (int v = 0; v < kV; ++v) {
    const int64_t c = co + v * S::kLanes;
    S::Store(out + wo * cout + c, Finish<S>(e, c, acc[v]));
  }
}

// kP interior output pixels from wo (channels [co, co + kV * lanes)): each
// filter vector load is shared by the kP pixels.
template <typename T, int kB, int kV, int kP>
inline void ForwardBlock(const ConvGeometry& g, const RowWindow& rw,
                         const T* __restrict image, const T* __restrict filter,
                         const StoreEpilogue<T>& e, int64_t wo, int64_t co,
                         T* __restrict out) {
  using S = Simd<T, kB>;
  const int64_t cin = g.in_depth, cout = g.out_depth;
  const int64_t seg = g.filter_cols * cin;  // One filter row: (kw, ci).
  const int64_t xstep = g.stride_cols * cin;
  typename S::V acc[kP][kV] = {};
  const int64_t w0 = wo * g.stride_cols - g.pad_left;
  for (int64_t kh = rw.kh0; kh < rw.kh1; ++kh) {
    const T* x =
        image + ((rw.h0 + kh * g.dilation_rows) * g.in_cols + w0) * cin;
    const T* w = filter + kh * seg * cout + co;
    for (int64_t r = 0; r < seg; ++r, w += cout) {
      typename S::V wv[kV];
      for (int v = 0; v < kV; ++v) wv[v] = S::Load(w + v * S::kLanes);
      for (int p = 0; p < kP; ++p) {
        const T xv = x[p * xstep + r];
        for (int v = 0; v < kV; ++v) acc[p][v] += xv * wv[v];
      }
    }
  }
  for (int p = 0; p < kP; ++p) {
    for (int v = 0; v < kV; ++v) {
      const int64_t c = co + v * S::kLanes;
      S::Store(out + (wo + p) * cout + c, Finish<S>(e, c, acc[p][v]));
    }
  }
}

// Output row u into `out`: border pixels one by one, interior ones in
// blocks of kP, then of 4 and 1.
template <typename T, int kB, int kV, int kP>
void ForwardUnit(const ConvGeometry& g, const T* __restrict input,
                 const T* __restrict filter, const StoreEpilogue<T>& e,
                 int64_t u, T* __restrict out) {
  using S = Simd<T, kB>;
  const RowWindow rw = GetRowWindow(g, u);
  const T* image = input + rw.image_offset;
  for (int64_t co = 0; co < g.out_depth; co += kV * S::kLanes) {
    int64_t wo = 0;
    for (; wo < rw.lo; ++wo) {
      ForwardPixel<T, kB, kV>(g, rw, image, filter, e, wo, co, out);
    }
    for (; wo + kP <= rw.hi; wo += kP) {
      ForwardBlock<T, kB, kV, kP>(g, rw, image, filter, e, wo, co, out);
    }
    if constexpr (kP > 4) {
      for (; wo + 4 <= rw.hi; wo += 4) {
        ForwardBlock<T, kB, kV, 4>(g, rw, image, filter, e, wo, co, out);
      }
    }
    for (; wo < rw.hi; ++wo) {
      ForwardBlock<T, kB, kV, 1>(g, rw, image, filter, e, wo, co, out);
    }
    for (; wo < g.out_cols; ++wo) {
      ForwardPixel<T, kB, kV>(g, rw, image, filter, e, wo, co, out);
    }
  }
}

// filter_backprop rows [r, r + kR) of one filter row += the sum over npix
// interior pixels of x * dy, kR x kV accumulators in registers.
template <typename T, int kB, int kV, int kR>
inline void FilterRows(const T* x, int64_t xstep, const T* dy, int64_t cout,
                       int64_t npix, T* w) {
  using S = Simd<T, kB>;
  typename S::V acc[kR][kV] = {};
  for (int64_t p = 0; p < npix; ++p, x += xstep, dy += cout) {
    typename S::V d[kV];
    for (int v = 0; v < kV; ++v) d[v] = S::Load(dy + v * S::kLanes);
    for (int i = 0; i < kR; ++i) {
      const T xv = x[i];
      for (int v = 0; v < kV; ++v) acc[i][v] += xv * d[v];
    }
  }
  for (int i = 0; i < kR; ++i) {
    for (int v = 0; v < kV; ++v) {
      T* p = w + i * cout + v * S::kLanes;
      S::Store(p, S::Load(p) + acc[i][v]);
    }
  }
}

// filter_backprop[..., co .. co + kV * lanes) += output row u's contribution.
template <typename T, int kB, int kV, int kR>
void FilterUnit(const ConvGeometry& g, const T* __restrict input,
                const T* __restrict out_backprop, int64_t u,
                T* __restrict filter_backprop) {
  using S = Simd<T, kB>;
  const int64_t cin = g.in_depth, cout = g.out_depth;
  const int64_t seg = g.filter_cols * cin;
  const int64_t xstep = g.stride_cols * cin;
  const RowWindow rw = GetRowWindow(g, u);
  const T* image = input + rw.image_offset;
  const T* dy = out_backprop + u * g.out_cols * cout;
  for (int64_t co = 0; co < cout; co += kV * S::kLanes) {
    // Border (and dilated) pixels one at a time.
    for (int64_t wo = 0; wo < g.out_cols; ++wo) {
      if (wo == rw.lo) wo = rw.hi;
      if (wo >= g.out_cols) break;
      typename S::V d[kV];
      for (int v = 0; v < kV; ++v)
        d[v] = S::Load(dy + wo * cout + co + v * S::kLanes);
      const int64_t w0 = wo * g.stride_cols - g.pad_left;
      for (int64_t kh = rw.kh0; kh < rw.kh1; ++kh) {
        const int64_t hi = rw.h0 + kh * g.dilation_rows;
        for (int64_t kw = 0; kw < g.filter_cols; ++kw) {
          const int64_t wi = w0 + kw * g.dilation_cols;
          if (wi < 0 || wi >= g.in_cols) continue;
          const T* x = image + (hi * g.in_cols + wi) * cin;
          T* w = filter_backprop + (kh * g.filter_cols + kw) * cin * cout + co;
          for (int64_t ci = 0; ci < cin; ++ci, w += cout) {
            for (int v = 0; v < kV; ++v) {
              T* p = w + v * S::kLanes;
              S::Store(p, S::Load(p) + x[ci] * d[v]);
            }
          }
        }
      }
    }
    const int64_t npix = rw.hi - rw.lo;
    if (npix == 0) continue;
    const int64_t w0 = rw.lo * g.stride_cols - g.pad_left;
    for (int64_t kh = rw.kh0; kh < rw.kh1; ++kh) {
      const T* x =
          image + ((rw.h0 + kh * g.dilation_rows) * g.in_cols + w0) * cin;
      T* w = filter_backprop + kh * seg * cout + co;
      const T* d = dy + rw.lo * cout + co;
      int64_t r = 0;
      for (; r + kR <= seg; r += kR) {
        FilterRows<T, kB, kV, kR>(x + r, xstep, d, cout, npix, w + r * cout);
      }
      if constexpr (kR > 4) {
        for (; r + 4 <= seg; r += 4) {
          FilterRows<T, kB, kV, 4>(x + r, xstep, d, cout, npix, w + r * cout);
        }
      }
      for (; r < seg; ++r) {
        FilterRows<T, kB, kV, 1>(x + r, xstep, d, cout, npix, w + r * cout);
      }
    }
  }
}

// The widest vectors: 512-bit with AVX-512 (full-width FMA units on Zen 5
// and recent Intel), else 256-bit.
#ifdef __AVX512F__
constexpr int kWideBytes = 64;
#else
constexpr int kWideBytes = 32;
#endif

// Register blocking: accumulators = pixels (rows) x vectors per block.
constexpr int kForwardPixels = 12;
constexpr int kFilterRows = 12;

// Calls fn.template operator()<kB, kV>() with the vector bytes and vectors
// per channel block for g's output depth.
template <typename T, typename Fn>
void DispatchWidth(const ConvGeometry& g, Fn&& fn) {
  constexpr int kWide = kWideBytes / sizeof(T);
  if (g.out_depth % (2 * kWide) == 0) {
    fn.template operator()<kWideBytes, 2>();
  } else if (g.out_depth % kWide == 0) {
    fn.template operator()<kWideBytes, 1>();
  } else {
    fn.template operator()<kWideBytes / 2, 1>();
  }
}

}  // namespace

template <typename T>
bool UseDirectConv(const ConvGeometry& g) {
  // 8 floats / 4 doubles at least: a 256-bit vector of output channels.
  constexpr int kMinLanes = 32 / sizeof(T);
  return g.out_depth % kMinLanes == 0 && g.out_depth <= 4 * kMinLanes;
}

template <typename T>
void DirectConvForwardRows(const ConvGeometry& g, const T* input,
                           const T* filter, int64_t u0, int64_t u1, T* out,
                           const StoreEpilogue<T>& epilogue) {
  if constexpr (std::is_same_v<T, float>) {
    if (UsePlanarConv(g)) {
      PlanarConvForwardRows(g, input, filter, u0, u1, out);
      if (epilogue.bias == nullptr && !epilogue.relu) return;
      // After the tiles' transpose, in a pass over the (cached) rows.
      using S = Simd<T, 32>;
      static_assert(S::kLanes == 8);  // UsePlanarConv: out_depth 8.
      T* end = out + (u1 - u0) * g.out_cols * g.out_depth;
      for (T* y = out; y < end; y += S::kLanes) {
        S::Store(y, Finish<S>(epilogue, 0, S::Load(y)));
      }
      return;
    }
  }
  DispatchWidth<T>(g, [&]<int kB, int kV>() {
    for (int64_t u = u0; u < u1; ++u) {
      ForwardUnit<T, kB, kV, kForwardPixels / kV>(
          g, input, filter, epilogue, u,
          out + (u - u0) * g.out_cols * g.out_depth);
    }
  });
}

template <typename T>
void DirectConvForward(Eigen::ThreadPoolDevice& device, const ConvGeometry& g,
                       const T* input, const T* filter, T* output) {
  const double cost = 2.0 * g.out_cols * g.patch_size() * g.out_depth;
  ParallelFor(device, g.batch * g.out_rows, cost, [&](int64_t u0, int64_t u1) {
    DirectConvForwardRows<T>(g, input, filter, u0, u1,
                             output + u0 * g.out_cols * g.out_depth);
  });
}

template <typename T>
void DirectConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                              const ConvGeometry& g, const T* input,
                              const T* out_backprop, T* filter_backprop) {
  const int64_t units = g.batch * g.out_rows;
  const int64_t filter_size = g.patch_size() * g.out_depth;
  // A few chunks of output rows, each summing into its own partial gradient.
  const int64_t chunks = std::clamp<int64_t>(4 * device.numThreads(), 1,
                                             std::max<int64_t>(units, 1));
  std::vector<T> partial((chunks - 1) * filter_size, T(0));
  std::fill_n(filter_backprop, filter_size, T(0));
  const double cost =
      2.0 * units / chunks * g.out_cols * g.patch_size() * g.out_depth;
  DispatchWidth<T>(g, [&]<int kB, int kV>() {
    ParallelFor(device, chunks, cost, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c) {
        T* dw =
            c == 0 ? filter_backprop : partial.data() + (c - 1) * filter_size;
        for (int64_t u = units * c / chunks; u < units * (c + 1) / chunks;
             ++u) {
          FilterUnit<T, kB, kV, kFilterRows / kV>(g, input, out_backprop, u,
                                                  dw);
        }
      }
    });
  });
  for (int64_t c = 1; c < chunks; ++c) {
    const T* p = partial.data() + (c - 1) * filter_size;
    for (int64_t i = 0; i < filter_size; ++i) filter_backprop[i] += p[i];
  }
}

#define GF_INSTANTIATE_DIRECT_(T)                                             \
  template bool UseDirectConv<T>(const ConvGeometry&);                        \
  template void DirectConvForward<T>(                                         \
      Eigen::ThreadPoolDevice&, const ConvGeometry&, const T*, const T*, T*); \
  template void DirectConvForwardRows<T>(const ConvGeometry&, const T*,       \
                                         const T*, int64_t, int64_t, T*,      \
                                         const StoreEpilogue<T>&);            \
  template void DirectConvBackpropFilter<T>(                                  \
      Eigen::ThreadPoolDevice&, const ConvGeometry&, const T*, const T*, T*);
GF_INSTANTIATE_DIRECT_(float)
GF_INSTANTIATE_DIRECT_(double)
#undef GF_INSTANTIATE_DIRECT_

}  // namespace graphflow
