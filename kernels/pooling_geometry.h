// Window arithmetic shared by the 2-D pooling kernels (pooling_kernels.cc,
// pooling_argmax_kernels.cc): NHWC geometry with windows clipped to the real
// input, and the first-maximum search both MaxPoolGrad and the argmax ops use,
// so every max-pool gradient routes to the same cell.
#ifndef GRAPHFLOW_KERNELS_POOLING_GEOMETRY_H_
#define GRAPHFLOW_KERNELS_POOLING_GEOMETRY_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kernels/eigen.h"
#include "kernels/kernel.h"

namespace graphflow {

struct PoolGeometry {
  int64_t batch = 0, in_rows = 0, in_cols = 0, depth = 0;
  int64_t window_rows = 0, window_cols = 0, stride_rows = 0, stride_cols = 0;
  int64_t out_rows = 0, out_cols = 0, pad_rows = 0, pad_cols = 0;

  TensorShape output_shape() const {
    return {batch, out_rows, out_cols, depth};
  }
  // The input rows [*lo, *hi) of output row oh's window.
  void Rows(int64_t oh, int64_t* lo, int64_t* hi) const {
    int64_t start = oh * stride_rows - pad_rows;
    *hi = std::min(start + window_rows, in_rows);
    *lo = std::max<int64_t>(start, 0);
  }
  void Cols(int64_t ow, int64_t* lo, int64_t* hi) const {
    int64_t start = ow * stride_cols - pad_cols;
    *hi = std::min(start + window_cols, in_cols);
    *lo = std::max<int64_t>(start, 0);
  }
  // Offset of input cell (n, h, w, 0) and of output cell (n, oh, ow, 0).
  int64_t In(int64_t n, int64_t h, int64_t w) const {
    return ((n * in_rows + h) * in_cols + w) * depth;
  }
  int64_t Out(int64_t n, int64_t oh, int64_t ow) const {
    return ((n * out_rows + oh) * out_cols + ow) * depth;
  }
  int64_t in_per_image() const { return in_rows * in_cols * depth; }
  int64_t out_per_image() const { return out_rows * out_cols * depth; }
  double WindowCost() const {
    return static_cast<double>(window_rows * window_cols * depth) + 1;
  }
};

// Validates the node's padding (attr `padding_attr`; and data_format, NHWC
// only, when the op has one) with `ksize` and `strides` against an input of
// shape `in`.
absl::StatusOr<PoolGeometry> MakeGeometry(
    const KernelContext& ctx, const TensorShape& in,
    const std::vector<int64_t>& ksize, const std::vector<int64_t>& strides,
    absl::string_view padding_attr = "padding");
// The same with ksize and strides from the node's attrs.
absl::StatusOr<PoolGeometry> GeometryFromAttrs(const KernelContext& ctx,
                                               const TensorShape& in);
// InvalidArgument unless `t` has the pooled shape.
absl::Status CheckGradShape(const KernelContext& ctx, const PoolGeometry& g,
                            const Tensor& t, absl::string_view what);

// idx[c] = offset (within the image) of the first maximum of channel c in
// the window rows [h0, h1) x cols [w0, w1), scanned row-major; best[c] its
// value. Only a strictly greater value replaces, as in MaxPool, so the
// first of equal maxima wins and a NaN never does (a NaN in the first cell
// stays: nothing compares greater). I: int32_t when the image fits, so
// value and index lanes have one width. kDepth > 0: g.depth known at
// compile time; the channels then sit in vectors (GCC vector extensions)
// and the search is a compare and two blends per cell and vector.
template <typename T, typename I, int kDepth = 0>
void WindowArgmax(const PoolGeometry& g, const T* image, int64_t h0, int64_t h1,
                  int64_t w0, int64_t w1, T* best_out, I* idx_out) {
  const I first = static_cast<I>((h0 * g.in_cols + w0) * g.depth);
  if constexpr (kDepth > 0 && sizeof(T) == sizeof(I)) {
    // Native-width vectors (wider ones GCC lowers lane by lane), kChunks of
    // them across the channels.
#ifdef __AVX512F__
    constexpr int kMaxBytes = 64;
#else
    constexpr int kMaxBytes = 32;
#endif
    constexpr int kLanes = std::min<int>(kDepth, kMaxBytes / sizeof(T));
    constexpr int kChunks = kDepth / kLanes;
    static_assert(kDepth % kLanes == 0);
    typedef T V __attribute__((vector_size(kLanes * sizeof(T))));
    typedef I VI __attribute__((vector_size(kLanes * sizeof(I))));
    VI lane;
    for (int c = 0; c < kLanes; ++c) lane[c] = static_cast<I>(c);
    V best[kChunks];
    VI idx[kChunks];
    for (int k = 0; k < kChunks; ++k) {
      std::memcpy(&best[k], image + first + k * kLanes, sizeof(V));
      idx[k] = first + k * kLanes + lane;
    }
    for (int64_t h = h0; h < h1; ++h) {
      for (int64_t w = w0; w < w1; ++w) {
        const I off = static_cast<I>((h * g.in_cols + w) * kDepth);
        for (int k = 0; k < kChunks; ++k) {
          V p;
          std::memcpy(&p, image + off + k * kLanes, sizeof(V));
          const VI greater = best[k] < p;
          best[k] = greater ? p : best[k];
          idx[k] = greater ? off + k * kLanes + lane : idx[k];
        }
      }
    }
    for (int k = 0; k < kChunks; ++k) {
      std::memcpy(best_out + k * kLanes, &best[k], sizeof(V));
      std::memcpy(idx_out + k * kLanes, &idx[k], sizeof(VI));
    }
  } else {
    const int64_t depth = g.depth;
    for (int64_t c = 0; c < depth; ++c) {
      best_out[c] = image[first + c];
      idx_out[c] = first + static_cast<I>(c);
    }
    for (int64_t h = h0; h < h1; ++h) {
      for (int64_t w = w0; w < w1; ++w) {
        const I off = static_cast<I>((h * g.in_cols + w) * depth);
        const T* p = image + off;
        for (int64_t c = 0; c < depth; ++c) {
          if (best_out[c] < p[c]) {
            best_out[c] = p[c];
            idx_out[c] = off + static_cast<I>(c);
          }
        }
      }
    }
  }
}

// Every output cell's window maximum into `out` and its offset within the
// image into `argmax` (either may be null), in parallel over output rows.
template <typename T, typename I, int kDepth>
void PoolArgmaxesWith(Eigen::ThreadPoolDevice& device, const PoolGeometry& g,
                      const T* in, T* out, int64_t* argmax) {
  ParallelFor(device, g.batch * g.out_rows, g.out_cols * g.WindowCost(),
              [&](int64_t begin, int64_t end) {
                std::vector<T> best(g.depth);
                std::vector<I> idx(g.depth);
                for (int64_t t = begin; t < end; ++t) {
                  const int64_t n = t / g.out_rows, oh = t % g.out_rows;
                  const T* image = in + g.In(n, 0, 0);
                  int64_t h0, h1;
                  g.Rows(oh, &h0, &h1);
                  for (int64_t ow = 0; ow < g.out_cols; ++ow) {
                    int64_t w0, w1;
                    g.Cols(ow, &w0, &w1);
                    const int64_t o = g.Out(n, oh, ow);
                    WindowArgmax<T, I, kDepth>(g, image, h0, h1, w0, w1,
                                               best.data(), idx.data());
                    if (argmax != nullptr) {
                      std::copy(idx.begin(), idx.end(), argmax + o);
                    }
                    if (out != nullptr) {
                      std::copy(best.begin(), best.end(), out + o);
                    }
                  }
                }
              });
}

template <typename T, typename I>
void PoolArgmaxesOfDepth(Eigen::ThreadPoolDevice& device, const PoolGeometry& g,
                         const T* in, T* out, int64_t* argmax) {
  switch (g.depth) {
    case 8:
      return PoolArgmaxesWith<T, I, 8>(device, g, in, out, argmax);
    case 16:
      return PoolArgmaxesWith<T, I, 16>(device, g, in, out, argmax);
    case 32:
      return PoolArgmaxesWith<T, I, 32>(device, g, in, out, argmax);
    case 64:
      return PoolArgmaxesWith<T, I, 64>(device, g, in, out, argmax);
    default:
      return PoolArgmaxesWith<T, I, 0>(device, g, in, out, argmax);
  }
}

template <typename T>
void PoolArgmaxes(Eigen::ThreadPoolDevice& device, const PoolGeometry& g,
                  const T* in, T* out, int64_t* argmax) {
  if (g.in_per_image() <= std::numeric_limits<int32_t>::max()) {
    PoolArgmaxesOfDepth<T, int32_t>(device, g, in, out, argmax);
  } else {
    PoolArgmaxesOfDepth<T, int64_t>(device, g, in, out, argmax);
  }
}

template <typename T>
std::vector<int64_t> Argmaxes(Eigen::ThreadPoolDevice& device,
                              const PoolGeometry& g, const T* in) {
  std::vector<int64_t> argmax(g.output_shape().num_elements());
  PoolArgmaxes<T>(device, g, in, nullptr, argmax.data());
  return argmax;
}

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_POOLING_GEOMETRY_H_
