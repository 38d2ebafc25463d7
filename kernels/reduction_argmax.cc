// ArgMax and ArgMin: the index of the extreme value along one dimension,
// the first one on ties (strict comparisons), like TF.
#include <algorithm>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/eigen.h"
#include "kernels/reduction_internal.h"

namespace graphflow::reduction {
namespace {

constexpr int64_t kTile = 256;

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
  const int64_t tiles = (inner + kTile - 1) / kTile;
  ParallelFor(device, outer * tiles,
              static_cast<double>(reduced * std::min(inner, kTile)),
              [&](int64_t begin, int64_t end) {
                T best[kTile];
                Idx arg[kTile];
                for (int64_t g = begin; g < end; ++g) {
                  const int64_t o = g / tiles, c0 = (g % tiles) * kTile;
                  const int64_t w = std::min(kTile, inner - c0);
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

absl::Status ArgMaxKernel(KernelContext& ctx) { return ArgKernel<true>(ctx); }
absl::Status ArgMinKernel(KernelContext& ctx) { return ArgKernel<false>(ctx); }

}  // namespace graphflow::reduction
