// Gradients of the element-wise math ops, with TF 1.15's formulas and ops
// (math_grad.py; its pre-2019-09-14 forward-compatibility branch, which is
// what TF 1.15 builds: grad * y rather than MulNoNan, Reciprocal not Xdivy).
// Broadcasting binary ops reduce their gradients at graph time when the
// static shapes decide the axes, else with TF's BroadcastGradientArgs.
// TF's control dependencies on the incoming gradient (which only delay
// computing e.g. 2 * x) are left out: graphflow's session would run a fed
// Placeholder reached through a control edge (TF substitutes the feed).
#include "ops/math_grad.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"

namespace graphflow {
namespace {

// A scalar of like's dtype; on an unsupported dtype (half, complex) records
// an error on the scope.
Tensor ScalarLike(const Scope& s, double value, const Output& like) {
  Tensor t = ScalarOfType(value, BaseType(like.dtype()));
  if (!t.valid() && like.valid()) {
    s.UpdateStatus(absl::UnimplementedError(absl::StrCat(
        s.name_prefix(), ": no constants of dtype ",
        DataTypeString(like.dtype()), " (graphflow cannot hold them)")));
  }
  return t;
}

// As an inline Const input (named like TF's "mul/y").
Input Scalar(const Scope& s, double value, const Output& like) {
  return ScalarLike(s, value, like);
}

// Sums `grad` (of the broadcast rank `rank`) over the graph-time `axes` and
// restores x's size-1 dims with a Reshape when the Sum dropped some.
Output ReduceOverAxes(const Scope& s, Output grad, const Output& x,
                      const std::vector<int32_t>& axes, int rank) {
  if (axes.empty()) return grad;
  Tensor axes_t = Tensor::FromVector<int32_t>(
      absl::Span<const int32_t>(axes), {static_cast<int64_t>(axes.size())});
  Output sum = ops::Sum(s, grad, axes_t);
  const PartialShape& xs = x.shape();
  const int lead = rank - xs.rank();  // Axes x lacks: dropped, as wanted.
  const bool drops_x_dims =
      std::any_of(axes.begin(), axes.end(), [&](int a) { return a >= lead; });
  if (!drops_x_dims) return sum;
  if (xs.IsFullyDefined()) {
    std::vector<int32_t> dims(xs.dims().begin(), xs.dims().end());
    return ops::Reshape(
        s, sum,
        Tensor::FromVector<int32_t>(absl::Span<const int32_t>(dims),
                                    {static_cast<int64_t>(dims.size())}));
  }
  return ops::Reshape(s, sum, ops::Shape(s, x));
}

int BroadcastRank(const PartialShape& a, const PartialShape& b) {
  return std::max(a.rank(), b.rank());
}

// Appends the two reduced gradients of a broadcasting binary op.
void PushBinary(const Scope& s, const Node& node, Output gx, Output gy,
                OutputList* dx) {
  ReduceBinaryGradients(s, NodeInput(node, 0), NodeInput(node, 1), &gx, &gy);
  dx->push_back(gx);
  dx->push_back(gy);
}

absl::Status MaximumMinimumGradient(const Scope& s, const Node& node,
                                    const OutputList& dy, OutputList* dx,
                                    bool is_max) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  Output zeros = ops::ZerosLike(s, dy[0]);
  Output xmask = is_max ? ops::GreaterEqual(s, x, y) : ops::LessEqual(s, x, y);
  PushBinary(s, node, ops::Select(s, xmask, dy[0], zeros),
             ops::Select(s, xmask, zeros, dy[0]), dx);
  return absl::OkStatus();
}

}  // namespace

Tensor ScalarOfType(double value, DataType dtype) {
  Tensor t;
  absl::Status status = DispatchType(dtype, [&]<typename T>() {
    t = Tensor::Scalar<T>(static_cast<T>(value));
    return absl::OkStatus();
  });
  // An unsupported dtype yields an invalid tensor, which the op builder
  // reports against the node.
  (void)status;
  return t;
}

std::optional<std::vector<int32_t>> StaticReductionAxes(
    const PartialShape& x, const PartialShape& other) {
  if (x.unknown_rank() || other.unknown_rank()) return std::nullopt;
  const int rank = BroadcastRank(x, other);
  std::vector<int32_t> axes;
  for (int i = 0; i < rank; ++i) {
    const int ix = i - (rank - x.rank()), io = i - (rank - other.rank());
    if (ix < 0) {  // A leading axis x lacks.
      axes.push_back(i);
      continue;
    }
    const int64_t xd = x.dim(ix), od = io >= 0 ? other.dim(io) : 1;
    if (xd == 1) {
      // Summing a size-1 axis is harmless, so an unknown `od` is fine.
      if (od != 1) axes.push_back(i);
    } else if (xd < 0 && od != 1) {
      return std::nullopt;  // x's dim may be a broadcast 1 or the full size.
    }
  }
  return axes;
}

Output SumToShapeOf(const Scope& s, Output grad, Output x) {
  if (auto axes = StaticReductionAxes(x.shape(), grad.shape())) {
    return ReduceOverAxes(s, grad, x, *axes,
                          BroadcastRank(x.shape(), grad.shape()));
  }
  Output sx = ops::Shape(s, x);
  Output sg = ops::Shape(s, grad);
  ops::BroadcastGradientArgsOutput r = ops::BroadcastGradientArgs(s, sx, sg);
  return ops::Reshape(s, ops::Sum(s, grad, r.r0), sx);
}

void ReduceBinaryGradients(const Scope& s, Output x, Output y, Output* gx,
                           Output* gy) {
  const PartialShape &xs = x.shape(), &ys = y.shape();
  auto ax = StaticReductionAxes(xs, ys);
  auto ay = StaticReductionAxes(ys, xs);
  if (ax && ay) {
    const int rank = BroadcastRank(xs, ys);
    if (gx->valid()) *gx = ReduceOverAxes(s, *gx, x, *ax, rank);
    if (gy->valid()) *gy = ReduceOverAxes(s, *gy, y, *ay, rank);
    return;
  }
  Output sx = ops::Shape(s, x);
  Output sy = ops::Shape(s, y);
  ops::BroadcastGradientArgsOutput r = ops::BroadcastGradientArgs(s, sx, sy);
  if (gx->valid()) *gx = ops::Reshape(s, ops::Sum(s, *gx, r.r0), sx);
  if (gy->valid()) *gy = ops::Reshape(s, ops::Sum(s, *gy, r.r1), sy);
}

// ---- Binary ops. ----

absl::Status AddGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  PushBinary(s, node, dy[0], dy[0], dx);
  return absl::OkStatus();
}

absl::Status SubGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  PushBinary(s, node, dy[0], ops::Neg(s, dy[0]), dx);
  return absl::OkStatus();
}

absl::Status MulGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  PushBinary(s, node, ops::Mul(s, dy[0], y), ops::Mul(s, x, dy[0]), dx);
  return absl::OkStatus();
}

// d(x/y) = (grad / y, grad * (-x / y) / y); TF uses RealDiv for Div too.
absl::Status RealDivGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  Output gx = ops::RealDiv(s, dy[0], y);
  Output gy = ops::Mul(s, dy[0],
                       ops::RealDiv(s, ops::RealDiv(s, ops::Neg(s, x), y), y));
  PushBinary(s, node, gx, gy, dx);
  return absl::OkStatus();
}

// x mod y = x - floor(x / y) * y: (grad, -grad * floor(x / y)).
absl::Status FloorModGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  Output floor_xy = ops::FloorDiv(s, x, y);
  PushBinary(s, node, dy[0], ops::Mul(s, dy[0], ops::Neg(s, floor_xy)), dx);
  return absl::OkStatus();
}

absl::Status MaximumGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  return MaximumMinimumGradient(s, node, dy, dx, /*is_max=*/true);
}

absl::Status MinimumGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  return MaximumMinimumGradient(s, node, dy, dx, /*is_max=*/false);
}

// z = x^y: (grad * y * x^(y-1), grad * z * log(x)), the latter 0 where
// x <= 0 (no real log there; TF masks it to avoid a false singularity).
absl::Status PowGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  Output z = NodeOutput(node, 0);
  const Output& grad = dy[0];
  Output gx = ops::Mul(s, ops::Mul(s, grad, y),
                       ops::Pow(s, x, ops::Sub(s, y, Scalar(s, 1, y))));
  Output mask = ops::Greater(s, x, Scalar(s, 0, x));
  Output safe_x = ops::Select(s, mask, x, ops::OnesLike(s, x));
  Output log_x =
      ops::Select(s, mask, ops::Log(s, safe_x), ops::ZerosLike(s, x));
  Output gy = ops::Mul(s, ops::Mul(s, grad, z), log_x);
  PushBinary(s, node, gx, gy, dx);
  return absl::OkStatus();
}

// (x - y)^2: x_grad = 2 * grad * (x - y), y_grad = -x_grad (negated after
// the reduction, like TF).
absl::Status SquaredDifferenceGradient(const Scope& s, const Node& node,
                                       const OutputList& dy, OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  const Output& grad = dy[0];
  Output two = s.Const(ScalarLike(s, 2.0, grad));
  Output x_grad = ops::Mul(s, ops::Mul(s, two, grad), ops::Sub(s, x, y));
  Output gx = x_grad, gy = x_grad;
  ReduceBinaryGradients(s, x, y, &gx, &gy);
  dx->push_back(gx);
  dx->push_back(ops::Neg(s, gy));
  return absl::OkStatus();
}

// ---- Unary ops. ----

absl::Status NegGradient(const Scope& s, const Node&, const OutputList& dy,
                         OutputList* dx) {
  dx->push_back(ops::Neg(s, dy[0]));
  return absl::OkStatus();
}

// grad * (x * 2).
absl::Status SquareGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  Output two = s.Const(ScalarLike(s, 2.0, dy[0]));
  dx->push_back(ops::Mul(s, dy[0], ops::Mul(s, NodeInput(node, 0), two)));
  return absl::OkStatus();
}

absl::Status SqrtGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::SqrtGrad(s, NodeOutput(node, 0), dy[0]));
  return absl::OkStatus();
}

absl::Status RsqrtGradient(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::RsqrtGrad(s, NodeOutput(node, 0), dy[0]));
  return absl::OkStatus();
}

absl::Status ExpGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  dx->push_back(ops::Mul(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

// grad * Reciprocal(x).
absl::Status LogGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  Output inv = ops::Reciprocal(s, NodeInput(node, 0));
  dx->push_back(ops::Mul(s, dy[0], inv));
  return absl::OkStatus();
}

absl::Status AbsGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  dx->push_back(ops::Mul(s, dy[0], ops::Sign(s, NodeInput(node, 0))));
  return absl::OkStatus();
}

// Sign is piecewise constant: zeros of x's shape.
absl::Status SignGradient(const Scope& s, const Node& node, const OutputList&,
                          OutputList* dx) {
  dx->push_back(ops::ZerosLike(s, NodeInput(node, 0)));
  return absl::OkStatus();
}

absl::Status ReciprocalGradient(const Scope& s, const Node& node,
                                const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::ReciprocalGrad(s, NodeOutput(node, 0), dy[0]));
  return absl::OkStatus();
}

absl::Status SigmoidGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::SigmoidGrad(s, NodeOutput(node, 0), dy[0]));
  return absl::OkStatus();
}

absl::Status TanhGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::TanhGrad(s, NodeOutput(node, 0), dy[0]));
  return absl::OkStatus();
}

// ---- Cast, AddN, Select. ----

// Casts the gradient back when both types are floating (or complex);
// otherwise no gradient.
absl::Status CastGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  auto is_float = [](DataType t) {
    t = BaseType(t);
    return t == DT_HALF || t == DT_FLOAT || t == DT_DOUBLE ||
           t == DT_BFLOAT16 || t == DT_COMPLEX64 || t == DT_COMPLEX128;
  };
  const DataType src = BaseType(node.input_type(0));
  if (dy[0].valid() && is_float(src) && is_float(node.output_type(0))) {
    dx->push_back(ops::Cast(s, dy[0], src));
  } else {
    dx->push_back(Output());
  }
  return absl::OkStatus();
}

absl::Status AddNGradient(const Scope&, const Node& node, const OutputList& dy,
                          OutputList* dx) {
  dx->assign(node.num_inputs(), dy[0]);
  return absl::OkStatus();
}

// None for the condition; grad where chosen, zeros elsewhere.
absl::Status SelectGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  Output c = NodeInput(node, 0);
  Output zeros = ops::ZerosLike(s, NodeInput(node, 1));
  dx->push_back(Output());
  dx->push_back(ops::Select(s, c, dy[0], zeros));
  dx->push_back(ops::Select(s, c, zeros, dy[0]));
  return absl::OkStatus();
}

// ---- Gradients of the gradient helpers f(a, b), a = y, b = dy. ----

// a*(1-a)*b: (grad*b - 2*grad*b*a, SigmoidGrad(a, grad)).
absl::Status SigmoidGradGradient(const Scope& s, const Node& node,
                                 const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), b = NodeInput(node, 1);
  const Output& grad = dy[0];
  Output gb = ops::Mul(s, grad, b);
  dx->push_back(
      ops::Sub(s, gb, ops::Mul(s, ops::Mul(s, Scalar(s, 2, grad), gb), a)));
  dx->push_back(ops::SigmoidGrad(s, a, grad));
  return absl::OkStatus();
}

// (1-a^2)*b: (grad * -2 * b * a, TanhGrad(a, grad)).
absl::Status TanhGradGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), b = NodeInput(node, 1);
  const Output& grad = dy[0];
  dx->push_back(
      ops::Mul(s, ops::Mul(s, ops::Mul(s, grad, Scalar(s, -2, grad)), b), a));
  dx->push_back(ops::TanhGrad(s, a, grad));
  return absl::OkStatus();
}

// 0.5*b/a = y: with ga = grad / a, (-ga * y, 0.5 * ga).
absl::Status SqrtGradGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), y = NodeOutput(node, 0);
  const Output& grad = dy[0];
  Output ga = ops::RealDiv(s, grad, a);
  dx->push_back(ops::Mul(s, ops::Neg(s, ga), y));
  dx->push_back(ops::Mul(s, Scalar(s, 0.5, grad), ga));
  return absl::OkStatus();
}

// -0.5*b*a^3: (-1.5 * grad * b * a^2, RsqrtGrad(a, grad)).
absl::Status RsqrtGradGradient(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), b = NodeInput(node, 1);
  const Output& grad = dy[0];
  dx->push_back(
      ops::Mul(s, ops::Mul(s, ops::Mul(s, Scalar(s, -1.5, grad), grad), b),
               ops::Square(s, a)));
  dx->push_back(ops::RsqrtGrad(s, a, grad));
  return absl::OkStatus();
}

// -b*a^2: (grad * -2 * b * a, ReciprocalGrad(a, grad)).
absl::Status ReciprocalGradGradient(const Scope& s, const Node& node,
                                    const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), b = NodeInput(node, 1);
  const Output& grad = dy[0];
  dx->push_back(
      ops::Mul(s, ops::Mul(s, ops::Mul(s, grad, Scalar(s, -2, grad)), b), a));
  dx->push_back(ops::ReciprocalGrad(s, a, grad));
  return absl::OkStatus();
}

}  // namespace graphflow
