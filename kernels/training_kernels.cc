// Kernels of ops/training_ops.cc (Apply* on ref variables, ResourceApply* on
// resource handles, sharing one implementation). Each update runs under the
// variables' locks (always taken in input order, so concurrent steps cannot
// deadlock) and in place unless a reader still holds the old buffer.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/adam_update.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "kernels/resource_variable.h"

namespace graphflow {
namespace {

// The variables of inputs 0..n-1, ref edges (Apply*) or resource handles
// (ResourceApply*): one implementation serves both.
absl::StatusOr<std::vector<StoredVariable*>> Vars(const KernelContext& ctx,
                                                  int n) {
  std::vector<StoredVariable*> vars;
  for (int i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(StoredVariable * v, VariableInput(ctx, i));
    vars.push_back(v);
  }
  return vars;
}

// Apply* forwards its variable as the "out" ref; ResourceApply* has no output.
absl::Status Done(KernelContext& ctx, StoredVariable* var) {
  if (ctx.num_outputs() > 0) ctx.SetRefOutput(0, var);
  return absl::OkStatus();
}

absl::Status CheckSameShape(const KernelContext& ctx, const Tensor& var,
                            const Tensor& other, absl::string_view what) {
  if (var.shape() != other.shape()) {
    ASSIGN_OR_RETURN(StoredVariable * v, VariableInput(ctx, 0));
    return ctx.InvalidArgument(absl::StrCat(
        what, " has shape ", other.shape().DebugString(), ", variable '",
        v->name(), "' has shape ", var.shape().DebugString()));
  }
  return absl::OkStatus();
}

absl::Status CheckScalar(const KernelContext& ctx, int i) {
  if (ctx.input(i).num_elements() != 1) {
    return ctx.InvalidArgument(
        absl::StrCat("input ", i, " must be a scalar, got shape ",
                     ctx.input(i).shape().DebugString()));
  }
  return absl::OkStatus();
}

// Runs fn(begin, end) over element ranges of a variable update.
void ForRanges(KernelContext& ctx, int64_t n,
               const std::function<void(int64_t, int64_t)>& fn) {
  ParallelFor(ctx.device(), n, 8, fn);
}

template <typename T>
absl::Status GradientDescent(KernelContext& ctx) {
  RETURN_IF_ERROR(CheckScalar(ctx, 1));
  const T alpha = ctx.input(1).data<T>()[0];
  const Tensor& delta = ctx.input(2);
  ASSIGN_OR_RETURN(std::vector<StoredVariable*> vars, Vars(ctx, 1));
  RETURN_IF_ERROR(vars[0]->Update([&](Tensor& var) -> absl::Status {
    RETURN_IF_ERROR(CheckSameShape(ctx, var, delta, "delta"));
    T* w = var.data<T>();
    const T* d = delta.data<T>();
    ForRanges(ctx, var.num_elements(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) w[i] -= alpha * d[i];
    });
    return absl::OkStatus();
  }));
  return Done(ctx, vars[0]);
}

template <typename T>
absl::Status Momentum(KernelContext& ctx) {
  RETURN_IF_ERROR(CheckScalar(ctx, 2));
  RETURN_IF_ERROR(CheckScalar(ctx, 4));
  const T lr = ctx.input(2).data<T>()[0];
  const T momentum = ctx.input(4).data<T>()[0];
  const Tensor& grad = ctx.input(3);
  bool nesterov = false;
  RETURN_IF_ERROR(ctx.GetAttr("use_nesterov", &nesterov));
  ASSIGN_OR_RETURN(std::vector<StoredVariable*> vars, Vars(ctx, 2));
  RETURN_IF_ERROR(vars[0]->Update([&](Tensor& var) {
    return vars[1]->Update([&](Tensor& accum) -> absl::Status {
      RETURN_IF_ERROR(CheckSameShape(ctx, var, accum, "accum"));
      RETURN_IF_ERROR(CheckSameShape(ctx, var, grad, "grad"));
      T* w = var.data<T>();
      T* a = accum.data<T>();
      const T* g = grad.data<T>();
      ForRanges(ctx, var.num_elements(), [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          a[i] = a[i] * momentum + g[i];
          w[i] -= nesterov ? g[i] * lr + a[i] * momentum * lr : lr * a[i];
        }
      });
      return absl::OkStatus();
    });
  }));
  return Done(ctx, vars[0]);
}

template <typename T>
absl::Status Adam(KernelContext& ctx) {
  const Tensor& grad = ctx.input(9);
  return RunAdam<T>(ctx, [&](const AdamCoefficients<T>& k, bool nesterov,
                             Tensor& var, Tensor& m, Tensor& v) {
    RETURN_IF_ERROR(CheckSameShape(ctx, var, grad, "grad"));
    T* wp = var.data<T>();
    T* mp = m.data<T>();
    T* vp = v.data<T>();
    const T* g = grad.data<T>();
    ForRanges(ctx, var.num_elements(), [&](int64_t b, int64_t e) {
      AdamRange(nesterov, k, wp + b, mp + b, vp + b, g + b, e - b);
    });
    return absl::OkStatus();
  });
}

// Dispatches a float/double kernel template on the node's T attr.
template <template <typename> class K>
KernelFn FloatKernel() {
  return [](KernelContext& ctx) -> absl::Status {
    DataType t;
    RETURN_IF_ERROR(ctx.GetAttr("T", &t));
    if (t == DT_FLOAT) return K<float>::Run(ctx);
    if (t == DT_DOUBLE) return K<double>::Run(ctx);
    return ctx.InvalidArgument(absl::StrCat(
        "only float and double are supported, got ", DataTypeString(t)));
  };
}

template <typename T>
struct GradientDescentKernel {
  static absl::Status Run(KernelContext& c) { return GradientDescent<T>(c); }
};
template <typename T>
struct MomentumKernel {
  static absl::Status Run(KernelContext& c) { return Momentum<T>(c); }
};
template <typename T>
struct AdamKernel {
  static absl::Status Run(KernelContext& c) { return Adam<T>(c); }
};

}  // namespace

template <typename T>
absl::Status RunAdam(KernelContext& ctx, AdamPass<T> pass) {
  for (int i = 3; i <= 8; ++i) RETURN_IF_ERROR(CheckScalar(ctx, i));
  auto scalar = [&](int i) { return ctx.input(i).data<T>()[0]; };
  const AdamCoefficients<T> k = MakeAdamCoefficients(
      scalar(3), scalar(4), scalar(5), scalar(6), scalar(7), scalar(8));
  bool nesterov = false;
  RETURN_IF_ERROR(ctx.GetAttr("use_nesterov", &nesterov));
  ASSIGN_OR_RETURN(std::vector<StoredVariable*> vars, Vars(ctx, 3));
  RETURN_IF_ERROR(vars[0]->Update([&](Tensor& var) {
    return vars[1]->Update([&](Tensor& m) {
      return vars[2]->Update([&](Tensor& v) -> absl::Status {
        RETURN_IF_ERROR(CheckSameShape(ctx, var, m, "m"));
        RETURN_IF_ERROR(CheckSameShape(ctx, var, v, "v"));
        return pass(k, nesterov, var, m, v);
      });
    });
  }));
  return Done(ctx, vars[0]);
}
template absl::Status RunAdam<float>(KernelContext&, AdamPass<float>);
template absl::Status RunAdam<double>(KernelContext&, AdamPass<double>);

absl::Status RegisterTrainingKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(
      r.Register("ApplyGradientDescent", FloatKernel<GradientDescentKernel>()));
  RETURN_IF_ERROR(r.Register("ApplyMomentum", FloatKernel<MomentumKernel>()));
  RETURN_IF_ERROR(r.Register("ApplyAdam", FloatKernel<AdamKernel>()));
  RETURN_IF_ERROR(r.Register("ResourceApplyGradientDescent",
                             FloatKernel<GradientDescentKernel>()));
  RETURN_IF_ERROR(
      r.Register("ResourceApplyMomentum", FloatKernel<MomentumKernel>()));
  RETURN_IF_ERROR(r.Register("ResourceApplyAdam", FloatKernel<AdamKernel>()));
  return absl::OkStatus();
}

}  // namespace graphflow
