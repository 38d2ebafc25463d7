// GCC 12 reports false maybe-uninitialized warnings inside Eigen's AVX-512
// packet code instantiated by the GEMMs here (clang has no such warning).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "kernels/conv_compute.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/conv_direct.h"
#include "kernels/conv_winograd.h"
#include "kernels/dnnl_conv.h"

namespace graphflow {
namespace {

// Target bytes of one block's patch matrix: about half of a core's L2, so
// im2col output is still cached when the GEMM reads it.
std::atomic<int64_t> g_block_bytes{int64_t{384} << 10};

// A per-thread buffer reused across calls (kernels run on the pool threads),
// so patch matrices are not re-faulted in on every step.
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
    // Oversized buffers (one huge output row) are not kept.
    State& s = state();
    if (s.capacity > (size_t{16} << 20)) {
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

absl::Status ScratchError(int64_t bytes) {
  return absl::ResourceExhaustedError(
      absl::StrCat("cannot allocate ", bytes, " bytes of convolution scratch"));
}

// How many work units of `unit_bytes` make one block (at least 1).
int64_t BlockUnits(int64_t unit_bytes, int64_t units) {
  return std::clamp<int64_t>(
      g_block_bytes.load() / std::max<int64_t>(unit_bytes, 1), 1,
      std::max<int64_t>(units, 1));
}

template <typename T>
using ConstMatrix = Eigen::Map<
    const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
template <typename T>
using MutableMatrix = Eigen::Map<
    Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

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

// Runs fn(begin, end, scratch) over [0, n) blocks on the pool, each shard
// with its own per-thread scratch of `bytes`.
template <typename T, typename Fn>
absl::Status ParallelBlocks(Eigen::ThreadPoolDevice& device, int64_t n,
                            double cost_per_block, int64_t bytes, Fn&& fn) {
  std::atomic<bool> failed{false};
  ParallelFor(device, n, cost_per_block, [&](int64_t b0, int64_t b1) {
    Scratch scratch(bytes);
    if (!scratch.ok()) {
      failed = true;
      return;
    }
    fn(b0, b1, scratch.as<T>());
  });
  return failed ? ScratchError(bytes) : absl::OkStatus();
}

// With stride 1 the input gradient is the forward convolution t of
// out_backprop with the filter flipped in space and transposed in channels
// (FlipFilter), padded by (window - 1 - pad) before; false when that
// padding would be negative or the stride is not 1.
bool BackpropInputAsForward(const ConvGeometry& g, ConvGeometry* t) {
  if (g.stride_rows != 1 || g.stride_cols != 1) return false;
  *t = g;
  t->in_rows = g.out_rows;
  t->in_cols = g.out_cols;
  t->in_depth = g.out_depth;
  t->out_depth = g.in_depth;
  t->out_rows = g.in_rows;
  t->out_cols = g.in_cols;
  t->pad_top = (g.filter_rows - 1) * g.dilation_rows - g.pad_top;
  t->pad_left = (g.filter_cols - 1) * g.dilation_cols - g.pad_left;
  return t->pad_top >= 0 && t->pad_left >= 0;
}

template <typename T>
std::vector<T> FlipFilter(const ConvGeometry& g, const T* filter) {
  std::vector<T> flipped(g.patch_size() * g.out_depth);
  for (int64_t i = 0; i < g.filter_rows; ++i) {
    for (int64_t j = 0; j < g.filter_cols; ++j) {
      const T* src =
          filter + (i * g.filter_cols + j) * g.in_depth * g.out_depth;
      T* dst = flipped.data() + ((g.filter_rows - 1 - i) * g.filter_cols +
                                 (g.filter_cols - 1 - j)) *
                                    g.in_depth * g.out_depth;
      for (int64_t ci = 0; ci < g.in_depth; ++ci) {
        for (int64_t co = 0; co < g.out_depth; ++co) {
          dst[co * g.in_depth + ci] = src[ci * g.out_depth + co];
        }
      }
    }
  }
  return flipped;
}

}  // namespace

int64_t SetConvBlockBytes(int64_t bytes) {
  return g_block_bytes.exchange(std::max<int64_t>(bytes, 1));
}

namespace {

// graphflow's own code: the reference path, and the one taken where it beats
// oneDNN (UseOneDnn below).
template <typename T>
absl::Status ReferenceConvForward(Eigen::ThreadPoolDevice& device,
                                  const ConvGeometry& g, const T* input,
                                  const T* filter, T* output) {
  const int64_t k = g.patch_size();
  const int64_t units = g.batch * g.out_rows;
  const int64_t out_size = units * g.out_cols * g.out_depth;
  if (out_size == 0) return absl::OkStatus();
  if (k == 0) {
    std::fill_n(output, out_size, T(0));
    return absl::OkStatus();
  }
  if (UseDirectConv<T>(g)) {
    DirectConvForward(device, g, input, filter, output);
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
  // Blocks of output rows: im2col into this thread's scratch, then a
  // single-threaded GEMM straight into the output.
  const int64_t unit_elems = g.out_cols * k;
  const int64_t block = BlockUnits(unit_elems * sizeof(T), units);
  const int64_t blocks = (units + block - 1) / block;
  const ConstMatrix<T> w(filter, k, g.out_depth);
  return ParallelBlocks<T>(
      device, blocks, 2.0 * block * unit_elems * g.out_depth,
      block * unit_elems * sizeof(T), [&](int64_t b0, int64_t b1, T* col) {
        for (int64_t b = b0; b < b1; ++b) {
          const int64_t u0 = b * block, u1 = std::min(units, u0 + block);
          const int64_t rows = (u1 - u0) * g.out_cols;
          Im2Col(g, input, u0, u1, col);
          MutableMatrix<T>(output + u0 * g.out_cols * g.out_depth, rows,
                           g.out_depth)
              .noalias() = ConstMatrix<T>(col, rows, k) * w;
        }
      });
}

template <typename T>
absl::Status ReferenceConvBackpropInput(Eigen::ThreadPoolDevice& device,
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
  // The forward convolution below costs in_rows * in_cols patches against
  // col2im's out_rows * out_cols: with a VALID filter much larger than its
  // output (a text CNN's filter spans the whole embedding), its patches are
  // nearly all padding, so it is taken only when the two are comparable.
  ConvGeometry t;
  if (g.in_rows * g.in_cols <= 2 * g.out_rows * g.out_cols &&
      BackpropInputAsForward(g, &t)) {
    const std::vector<T> flipped = FlipFilter(g, filter);
    return ReferenceConvForward(device, t, out_backprop, flipped.data(),
                                in_backprop);
  }
  // Blocks of whole images (the gather reads every output row of an image):
  // dcol = out_backprop * filter^T, then col2im into in_backprop.
  const AxisTaps rows = ComputeAxisTaps(g.in_rows, g.filter_rows, g.stride_rows,
                                        g.dilation_rows, g.pad_top, g.out_rows);
  const AxisTaps cols =
      ComputeAxisTaps(g.in_cols, g.filter_cols, g.stride_cols, g.dilation_cols,
                      g.pad_left, g.out_cols);
  const int64_t image_patches = g.out_rows * g.out_cols;
  const int64_t block = BlockUnits(image_patches * k * sizeof(T), g.batch);
  const int64_t blocks = (g.batch + block - 1) / block;
  const ConstMatrix<T> w(filter, k, g.out_depth);
  return ParallelBlocks<T>(
      device, blocks, 2.0 * block * image_patches * k * g.out_depth,
      block * image_patches * k * sizeof(T),
      [&](int64_t b0, int64_t b1, T* dcol) {
        for (int64_t b = b0; b < b1; ++b) {
          const int64_t n0 = b * block, n1 = std::min(g.batch, n0 + block);
          const int64_t patches = (n1 - n0) * image_patches;
          MutableMatrix<T>(dcol, patches, k).noalias() =
              ConstMatrix<T>(out_backprop + n0 * image_patches * g.out_depth,
                             patches, g.out_depth) *
              w.transpose();
          Col2ImGather(g, rows, cols, dcol, 0, (n1 - n0) * g.in_rows,
                       in_backprop + n0 * image_size);
        }
      });
}

template <typename T>
absl::Status ReferenceConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                                         const ConvGeometry& g, const T* input,
                                         const T* out_backprop,
                                         T* filter_backprop) {
  const int64_t k = g.patch_size();
  const int64_t filter_size = k * g.out_depth;
  if (filter_size == 0) return absl::OkStatus();
  const int64_t units = g.batch * g.out_rows;
  if (units == 0 || g.out_cols == 0) {
    std::fill_n(filter_backprop, filter_size, T(0));
    return absl::OkStatus();
  }
  if (UseDirectConv<T>(g)) {
    DirectConvBackpropFilter(device, g, input, out_backprop, filter_backprop);
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
  // A few chunks of blocks of output rows; each chunk sums col^T * dy into
  // its own partial gradient (the first straight into the output).
  const int64_t unit_elems = g.out_cols * k;
  const int64_t block = BlockUnits(unit_elems * sizeof(T), units);
  const int64_t blocks = (units + block - 1) / block;
  const int64_t chunks =
      std::min<int64_t>(blocks, 4 * std::max(1, device.numThreads()));
  std::vector<T> partial((chunks - 1) * filter_size);
  RETURN_IF_ERROR(ParallelBlocks<T>(
      device, chunks, 2.0 * blocks / chunks * block * unit_elems * g.out_depth,
      block * unit_elems * sizeof(T), [&](int64_t c0, int64_t c1, T* col) {
        for (int64_t c = c0; c < c1; ++c) {
          MutableMatrix<T> dw(
              c == 0 ? filter_backprop : partial.data() + (c - 1) * filter_size,
              k, g.out_depth);
          dw.setZero();
          for (int64_t b = blocks * c / chunks; b < blocks * (c + 1) / chunks;
               ++b) {
            const int64_t u0 = b * block, u1 = std::min(units, u0 + block);
            const int64_t rows = (u1 - u0) * g.out_cols;
            Im2Col(g, input, u0, u1, col);
            dw.noalias() +=
                ConstMatrix<T>(col, rows, k).transpose() *
                ConstMatrix<T>(out_backprop + u0 * g.out_cols * g.out_depth,
                               rows, g.out_depth);
          }
        }
      }));
  for (int64_t c = 1; c < chunks; ++c) {
    const T* p = partial.data() + (c - 1) * filter_size;
    for (int64_t i = 0; i < filter_size; ++i) filter_backprop[i] += p[i];
  }
  return absl::OkStatus();
}

enum class ConvPass { kForward, kBackpropInput, kBackpropFilter };

// Whether oneDNN runs this float convolution (measured, 2 threads; see
// bench/conv_bench.cc and ComputeBackend in dnnl_conv.h).
bool UseOneDnn(ConvPass pass, const ConvGeometry& g) {
  if (!HaveOneDnn()) return false;
  if (g.batch <= 0 || g.in_rows <= 0 || g.in_cols <= 0 || g.in_depth <= 0 ||
      g.filter_rows <= 0 || g.filter_cols <= 0 || g.out_depth <= 0 ||
      g.out_rows <= 0 || g.out_cols <= 0) {
    return false;  // oneDNN rejects empty tensors; the reference handles them.
  }
  switch (GetComputeBackend()) {
    case ComputeBackend::kReference:
      return false;
    case ComputeBackend::kOneDnn:
      return true;
    case ComputeBackend::kAuto:
      break;
  }
  // Wide input and output channels: oneDNN's JIT kernels (2 threads, ms,
  // graphflow vs oneDNN; bench/conv_bench.cc): mnist_deep conv2 (32->64,
  // 5x5) forward 12.6 vs 7.9, backprop input 12.7 vs 8.4, filter 15.7 vs
  // 8.5; 56x56 3x3 64->64 forward 27.2 vs 16.9, input 25.6 vs 18.0, filter
  // 26.8 vs 20.6.
  if (g.in_depth >= 16 && g.out_depth >= 16) return true;
  // Thin inputs stay on the direct kernels and im2col (course conv1 3->8,
  // mnist conv1 1->32 forward 0.58 vs 0.70, its input gradient 3.7 vs 8.8;
  // course conv2 8->16 within 10% either way), except the filter gradient
  // of a wide output: mnist conv1's 1.17 vs 0.60.
  return pass == ConvPass::kBackpropFilter && g.out_depth >= 32;
}

// Whether the Winograd kernels run this float convolution (the default
// backend only). Against oneDNN (bench/conv_bench.cc, 2 threads, ms):
// mnist_deep conv2 forward 1.8 vs 4.1, input 1.8 vs 3.9, filter 2.2 vs
// 4.1; ResNet 56x56 3x3 64->64 3.1 vs 8.3, 3.1 vs 8.6, 4.6 vs 9.4.
bool UseWinograd(const ConvGeometry& g) {
  return GetComputeBackend() == ComputeBackend::kAuto && IsWinogradConv(g);
}

}  // namespace

template <typename T>
absl::Status ConvForward(Eigen::ThreadPoolDevice& device, const ConvGeometry& g,
                         const T* input, const T* filter, T* output) {
  if constexpr (std::is_same_v<T, float>) {
    if (UseWinograd(g))
      return WinogradConvForward(device, g, input, filter, output);
    if (UseOneDnn(ConvPass::kForward, g)) {
      return DnnlConvForward(device, g, input, filter, output);
    }
  }
  return ReferenceConvForward(device, g, input, filter, output);
}

template <typename T>
absl::Status ConvBackpropInput(Eigen::ThreadPoolDevice& device,
                               const ConvGeometry& g, const T* filter,
                               const T* out_backprop, T* in_backprop) {
  if constexpr (std::is_same_v<T, float>) {
    ConvGeometry t;
    if (BackpropInputAsForward(g, &t) && UseWinograd(t)) {
      const std::vector<float> flipped = FlipFilter(g, filter);
      return WinogradConvForward(device, t, out_backprop, flipped.data(),
                                 in_backprop);
    }
    if (UseOneDnn(ConvPass::kBackpropInput, g)) {
      return DnnlConvBackpropInput(device, g, filter, out_backprop,
                                   in_backprop);
    }
  }
  return ReferenceConvBackpropInput(device, g, filter, out_backprop,
                                    in_backprop);
}

template <typename T>
absl::Status ConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                                const ConvGeometry& g, const T* input,
                                const T* out_backprop, T* filter_backprop) {
  if constexpr (std::is_same_v<T, float>) {
    if (UseWinograd(g)) {
      return WinogradConvBackpropFilter(device, g, input, out_backprop,
                                        filter_backprop);
    }
    if (UseOneDnn(ConvPass::kBackpropFilter, g)) {
      return DnnlConvBackpropFilter(device, g, input, out_backprop,
                                    filter_backprop);
    }
  }
  return ReferenceConvBackpropFilter(device, g, input, out_backprop,
                                     filter_backprop);
}

template <typename T>
bool ConvForwardIsDirect(const ConvGeometry& g) {
  if constexpr (std::is_same_v<T, float>) {
    if (UseWinograd(g) || UseOneDnn(ConvPass::kForward, g)) return false;
  }
  return g.patch_size() > 0 && g.batch * g.out_rows * g.out_cols > 0 &&
         UseDirectConv<T>(g);
}

template <typename T>
bool ConvForwardIsChunked(const ConvGeometry& g) {
  if constexpr (std::is_same_v<T, float>) {
    return UseWinograd(g) || UseOneDnn(ConvPass::kForward, g);
  }
  return false;
}

absl::Status ConvForwardChunks(
    Eigen::ThreadPoolDevice& device, const ConvGeometry& g, const float* input,
    const float* filter, int64_t chunk,
    absl::FunctionRef<void(int64_t b0, int64_t b1, float* out)> consume) {
  if (UseWinograd(g)) {
    return WinogradConvForwardChunks(device, g, input, filter, chunk, consume);
  }
  return DnnlConvForwardChunks(device, g, input, filter, chunk, consume);
}

#define GF_INSTANTIATE_CONV_(T)                                               \
  template bool ConvForwardIsDirect<T>(const ConvGeometry&);                  \
  template bool ConvForwardIsChunked<T>(const ConvGeometry&);                 \
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
