// Kernels of the internal fused ops (ops/fused_ops.cc) the graph optimizer
// puts in a plan: the Conv2D or MatMul kernel computes the product, then one
// pass over it adds the bias and applies the Relu, with the same float
// operations as the BiasAdd and Relu kernels, so results are bit-identical.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "kernels/fused_util.h"

namespace graphflow {

absl::StatusOr<Epilogue> ReadEpilogue(const KernelContext& ctx) {
  std::vector<std::string> fused_ops;
  RETURN_IF_ERROR(ctx.GetAttr("fused_ops", &fused_ops));
  Epilogue e;
  size_t i = 0;
  if (i < fused_ops.size() && fused_ops[i] == "BiasAdd") e.bias = true, ++i;
  if (i < fused_ops.size() && fused_ops[i] == "Relu") e.relu = true, ++i;
  if (i != fused_ops.size() || fused_ops.empty()) {
    return ctx.Error(
        absl::StatusCode::kUnimplemented,
        absl::StrCat("fused_ops must be [BiasAdd], [Relu] or [BiasAdd, Relu], "
                     "got [",
                     absl::StrJoin(fused_ops, ", "), "]"));
  }
  if (ctx.num_inputs() != 2 + (e.bias ? 1 : 0)) {
    return ctx.InvalidArgument(absl::StrCat("expected ", e.bias ? 1 : 0,
                                            " args for the fused ops, got ",
                                            ctx.num_inputs() - 2));
  }
  return e;
}

namespace {

// Runs `base_op`'s kernel on inputs 0 and 1, then the epilogue over the
// innermost dimension (NHWC channels, MatMul columns).
absl::Status RunFused(KernelContext& ctx, absl::string_view base_op) {
  ASSIGN_OR_RETURN(Epilogue e, ReadEpilogue(ctx));
  const std::string* data_format =
      ctx.node().FindAttr<std::string>("data_format");
  if (data_format != nullptr && *data_format != "NHWC") {
    return ctx.Error(absl::StatusCode::kUnimplemented,
                     absl::StrCat("only NHWC is fused, got data_format '",
                                  *data_format, "'"));
  }
  const KernelFn* base = GlobalKernelRegistry().Find(base_op);
  if (base == nullptr) {
    return ctx.Error(absl::StatusCode::kInternal,
                     absl::StrCat("no ", base_op, " kernel"));
  }
  RETURN_IF_ERROR((*base)(ctx));
  Tensor* y = ctx.mutable_output(0);
  const int64_t channels = y->rank() == 0 ? 1 : y->dim(y->rank() - 1);
  if (e.bias) {
    const Tensor& bias = ctx.input(2);
    if (bias.rank() != 1 || bias.dim(0) != channels) {
      return ctx.InvalidArgument(absl::StrCat(
          "bias must be 1-D with the size of the output's last dim ", channels,
          ", got ", bias.shape().DebugString()));
    }
  }
  if (y->num_elements() == 0) return absl::OkStatus();
  return DispatchType<FloatTypes>(
      y->dtype(),
      [&]<typename T>() {
        const T* bias = e.bias ? ctx.input(2).data<T>() : nullptr;
        ParallelFor(ctx.device(), y->num_elements() / channels, 2.0 * channels,
                    [&](int64_t r0, int64_t r1) {
                      ApplyEpilogue<T>(e, bias, channels,
                                       y->data<T>() + r0 * channels, r1 - r0);
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::Status RegisterFusedKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("_FusedConv2D", [](KernelContext& ctx) {
    return RunFused(ctx, "Conv2D");
  }));
  RETURN_IF_ERROR(r.Register("_FusedMatMul", [](KernelContext& ctx) {
    return RunFused(ctx, "MatMul");
  }));
  RETURN_IF_ERROR(RegisterFusedConvPoolKernels(r));
  RETURN_IF_ERROR(RegisterFusedAdamKernels(r));
  return RegisterFusedConvGradKernels(r);
}

}  // namespace graphflow
