// Kernels of ops/nn_ops.cc: activations, their gradients, L2Loss, and
// Softmax, LogSoftmax and the two softmax cross-entropy losses.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/cwise_util.h"

namespace graphflow {
namespace {

// backprops = f(gradients, second) element-wise; both inputs of one shape.
template <typename T, typename F>
absl::Status GradMap(KernelContext& ctx, double cost, const F& f) {
  const Tensor& g = ctx.input(0);
  const Tensor& x = ctx.input(1);
  if (g.shape() != x.shape()) {
    return ctx.InvalidArgument(
        absl::StrCat("gradients and ", ctx.node().op_def().inputs[1].name,
                     " must have the same shape, got ", g.shape().DebugString(),
                     " and ", x.shape().DebugString()));
  }
  return BinaryMap<T>(ctx, cost, f);
}

// SELU's constants (Klambauer et al.), as TF uses them.
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSeluScaleAlpha = 1.7580993408473768599402175208123;

absl::Status ReluKernel(KernelContext& ctx) {
  return DispatchType<NumericTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return UnaryMap<T>(ctx, 1, [](const auto& x) { return x.max(T(0)); });
      },
      ctx.UnsupportedDtype());
}

absl::Status Relu6Kernel(KernelContext& ctx) {
  return DispatchType<NumericTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return UnaryMap<T>(ctx, 2,
                           [](const auto& x) { return x.max(T(0)).min(T(6)); });
      },
      ctx.UnsupportedDtype());
}

absl::Status EluKernel(KernelContext& ctx) {
  return DispatchType<FloatTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return UnaryMap<T>(ctx, 20, [](const auto& x) {
          return (x < T(0)).select(x.exp() - T(1), x);
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status SeluKernel(KernelContext& ctx) {
  return DispatchType<FloatTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return UnaryMap<T>(ctx, 20, [](const auto& x) {
          return (x < T(0)).select(T(kSeluScaleAlpha) * (x.exp() - T(1)),
                                   T(kSeluScale) * x);
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status LeakyReluKernel(KernelContext& ctx) {
  float alpha_attr = 0.2f;
  RETURN_IF_ERROR(ctx.GetAttr("alpha", &alpha_attr));
  return DispatchType<FloatTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        T alpha = static_cast<T>(alpha_attr);
        return UnaryMap<T>(ctx, 2, [alpha](const auto& x) {
          return (x > T(0)).select(x, x * alpha);
        });
      },
      ctx.UnsupportedDtype());
}

// TF's softplus: x where exp(x) could overflow but log1p(exp(x)) == x to
// machine precision, exp(x) where log1p(exp(x)) == exp(x), else log1p(exp(x)).
absl::Status SoftplusKernel(KernelContext& ctx) {
  return DispatchType<FloatTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        const T threshold = std::log(std::numeric_limits<T>::epsilon()) + T(2);
        return UnaryMap<T>(ctx, 20, [threshold](const auto& x) {
          return (x > -threshold)
              .select(x, (x < threshold).select(x.exp(), x.exp().log1p()));
        });
      },
      ctx.UnsupportedDtype());
}

// ReluGrad and Relu6Grad multiply by the 0/1 mask like TF 1.15, so a NaN
// gradient stays NaN even where the unit is off.
absl::Status ReluGradKernel(KernelContext& ctx) {
  return DispatchType<NumericTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return GradMap<T>(ctx, 2, [](const auto& g, const auto& x) {
          return g * (x > T(0)).template cast<T>();
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status Relu6GradKernel(KernelContext& ctx) {
  return DispatchType<NumericTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return GradMap<T>(ctx, 3, [](const auto& g, const auto& x) {
          return g * ((x > T(0)) && (x < T(6))).template cast<T>();
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status EluGradKernel(KernelContext& ctx) {
  return DispatchType<FloatTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return GradMap<T>(ctx, 3, [](const auto& g, const auto& y) {
          return (y < T(0)).select((y + T(1)) * g, g);
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status SeluGradKernel(KernelContext& ctx) {
  return DispatchType<FloatTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return GradMap<T>(ctx, 3, [](const auto& g, const auto& y) {
          return (y < T(0)).select(g * (y + T(kSeluScaleAlpha)),
                                   g * T(kSeluScale));
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status SoftplusGradKernel(KernelContext& ctx) {
  return DispatchType<FloatTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        return GradMap<T>(ctx, 20, [](const auto& g, const auto& x) {
          return g / ((-x).exp() + T(1));
        });
      },
      ctx.UnsupportedDtype());
}

absl::Status LeakyReluGradKernel(KernelContext& ctx) {
  float alpha_attr = 0.2f;
  RETURN_IF_ERROR(ctx.GetAttr("alpha", &alpha_attr));
  return DispatchType<FloatTypes>(
      ctx.input(0).dtype(),
      [&]<typename T>() {
        T alpha = static_cast<T>(alpha_attr);
        return GradMap<T>(ctx, 2, [alpha](const auto& g, const auto& x) {
          return (x > T(0)).select(g, g * alpha);
        });
      },
      ctx.UnsupportedDtype());
}

// sum(t^2) / 2, summed in double per block so large float tensors keep
// their precision; blocks run in parallel.
absl::Status L2LossKernel(KernelContext& ctx) {
  const Tensor& t = ctx.input(0);
  return DispatchType<FloatTypes>(
      t.dtype(),
      [&]<typename T>() -> absl::Status {
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
      },
      ctx.UnsupportedDtype());
}

// ---- Softmax, LogSoftmax and the two softmax cross-entropy losses. Every
// row is shifted by its maximum first (so logits of +-1000 stay finite) and
// rows run in parallel. ----

// Rough cycles per class of one row (exp, log, a few passes).
constexpr double kCostPerClass = 30;

// e = exp(shifted) with denormal results flushed to zero: TF runs with
// flush-to-zero, and Eigen's vectorized exp returns a denormal (not 0) far
// below the double range, so exp(-2000) must still give exactly 0.
template <typename T>
void ExpFlushed(const ConstArrayMap<T>& shifted, ArrayMap<T>& e) {
  e = shifted.exp();
  e = (e < std::numeric_limits<T>::min()).select(T(0), e);
}

template <bool kLog>
absl::Status SoftmaxKernel(KernelContext& ctx) {
  const Tensor& logits = ctx.input(0);
  if (logits.rank() < 1) {
    return ctx.InvalidArgument(absl::StrCat("logits must have rank >= 1, got ",
                                            logits.shape().DebugString()));
  }
  return DispatchType<FloatTypes>(
      logits.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, logits.shape()));
        const int64_t cols = logits.dim(logits.rank() - 1);
        if (cols == 0 || logits.num_elements() == 0) return absl::OkStatus();
        const int64_t rows = logits.num_elements() / cols;
        const T* px = logits.data<T>();
        T* py = out->data<T>();
        ParallelFor(ctx.device(), rows, kCostPerClass * cols,
                    [&](int64_t begin, int64_t end) {
                      for (int64_t r = begin; r < end; ++r) {
                        ConstArrayMap<T> x(px + r * cols, cols);
                        ArrayMap<T> y(py + r * cols, cols);
                        y = x - x.maxCoeff();
                        if constexpr (kLog) {
                          y -= std::log(y.exp().sum());
                        } else {
                          ConstArrayMap<T> shifted(y.data(), cols);
                          ExpFlushed<T>(shifted, y);
                          y /= y.sum();
                        }
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

// Loss and backprop of one row: logits x, labels l (both of `cols`), into
// back (shifted logits, then softmax - labels); e is scratch.
template <typename T>
T XentRow(const T* x, const T* l, T* back, T* e, int64_t cols) {
  ConstArrayMap<T> logits(x, cols), labels(l, cols);
  ArrayMap<T> b(back, cols), ex(e, cols);
  b = logits - logits.maxCoeff();
  ExpFlushed<T>(ConstArrayMap<T>(back, cols), ex);
  T sum = ex.sum();
  T loss = (labels * (std::log(sum) - b)).sum();
  b = ex / sum - labels;
  return loss;
}

// A rank <= 2 operand of the dense loss viewed as [rows, cols] (leading 1s).
struct Matrix2 {
  int64_t rows = 1, cols = 1;
};

absl::StatusOr<Matrix2> AsMatrix(const KernelContext& ctx, const Tensor& t,
                                 absl::string_view what) {
  if (t.rank() > 2) {
    return ctx.InvalidArgument(absl::StrCat(
        what, " must be 2-D [batch, classes], got ", t.shape().DebugString()));
  }
  Matrix2 m;
  if (t.rank() >= 1) m.cols = t.dim(t.rank() - 1);
  if (t.rank() == 2) m.rows = t.dim(0);
  return m;
}

absl::Status XentKernel(KernelContext& ctx) {
  const Tensor& features = ctx.input(0);
  const Tensor& labels = ctx.input(1);
  if (features.shape() == labels.shape() && features.rank() != 2) {
    return ctx.InvalidArgument(
        absl::StrCat("features and labels must be 2-D [batch, classes], got ",
                     features.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(Matrix2 f, AsMatrix(ctx, features, "features"));
  ASSIGN_OR_RETURN(Matrix2 l, AsMatrix(ctx, labels, "labels"));
  auto broadcast = [](int64_t a, int64_t b) -> int64_t {
    return a == b || b == 1 ? a : a == 1 ? b : -1;
  };
  const int64_t rows = broadcast(f.rows, l.rows);
  const int64_t cols = broadcast(f.cols, l.cols);
  if (rows < 0 || cols < 0 || std::max(features.rank(), labels.rank()) != 2) {
    return ctx.InvalidArgument(absl::StrCat(
        "features ", features.shape().DebugString(), " and labels ",
        labels.shape().DebugString(),
        " must be equal or broadcast to one 2-D shape [batch, classes]"));
  }
  return DispatchType<FloatTypes>(
      features.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * loss, ctx.AllocateOutput(0, {rows}));
        ASSIGN_OR_RETURN(Tensor * back, ctx.AllocateOutput(1, {rows, cols}));
        if (rows == 0) return absl::OkStatus();
        if (cols == 0) {  // No classes: nothing to lose.
          std::fill_n(loss->data<T>(), rows, T(0));
          return absl::OkStatus();
        }
        const T* pf = features.data<T>();
        const T* pl = labels.data<T>();
        T* ploss = loss->data<T>();
        T* pback = back->data<T>();
        ParallelFor(ctx.device(), rows, kCostPerClass * cols,
                    [&](int64_t begin, int64_t end) {
                      // Scratch rows: exp, and operands broadcast along
                      // classes.
                      std::vector<T> e(cols), fx(cols), lx(cols);
                      for (int64_t r = begin; r < end; ++r) {
                        const T* x = pf + (f.rows == 1 ? 0 : r) * f.cols;
                        const T* y = pl + (l.rows == 1 ? 0 : r) * l.cols;
                        if (f.cols != cols) {
                          std::fill(fx.begin(), fx.end(), x[0]);
                          x = fx.data();
                        }
                        if (l.cols != cols) {
                          std::fill(lx.begin(), lx.end(), y[0]);
                          y = lx.data();
                        }
                        ploss[r] =
                            XentRow(x, y, pback + r * cols, e.data(), cols);
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

absl::Status SparseXentKernel(KernelContext& ctx) {
  const Tensor& features = ctx.input(0);
  const Tensor& labels = ctx.input(1);
  if (features.rank() != 2) {
    return ctx.InvalidArgument(
        absl::StrCat("features must be 2-D [batch, classes], got ",
                     features.shape().DebugString()));
  }
  if (labels.rank() != 1 || labels.dim(0) != features.dim(0)) {
    return ctx.InvalidArgument(
        absl::StrCat("labels must be 1-D [batch] matching features ",
                     features.shape().DebugString(), ", got ",
                     labels.shape().DebugString()));
  }
  const int64_t rows = features.dim(0), cols = features.dim(1);
  if (rows > 0 && cols == 0) {
    return ctx.InvalidArgument(
        absl::StrCat("must have at least one class, got features ",
                     features.shape().DebugString()));
  }
  return DispatchType<FloatTypes>(
      features.dtype(),
      [&]<typename T>() -> absl::Status {
        auto run = [&]<typename L>() -> absl::Status {
          const L* label = labels.data<L>();
          for (int64_t r = 0; r < rows; ++r) {
            if (label[r] < 0 || label[r] >= cols) {
              return ctx.InvalidArgument(absl::StrCat(
                  "received a label value of ", label[r], " at row ", r,
                  " which is outside the valid range of [0, ", cols, ")"));
            }
          }
          ASSIGN_OR_RETURN(Tensor * loss, ctx.AllocateOutput(0, {rows}));
          ASSIGN_OR_RETURN(Tensor * back, ctx.AllocateOutput(1, {rows, cols}));
          const T* pf = features.data<T>();
          T* ploss = loss->data<T>();
          T* pback = back->data<T>();
          ParallelFor(ctx.device(), rows, kCostPerClass * cols,
                      [&](int64_t begin, int64_t end) {
                        std::vector<T> e(cols);
                        ArrayMap<T> ex(e.data(), cols);
                        for (int64_t r = begin; r < end; ++r) {
                          ConstArrayMap<T> x(pf + r * cols, cols);
                          ArrayMap<T> b(pback + r * cols, cols);
                          b = x - x.maxCoeff();
                          ExpFlushed<T>(ConstArrayMap<T>(b.data(), cols), ex);
                          T sum = ex.sum();
                          int64_t k = static_cast<int64_t>(label[r]);
                          ploss[r] = std::log(sum) - b[k];
                          b = ex / sum;
                          b[k] -= T(1);
                        }
                      });
          return absl::OkStatus();
        };
        return DispatchType<TypeList<int32_t, int64_t>>(labels.dtype(), run,
                                                        ctx.UnsupportedDtype());
      },
      ctx.UnsupportedDtype());
}

}  // namespace

// Row by row: the k largest, larger first, equal values by lower index (NaN
// counts as the largest, so the order stays strict).
absl::Status TopKV2Kernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& k_in = ctx.input(1);
  if (k_in.rank() != 0) {
    return ctx.InvalidArgument(absl::StrCat("k must be scalar, got shape ",
                                            k_in.shape().DebugString()));
  }
  const int64_t k = *k_in.data<int32_t>();
  if (k < 0) return ctx.InvalidArgument(absl::StrCat("Need k >= 0, got ", k));
  if (in.rank() < 1) {
    return ctx.InvalidArgument(absl::StrCat("input must be >= 1-D, got shape ",
                                            in.shape().DebugString()));
  }
  const int64_t cols = in.dim(in.rank() - 1);
  if (cols < k) {
    return ctx.InvalidArgument(absl::StrCat(
        "input must have at least k columns. Had ", cols, ", needed ", k));
  }
  TensorShape out_shape = in.shape();
  out_shape.set_dim(in.rank() - 1, k);
  ASSIGN_OR_RETURN(Tensor * values, ctx.AllocateOutput(0, out_shape));
  ASSIGN_OR_RETURN(Tensor * indices, ctx.AllocateOutput(1, out_shape));
  const int64_t rows = cols == 0 ? 0 : in.num_elements() / cols;
  return DispatchType<NumericTypes>(
      in.dtype(),
      [&]<typename T>() {
        ParallelFor(ctx.device(), rows, cols * 4 + 10,
                    [&](int64_t begin, int64_t end) {
                      std::vector<int32_t> order(cols);
                      for (int64_t r = begin; r < end; ++r) {
                        const T* x = in.data<T>() + r * cols;
                        auto before = [x](int32_t a, int32_t b) {
                          const bool nan_a = x[a] != x[a], nan_b = x[b] != x[b];
                          if (nan_a != nan_b) return nan_a;
                          if (!nan_a && x[a] != x[b]) return x[a] > x[b];
                          return a < b;
                        };
                        std::iota(order.begin(), order.end(), 0);
                        std::partial_sort(order.begin(), order.begin() + k,
                                          order.end(), before);
                        for (int64_t j = 0; j < k; ++j) {
                          values->data<T>()[r * k + j] = x[order[j]];
                          indices->data<int32_t>()[r * k + j] = order[j];
                        }
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

// TF's InTopK: target b is in when fewer than k predictions of its row are
// strictly larger (ties count as in); a non-finite value in the row (or as
// the target's prediction) gives false.
absl::Status InTopKV2Kernel(KernelContext& ctx) {
  const Tensor& pred = ctx.input(0);
  const Tensor& targets = ctx.input(1);
  const Tensor& k_in = ctx.input(2);
  if (k_in.num_elements() != 1) {
    return ctx.InvalidArgument(
        absl::StrCat("k must be 0-D, got shape ", k_in.shape().DebugString()));
  }
  if (pred.rank() != 2) {
    return ctx.InvalidArgument("predictions must be 2-dimensional");
  }
  if (targets.rank() != 1) {
    return ctx.InvalidArgument("targets must be 1-dimensional");
  }
  if (pred.dim(0) != targets.dim(0)) {
    return ctx.InvalidArgument(
        absl::StrCat("First dimension of predictions ", pred.dim(0),
                     " must match length of targets ", targets.dim(0)));
  }
  auto at = [](const Tensor& t, int64_t i) -> int64_t {
    return t.dtype() == DT_INT32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
  };
  const int64_t k = at(k_in, 0), classes = pred.dim(1);
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, {pred.dim(0)}));
  for (int64_t b = 0; b < pred.dim(0); ++b) {
    const int64_t target = at(targets, b);
    if (target < 0 || target >= classes) {
      return ctx.InvalidArgument(
          absl::StrCat("targets[", b, "] is out of range"));
    }
    const float* row = pred.data<float>() + b * classes;
    bool cannot_say = !std::isfinite(row[target]);
    int64_t larger = 0;
    for (int64_t i = 0; i < classes && !cannot_say; ++i) {
      if (!std::isfinite(row[i])) cannot_say = true;
      larger += row[i] > row[target];
    }
    out->data<bool>()[b] = !cannot_say && larger < k;
  }
  return absl::OkStatus();
}

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
  RETURN_IF_ERROR(r.Register("Softplus", SoftplusKernel));
  RETURN_IF_ERROR(r.Register("SoftplusGrad", SoftplusGradKernel));
  RETURN_IF_ERROR(r.Register("L2Loss", L2LossKernel));
  RETURN_IF_ERROR(r.Register("TopKV2", TopKV2Kernel));
  RETURN_IF_ERROR(r.Register("InTopKV2", InTopKV2Kernel));
  RETURN_IF_ERROR(r.Register("Softmax", SoftmaxKernel<false>));
  RETURN_IF_ERROR(r.Register("LogSoftmax", SoftmaxKernel<true>));
  RETURN_IF_ERROR(r.Register("SoftmaxCrossEntropyWithLogits", XentKernel));
  return r.Register("SparseSoftmaxCrossEntropyWithLogits", SparseXentKernel);
}

}  // namespace graphflow
