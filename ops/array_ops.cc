// The array family (TF 1.15's array_ops.cc and array_grad.py): reshapes,
// shapes, transposes, fills and index builders. Shape functions are as
// informative as TF's where the inputs that decide the shape are known at
// graph time (graph/partial_value.h); gradients build the nodes TF's Python
// gradients emit, so a training graph reads like a TF-written one.
#include "ops/array_ops.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/partial_value.h"
#include "graph/status.h"
#include "ops/gradient_util.h"
#include "ops/reduction_ops.h"
#include "ops/registration.h"
#include "ops/shape_util.h"

namespace graphflow {
namespace {

constexpr char kIndexType[] = "{int32, int64} = DT_INT32";

std::string IndexAttr(absl::string_view name) {
  return absl::StrCat(name, ": ", kIndexType);
}

// Shape functions.

std::string ValuesString(const std::vector<int64_t>& values) {
  return absl::StrCat("[",
                      absl::StrJoin(values, ",",
                                    [](std::string* out, int64_t v) {
                                      absl::StrAppend(out,
                                                      v == kUnknownValue
                                                          ? std::string("?")
                                                          : absl::StrCat(v));
                                    }),
                      "]");
}

absl::Status ReshapeShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  PartialValue shape = InputValue(c, 1);
  if (!shape.known) {
    c.set_output(0, c.ShapeFromInputTensor(1));
    return absl::OkStatus();
  }
  std::vector<int64_t> dims;
  int infer = -1;  // Index of the one dim that may be inferred.
  int unknowns = 0, explicit_infer = 0;
  int64_t known_product = 1;
  for (size_t i = 0; i < shape.values.size(); ++i) {
    int64_t v = shape.values[i];
    if (v == kUnknownValue || v == -1) {
      explicit_infer += v == -1;
      if (explicit_infer > 1) {
        return c.Error(absl::StrCat("can only infer one dimension, got shape ",
                                    ValuesString(shape.values)));
      }
      ++unknowns;
      infer = static_cast<int>(i);
      dims.push_back(-1);
    } else if (v < -1) {
      return c.Error(absl::StrCat("size ", v, " at index ", i,
                                  " of the requested shape is invalid"));
    } else {
      known_product = v > 0 && known_product > kMaxTensorElements / v
                          ? kMaxTensorElements + 1  // Saturated: too big.
                          : known_product * v;
      dims.push_back(v);
    }
  }
  const int64_t in_elements = c.input_shape(0).num_elements();
  if (in_elements >= 0 && unknowns == 0 && known_product != in_elements) {
    return c.Error(absl::StrCat(
        "cannot reshape a tensor with ", in_elements, " elements to shape ",
        ValuesString(shape.values), " (", known_product, " elements)"));
  }
  // A single missing dim follows from the element count (whether it is an
  // explicit -1 or just unknown here, it must take that value at run time).
  if (in_elements >= 0 && unknowns == 1 && known_product > 0) {
    if (in_elements % known_product != 0) {
      return c.Error(absl::StrCat(
          "cannot reshape a tensor with ", in_elements, " elements to shape ",
          ValuesString(shape.values), ": not a multiple of ", known_product));
    }
    dims[infer] = in_elements / known_product;
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status ShapeShape(InferenceContext& c) {
  for (int i = 0; i < c.num_outputs(); ++i) {
    c.set_output(i, PartialShape({c.input_shape(i).rank()}));
  }
  return absl::OkStatus();
}

absl::Status ExpandDimsShape(InferenceContext& c) {
  PartialValue dim = InputValue(c, 1);
  if (dim.known && dim.values.size() != 1) {
    return c.Error(
        absl::StrCat("'dim' must be a tensor with a single value, "
                     "got ",
                     ValuesString(dim.values)));
  }
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank()) return absl::OkStatus();
  const int64_t rank = in.rank();
  if (!dim.known || dim.values[0] == kUnknownValue) {
    c.set_output(0, PartialShape::UnknownOfRank(rank + 1));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(int64_t axis,
                   NormalizeAxis(c, dim.values[0], rank + 1, "dim"));
  c.set_output(0, InsertDim(in, axis, 1));
  return absl::OkStatus();
}

absl::Status SqueezeShape(InferenceContext& c) {
  std::vector<int64_t> squeeze;
  RETURN_IF_ERROR(c.GetAttr("squeeze_dims", &squeeze));
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank()) return absl::OkStatus();
  std::set<int64_t> chosen;
  for (int64_t d : squeeze) {
    ASSIGN_OR_RETURN(int64_t axis,
                     NormalizeAxis(c, d, in.rank(), "squeeze dim"));
    chosen.insert(axis);
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < in.rank(); ++i) {
    int64_t d = in.dim(i);
    if (!chosen.empty()) {
      if (!chosen.contains(i)) {
        dims.push_back(d);
      } else if (d >= 0 && d != 1) {
        return c.Error(absl::StrCat("cannot squeeze dim[", i,
                                    "], expected a dimension of 1, got ", d,
                                    " (input shape ", in.DebugString(), ")"));
      }
    } else if (d < 0) {
      return absl::OkStatus();  // Whether it goes is decided at run time.
    } else if (d != 1) {
      dims.push_back(d);
    }
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status InvertPermutationShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape x, c.WithRank(0, 1));
  c.set_output(0, x);
  return absl::OkStatus();
}

absl::Status FillShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(0, 1).status());
  if (c.input_shape(1).known_rank() && c.input_shape(1).rank() != 0) {
    return c.Error(absl::StrCat("value must be a scalar, got shape ",
                                c.input_shape(1).DebugString()));
  }
  PartialValue dims = InputValue(c, 0);
  if (!dims.known) return absl::OkStatus();
  std::vector<int64_t> out;
  for (int64_t d : dims.values) {
    if (d != kUnknownValue && d < 0) {
      return c.Error(absl::StrCat("dims must be >= 0, got ", d));
    }
    out.push_back(d == kUnknownValue ? -1 : d);
  }
  c.set_output(0, PartialShape(out));
  return absl::OkStatus();
}

absl::Status OneHotShape(InferenceContext& c) {
  int64_t axis = -1;
  RETURN_IF_ERROR(c.GetAttr("axis", &axis));
  if (axis < -1) return c.Error(absl::StrCat("axis must be >= -1, got ", axis));
  for (int i = 1; i <= 3; ++i) {
    const PartialShape& s = c.input_shape(i);
    if (s.known_rank() && s.rank() != 0) {
      return c.Error(absl::StrCat(i == 1   ? "depth"
                                  : i == 2 ? "on_value"
                                           : "off_value",
                                  " must be a scalar, got shape ",
                                  s.DebugString()));
    }
  }
  PartialValue depth = InputValue(c, 1);
  int64_t d = depth.known ? depth.values[0] : kUnknownValue;
  if (d != kUnknownValue && d < 0) {
    return c.Error(absl::StrCat("depth must be non-negative, got ", d));
  }
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank()) return absl::OkStatus();
  if (axis > in.rank()) {
    return c.Error(absl::StrCat("axis ", axis,
                                " is out of range for indices "
                                "of shape ",
                                in.DebugString()));
  }
  std::vector<int64_t> dims(in.dims().begin(), in.dims().end());
  dims.insert(axis == -1 ? dims.end() : dims.begin() + axis,
              d == kUnknownValue ? -1 : d);
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status TransposeShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  const PartialShape& in = c.input_shape(0);
  PartialValue perm = InputValue(c, 1);
  if (!perm.known) {
    if (in.known_rank()) {
      c.set_output(0, PartialShape::UnknownOfRank(in.rank()));
    }
    return absl::OkStatus();
  }
  const int rank = static_cast<int>(perm.values.size());
  if (in.known_rank() && in.rank() != rank) {
    return c.Error(absl::StrCat("perm has ", rank,
                                " entries but the input has shape ",
                                in.DebugString()));
  }
  std::vector<int64_t> dims(rank, -1);
  std::vector<bool> seen(rank);
  for (int i = 0; i < rank; ++i) {
    int64_t p = perm.values[i];
    if (p == kUnknownValue) continue;
    if (p < 0 || p >= rank) {
      return c.Error(absl::StrCat("perm[", i, "] = ", p,
                                  " is out of range [0, ", rank, ")"));
    }
    if (seen[p]) {
      return c.Error(absl::StrCat(p, " is duplicated in perm"));
    }
    seen[p] = true;
    if (in.known_rank()) dims[i] = in.dim(p);
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status IdentityNShape(InferenceContext& c) {
  for (int i = 0; i < c.num_inputs(); ++i) c.set_output(i, c.input_shape(i));
  return absl::OkStatus();
}

template <typename T>
absl::Status CheckRangeArgs(InferenceContext& c, T start, T limit, T delta) {
  if (delta == 0) return c.Error("requires delta != 0");
  if (delta > 0 ? start > limit : start < limit) {
    return c.Error(absl::StrCat(
        "requires start ", delta > 0 ? "<=" : ">=", " limit when delta ",
        delta > 0 ? "> 0" : "< 0", ": ", start, "/", limit));
  }
  return absl::OkStatus();
}

absl::Status RangeShape(InferenceContext& c) {
  const char* names[] = {"start", "limit", "delta"};
  const Tensor* values[3];
  for (int i = 0; i < 3; ++i) {
    const PartialShape& s = c.input_shape(i);
    if (s.known_rank() && s.rank() != 0) {
      return c.Error(absl::StrCat(names[i], " must be a scalar, got shape ",
                                  s.DebugString()));
    }
    values[i] = c.input_tensor(i);
  }
  if (!values[0] || !values[1] || !values[2]) {
    c.set_output(0, PartialShape({-1}));
    return absl::OkStatus();
  }
  const DataType t = c.input_type(0);
  int64_t size = 0;
  if (t == DT_INT32 || t == DT_INT64) {
    auto get = [&](int i) -> int64_t {
      return values[i]->dtype() == DT_INT32 ? values[i]->data<int32_t>()[0]
                                            : values[i]->data<int64_t>()[0];
    };
    const int64_t start = get(0), limit = get(1), delta = get(2);
    RETURN_IF_ERROR(CheckRangeArgs(c, start, limit, delta));
    // Unsigned: no overflow for any int64 start and limit.
    const uint64_t span = limit >= start ? static_cast<uint64_t>(limit) - start
                                         : static_cast<uint64_t>(start) - limit;
    const uint64_t step = delta >= 0 ? static_cast<uint64_t>(delta)
                                     : -static_cast<uint64_t>(delta);
    const uint64_t n = span / step + (span % step != 0);
    if (n > static_cast<uint64_t>(kMaxTensorElements)) {
      return c.Error(absl::StrCat("range of ", n, " elements is too large"));
    }
    size = static_cast<int64_t>(n);
  } else {
    const double start = values[0]->ValueAsDouble(0),
                 limit = values[1]->ValueAsDouble(0),
                 delta = values[2]->ValueAsDouble(0);
    RETURN_IF_ERROR(CheckRangeArgs(c, start, limit, delta));
    const double n = std::ceil(std::abs((limit - start) / delta));
    if (!(n <= static_cast<double>(kMaxTensorElements))) {
      return c.Error(absl::StrCat("range of ", n, " elements is too large"));
    }
    size = static_cast<int64_t>(n);
  }
  c.set_output(0, PartialShape({size}));
  return absl::OkStatus();
}

absl::Status WhereShape(InferenceContext& c) {
  c.set_output(0, PartialShape({-1, c.input_shape(0).rank()}));
  return absl::OkStatus();
}

// Gradient functions.

// Also ExpandDims and Squeeze: dy reshaped back to the input shape.
absl::Status ReshapeGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::Reshape(s, dy[0], ShapeOf(s, NodeInput(node, 0))));
  dx->resize(node.num_inputs());  // No gradient for the index inputs.
  return absl::OkStatus();
}

absl::Status IdentityNGradient(const Scope&, const Node&, const OutputList& dy,
                               OutputList* dx) {
  *dx = dy;
  return absl::OkStatus();
}

absl::Status PreventGradientGradient(const Scope&, const Node& node,
                                     const OutputList&, OutputList*) {
  std::string message;
  if (const std::string* m = node.FindAttr<std::string>("message")) {
    message = *m;
  }
  // TF raises LookupError, which graphflow spells NotFound (as for an op
  // without a gradient function).
  return absl::NotFoundError(absl::StrCat(
      "gradients: node '", node.name(),
      "' (PreventGradient): Gradient explicitly disabled. Reason: ", message));
}

absl::Status TransposeGradient(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  Output inverse = ops::InvertPermutation(s, NodeInput(node, 1));
  dx->push_back(ops::Transpose(s.WithOpName("transpose"), dy[0], inverse));
  dx->resize(node.num_inputs());  // No gradient for the index inputs.
  return absl::OkStatus();
}

// reduce_sum(dy) over all axes: a Const range when the rank is known.
absl::Status FillGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  Output axes;
  const PartialShape& shape = dy[0].shape();
  if (shape.known_rank()) {
    std::vector<int32_t> all(shape.rank());
    for (int i = 0; i < shape.rank(); ++i) all[i] = i;
    axes = s.Const(Tensor::FromVector<int32_t>(all, {shape.rank()}));
  } else {
    axes = ops::Range(s.WithOpName("range"), 0, ops::Rank(s, dy[0]), 1);
  }
  dx->push_back(Output());
  dx->push_back(ops::Sum(s, dy[0], axes));
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArrayOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Reshape")
                                 .Input("tensor: T")
                                 .Input("shape: Tshape")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("Tshape"))
                                 .SetShapeFn(ReshapeShape)
                                 .SetGradient(ReshapeGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Shape")
                                 .Input("input: T")
                                 .Output("output: out_type")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("out_type"))
                                 .SetShapeFn(ShapeShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ShapeN")
                                 .Input("input: N * T")
                                 .Output("output: N * out_type")
                                 .Attr("N: int >= 1")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("out_type"))
                                 .SetShapeFn(ShapeShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Size")
                                 .Input("input: T")
                                 .Output("output: out_type")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("out_type"))
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Rank")
                                 .Input("input: T")
                                 .Output("output: int32")
                                 .Attr("T: type")
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ExpandDims")
                                 .Input("input: T")
                                 .Input("dim: Tdim")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("Tdim"))
                                 .SetShapeFn(ExpandDimsShape)
                                 .SetGradient(ReshapeGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Squeeze")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("squeeze_dims: list(int) = []")
                                 .SetShapeFn(SqueezeShape)
                                 .SetGradient(ReshapeGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Transpose")
                                 .Input("x: T")
                                 .Input("perm: Tperm")
                                 .Output("y: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("Tperm"))
                                 .SetShapeFn(TransposeShape)
                                 .SetGradient(TransposeGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("InvertPermutation")
                                 .Input("x: T")
                                 .Output("y: T")
                                 .Attr("T: {int32, int64} = DT_INT32")
                                 .SetShapeFn(InvertPermutationShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Fill")
                                 .Input("dims: index_type")
                                 .Input("value: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("index_type"))
                                 .SetShapeFn(FillShape)
                                 .SetGradient(FillGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ZerosLike")
                                 .Input("x: T")
                                 .Output("y: T")
                                 .Attr("T: type")
                                 .SetShapeFn(UnchangedShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("OnesLike")
          .Input("x: T")
          .Output("y: T")
          .Attr("T: {bfloat16, half, float, double, int8, uint8, int16, "
                "uint16, int32, int64, complex64, complex128, bool}")
          .SetShapeFn(UnchangedShape)
          .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("OneHot")
                                 .Input("indices: TI")
                                 .Input("depth: int32")
                                 .Input("on_value: T")
                                 .Input("off_value: T")
                                 .Attr("axis: int = -1")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("TI: {uint8, int32, int64} = DT_INT64")
                                 .SetShapeFn(OneHotShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("Range")
          .Input("start: Tidx")
          .Input("limit: Tidx")
          .Input("delta: Tidx")
          .Output("output: Tidx")
          .Attr("Tidx: {bfloat16, half, float, double, int32, int64} = "
                "DT_INT32")
          .SetShapeFn(RangeShape)
          .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("Where")
          .Input("input: T")
          .Output("index: int64")
          .Attr("T: {float, double, int32, uint8, int16, int8, complex64, "
                "int64, qint8, quint8, qint32, bfloat16, uint16, complex128, "
                "half, uint32, uint64, bool} = DT_BOOL")
          .SetShapeFn(WhereShape)
          .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("StopGradient")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .SetShapeFn(UnchangedShape)
                                 .SetNoGradient()));
  // Its gradient function always fails, naming the node and the message.
  RETURN_IF_ERROR(r.Register(OpDefBuilder("PreventGradient")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("message: string = ''")
                                 .SetShapeFn(UnchangedShape)
                                 .SetGradient(PreventGradientGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("IdentityN")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: list(type)")
                                 .SetShapeFn(IdentityNShape)
                                 .SetGradient(IdentityNGradient)));
  return RegisterArrayReverseOps(r);
}

namespace ops {

Output Reshape(const Scope& s, Input tensor, Input shape) {
  return s.AddOp1("Reshape", {tensor, shape});
}

Output Shape(const Scope& s, Input input, DataType out_type) {
  return s.AddOp1("Shape", {input}, {{"out_type", out_type}});
}

OutputList ShapeN(const Scope& s, const InputList& inputs, DataType out_type) {
  return s.AddOp("ShapeN", inputs.inputs(), {{"out_type", out_type}});
}

Output Size(const Scope& s, Input input, DataType out_type) {
  return s.AddOp1("Size", {input}, {{"out_type", out_type}});
}

Output Rank(const Scope& s, Input input) { return s.AddOp1("Rank", {input}); }

Output ExpandDims(const Scope& s, Input input, Input axis) {
  return s.AddOp1("ExpandDims", {input, axis});
}

Output Squeeze(const Scope& s, Input input,
               const std::vector<int64_t>& squeeze_dims) {
  return s.AddOp1("Squeeze", {input}, {{"squeeze_dims", squeeze_dims}});
}

Output Transpose(const Scope& s, Input x, Input perm) {
  return s.AddOp1("Transpose", {x, perm});
}

Output InvertPermutation(const Scope& s, Input x) {
  return s.AddOp1("InvertPermutation", {x});
}

Output Fill(const Scope& s, Input dims, Input value) {
  return s.AddOp1("Fill", {dims, value});
}

Output ZerosLike(const Scope& s, Input x) { return s.AddOp1("ZerosLike", {x}); }

Output OnesLike(const Scope& s, Input x) { return s.AddOp1("OnesLike", {x}); }

Output OneHot(const Scope& s, Input indices, Input depth, Input on_value,
              Input off_value, int64_t axis) {
  return s.AddOp1("OneHot", {indices, depth, on_value, off_value},
                  {{"axis", axis}});
}

Output Range(const Scope& s, Input start, Input limit, Input delta) {
  return s.AddOp1("Range", {start, limit, delta});
}

Output Where(const Scope& s, Input condition) {
  return s.AddOp1("Where", {condition});
}

Output StopGradient(const Scope& s, Input input) {
  return s.AddOp1("StopGradient", {input});
}

Output PreventGradient(const Scope& s, Input input,
                       const std::string& message) {
  return s.AddOp1("PreventGradient", {input}, {{"message", message}});
}

OutputList IdentityN(const Scope& s, const InputList& inputs) {
  return s.AddOp("IdentityN", inputs.inputs());
}

}  // namespace ops
}  // namespace graphflow
