// Broadcasting binary math, comparisons and logic, Select, Cast, AddN and
// BroadcastGradientArgs, with their gradients in TF 1.15's formulas and ops
// (math_grad.py; its pre-2019-09-14 forward-compatibility branch, which is
// what TF 1.15 builds: grad * y rather than MulNoNan). Broadcasting binary
// ops reduce their gradients at graph time when the static shapes decide
// the axes, else with TF's BroadcastGradientArgs (ops/gradient_util.h).
#include "ops/math_ops.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/gradient_util.h"
#include "ops/math_unary_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// TF's type lists, spelled out (graphflow's spec parser has no aliases).
constexpr char kBinaryMoreTypes[] =
    "T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, "
    "int64, complex64, complex128}";
constexpr char kBinaryFewerTypes[] =
    "T: {bfloat16, half, float, double, int32, int64, complex64, complex128}";
constexpr char kAddTypes[] =
    "T: {bfloat16, half, float, double, uint8, int8, int16, int32, int64, "
    "complex64, complex128, string}";
constexpr char kAddV2Types[] =
    "T: {bfloat16, half, float, double, uint8, int8, int16, int32, int64, "
    "complex64, complex128}";
constexpr char kMinMaxTypes[] =
    "T: {bfloat16, half, float, double, int32, int64}";
constexpr char kFloorModTypes[] =
    "T: {int32, int64, bfloat16, half, float, double}";
constexpr char kPowTypes[] =
    "T: {bfloat16, float, half, double, int32, int64, complex64, complex128}";
constexpr char kRealNumberTypes[] =
    "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, "
    "half, uint32, uint64}";
constexpr char kEqualityTypes[] =
    "T: {bfloat16, half, float, double, uint8, int8, int16, int32, int64, "
    "complex64, quint8, qint8, qint32, string, bool, complex128}";
constexpr char kNumberTypes[] =
    "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, "
    "quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64, "
    "variant}";

// TF 1.x Select: t and e match; condition matches them, or is a scalar, or
// is a vector over their first dimension.
absl::Status SelectShape(InferenceContext& c) {
  const PartialShape& cond = c.input_shape(0);
  auto data = c.input_shape(1).Merge(c.input_shape(2));
  if (!data.ok()) {
    return c.Error(absl::StrCat("'then' and 'else' must have the same shape, ",
                                "got ", c.input_shape(1).DebugString(), " and ",
                                c.input_shape(2).DebugString()));
  }
  c.set_output(0, *data);
  if (cond.unknown_rank() || data->unknown_rank() || cond.rank() == 0) {
    return absl::OkStatus();
  }
  if (cond.rank() == 1 && data->rank() > 0) {
    if (cond.dim(0) >= 0 && data->dim(0) >= 0 && cond.dim(0) != data->dim(0)) {
      return c.Error(absl::StrCat(
          "a vector condition must match the first dimension of 'then', got ",
          cond.DebugString(), " and ", data->DebugString()));
    }
    return absl::OkStatus();
  }
  auto merged = data->Merge(cond);
  if (!merged.ok()) {
    return c.Error(absl::StrCat(
        "condition ", cond.DebugString(),
        " must be a scalar, a vector over the first dimension, or of the shape "
        "of 'then' ",
        data->DebugString()));
  }
  c.set_output(0, *merged);
  return absl::OkStatus();
}

absl::Status AddNShape(InferenceContext& c) {
  if (c.num_inputs() < 1) return c.Error("AddN needs at least one input");
  PartialShape cur = c.input_shape(c.num_inputs() - 1);
  for (int i = c.num_inputs() - 2; i >= 0; --i) {
    auto merged = c.input_shape(i).Merge(cur);
    if (!merged.ok()) {
      return c.Error(absl::StrCat("all inputs must have the same shape; input ",
                                  i, " is ", c.input_shape(i).DebugString(),
                                  ", the others ", cur.DebugString()));
    }
    cur = *merged;
  }
  c.set_output(0, cur);
  return absl::OkStatus();
}

absl::Status BroadcastGradientArgsShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(0, 1).status());
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  c.set_output(0, PartialShape({-1}));
  c.set_output(1, PartialShape({-1}));
  return absl::OkStatus();
}

using NamedGrads = std::initializer_list<std::pair<const char*, GradFn>>;

// ---- Gradients. ----

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

// RealDiv and Div (TF uses RealDiv for Div too): d(x/y) =
// (grad / y, grad * (-x / y) / y).
absl::Status RealDivGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  Output gx = ops::RealDiv(s, dy[0], y);
  Output gy = ops::Mul(s, dy[0],
                       ops::RealDiv(s, ops::RealDiv(s, ops::Neg(s, x), y), y));
  PushBinary(s, node, gx, gy, dx);
  return absl::OkStatus();
}

// TF 1.15's _DivNoNanGrad: (div_no_nan(grad, y),
// grad * div_no_nan(div_no_nan(-x, y), y)), reduced like the other ops.
absl::Status DivNoNanGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  Output gx = ops::DivNoNan(s, dy[0], y);
  Output gy = ops::Mul(
      s, dy[0], ops::DivNoNan(s, ops::DivNoNan(s, ops::Neg(s, x), y), y));
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
  Output gx =
      ops::Mul(s, ops::Mul(s, grad, y),
               ops::Pow(s, x, ops::Sub(s, y, ScalarOfType(s, 1, y.dtype()))));
  Output mask = ops::Greater(s, x, ScalarOfType(s, 0, x.dtype()));
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
  Output two = s.Const(ScalarOfType(s, 2.0, grad.dtype()));
  Output x_grad = ops::Mul(s, ops::Mul(s, two, grad), ops::Sub(s, x, y));
  Output gx = x_grad, gy = x_grad;
  ReduceBinaryGradients(s, x, y, &gx, &gy);
  dx->push_back(gx);
  dx->push_back(ops::Neg(s, gy));
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

OpDefBuilder Binary(const char* name, const char* types) {
  OpDefBuilder b(name);
  b.Input("x: T").Input("y: T").Output("z: T").Attr(types).SetShapeFn(
      BroadcastBinaryOpShape);
  return b;
}

OpDefBuilder Comparison(const char* name, const char* types) {
  OpDefBuilder b(name);
  b.Input("x: T").Input("y: T").Output("z: bool").Attr(types).SetShapeFn(
      BroadcastBinaryOpShape);
  b.SetNoGradient();
  return b;
}

}  // namespace

absl::StatusOr<PartialShape> BroadcastShapes(const PartialShape& x,
                                             const PartialShape& y) {
  if (x.unknown_rank() || y.unknown_rank()) return PartialShape();
  const int rank = std::max(x.rank(), y.rank());
  std::vector<int64_t> dims(rank);
  for (int i = 0; i < rank; ++i) {
    const int ix = i - (rank - x.rank()), iy = i - (rank - y.rank());
    const int64_t dx = ix >= 0 ? x.dim(ix) : 1, dy = iy >= 0 ? y.dim(iy) : 1;
    if (dx < 0 || dy < 0) {
      // An unknown dim takes a known dim > 1 (the program is assumed right),
      // stays unknown against 1 or another unknown.
      dims[i] = dx > 1 ? dx : dy > 1 ? dy : dx == 1 ? dy : dy == 1 ? dx : -1;
    } else if (dx == dy || dy == 1) {
      dims[i] = dx;
    } else if (dx == 1) {
      dims[i] = dy;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("Dimensions must be equal, but are ", dx, " and ", dy,
                       "; incompatible shapes: ", x.DebugString(), " vs. ",
                       y.DebugString()));
    }
  }
  return PartialShape(absl::Span<const int64_t>(dims));
}

absl::Status BroadcastBinaryOpShape(InferenceContext& c) {
  auto out = BroadcastShapes(c.input_shape(0), c.input_shape(1));
  if (!out.ok()) {
    // Equal/NotEqual with incompatible_shape_error=false yield a scalar at
    // run time instead of failing.
    if (const bool* strict =
            c.node().FindAttr<bool>("incompatible_shape_error");
        strict && !*strict) {
      c.set_output(0, PartialShape());
      return absl::OkStatus();
    }
    return c.Error(out.status().message());
  }
  c.set_output(0, *out);
  return absl::OkStatus();
}

absl::Status RegisterMathOps(OpRegistry& r) {
  RETURN_IF_ERROR(
      r.Register(Binary("Add", kAddTypes).SetGradient(AddGradient)));
  RETURN_IF_ERROR(
      r.Register(Binary("AddV2", kAddV2Types).SetGradient(AddGradient)));
  for (auto [op, grad] : NamedGrads{{"Sub", SubGradient},
                                    {"Mul", MulGradient},
                                    {"Div", RealDivGradient},
                                    {"RealDiv", RealDivGradient}}) {
    RETURN_IF_ERROR(r.Register(Binary(op, kBinaryMoreTypes).SetGradient(grad)));
  }
  RETURN_IF_ERROR(r.Register(
      Binary("DivNoNan", "T: {half, float, double, complex64, complex128}")
          .SetGradient(DivNoNanGradient)));
  // TF's FloorDiv gradient returns None for both inputs.
  RETURN_IF_ERROR(
      r.Register(Binary("FloorDiv", kBinaryMoreTypes).SetNoGradient()));
  RETURN_IF_ERROR(r.Register(
      Binary("FloorMod", kFloorModTypes).SetGradient(FloorModGradient)));
  RETURN_IF_ERROR(
      r.Register(Binary("Maximum", kMinMaxTypes).SetGradient(MaximumGradient)));
  RETURN_IF_ERROR(
      r.Register(Binary("Minimum", kMinMaxTypes).SetGradient(MinimumGradient)));
  RETURN_IF_ERROR(
      r.Register(Binary("Pow", kPowTypes).SetGradient(PowGradient)));
  RETURN_IF_ERROR(r.Register(Binary("SquaredDifference", kBinaryFewerTypes)
                                 .SetGradient(SquaredDifferenceGradient)));

  for (const char* op : {"Greater", "GreaterEqual", "Less", "LessEqual"}) {
    RETURN_IF_ERROR(r.Register(Comparison(op, kRealNumberTypes)));
  }
  for (const char* op : {"Equal", "NotEqual"}) {
    RETURN_IF_ERROR(
        r.Register(Comparison(op, kEqualityTypes)
                       .Attr("incompatible_shape_error: bool = true")));
  }
  for (const char* op : {"LogicalAnd", "LogicalOr"}) {
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("x: bool")
                                   .Input("y: bool")
                                   .Output("z: bool")
                                   .SetShapeFn(BroadcastBinaryOpShape)
                                   .SetNoGradient()));
  }
  RETURN_IF_ERROR(r.Register(OpDefBuilder("LogicalNot")
                                 .Input("x: bool")
                                 .Output("y: bool")
                                 .SetShapeFn(UnchangedShape)
                                 .SetNoGradient()));

  RETURN_IF_ERROR(r.Register(OpDefBuilder("Select")
                                 .Input("condition: bool")
                                 .Input("t: T")
                                 .Input("e: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .SetShapeFn(SelectShape)
                                 .SetGradient(SelectGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Cast")
                                 .Input("x: SrcT")
                                 .Output("y: DstT")
                                 .Attr("SrcT: type")
                                 .Attr("DstT: type")
                                 .Attr("Truncate: bool = false")
                                 .SetShapeFn(UnchangedShape)
                                 .SetGradient(CastGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("AddN")
                                 .Input("inputs: N * T")
                                 .Output("sum: T")
                                 .Attr("N: int >= 1")
                                 .Attr(kNumberTypes)
                                 .SetShapeFn(AddNShape)
                                 .SetGradient(AddNGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("BroadcastGradientArgs")
                                 .Input("s0: T")
                                 .Input("s1: T")
                                 .Output("r0: T")
                                 .Output("r1: T")
                                 .Attr("T: {int32, int64} = DT_INT32")
                                 .SetShapeFn(BroadcastGradientArgsShape)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

namespace ops {

#define GF_BINARY_BUILDER_(Name)                          \
  Output Name(const Scope& s, Input x, Input y) {         \
    return s.AddOp1(#Name, {std::move(x), std::move(y)}); \
  }

GF_BINARY_BUILDER_(Add)
GF_BINARY_BUILDER_(AddV2)
GF_BINARY_BUILDER_(Sub)
GF_BINARY_BUILDER_(Mul)
GF_BINARY_BUILDER_(Div)
GF_BINARY_BUILDER_(RealDiv)
GF_BINARY_BUILDER_(DivNoNan)
GF_BINARY_BUILDER_(FloorDiv)
GF_BINARY_BUILDER_(FloorMod)
GF_BINARY_BUILDER_(Maximum)
GF_BINARY_BUILDER_(Minimum)
GF_BINARY_BUILDER_(Pow)
GF_BINARY_BUILDER_(SquaredDifference)
GF_BINARY_BUILDER_(Greater)
GF_BINARY_BUILDER_(GreaterEqual)
GF_BINARY_BUILDER_(Less)
GF_BINARY_BUILDER_(LessEqual)
GF_BINARY_BUILDER_(LogicalAnd)
GF_BINARY_BUILDER_(LogicalOr)

#undef GF_BINARY_BUILDER_

Output LogicalNot(const Scope& s, Input x) {
  return s.AddOp1("LogicalNot", {std::move(x)});
}

Output Equal(const Scope& s, Input x, Input y, bool incompatible_shape_error) {
  return s.AddOp1("Equal", {std::move(x), std::move(y)},
                  {{"incompatible_shape_error", incompatible_shape_error}});
}

Output NotEqual(const Scope& s, Input x, Input y,
                bool incompatible_shape_error) {
  return s.AddOp1("NotEqual", {std::move(x), std::move(y)},
                  {{"incompatible_shape_error", incompatible_shape_error}});
}

Output Select(const Scope& s, Input condition, Input t, Input e) {
  return s.AddOp1("Select", {std::move(condition), std::move(t), std::move(e)});
}

Output Cast(const Scope& s, Input x, DataType dtype, bool truncate) {
  return s.AddOp1("Cast", {std::move(x)},
                  {{"DstT", dtype}, {"Truncate", truncate}});
}

Output AddN(const Scope& s, const std::vector<Input>& inputs) {
  return s.AddOp1("AddN", inputs);
}

BroadcastGradientArgsOutput BroadcastGradientArgs(const Scope& s, Input s0,
                                                  Input s1) {
  OutputList out =
      s.AddOp("BroadcastGradientArgs", {std::move(s0), std::move(s1)});
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}

}  // namespace ops
}  // namespace graphflow
