// Kernels of ops/nn_ops.cc: activations, their gradients and L2Loss. Softmax
// and the cross-entropy losses are in softmax_kernels.cc, pooling in
// pooling_kernels.cc.
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "kernels/nn_kernels_internal.h"

namespace graphflow {
namespace {

using nn_internal::DispatchFloat;
using nn_internal::DispatchReal;

template <typename T>
using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

// y = f(x) elementwise, sharded over the device; f maps an Eigen array to an
// array expression. cost is cycles per element.
template <typename T, typename F>
absl::Status UnaryMap(KernelContext& ctx, double cost, F f) {
  const Tensor& x = ctx.input(0);
  ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x.shape()));
  const T* px = x.data<T>();
  T* py = y->data<T>();
  ParallelFor(ctx.device(), x.num_elements(), cost,
              [&](int64_t begin, int64_t end) {
                ConstArrayMap<T> in(px + begin, end - begin);
                ArrayMap<T>(py + begin, end - begin) = f(in);
              });
  return absl::OkStatus();
}

// backprops = f(gradients, second) elementwise; both inputs of one shape.
template <typename T, typename F>
absl::Status BinaryMap(KernelContext& ctx, double cost, F f) {
  const Tensor& g = ctx.input(0);
  const Tensor& x = ctx.input(1);
  if (g.shape() != x.shape()) {
    return ctx.InvalidArgument(
        absl::StrCat("gradients and ", ctx.node().op_def().inputs[1].name,
                     " must have the same shape, got ", g.shape().DebugString(),
                     " and ", x.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, g.shape()));
  const T* pg = g.data<T>();
  const T* px = x.data<T>();
  T* py = y->data<T>();
  ParallelFor(ctx.device(), g.num_elements(), cost,
              [&](int64_t begin, int64_t end) {
                ConstArrayMap<T> grad(pg + begin, end - begin);
                ConstArrayMap<T> in(px + begin, end - begin);
                ArrayMap<T>(py + begin, end - begin) = f(grad, in);
              });
  return absl::OkStatus();
}

// SELU's constants (Klambauer et al.), as TF uses them.
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSeluScaleAlpha = 1.7580993408473768599402175208123;

absl::Status ReluKernel(KernelContext& ctx) {
  return DispatchReal(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    return UnaryMap<T>(ctx, 1, [](const auto& x) { return x.max(T(0)); });
  });
}

absl::Status Relu6Kernel(KernelContext& ctx) {
  return DispatchReal(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    return UnaryMap<T>(ctx, 2,
                       [](const auto& x) { return x.max(T(0)).min(T(6)); });
  });
}

absl::Status EluKernel(KernelContext& ctx) {
  return DispatchFloat(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    return UnaryMap<T>(ctx, 20, [](const auto& x) {
      return (x < T(0)).select(x.exp() - T(1), x);
    });
  });
}

absl::Status SeluKernel(KernelContext& ctx) {
  return DispatchFloat(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    return UnaryMap<T>(ctx, 20, [](const auto& x) {
      return (x < T(0)).select(T(kSeluScaleAlpha) * (x.exp() - T(1)),
                               T(kSeluScale) * x);
    });
  });
}

absl::Status LeakyReluKernel(KernelContext& ctx) {
  float alpha_attr = 0.2f;
  RETURN_IF_ERROR(ctx.GetAttr("alpha", &alpha_attr));
  return DispatchFloat(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    T alpha = static_cast<T>(alpha_attr);
    return UnaryMap<T>(ctx, 2, [alpha](const auto& x) {
      return (x > T(0)).select(x, x * alpha);
    });
  });
}

// ReluGrad and Relu6Grad multiply by the 0/1 mask like TF 1.15, so a NaN
// gradient stays NaN even where the unit is off.
absl::Status ReluGradKernel(KernelContext& ctx) {
  return DispatchReal(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    return BinaryMap<T>(ctx, 2, [](const auto& g, const auto& x) {
      return g * (x > T(0)).template cast<T>();
    });
  });
}

absl::Status Relu6GradKernel(KernelContext& ctx) {
  return DispatchReal(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    return BinaryMap<T>(ctx, 3, [](const auto& g, const auto& x) {
      return g * ((x > T(0)) && (x < T(6))).template cast<T>();
    });
  });
}

absl::Status EluGradKernel(KernelContext& ctx) {
  return DispatchFloat(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    return BinaryMap<T>(ctx, 3, [](const auto& g, const auto& y) {
      return (y < T(0)).select((y + T(1)) * g, g);
    });
  });
}

absl::Status SeluGradKernel(KernelContext& ctx) {
  return DispatchFloat(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    return BinaryMap<T>(ctx, 3, [](const auto& g, const auto& y) {
      return (y < T(0)).select(g * (y + T(kSeluScaleAlpha)), g * T(kSeluScale));
    });
  });
}

absl::Status LeakyReluGradKernel(KernelContext& ctx) {
  float alpha_attr = 0.2f;
  RETURN_IF_ERROR(ctx.GetAttr("alpha", &alpha_attr));
  return DispatchFloat(ctx, ctx.input(0).dtype(), [&]<typename T>() {
    T alpha = static_cast<T>(alpha_attr);
    return BinaryMap<T>(ctx, 2, [alpha](const auto& g, const auto& x) {
      return (x > T(0)).select(g, g * alpha);
    });
  });
}

// sum(t^2) / 2, summed in double per block so large float tensors keep
// their precision; blocks run in parallel.
absl::Status L2LossKernel(KernelContext& ctx) {
  const Tensor& t = ctx.input(0);
  return DispatchFloat(ctx, t.dtype(), [&]<typename T>() -> absl::Status {
    ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape{}));
    const int64_t n = t.num_elements();
    constexpr int64_t kBlock = 1 << 14;
    const int64_t blocks = (n + kBlock - 1) / kBlock;
    std::vector<double> partial(blocks, 0.0);
    const T* p = t.data<T>();
    ParallelFor(ctx.device(), blocks, 2.0 * kBlock,
                [&](int64_t begin, int64_t end) {
                  for (int64_t b = begin; b < end; ++b) {
                    int64_t lo = b * kBlock, len = std::min(kBlock, n - lo);
                    partial[b] = ConstArrayMap<T>(p + lo, len)
                                     .template cast<double>()
                                     .square()
                                     .sum();
                  }
                });
    double sum = 0;
    for (double v : partial) sum += v;
    *out->data<T>() = static_cast<T>(sum / 2);
    return absl::OkStatus();
  });
}

}  // namespace

absl::Status RegisterNnKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("Relu", ReluKernel));
  RETURN_IF_ERROR(r.Register("Relu6", Relu6Kernel));
  RETURN_IF_ERROR(r.Register("Elu", EluKernel));
  RETURN_IF_ERROR(r.Register("Selu", SeluKernel));
  RETURN_IF_ERROR(r.Register("LeakyRelu", LeakyReluKernel));
  RETURN_IF_ERROR(r.Register("ReluGrad", ReluGradKernel));
  RETURN_IF_ERROR(r.Register("Relu6Grad", Relu6GradKernel));
  RETURN_IF_ERROR(r.Register("EluGrad", EluGradKernel));
  RETURN_IF_ERROR(r.Register("SeluGrad", SeluGradKernel));
  RETURN_IF_ERROR(r.Register("LeakyReluGrad", LeakyReluGradKernel));
  RETURN_IF_ERROR(r.Register("L2Loss", L2LossKernel));
  RETURN_IF_ERROR(nn_internal::RegisterSoftmaxKernels(r));
  return nn_internal::RegisterPoolingKernels(r);
}

}  // namespace graphflow
