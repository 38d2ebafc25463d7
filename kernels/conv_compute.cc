#include "kernels/conv_compute.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace graphflow {
namespace {

std::atomic<int64_t> g_scratch_budget{int64_t{8} << 20};

// A per-thread buffer reused across calls, so big patch matrices are not
// re-faulted in on every step. Oversized buffers are released afterwards.
class Scratch {
 public:
  explicit Scratch(size_t bytes) {
    State& s = state();
    if (s.capacity < bytes) {
      std::free(s.data);
      s.capacity = (bytes + 63) / 64 * 64;
      s.data = std::aligned_alloc(64, s.capacity);
      if (s.data == nullptr) s.capacity = 0;
    }
    data_ = s.data;
  }
  ~Scratch() {
    State& s = state();
    if (s.capacity > 4 * static_cast<size_t>(g_scratch_budget.load())) {
      std::free(s.data);
      s.data = nullptr;
      s.capacity = 0;
    }
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  bool ok() const { return data_ != nullptr; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(data_);
  }

 private:
  struct State {
    void* data = nullptr;
    size_t capacity = 0;
    ~State() { std::free(data); }
  };
  static State& state() {
    thread_local State s;
    return s;
  }
  void* data_ = nullptr;
};

// How many work units of `unit_bytes` fit the scratch budget (at least 1).
int64_t UnitsPerTile(int64_t unit_bytes, int64_t units) {
  int64_t budget = g_scratch_budget.load();
  return std::clamp<int64_t>(budget / std::max<int64_t>(unit_bytes, 1), 1,
                             std::max<int64_t>(units, 1));
}

// 1x1 filter, stride 1, no padding: the input is already the patch matrix.
bool IsPointwise(const ConvGeometry& g) {
  return g.filter_rows == 1 && g.filter_cols == 1 && g.stride_rows == 1 &&
         g.stride_cols == 1 && g.pad_top == 0 && g.pad_left == 0 &&
         g.out_rows == g.in_rows && g.out_cols == g.in_cols;
}

// The filter covers the whole unpadded image once: each image is one patch.
bool IsWholeImage(const ConvGeometry& g) {
  return g.out_rows == 1 && g.out_cols == 1 && g.filter_rows == g.in_rows &&
         g.filter_cols == g.in_cols && g.pad_top == 0 && g.pad_left == 0 &&
         (g.filter_rows == 1 || g.dilation_rows == 1) &&
         (g.filter_cols == 1 || g.dilation_cols == 1);
}

template <typename T>
inline void CopySmall(const T* src, int64_t n, T* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
}

// Writes the patch rows of output rows ("units", unit = n * out_rows + ho)
// [u0, u1) to col: out_cols rows of patch_size() values, ordered (kh, kw, c)
// like the HWIO filter, zeros where the window hangs over the padding.
template <typename T>
void Im2Col(const ConvGeometry& g, const T* input, int64_t u0, int64_t u1,
            T* col) {
  const int64_t k = g.patch_size();
  const int64_t depth = g.in_depth;
  const int64_t filter_row_len = g.filter_cols * depth;
  const int64_t image_size = g.in_rows * g.in_cols * depth;
  const int64_t col_span = (g.filter_cols - 1) * g.dilation_cols;
  T* dst = col;
  for (int64_t u = u0; u < u1; ++u) {
    const int64_t n = u / g.out_rows, ho = u % g.out_rows;
    const T* image = input + n * image_size;
    const int64_t h0 = ho * g.stride_rows - g.pad_top;
    for (int64_t wo = 0; wo < g.out_cols; ++wo, dst += k) {
      const int64_t w0 = wo * g.stride_cols - g.pad_left;
      const bool contiguous =
          g.dilation_cols == 1 && w0 >= 0 && w0 + col_span < g.in_cols;
      T* d = dst;
      for (int64_t kh = 0; kh < g.filter_rows; ++kh, d += filter_row_len) {
        const int64_t hi = h0 + kh * g.dilation_rows;
        if (hi < 0 || hi >= g.in_rows) {
          std::fill_n(d, filter_row_len, T(0));
          continue;
        }
        const T* src_row = image + hi * g.in_cols * depth;
        if (contiguous) {
          CopySmall(src_row + w0 * depth, filter_row_len, d);
          continue;
        }
        for (int64_t kw = 0; kw < g.filter_cols; ++kw) {
          const int64_t wi = w0 + kw * g.dilation_cols;
          if (wi < 0 || wi >= g.in_cols) {
            std::fill_n(d + kw * depth, depth, T(0));
          } else {
            CopySmall(src_row + wi * depth, depth, d + kw * depth);
          }
        }
      }
    }
  }
}

// Parallel im2col of units [u0, u1) into col.
template <typename T>
void Im2ColParallel(Eigen::ThreadPoolDevice& device, const ConvGeometry& g,
                    const T* input, int64_t u0, int64_t u1, T* col) {
  const int64_t unit_elems = g.out_cols * g.patch_size();
  ParallelFor(device, u1 - u0, static_cast<double>(unit_elems),
              [&](int64_t b, int64_t e) {
                Im2Col(g, input, u0 + b, u0 + e, col + b * unit_elems);
              });
}

// For every input coordinate along one axis, the (filter tap, output index)
// pairs whose window covers it: taps[start[i] .. start[i + 1]).
struct AxisTaps {
  std::vector<int64_t> start;
  std::vector<std::pair<int64_t, int64_t>> taps;
};

AxisTaps ComputeAxisTaps(int64_t in, int64_t window, int64_t stride,
                         int64_t dilation, int64_t pad, int64_t out) {
  AxisTaps a;
  a.start.reserve(in + 1);
  for (int64_t i = 0; i < in; ++i) {
    a.start.push_back(static_cast<int64_t>(a.taps.size()));
    for (int64_t k = 0; k < window; ++k) {
      const int64_t t = i + pad - k * dilation;
      if (t < 0) break;
      if (t % stride != 0) continue;
      if (t / stride < out) a.taps.emplace_back(k, t / stride);
    }
  }
  a.start.push_back(static_cast<int64_t>(a.taps.size()));
  return a;
}

// col2im as a gather (no write conflicts, so rows run in parallel): input
// rows [r0, r1) (row = local image * in_rows + hi) of in_backprop are the sum
// of the patch-matrix entries that read them.
template <typename T>
void Col2ImGather(const ConvGeometry& g, const AxisTaps& rows,
                  const AxisTaps& cols, const T* dcol, int64_t r0, int64_t r1,
                  T* in_backprop) {
  const int64_t k = g.patch_size();
  const int64_t depth = g.in_depth;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t n = r / g.in_rows, hi = r % g.in_rows;
    const T* image_col = dcol + n * g.out_rows * g.out_cols * k;
    T* dst = in_backprop + r * g.in_cols * depth;
    for (int64_t wi = 0; wi < g.in_cols; ++wi, dst += depth) {
      std::fill_n(dst, depth, T(0));
      for (int64_t a = rows.start[hi]; a < rows.start[hi + 1]; ++a) {
        const auto [kh, ho] = rows.taps[a];
        for (int64_t b = cols.start[wi]; b < cols.start[wi + 1]; ++b) {
          const auto [kw, wo] = cols.taps[b];
          const T* src = image_col + (ho * g.out_cols + wo) * k +
                         (kh * g.filter_cols + kw) * depth;
          for (int64_t c = 0; c < depth; ++c) dst[c] += src[c];
        }
      }
    }
  }
}

absl::Status ScratchError(int64_t bytes) {
  return absl::ResourceExhaustedError(
      absl::StrCat("cannot allocate ", bytes, " bytes of convolution scratch"));
}

}  // namespace

int64_t SetConvScratchBudget(int64_t bytes) {
  return g_scratch_budget.exchange(std::max<int64_t>(bytes, 1));
}

template <typename T>
absl::Status ConvForward(Eigen::ThreadPoolDevice& device, const ConvGeometry& g,
                         const T* input, const T* filter, T* output) {
  const int64_t k = g.patch_size();
  const int64_t units = g.batch * g.out_rows;
  const int64_t out_size = units * g.out_cols * g.out_depth;
  if (out_size == 0) return absl::OkStatus();
  if (k == 0) {
    std::fill_n(output, out_size, T(0));
    return absl::OkStatus();
  }
  if (IsPointwise(g)) {
    Gemm(device, input, filter, output, g.batch * g.in_rows * g.in_cols,
         g.out_depth, k, false, false);
    return absl::OkStatus();
  }
  if (IsWholeImage(g)) {
    Gemm(device, input, filter, output, g.batch, g.out_depth, k, false, false);
    return absl::OkStatus();
  }
  const int64_t unit_elems = g.out_cols * k;
  const int64_t tile = UnitsPerTile(unit_elems * sizeof(T), units);
  Scratch scratch(tile * unit_elems * sizeof(T));
  if (!scratch.ok()) return ScratchError(tile * unit_elems * sizeof(T));
  T* col = scratch.as<T>();
  for (int64_t u0 = 0; u0 < units; u0 += tile) {
    const int64_t u1 = std::min(units, u0 + tile);
    Im2ColParallel(device, g, input, u0, u1, col);
    Gemm(device, col, filter, output + u0 * g.out_cols * g.out_depth,
         (u1 - u0) * g.out_cols, g.out_depth, k, false, false);
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status ConvBackpropInput(Eigen::ThreadPoolDevice& device,
                               const ConvGeometry& g, const T* filter,
                               const T* out_backprop, T* in_backprop) {
  const int64_t k = g.patch_size();
  const int64_t image_size = g.in_rows * g.in_cols * g.in_depth;
  const int64_t in_size = g.batch * image_size;
  if (in_size == 0) return absl::OkStatus();
  if (k == 0 || g.out_depth == 0 || g.out_rows == 0 || g.out_cols == 0) {
    std::fill_n(in_backprop, in_size, T(0));
    return absl::OkStatus();
  }
  if (IsPointwise(g)) {
    Gemm(device, out_backprop, filter, in_backprop,
         g.batch * g.in_rows * g.in_cols, k, g.out_depth, false, true);
    return absl::OkStatus();
  }
  if (IsWholeImage(g)) {
    Gemm(device, out_backprop, filter, in_backprop, g.batch, k, g.out_depth,
         false, true);
    return absl::OkStatus();
  }
  // Whole images per tile: the gather needs every output row of an image.
  const int64_t image_patches = g.out_rows * g.out_cols;
  const int64_t tile = UnitsPerTile(image_patches * k * sizeof(T), g.batch);
  Scratch scratch(tile * image_patches * k * sizeof(T));
  if (!scratch.ok()) return ScratchError(tile * image_patches * k * sizeof(T));
  T* dcol = scratch.as<T>();
  const AxisTaps rows = ComputeAxisTaps(g.in_rows, g.filter_rows, g.stride_rows,
                                        g.dilation_rows, g.pad_top, g.out_rows);
  const AxisTaps cols =
      ComputeAxisTaps(g.in_cols, g.filter_cols, g.stride_cols, g.dilation_cols,
                      g.pad_left, g.out_cols);
  const double taps_per_pixel = static_cast<double>(rows.taps.size()) *
                                cols.taps.size() /
                                std::max<int64_t>(g.in_rows * g.in_cols, 1);
  const double row_cost = g.in_cols * (1 + taps_per_pixel) * g.in_depth;
  for (int64_t n0 = 0; n0 < g.batch; n0 += tile) {
    const int64_t n1 = std::min(g.batch, n0 + tile);
    Gemm(device, out_backprop + n0 * image_patches * g.out_depth, filter, dcol,
         (n1 - n0) * image_patches, k, g.out_depth, false, true);
    T* dst = in_backprop + n0 * image_size;
    ParallelFor(device, (n1 - n0) * g.in_rows, row_cost,
                [&](int64_t b, int64_t e) {
                  Col2ImGather(g, rows, cols, dcol, b, e, dst);
                });
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status ConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                                const ConvGeometry& g, const T* input,
                                const T* out_backprop, T* filter_backprop) {
  const int64_t k = g.patch_size();
  const int64_t filter_size = k * g.out_depth;
  if (filter_size == 0) return absl::OkStatus();
  const int64_t units = g.batch * g.out_rows;
  if (units == 0 || g.out_cols == 0) {
    std::fill_n(filter_backprop, filter_size, T(0));
    return absl::OkStatus();
  }
  if (IsPointwise(g)) {
    Gemm(device, input, out_backprop, filter_backprop, k, g.out_depth,
         g.batch * g.in_rows * g.in_cols, true, false);
    return absl::OkStatus();
  }
  if (IsWholeImage(g)) {
    Gemm(device, input, out_backprop, filter_backprop, k, g.out_depth, g.batch,
         true, false);
    return absl::OkStatus();
  }
  const int64_t unit_elems = g.out_cols * k;
  const int64_t tile = UnitsPerTile(unit_elems * sizeof(T), units);
  Scratch scratch(tile * unit_elems * sizeof(T));
  if (!scratch.ok()) return ScratchError(tile * unit_elems * sizeof(T));
  T* col = scratch.as<T>();
  for (int64_t u0 = 0; u0 < units; u0 += tile) {
    const int64_t u1 = std::min(units, u0 + tile);
    Im2ColParallel(device, g, input, u0, u1, col);
    Gemm(device, col, out_backprop + u0 * g.out_cols * g.out_depth,
         filter_backprop, k, g.out_depth, (u1 - u0) * g.out_cols, true, false,
         /*accumulate=*/u0 > 0);
  }
  return absl::OkStatus();
}

#define GF_INSTANTIATE_CONV_(T)                                               \
  template absl::Status ConvForward<T>(                                       \
      Eigen::ThreadPoolDevice&, const ConvGeometry&, const T*, const T*, T*); \
  template absl::Status ConvBackpropInput<T>(                                 \
      Eigen::ThreadPoolDevice&, const ConvGeometry&, const T*, const T*, T*); \
  template absl::Status ConvBackpropFilter<T>(                                \
      Eigen::ThreadPoolDevice&, const ConvGeometry&, const T*, const T*, T*);
GF_INSTANTIATE_CONV_(float)
GF_INSTANTIATE_CONV_(double)
#undef GF_INSTANTIATE_CONV_

}  // namespace graphflow
