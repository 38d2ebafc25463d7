// Broadcasting binary kernels of ops/math_ops.cc: arithmetic, comparisons
// and logic, all through the engine in kernels/broadcast.h.
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/broadcast.h"
#include "kernels/cwise_ops.h"

namespace graphflow {
namespace {

using cwise::BoolTypes;
using cwise::FloatIntTypes;
using cwise::FloatTypes;
using cwise::NumericTypes;

using EqualityTypes = cwise::TypeList<float, double, int32_t, int64_t, uint8_t,
                                      int8_t, int16_t, uint16_t, bool>;

template <typename T, typename Op>
absl::Status BinaryCompute(KernelContext& ctx, double cost) {
  using Out = std::invoke_result_t<Op, T, T>;
  const Tensor& x = ctx.input(0);
  const Tensor& y = ctx.input(1);
  const BroadcastPlan plan = MakeBroadcastPlan(x.shape(), y.shape());
  if (!plan.valid) {
    // Equal/NotEqual with incompatible_shape_error=false answer with one
    // scalar: the inputs are not equal.
    const bool* strict = ctx.node().FindAttr<bool>("incompatible_shape_error");
    if (strict && !*strict) {
      ASSIGN_OR_RETURN(Tensor * z, ctx.AllocateOutput(0, TensorShape{}));
      *z->data<bool>() = ctx.node().op() == "NotEqual";
      return absl::OkStatus();
    }
    return ctx.InvalidArgument(IncompatibleShapesMessage(x.shape(), y.shape()));
  }
  ASSIGN_OR_RETURN(Tensor * z, ctx.AllocateOutput(0, plan.output));
  if (plan.num_elements == 0) return absl::OkStatus();
  const T* yv = y.data<T>();
  if constexpr (requires { Op::BadRhs(T{}); }) {
    bool bad = false;  // No early exit, so the scan vectorizes.
    for (int64_t i = 0; i < y.num_elements(); ++i) bad |= Op::BadRhs(yv[i]);
    if (bad) return ctx.InvalidArgument(Op::kRhsError);
  }
  BinaryBroadcast(ctx.device(), plan, x.data<T>(), yv, z->data<Out>(), Op(),
                  cost);
  return absl::OkStatus();
}

template <template <typename> class Op, typename Types>
KernelFn BinaryKernel(double cost = 1.0) {
  return [cost](KernelContext& ctx) -> absl::Status {
    return cwise::Dispatch<Types>(ctx, ctx.input(0).dtype(), [&]<typename T>() {
      return BinaryCompute<T, Op<T>>(ctx, cost);
    });
  };
}

}  // namespace

absl::Status RegisterCwiseBinaryKernels(KernelRegistry& r) {
  using namespace cwise;  // NOLINT: the functor names match the op names.
  RETURN_IF_ERROR(r.Register("Add", BinaryKernel<Add, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("AddV2", BinaryKernel<Add, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("Sub", BinaryKernel<Sub, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("Mul", BinaryKernel<Mul, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("Div", BinaryKernel<Div, NumericTypes>(4)));
  RETURN_IF_ERROR(r.Register("RealDiv", BinaryKernel<Div, FloatTypes>(4)));
  RETURN_IF_ERROR(
      r.Register("FloorDiv", BinaryKernel<FloorDiv, NumericTypes>(8)));
  RETURN_IF_ERROR(
      r.Register("FloorMod", BinaryKernel<FloorMod, FloatIntTypes>(20)));
  RETURN_IF_ERROR(
      r.Register("Maximum", BinaryKernel<Maximum, FloatIntTypes>()));
  RETURN_IF_ERROR(
      r.Register("Minimum", BinaryKernel<Minimum, FloatIntTypes>()));
  RETURN_IF_ERROR(r.Register("Pow", BinaryKernel<Pow, FloatIntTypes>(30)));
  RETURN_IF_ERROR(r.Register("SquaredDifference",
                             BinaryKernel<SquaredDifference, FloatIntTypes>()));
  RETURN_IF_ERROR(r.Register("Equal", BinaryKernel<Equal, EqualityTypes>()));
  RETURN_IF_ERROR(
      r.Register("NotEqual", BinaryKernel<NotEqual, EqualityTypes>()));
  RETURN_IF_ERROR(r.Register("Greater", BinaryKernel<Greater, NumericTypes>()));
  RETURN_IF_ERROR(
      r.Register("GreaterEqual", BinaryKernel<GreaterEqual, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("Less", BinaryKernel<Less, NumericTypes>()));
  RETURN_IF_ERROR(
      r.Register("LessEqual", BinaryKernel<LessEqual, NumericTypes>()));
  RETURN_IF_ERROR(
      r.Register("LogicalAnd", BinaryKernel<LogicalAnd, BoolTypes>()));
  RETURN_IF_ERROR(
      r.Register("LogicalOr", BinaryKernel<LogicalOr, BoolTypes>()));
  return absl::OkStatus();
}

}  // namespace graphflow
