// Kernels of ops/math_ops.cc: the broadcasting binary ops (arithmetic,
// comparisons, logic) through the engine in kernels/broadcast.h, and
// Select, Cast, AddN and BroadcastGradientArgs.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/broadcast.h"
#include "kernels/cwise_util.h"

namespace graphflow {
namespace {

using cwise::FloatIntTypes;

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
    return DispatchType<Types>(
        ctx.input(0).dtype(),
        [&]<typename T>() { return BinaryCompute<T, Op<T>>(ctx, cost); },
        ctx.UnsupportedDtype());
  };
}

// TF's div_no_nan: 0 where y == 0 (even for x NaN or Inf), else x / y.
template <typename T>
struct DivNoNan {
  T operator()(T a, T b) const { return b == T(0) ? T(0) : a / b; }
};

absl::Status LogicalNotKernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x.shape()));
  const bool* in = x.data<bool>();
  bool* out = y->data<bool>();
  ParallelFor(ctx.device(), x.num_elements(), 1,
              [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i) out[i] = !in[i];
              });
  return absl::OkStatus();
}

// TF 1.x Select: a scalar condition picks a whole input; a vector condition
// picks rows of t/e (when they are not vectors); else element-wise.
absl::Status SelectKernel(KernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  const Tensor& t = ctx.input(1);
  const Tensor& e = ctx.input(2);
  if (t.shape() != e.shape()) {
    return ctx.InvalidArgument(absl::StrCat(
        "'then' and 'else' must have the same size. but received: ",
        t.shape().DebugString(), " vs. ", e.shape().DebugString()));
  }
  if (cond.rank() == 0) {
    ctx.SetOutput(0, *cond.data<bool>() ? t : e);  // Shares the buffer.
    return absl::OkStatus();
  }
  const bool by_row = cond.rank() == 1 && t.rank() != 1;
  if (by_row) {
    if (t.rank() == 0) {
      return ctx.InvalidArgument(
          absl::StrCat("'then' must be at least a vector, but saw shape: ",
                       t.shape().DebugString()));
    }
    if (t.dim(0) != cond.dim(0)) {
      return ctx.InvalidArgument(absl::StrCat(
          "Number of batches of 'then' must match size of 'cond', but saw: ",
          t.dim(0), " vs. ", cond.dim(0)));
    }
  } else if (cond.shape() != t.shape()) {
    return ctx.InvalidArgument(absl::StrCat(
        "'cond' and 'then' must have the same size. but received: ",
        cond.shape().DebugString(), " vs. ", t.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, t.shape()));
  if (out->num_elements() == 0) return absl::OkStatus();
  const bool* c = cond.data<bool>();
  if (by_row) {
    const size_t row_bytes = out->total_bytes() / cond.dim(0);
    const auto* tb = static_cast<const char*>(t.raw_data());
    const auto* eb = static_cast<const char*>(e.raw_data());
    auto* ob = static_cast<char*>(out->raw_data());
    ParallelFor(ctx.device(), cond.dim(0), row_bytes * 0.25 + 10,
                [&](int64_t begin, int64_t end) {
                  for (int64_t r = begin; r < end; ++r) {
                    std::memcpy(ob + r * row_bytes,
                                (c[r] ? tb : eb) + r * row_bytes, row_bytes);
                  }
                });
    return absl::OkStatus();
  }
  return DispatchType(
      t.dtype(),
      [&]<typename T>() {
        const T* tv = t.data<T>();
        const T* ev = e.data<T>();
        T* ov = out->data<T>();
        ParallelFor(ctx.device(), out->num_elements(), 1,
                    [&](int64_t begin, int64_t end) {
                      for (int64_t i = begin; i < end; ++i) {
                        ov[i] = c[i] ? tv[i] : ev[i];
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

absl::Status CastKernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  DataType dst;
  RETURN_IF_ERROR(ctx.GetAttr("DstT", &dst));
  if (x.dtype() == dst) {
    ctx.SetOutput(0, x);
    return absl::OkStatus();
  }
  return DispatchType(
      x.dtype(),
      [&]<typename From>() {
        return DispatchType(
            dst,
            [&]<typename To>() -> absl::Status {
              ASSIGN_OR_RETURN(Tensor * y,
                               ctx.AllocateOutput(0, dst, x.shape()));
              const From* in = x.data<From>();
              To* out = y->data<To>();
              ParallelFor(ctx.device(), x.num_elements(), 1,
                          [&](int64_t begin, int64_t end) {
                            for (int64_t i = begin; i < end; ++i) {
                              out[i] = cwise::CastValue<To>(in[i]);
                            }
                          });
              return absl::OkStatus();
            },
            ctx.UnsupportedDtype());
      },
      ctx.UnsupportedDtype());
}

absl::Status AddNKernel(KernelContext& ctx) {
  const int n = ctx.num_inputs();
  const Tensor& first = ctx.input(0);
  for (int i = 1; i < n; ++i) {
    if (ctx.input(i).shape() != first.shape()) {
      return ctx.InvalidArgument(
          absl::StrCat("inputs must have the same shape: input 0 is ",
                       first.shape().DebugString(), ", input ", i, " is ",
                       ctx.input(i).shape().DebugString()));
    }
  }
  if (n == 1) {
    ctx.SetOutput(0, first);
    return absl::OkStatus();
  }
  return DispatchType<NumericTypes>(
      first.dtype(),
      [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, first.shape()));
        T* z = out->data<T>();
        const cwise::Add<T> add;
        // Per shard, stream through the inputs pairwise (vectorized loops).
        ParallelFor(ctx.device(), first.num_elements(), n - 1,
                    [&](int64_t begin, int64_t end) {
                      const int64_t len = end - begin;
                      BinarySegment(ctx.input(0).data<T>() + begin, 1,
                                    ctx.input(1).data<T>() + begin, 1,
                                    z + begin, len, add);
                      for (int i = 2; i < n; ++i) {
                        const T* in = ctx.input(i).data<T>() + begin;
                        T* acc = z + begin;
                        for (int64_t k = 0; k < len; ++k) {
                          acc[k] = add(acc[k], in[k]);
                        }
                      }
                    });
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

// TF's BCast reduction indices: dims where one side is 1 and the other is
// not reduce that side; dims where both are 1 reduce both, except that
// identical shapes reduce nothing.
void GradientReduceIndices(const std::vector<int64_t>& sx,
                           const std::vector<int64_t>& sy,
                           std::vector<int64_t>* rx, std::vector<int64_t>* ry,
                           bool* valid) {
  *valid = true;
  if (sx == sy) return;
  const int n = static_cast<int>(std::max(sx.size(), sy.size()));
  for (int i = 0; i < n; ++i) {  // Output dim i, aligned from the right.
    const int ix = i - (n - static_cast<int>(sx.size()));
    const int iy = i - (n - static_cast<int>(sy.size()));
    const int64_t x = ix >= 0 ? sx[ix] : 1, y = iy >= 0 ? sy[iy] : 1;
    if (x == y) {
      if (x == 1) {
        rx->push_back(i);
        ry->push_back(i);
      }
    } else if (x == 1) {
      rx->push_back(i);
    } else if (y == 1) {
      ry->push_back(i);
    } else {
      *valid = false;
      return;
    }
  }
}

absl::Status BroadcastGradientArgsKernel(KernelContext& ctx) {
  return DispatchType<TypeList<int32_t, int64_t>>(
      ctx.input(0).dtype(),
      [&]<typename T>() -> absl::Status {
        std::vector<int64_t> shapes[2];
        for (int i = 0; i < 2; ++i) {
          const Tensor& in = ctx.input(i);
          if (in.rank() != 1) {
            return ctx.InvalidArgument(absl::StrCat(
                "In[", i, "] must be a vector.", in.shape().DebugString()));
          }
          for (T d : in.flat<T>()) {
            if (d < 0) {
              return ctx.InvalidArgument(
                  absl::StrCat("In[", i, "] has a negative dimension: ", d));
            }
            shapes[i].push_back(d);
          }
        }
        std::vector<int64_t> r0, r1;
        bool valid;
        GradientReduceIndices(shapes[0], shapes[1], &r0, &r1, &valid);
        if (!valid) {
          return ctx.InvalidArgument(absl::StrCat(
              "Incompatible shapes: [", absl::StrJoin(shapes[0], ","),
              "] vs. [", absl::StrJoin(shapes[1], ","), "]"));
        }
        int k = 0;
        for (const std::vector<int64_t>* r : {&r0, &r1}) {
          ASSIGN_OR_RETURN(
              Tensor * out,
              ctx.AllocateOutput(k++, {static_cast<int64_t>(r->size())}));
          std::copy(r->begin(), r->end(), out->data<T>());
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype());
}

}  // namespace

absl::Status RegisterMathKernels(KernelRegistry& r) {
  using namespace cwise;  // NOLINT: the functor names match the op names.
  RETURN_IF_ERROR(r.Register("Add", BinaryKernel<Add, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("AddV2", BinaryKernel<Add, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("Sub", BinaryKernel<Sub, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("Mul", BinaryKernel<Mul, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("Div", BinaryKernel<Div, NumericTypes>(4)));
  RETURN_IF_ERROR(r.Register("RealDiv", BinaryKernel<Div, FloatTypes>(4)));
  RETURN_IF_ERROR(
      r.Register("DivNoNan", BinaryKernel<graphflow::DivNoNan, FloatTypes>(4)));
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
  RETURN_IF_ERROR(r.Register("Equal", BinaryKernel<Equal, AllTypes>()));
  RETURN_IF_ERROR(r.Register("NotEqual", BinaryKernel<NotEqual, AllTypes>()));
  RETURN_IF_ERROR(r.Register("Greater", BinaryKernel<Greater, NumericTypes>()));
  RETURN_IF_ERROR(
      r.Register("GreaterEqual", BinaryKernel<GreaterEqual, NumericTypes>()));
  RETURN_IF_ERROR(r.Register("Less", BinaryKernel<Less, NumericTypes>()));
  RETURN_IF_ERROR(
      r.Register("LessEqual", BinaryKernel<LessEqual, NumericTypes>()));
  RETURN_IF_ERROR(
      r.Register("LogicalAnd", BinaryKernel<LogicalAnd, TypeList<bool>>()));
  RETURN_IF_ERROR(
      r.Register("LogicalOr", BinaryKernel<LogicalOr, TypeList<bool>>()));
  RETURN_IF_ERROR(r.Register("LogicalNot", LogicalNotKernel));
  RETURN_IF_ERROR(r.Register("Select", SelectKernel));
  RETURN_IF_ERROR(r.Register("Cast", CastKernel));
  RETURN_IF_ERROR(r.Register("AddN", AddNKernel));
  RETURN_IF_ERROR(
      r.Register("BroadcastGradientArgs", BroadcastGradientArgsKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
