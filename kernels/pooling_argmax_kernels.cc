// MaxPoolWithArgmax and MaxPoolGradWithArgmax (TF 1.15), and the internal
// _FusedMaxPoolGradReluGrad the graph optimizer (session/graph_optimizer.h)
// puts where ReluGrad(MaxPoolGrad(x, y, dy), x) was. The argmax is the first
// maximum in row-major window order, the cell MaxPoolGrad routes to, so the
// rewritten graph computes the same values bit for bit.
#include <atomic>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "kernels/pooling_geometry.h"

namespace graphflow {
namespace {

using IndexTypes = TypeList<int32_t, int64_t>;

absl::Status MaxPoolWithArgmaxKernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  ASSIGN_OR_RETURN(PoolGeometry g, GeometryFromAttrs(ctx, in.shape()));
  bool include_batch = false;
  RETURN_IF_ERROR(ctx.GetAttr("include_batch_in_index", &include_batch));
  const DataType index_type = ctx.node().output_type(1);
  const int64_t max_index =
      include_batch ? in.num_elements() : g.in_per_image();
  if (index_type == DT_INT32 &&
      max_index > std::numeric_limits<int32_t>::max()) {
    return ctx.InvalidArgument(absl::StrCat(
        "Targmax int32 cannot index an input of ", in.shape().DebugString()));
  }
  return DispatchType<NumericTypes>(
      in.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, g.output_shape()));
        ASSIGN_OR_RETURN(Tensor * argmax_out,
                         ctx.AllocateOutput(1, index_type, g.output_shape()));
        if (out->num_elements() == 0) return absl::OkStatus();
        std::vector<int64_t> argmax(out->num_elements());
        PoolArgmaxes<T>(ctx.device(), g, in.data<T>(), out->data<T>(),
                        argmax.data());
        const int64_t per_image = g.out_per_image();
        return DispatchType<IndexTypes>(
            index_type, [&]<typename I>() -> absl::Status {
              I* dst = argmax_out->data<I>();
              for (int64_t i = 0; i < static_cast<int64_t>(argmax.size());
                   ++i) {
                const int64_t image = include_batch ? i / per_image : 0;
                dst[i] = static_cast<I>(argmax[i] + image * g.in_per_image());
              }
              return absl::OkStatus();
            });
      },
      ctx.UnsupportedDtype());
}

// out (shaped like the input) = sum of grad at each argmax, only where
// `keep` (null: everywhere) is positive. One image per task, so overlapping
// windows never race; an argmax outside its image is an error, not a write.
// With image_bias (batch x channels), each image's sum of what passed, by
// channel.
template <typename T, typename I>
absl::Status ScatterAtArgmax(KernelContext& ctx, const PoolGeometry& g,
                             bool include_batch, const I* argmax, const T* grad,
                             const T* keep, T* out, T* image_bias) {
  const int64_t in_per_image = g.in_per_image();
  const int64_t per_image = g.out_per_image();
  const int64_t channels = g.depth;
  std::atomic<int64_t> bad{-1};
  ParallelFor(ctx.device(), g.batch, 2.0 * per_image + in_per_image,
              [&](int64_t begin, int64_t end) {
                for (int64_t n = begin; n < end; ++n) {
                  T* dst = out + n * in_per_image;
                  std::fill_n(dst, in_per_image, T(0));
                  const int64_t base = include_batch ? n * in_per_image : 0;
                  // The pooled cells' channel, counted rather than divided.
                  int64_t c = 0;
                  for (int64_t i = n * per_image; i < (n + 1) * per_image;
                       ++i, c = c + 1 == channels ? 0 : c + 1) {
                    const int64_t at = static_cast<int64_t>(argmax[i]) - base;
                    if (at < 0 || at >= in_per_image) {
                      bad.store(i);
                      return;
                    }
                    if (keep != nullptr && !(keep[i] > T(0))) continue;
                    dst[at] += grad[i];
                    if (image_bias != nullptr) {
                      image_bias[n * channels + c] += grad[i];
                    }
                  }
                }
              });
  const int64_t i = bad.load();
  if (i < 0) return absl::OkStatus();
  return ctx.InvalidArgument(
      absl::StrCat("argmax[", i, "] = ", static_cast<int64_t>(argmax[i]),
                   " is outside its image's ", in_per_image, " input cells",
                   include_batch ? " (include_batch_in_index)" : ""));
}

// input, grad, argmax[, orig_output]: with orig_output (the fused form),
// only windows whose maximum is positive pass their gradient, which is
// ReluGrad's mask when the pooled input is a Relu's output.
absl::Status RunGradWithArgmax(KernelContext& ctx, bool relu_mask) {
  bool emit_bias = false;
  if (relu_mask) RETURN_IF_ERROR(ctx.GetAttr("emit_bias_grad", &emit_bias));
  const Tensor& in = ctx.input(0);
  const Tensor& grad = ctx.input(1);
  const Tensor& argmax = ctx.input(2);
  ASSIGN_OR_RETURN(PoolGeometry g, GeometryFromAttrs(ctx, in.shape()));
  RETURN_IF_ERROR(CheckGradShape(ctx, g, grad, "grad"));
  RETURN_IF_ERROR(CheckGradShape(ctx, g, argmax, "argmax"));
  if (relu_mask)
    RETURN_IF_ERROR(CheckGradShape(ctx, g, ctx.input(3), "orig_output"));
  bool include_batch = false;
  RETURN_IF_ERROR(ctx.GetAttr("include_batch_in_index", &include_batch));
  return DispatchType<NumericTypes>(
      in.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in.shape()));
        Tensor* bias = nullptr;
        if (relu_mask) {
          ASSIGN_OR_RETURN(bias, ctx.AllocateOutput(
                                     1, TensorShape{emit_bias ? g.depth : 0}));
          bias->FillZero();
        }
        if (grad.num_elements() == 0) {
          out->FillZero();
          return absl::OkStatus();
        }
        const T* keep = relu_mask ? ctx.input(3).data<T>() : nullptr;
        // Per-image sums, added in image order: the same bits for any
        // thread count.
        std::vector<T> image_bias(emit_bias ? g.batch * g.depth : 0, T(0));
        RETURN_IF_ERROR(DispatchType<IndexTypes>(
            argmax.dtype(), [&]<typename I>() -> absl::Status {
              return ScatterAtArgmax<T, I>(
                  ctx, g, include_batch, argmax.data<I>(), grad.data<T>(), keep,
                  out->data<T>(), emit_bias ? image_bias.data() : nullptr);
            }));
        for (int64_t n = 0; n < (emit_bias ? g.batch : 0); ++n) {
          for (int64_t c = 0; c < g.depth; ++c) {
            bias->data<T>()[c] += image_bias[n * g.depth + c];
          }
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

absl::Status MaxPoolGradWithArgmaxKernel(KernelContext& ctx) {
  return RunGradWithArgmax(ctx, /*relu_mask=*/false);
}

absl::Status FusedMaxPoolGradReluGradKernel(KernelContext& ctx) {
  return RunGradWithArgmax(ctx, /*relu_mask=*/true);
}

}  // namespace

absl::Status RegisterPoolingArgmaxKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("MaxPoolWithArgmax", MaxPoolWithArgmaxKernel));
  RETURN_IF_ERROR(
      r.Register("MaxPoolGradWithArgmax", MaxPoolGradWithArgmaxKernel));
  return r.Register("_FusedMaxPoolGradReluGrad",
                    FusedMaxPoolGradReluGradKernel);
}

}  // namespace graphflow
