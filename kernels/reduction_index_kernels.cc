// Kernels of ops/reduction_ops.cc that index rather than fold: ArgMax and
// ArgMin, and the Prod gradient's helper ops Cumsum, Cumprod and ListDiff.
// Part of the reduction family (registered by RegisterReductionKernels).
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"

namespace graphflow {
namespace {

// Reads element i of an int32/int64 tensor.
int64_t IndexValue(const Tensor& t, int64_t i) {
  return t.dtype() == DT_INT32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
}

// ---- Helper ops of the Prod gradient: Cumsum, Cumprod and ListDiff.

template <typename T, bool kProd>
T ScanCombine(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    // Wraps like TF; unsigned math avoids signed-overflow UB.
    using U = std::conditional_t<sizeof(T) <= 4, uint32_t, uint64_t>;
    const U ua = static_cast<U>(a), ub = static_cast<U>(b);
    return static_cast<T>(kProd ? ua * ub : ua + ub);
  } else {
    return kProd ? a * b : a + b;
  }
}

// Scans columns [0, width) of an [n, stride] block: each output row is the
// previous output row combined with one input row, so the inner loop runs
// over contiguous elements and vectorizes.
template <typename T, bool kProd>
void ScanBlock(const T* x, T* __restrict y, int64_t n, int64_t stride,
               int64_t width, bool exclusive, bool reverse) {
  const T identity = kProd ? T(1) : T(0);
  for (int64_t step = 0; step < n; ++step) {
    const int64_t j = reverse ? n - 1 - step : step;
    T* out = y + j * stride;
    if (step == 0) {
      for (int64_t k = 0; k < width; ++k) {
        out[k] = exclusive ? identity : x[j * stride + k];
      }
      continue;
    }
    const int64_t prev = reverse ? j + 1 : j - 1;
    const T* acc = y + prev * stride;
    const T* in = x + (exclusive ? prev : j) * stride;
    for (int64_t k = 0; k < width; ++k) {
      out[k] = ScanCombine<T, kProd>(acc[k], in[k]);
    }
  }
}

template <bool kProd>
absl::Status ScanKernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& axis_tensor = ctx.input(1);
  if (axis_tensor.rank() != 0) {
    return ctx.InvalidArgument(
        absl::StrCat("ScanOp: axis must be a scalar, not ",
                     axis_tensor.shape().DebugString()));
  }
  bool exclusive = false, reverse = false;
  RETURN_IF_ERROR(ctx.GetAttr("exclusive", &exclusive));
  RETURN_IF_ERROR(ctx.GetAttr("reverse", &reverse));
  const int rank = x.rank();
  int64_t axis = IndexValue(axis_tensor, 0);
  if (axis < -rank || axis >= rank) {
    return ctx.InvalidArgument(
        absl::StrCat("ScanOp: Expected scan axis in the range [", -rank, ", ",
                     rank, "), but got ", axis));
  }
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.dim(d);
  for (int d = axis + 1; d < rank; ++d) inner *= x.dim(d);
  const int64_t n = x.dim(axis);
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, x.shape()));
  if (out->num_elements() == 0) return absl::OkStatus();
  return DispatchType(x.dtype(), [&]<typename T>() -> absl::Status {
    if constexpr (std::is_same_v<T, bool>) {
      return ctx.InvalidArgument("bool tensors cannot be scanned");
    } else {
      // Tasks are (outer block, column chunk) pairs.
      const int64_t chunk = std::min<int64_t>(inner, 512);
      const int64_t chunks = (inner + chunk - 1) / chunk;
      const T* src = x.data<T>();
      T* dst = out->data<T>();
      ParallelFor(ctx.device(), outer * chunks, 2.0 * n * chunk,
                  [&](int64_t begin, int64_t end) {
                    for (int64_t u = begin; u < end; ++u) {
                      const int64_t o = u / chunks, k0 = (u % chunks) * chunk;
                      const int64_t offset = o * n * inner + k0;
                      ScanBlock<T, kProd>(src + offset, dst + offset, n, inner,
                                          std::min(chunk, inner - k0),
                                          exclusive, reverse);
                    }
                  });
      return absl::OkStatus();
    }
  });
}

absl::Status ListDiffKernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& y = ctx.input(1);
  if (x.rank() != 1) return ctx.InvalidArgument("x should be a 1D vector.");
  if (y.rank() != 1) return ctx.InvalidArgument("y should be a 1D vector.");
  DataType out_idx = DT_INT32;
  RETURN_IF_ERROR(ctx.GetAttr("out_idx", &out_idx));
  return DispatchType(x.dtype(), [&]<typename T>() -> absl::Status {
    const T* xs = x.data<T>();
    const std::unordered_set<T> drop(y.data<T>(),
                                     y.data<T>() + y.num_elements());
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < x.num_elements(); ++i) {
      if (!drop.contains(xs[i])) kept.push_back(i);
    }
    const int64_t m = static_cast<int64_t>(kept.size());
    ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape({m})));
    ASSIGN_OR_RETURN(Tensor * idx,
                     ctx.AllocateOutput(1, out_idx, TensorShape({m})));
    for (int64_t i = 0; i < m; ++i) {
      out->data<T>()[i] = xs[kept[i]];
      if (out_idx == DT_INT32) {
        idx->data<int32_t>()[i] = static_cast<int32_t>(kept[i]);
      } else {
        idx->data<int64_t>()[i] = kept[i];
      }
    }
    return absl::OkStatus();
  });
}

// ---- ArgMax and ArgMin: the index of the extreme value along one
// dimension, the first one on ties (strict comparisons), like TF. ----

constexpr int64_t kArgTile = 256;

template <bool kMax, typename T>
inline bool Better(T v, T best) {
  if constexpr (kMax) {
    return v > best;
  } else {
    return v < best;
  }
}

// out[o, i] = argext_r in[o, r, i].
template <bool kMax, typename T, typename Idx>
void ArgPass(Eigen::ThreadPoolDevice& device, const T* in, Idx* out,
             int64_t outer, int64_t reduced, int64_t inner) {
  if (inner == 1) {
    ParallelFor(device, outer, static_cast<double>(reduced),
                [&](int64_t begin, int64_t end) {
                  for (int64_t o = begin; o < end; ++o) {
                    const T* x = in + o * reduced;
                    T best = x[0];
                    int64_t arg = 0;
                    for (int64_t r = 1; r < reduced; ++r) {
                      if (Better<kMax>(x[r], best)) {
                        best = x[r];
                        arg = r;
                      }
                    }
                    out[o] = static_cast<Idx>(arg);
                  }
                });
    return;
  }
  // Whole rows at a time into a tile of (best, index) pairs: vectorizable.
  const int64_t tiles = (inner + kArgTile - 1) / kArgTile;
  ParallelFor(device, outer * tiles,
              static_cast<double>(reduced * std::min(inner, kArgTile)),
              [&](int64_t begin, int64_t end) {
                T best[kArgTile];
                Idx arg[kArgTile];
                for (int64_t g = begin; g < end; ++g) {
                  const int64_t o = g / tiles, c0 = (g % tiles) * kArgTile;
                  const int64_t w = std::min(kArgTile, inner - c0);
                  const T* x = in + o * reduced * inner + c0;
                  std::copy(x, x + w, best);
                  std::fill_n(arg, w, Idx{0});
                  for (int64_t r = 1; r < reduced; ++r) {
                    const T* row = x + r * inner;
                    for (int64_t j = 0; j < w; ++j) {
                      const bool better = Better<kMax>(row[j], best[j]);
                      best[j] = better ? row[j] : best[j];
                      arg[j] = better ? static_cast<Idx>(r) : arg[j];
                    }
                  }
                  std::copy(arg, arg + w, out + o * inner + c0);
                }
              });
}

template <bool kMax>
absl::Status ArgKernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& dim = ctx.input(1);
  if (dim.rank() != 0) {
    return ctx.InvalidArgument(absl::StrCat(
        "dimension must be a scalar, but received tensor of shape ",
        dim.shape().DebugString()));
  }
  const int rank = x.rank();
  int64_t axis = IndexValue(dim, 0);
  if (axis < -rank || axis >= rank) {
    return ctx.InvalidArgument(absl::StrCat("Expected dimension in the range [",
                                            -rank, ", ", rank, "), but got ",
                                            axis));
  }
  if (axis < 0) axis += rank;
  if (x.dim(axis) == 0) {
    return ctx.InvalidArgument(absl::StrCat("Reduction axis ", axis,
                                            " is empty in shape ",
                                            x.shape().DebugString()));
  }
  DataType output_type = DT_INT64;
  RETURN_IF_ERROR(ctx.GetAttr("output_type", &output_type));
  TensorShape out_shape;
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < rank; ++d) {
    if (d == axis) continue;
    out_shape.AddDim(x.dim(d));
    (d < axis ? outer : inner) *= x.dim(d);
  }
  if (output_type == DT_INT32 && x.dim(axis) > INT32_MAX) {
    return ctx.InvalidArgument("reduced dimension too large for int32 output");
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, output_type, out_shape));
  if (out->num_elements() == 0) return absl::OkStatus();
  return DispatchType(x.dtype(), [&]<typename T>() -> absl::Status {
    if constexpr (std::is_same_v<T, bool>) {
      return ctx.InvalidArgument("ArgMax/ArgMin do not support bool");
    } else {
      if (output_type == DT_INT32) {
        ArgPass<kMax>(ctx.device(), x.data<T>(), out->data<int32_t>(), outer,
                      x.dim(axis), inner);
      } else {
        ArgPass<kMax>(ctx.device(), x.data<T>(), out->data<int64_t>(), outer,
                      x.dim(axis), inner);
      }
      return absl::OkStatus();
    }
  });
}

}  // namespace

absl::Status RegisterReductionIndexKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("ArgMax", ArgKernel<true>));
  RETURN_IF_ERROR(r.Register("ArgMin", ArgKernel<false>));
  RETURN_IF_ERROR(r.Register("Cumsum", ScanKernel<false>));
  RETURN_IF_ERROR(r.Register("Cumprod", ScanKernel<true>));
  RETURN_IF_ERROR(r.Register("ListDiff", ListDiffKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
