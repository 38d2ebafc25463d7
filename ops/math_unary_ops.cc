// Unary math ops, their gradient helper ops, and the gradients of both with
// TF 1.15's formulas and ops (math_grad.py; its pre-2019-09-14
// forward-compatibility branch, which is what TF 1.15 builds: Reciprocal,
// not Xdivy). TF's control dependencies on the incoming gradient (which
// only delay computing e.g. 2 * x) are left out: graphflow's session would
// run a fed Placeholder reached through a control edge.
#include "ops/math_unary_ops.h"

#include <utility>

#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/gradient_util.h"
#include "ops/math_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// TF's type lists, spelled out (graphflow's spec parser has no aliases).
constexpr char kUnaryTypes[] =
    "T: {bfloat16, half, float, double, int32, int64, complex64, complex128}";
constexpr char kUnaryComplexTypes[] =
    "T: {bfloat16, half, float, double, complex64, complex128}";
constexpr char kAbsTypes[] =
    "T: {bfloat16, half, float, double, int8, int16, int32, int64}";
constexpr char kRealTypes[] = "T: {bfloat16, half, float, double}";

// ---- Gradients of the unary ops. ----

absl::Status NegGradient(const Scope& s, const Node&, const OutputList& dy,
                         OutputList* dx) {
  dx->push_back(ops::Neg(s, dy[0]));
  return absl::OkStatus();
}

// grad * (x * 2).
absl::Status SquareGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  Output two = s.Const(ScalarOfType(s, 2.0, dy[0].dtype()));
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

// Reciprocal and Inv.
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

// ---- Gradients of the gradient helpers f(a, b), a = y, b = dy. ----

// a*(1-a)*b: (grad*b - 2*grad*b*a, SigmoidGrad(a, grad)).
absl::Status SigmoidGradGradient(const Scope& s, const Node& node,
                                 const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), b = NodeInput(node, 1);
  const Output& grad = dy[0];
  Output gb = ops::Mul(s, grad, b);
  Input two = ScalarOfType(s, 2, grad.dtype());
  dx->push_back(ops::Sub(s, gb, ops::Mul(s, ops::Mul(s, two, gb), a)));
  dx->push_back(ops::SigmoidGrad(s, a, grad));
  return absl::OkStatus();
}

// (1-a^2)*b: (grad * -2 * b * a, TanhGrad(a, grad)).
absl::Status TanhGradGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), b = NodeInput(node, 1);
  const Output& grad = dy[0];
  Input minus_two = ScalarOfType(s, -2, grad.dtype());
  dx->push_back(ops::Mul(s, ops::Mul(s, ops::Mul(s, grad, minus_two), b), a));
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
  dx->push_back(ops::Mul(s, ScalarOfType(s, 0.5, grad.dtype()), ga));
  return absl::OkStatus();
}

// -0.5*b*a^3: (-1.5 * grad * b * a^2, RsqrtGrad(a, grad)).
absl::Status RsqrtGradGradient(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), b = NodeInput(node, 1);
  const Output& grad = dy[0];
  Input minus_1_5 = ScalarOfType(s, -1.5, grad.dtype());
  dx->push_back(ops::Mul(s, ops::Mul(s, ops::Mul(s, minus_1_5, grad), b),
                         ops::Square(s, a)));
  dx->push_back(ops::RsqrtGrad(s, a, grad));
  return absl::OkStatus();
}

// -b*a^2: (grad * -2 * b * a, ReciprocalGrad(a, grad)).
absl::Status ReciprocalGradGradient(const Scope& s, const Node& node,
                                    const OutputList& dy, OutputList* dx) {
  Output a = NodeInput(node, 0), b = NodeInput(node, 1);
  const Output& grad = dy[0];
  Input minus_two = ScalarOfType(s, -2, grad.dtype());
  dx->push_back(ops::Mul(s, ops::Mul(s, ops::Mul(s, grad, minus_two), b), a));
  dx->push_back(ops::ReciprocalGrad(s, a, grad));
  return absl::OkStatus();
}

OpDefBuilder Unary(const char* name, const char* types) {
  OpDefBuilder b(name);
  b.Input("x: T").Output("y: T").Attr(types).SetShapeFn(UnchangedShape);
  return b;
}

using NamedGrads = std::initializer_list<std::pair<const char*, GradFn>>;

}  // namespace

absl::Status RegisterMathUnaryOps(OpRegistry& r) {
  for (auto [op, grad] : NamedGrads{{"Neg", NegGradient},
                                    {"Square", SquareGradient},
                                    {"Reciprocal", ReciprocalGradient},
                                    {"Inv", ReciprocalGradient},
                                    {"Sign", SignGradient}}) {
    RETURN_IF_ERROR(r.Register(Unary(op, kUnaryTypes).SetGradient(grad)));
  }
  for (auto [op, grad] : NamedGrads{{"Sqrt", SqrtGradient},
                                    {"Rsqrt", RsqrtGradient},
                                    {"Exp", ExpGradient},
                                    {"Log", LogGradient},
                                    {"Sigmoid", SigmoidGradient},
                                    {"Tanh", TanhGradient}}) {
    RETURN_IF_ERROR(
        r.Register(Unary(op, kUnaryComplexTypes).SetGradient(grad)));
  }
  RETURN_IF_ERROR(r.Register(Unary("Abs", kAbsTypes).SetGradient(AbsGradient)));
  RETURN_IF_ERROR(r.Register(Unary("Floor", kRealTypes).SetNoGradient()));
  // Float classification: bool out, not differentiable (as TF).
  for (const char* op : {"IsFinite", "IsNan", "IsInf"}) {
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("x: T")
                                   .Output("y: bool")
                                   .Attr(kRealTypes)
                                   .SetShapeFn(UnchangedShape)
                                   .SetNoGradient()));
  }

  for (auto [op, grad] :
       NamedGrads{{"SigmoidGrad", SigmoidGradGradient},
                  {"TanhGrad", TanhGradGradient},
                  {"SqrtGrad", SqrtGradGradient},
                  {"RsqrtGrad", RsqrtGradGradient},
                  {"ReciprocalGrad", ReciprocalGradGradient}}) {
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("y: T")
                                   .Input("dy: T")
                                   .Output("z: T")
                                   .Attr(kUnaryComplexTypes)
                                   .SetShapeFn(MergeBothInputsShape)
                                   .SetGradient(grad)));
  }
  return absl::OkStatus();
}

namespace ops {

#define GF_UNARY_BUILDER_(Name)             \
  Output Name(const Scope& s, Input x) {    \
    return s.AddOp1(#Name, {std::move(x)}); \
  }
#define GF_GRAD_BUILDER_(Name)                             \
  Output Name(const Scope& s, Input y, Input dy) {         \
    return s.AddOp1(#Name, {std::move(y), std::move(dy)}); \
  }

GF_UNARY_BUILDER_(Neg)
GF_UNARY_BUILDER_(Square)
GF_UNARY_BUILDER_(Sqrt)
GF_UNARY_BUILDER_(Rsqrt)
GF_UNARY_BUILDER_(Exp)
GF_UNARY_BUILDER_(Log)
GF_UNARY_BUILDER_(Abs)
GF_UNARY_BUILDER_(Sign)
GF_UNARY_BUILDER_(Reciprocal)
GF_UNARY_BUILDER_(Inv)
GF_UNARY_BUILDER_(Floor)
GF_UNARY_BUILDER_(Sigmoid)
GF_UNARY_BUILDER_(Tanh)
GF_UNARY_BUILDER_(IsFinite)
GF_UNARY_BUILDER_(IsNan)
GF_UNARY_BUILDER_(IsInf)

GF_GRAD_BUILDER_(SigmoidGrad)
GF_GRAD_BUILDER_(TanhGrad)
GF_GRAD_BUILDER_(SqrtGrad)
GF_GRAD_BUILDER_(RsqrtGrad)
GF_GRAD_BUILDER_(ReciprocalGrad)

#undef GF_UNARY_BUILDER_
#undef GF_GRAD_BUILDER_

}  // namespace ops
}  // namespace graphflow
