#include "ops/math_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/math_grad.h"
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
constexpr char kUnaryTypes[] =
    "T: {bfloat16, half, float, double, int32, int64, complex64, complex128}";
constexpr char kUnaryComplexTypes[] =
    "T: {bfloat16, half, float, double, complex64, complex128}";
constexpr char kAbsTypes[] =
    "T: {bfloat16, half, float, double, int8, int16, int32, int64}";
constexpr char kRealTypes[] = "T: {bfloat16, half, float, double}";
constexpr char kNumberTypes[] =
    "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, "
    "quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64, "
    "variant}";

// Output 0 = the merge of inputs 0 and 1 (same-shape binary ops).
absl::Status MergeBothShape(InferenceContext& c) {
  auto merged = c.input_shape(0).Merge(c.input_shape(1));
  if (!merged.ok()) {
    return c.Error(absl::StrCat("inputs must have the same shape, got ",
                                c.input_shape(0).DebugString(), " and ",
                                c.input_shape(1).DebugString()));
  }
  c.set_output(0, *merged);
  return absl::OkStatus();
}

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

// An op name with its gradient function, for registering op groups.
struct NamedGrad {
  const char* op;
  absl::Status (*grad)(const Scope&, const Node&, const OutputList&,
                       OutputList*);
};
using NamedGradList = std::initializer_list<NamedGrad>;

OpDefBuilder Binary(const char* name, const char* types) {
  OpDefBuilder b(name);
  b.Input("x: T").Input("y: T").Output("z: T").Attr(types).SetShapeFn(
      BroadcastBinaryOpShape);
  return b;
}

OpDefBuilder Unary(const char* name, const char* types) {
  OpDefBuilder b(name);
  b.Input("x: T").Output("y: T").Attr(types).SetShapeFn(UnchangedShape);
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
  for (auto [op, grad] : NamedGradList{{"Sub", SubGradient},
                                       {"Mul", MulGradient},
                                       {"Div", RealDivGradient},
                                       {"RealDiv", RealDivGradient}}) {
    RETURN_IF_ERROR(r.Register(Binary(op, kBinaryMoreTypes).SetGradient(grad)));
  }
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

  for (auto [op, grad] :
       NamedGradList{{"SigmoidGrad", SigmoidGradGradient},
                     {"TanhGrad", TanhGradGradient},
                     {"SqrtGrad", SqrtGradGradient},
                     {"RsqrtGrad", RsqrtGradGradient},
                     {"ReciprocalGrad", ReciprocalGradGradient}}) {
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("y: T")
                                   .Input("dy: T")
                                   .Output("z: T")
                                   .Attr(kUnaryComplexTypes)
                                   .SetShapeFn(MergeBothShape)
                                   .SetGradient(grad)));
  }

  for (auto [op, grad] : NamedGradList{{"Neg", NegGradient},
                                       {"Square", SquareGradient},
                                       {"Reciprocal", ReciprocalGradient},
                                       {"Inv", ReciprocalGradient},
                                       {"Sign", SignGradient}}) {
    RETURN_IF_ERROR(r.Register(Unary(op, kUnaryTypes).SetGradient(grad)));
  }
  for (auto [op, grad] : NamedGradList{{"Sqrt", SqrtGradient},
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
#define GF_UNARY_BUILDER_(Name)             \
  Output Name(const Scope& s, Input x) {    \
    return s.AddOp1(#Name, {std::move(x)}); \
  }

GF_BINARY_BUILDER_(Add)
GF_BINARY_BUILDER_(AddV2)
GF_BINARY_BUILDER_(Sub)
GF_BINARY_BUILDER_(Mul)
GF_BINARY_BUILDER_(Div)
GF_BINARY_BUILDER_(RealDiv)
GF_BINARY_BUILDER_(FloorDiv)
GF_BINARY_BUILDER_(FloorMod)
GF_BINARY_BUILDER_(Maximum)
GF_BINARY_BUILDER_(Minimum)
GF_BINARY_BUILDER_(Pow)
GF_BINARY_BUILDER_(SquaredDifference)
GF_BINARY_BUILDER_(SigmoidGrad)
GF_BINARY_BUILDER_(TanhGrad)
GF_BINARY_BUILDER_(SqrtGrad)
GF_BINARY_BUILDER_(RsqrtGrad)
GF_BINARY_BUILDER_(ReciprocalGrad)
GF_BINARY_BUILDER_(Greater)
GF_BINARY_BUILDER_(GreaterEqual)
GF_BINARY_BUILDER_(Less)
GF_BINARY_BUILDER_(LessEqual)
GF_BINARY_BUILDER_(LogicalAnd)
GF_BINARY_BUILDER_(LogicalOr)

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
GF_UNARY_BUILDER_(LogicalNot)

#undef GF_BINARY_BUILDER_
#undef GF_UNARY_BUILDER_

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
