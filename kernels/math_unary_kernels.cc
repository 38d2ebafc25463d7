// Kernels of ops/math_unary_ops.cc: the unary ops and the same-shape
// gradient helpers (SigmoidGrad, ...). Each shard is an Eigen array expression,
// so exp, log, tanh, sigmoid and friends run on Eigen's vectorized
// implementations.
#include <cmath>

#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/cwise_util.h"

namespace graphflow {
namespace {

using cwise::FloatIntTypes;

template <typename Types, typename F>
KernelFn UnaryKernel(F f, double cost = 1.0) {
  return [f, cost](KernelContext& ctx) -> absl::Status {
    return DispatchType<Types>(
        ctx.input(0).dtype(),
        [&]<typename T>() { return UnaryMap<T>(ctx, cost, f); },
        ctx.UnsupportedDtype());
  };
}

// Reciprocal: integers divide 1 by x, so zero is rejected first.
absl::Status ReciprocalKernel(KernelContext& ctx) {
  return DispatchType<FloatIntTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() -> absl::Status {
        if constexpr (std::is_integral_v<T>) {
          bool zero = false;
          for (T v : ctx.input(0).flat<T>()) zero |= v == 0;
          if (zero) return ctx.InvalidArgument(cwise::kDivByZero);
        }
        return UnaryMap<T>(ctx, 4, [](const auto& a) { return a.inverse(); });
      },
      ctx.UnsupportedDtype());
}

// IsFinite, IsNan, IsInf: a float test per element, bool out.
template <typename Test>
KernelFn ClassifyKernel(Test test) {
  return [test](KernelContext& ctx) -> absl::Status {
    const Tensor& x = ctx.input(0);
    return DispatchType<FloatTypes>(
        x.dtype(),
        [&]<typename T>() -> absl::Status {
          ASSIGN_OR_RETURN(Tensor * y,
                           ctx.AllocateOutput(0, DT_BOOL, x.shape()));
          const T* px = x.data<T>();
          bool* py = y->data<bool>();
          ParallelFor(ctx.device(), x.num_elements(), 1.0,
                      [&](int64_t begin, int64_t end) {
                        for (int64_t i = begin; i < end; ++i) {
                          py[i] = test(px[i]);
                        }
                      });
          return absl::OkStatus();
        },
        ctx.UnsupportedDtype());
  };
}

// z = f(y, dy) for inputs of the same size (TF's SimpleBinaryOp).
template <typename F>
KernelFn UnaryGradKernel(F f, double cost = 2.0) {
  return [f, cost](KernelContext& ctx) -> absl::Status {
    const Tensor& y = ctx.input(0);
    const Tensor& dy = ctx.input(1);
    if (y.num_elements() != dy.num_elements()) {
      return ctx.InvalidArgument(absl::StrCat(
          "The two arguments to a cwise op must have same number of elements, "
          "got ",
          y.num_elements(), " and ", dy.num_elements(), " (shapes ",
          y.shape().DebugString(), " and ", dy.shape().DebugString(), ")"));
    }
    return DispatchType<FloatTypes>(
        y.dtype(), [&]<typename T>() { return BinaryMap<T>(ctx, cost, f); },
        ctx.UnsupportedDtype());
  };
}

}  // namespace

absl::Status RegisterMathUnaryKernels(KernelRegistry& r) {
  using AbsTypes = TypeList<float, double, int8_t, int16_t, int32_t, int64_t>;
  RETURN_IF_ERROR(r.Register(
      "Neg", UnaryKernel<FloatIntTypes>([](const auto& a) { return -a; })));
  RETURN_IF_ERROR(r.Register(
      "Square",
      UnaryKernel<FloatIntTypes>([](const auto& a) { return a.square(); })));
  RETURN_IF_ERROR(r.Register(
      "Sqrt",
      UnaryKernel<FloatTypes>([](const auto& a) { return a.sqrt(); }, 4)));
  RETURN_IF_ERROR(r.Register(
      "Rsqrt",
      UnaryKernel<FloatTypes>([](const auto& a) { return a.rsqrt(); }, 5)));
  RETURN_IF_ERROR(r.Register(
      "Exp",
      UnaryKernel<FloatTypes>([](const auto& a) { return a.exp(); }, 10)));
  RETURN_IF_ERROR(r.Register(
      "Log",
      UnaryKernel<FloatTypes>([](const auto& a) { return a.log(); }, 10)));
  RETURN_IF_ERROR(r.Register(
      "Abs", UnaryKernel<AbsTypes>([](const auto& a) { return a.abs(); })));
  RETURN_IF_ERROR(r.Register(
      "Sign",
      UnaryKernel<FloatIntTypes>([](const auto& a) { return a.sign(); })));
  RETURN_IF_ERROR(r.Register("Reciprocal", ReciprocalKernel));
  RETURN_IF_ERROR(r.Register("Inv", ReciprocalKernel));
  RETURN_IF_ERROR(r.Register(
      "Floor",
      UnaryKernel<FloatTypes>([](const auto& a) { return a.floor(); })));
  // Eigen's logistic saturates cleanly (no NaN or overflow for large |x|).
  RETURN_IF_ERROR(r.Register(
      "Sigmoid",
      UnaryKernel<FloatTypes>([](const auto& a) { return a.logistic(); }, 12)));
  RETURN_IF_ERROR(r.Register(
      "Tanh",
      UnaryKernel<FloatTypes>([](const auto& a) { return a.tanh(); }, 12)));
  RETURN_IF_ERROR(r.Register(
      "IsFinite", ClassifyKernel([](auto v) { return std::isfinite(v); })));
  RETURN_IF_ERROR(r.Register(
      "IsNan", ClassifyKernel([](auto v) { return std::isnan(v); })));
  RETURN_IF_ERROR(r.Register(
      "IsInf", ClassifyKernel([](auto v) { return std::isinf(v); })));

  RETURN_IF_ERROR(r.Register(
      "SigmoidGrad", UnaryGradKernel([](const auto& y, const auto& dy) {
        using T = typename std::decay_t<decltype(y)>::Scalar;
        return dy * y * (T(1) - y);
      })));
  RETURN_IF_ERROR(
      r.Register("TanhGrad", UnaryGradKernel([](const auto& y, const auto& dy) {
                   using T = typename std::decay_t<decltype(y)>::Scalar;
                   return dy * (T(1) - y.square());
                 })));
  RETURN_IF_ERROR(r.Register(
      "SqrtGrad", UnaryGradKernel(
                      [](const auto& y, const auto& dy) {
                        using T = typename std::decay_t<decltype(y)>::Scalar;
                        return (T(0.5) * dy) / y;
                      },
                      5)));
  RETURN_IF_ERROR(r.Register(
      "RsqrtGrad", UnaryGradKernel([](const auto& y, const auto& dy) {
        using T = typename std::decay_t<decltype(y)>::Scalar;
        return T(-0.5) * dy * y.cube();
      })));
  RETURN_IF_ERROR(r.Register("ReciprocalGrad",
                             UnaryGradKernel([](const auto& y, const auto& dy) {
                               return -dy * y.square();
                             })));
  return absl::OkStatus();
}

}  // namespace graphflow
