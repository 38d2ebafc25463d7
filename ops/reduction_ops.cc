#include "ops/reduction_ops.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "graph/tensor.h"
#include "ops/reduction_grad.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// The numeric types of TF's `numbertype` that graphflow tensors can hold.
constexpr char kNumberTypes[] =
    "T: {float, double, int32, uint8, int16, int8, int64, uint16}";

// Reads element i of an int32/int64 tensor.
int64_t IndexValue(const Tensor& t, int64_t i) {
  return t.dtype() == DT_INT32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
}

// TF's ReductionShape: exact when the axes are a graph-time constant.
absl::Status ReductionShape(InferenceContext& c) {
  const PartialShape& input = c.input_shape(0);
  const PartialShape& axes_shape = c.input_shape(1);
  if (axes_shape.known_rank() && axes_shape.rank() > 1) {
    return c.Error(absl::StrCat("reduction_indices must be a scalar or vector",
                                ", got shape ", axes_shape.DebugString()));
  }
  bool keep_dims = false;
  RETURN_IF_ERROR(c.GetAttr("keep_dims", &keep_dims));
  const Tensor* axes = c.input_tensor(1);
  if (axes == nullptr || input.unknown_rank()) {
    c.set_output(0, keep_dims && input.known_rank()
                        ? PartialShape::UnknownOfRank(input.rank())
                        : PartialShape());
    return absl::OkStatus();
  }
  const int rank = input.rank();
  std::set<int> reduced;
  for (int64_t i = 0; i < axes->num_elements(); ++i) {
    int64_t axis = IndexValue(*axes, i);
    if (axis < -rank || axis >= rank) {
      return c.Error(absl::StrCat("Invalid reduction dimension ", axis,
                                  " for input with ", rank, " dimensions"));
    }
    reduced.insert(static_cast<int>(axis < 0 ? axis + rank : axis));
  }
  PartialShape out({});
  for (int d = 0; d < rank; ++d) {
    if (!reduced.count(d)) {
      out.AddDim(input.dim(d));
    } else if (keep_dims) {
      out.AddDim(1);
    }
  }
  c.set_output(0, out);
  return absl::OkStatus();
}

// TF's ArgOpShape: the input shape without `dimension`.
absl::Status ArgOpShape(InferenceContext& c) {
  const PartialShape& dim_shape = c.input_shape(1);
  if (dim_shape.known_rank() && dim_shape.rank() != 0) {
    return c.Error(absl::StrCat("dimension must be a scalar, got shape ",
                                dim_shape.DebugString()));
  }
  const PartialShape& input = c.input_shape(0);
  if (input.unknown_rank()) {
    c.set_output(0, PartialShape());
    return absl::OkStatus();
  }
  const int rank = input.rank();
  if (rank <= 1) {  // A scalar or vector reduces to a scalar.
    c.set_output(0, PartialShape({}));
    return absl::OkStatus();
  }
  const Tensor* dim = c.input_tensor(1);
  if (dim == nullptr) {
    c.set_output(0, PartialShape::UnknownOfRank(rank - 1));
    return absl::OkStatus();
  }
  int64_t axis = IndexValue(*dim, 0);
  if (axis < -rank || axis >= rank) {
    return c.Error(absl::StrCat("Dimension (", axis, ") must be in the range [",
                                -rank, ", ", rank, "), where ", rank,
                                " is the number of dimensions in the input"));
  }
  if (axis < 0) axis += rank;
  PartialShape out({});
  for (int d = 0; d < rank; ++d) {
    if (d != axis) out.AddDim(input.dim(d));
  }
  c.set_output(0, out);
  return absl::OkStatus();
}

absl::Status MatMulShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(const PartialShape a, c.WithRank(0, 2));
  ASSIGN_OR_RETURN(const PartialShape b, c.WithRank(1, 2));
  bool transpose_a = false, transpose_b = false;
  RETURN_IF_ERROR(c.GetAttr("transpose_a", &transpose_a));
  RETURN_IF_ERROR(c.GetAttr("transpose_b", &transpose_b));
  int64_t m = a.dim(transpose_a ? 1 : 0), k_a = a.dim(transpose_a ? 0 : 1);
  int64_t k_b = b.dim(transpose_b ? 1 : 0), n = b.dim(transpose_b ? 0 : 1);
  if (k_a >= 0 && k_b >= 0 && k_a != k_b) {
    return c.Error(absl::StrCat(
        "Dimensions must be equal, but are ", k_a, " and ", k_b,
        " with input shapes: ", c.input_shape(0).DebugString(), ", ",
        c.input_shape(1).DebugString(), " (transpose_a=", transpose_a,
        ", transpose_b=", transpose_b, ")"));
  }
  c.set_output(0, PartialShape({m, n}));
  return absl::OkStatus();
}

// Cumsum/Cumprod: the input's shape; the axis is a scalar in [-rank, rank).
absl::Status ScanShape(InferenceContext& c) {
  const PartialShape& axis_shape = c.input_shape(1);
  if (axis_shape.known_rank() && axis_shape.rank() != 0) {
    return c.Error(absl::StrCat("axis must be a scalar, got shape ",
                                axis_shape.DebugString()));
  }
  const PartialShape& x = c.input_shape(0);
  const Tensor* axis = c.input_tensor(1);
  if (axis != nullptr && x.known_rank()) {
    const int64_t a = IndexValue(*axis, 0);
    if (a < -x.rank() || a >= x.rank()) {
      return c.Error(absl::StrCat("Expected scan axis in the range [",
                                  -x.rank(), ", ", x.rank(), "), but got ", a));
    }
  }
  c.set_output(0, x);
  return absl::OkStatus();
}

// ListDiff: two vectors in, two vectors of unknown length out.
absl::Status ListDiffShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(0, 1).status());
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  c.set_output(0, PartialShape({-1}));
  c.set_output(1, PartialShape({-1}));
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterReductionOps(OpRegistry& r) {
  const std::pair<const char*, GradFn> reductions[] = {{"Sum", SumGrad},
                                                       {"Mean", MeanGrad},
                                                       {"Max", MinOrMaxGrad},
                                                       {"Min", MinOrMaxGrad},
                                                       {"Prod", ProdGrad}};
  for (const auto& [op, grad] : reductions) {
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("input: T")
                                   .Input("reduction_indices: Tidx")
                                   .Output("output: T")
                                   .Attr("keep_dims: bool = false")
                                   .Attr(kNumberTypes)
                                   .Attr("Tidx: {int32, int64} = DT_INT32")
                                   .SetShapeFn(ReductionShape)
                                   .SetGradient(grad)));
  }
  for (const char* op : {"ArgMax", "ArgMin"}) {
    RETURN_IF_ERROR(
        r.Register(OpDefBuilder(op)
                       .Input("input: T")
                       .Input("dimension: Tidx")
                       .Output("output: output_type")
                       .Attr(kNumberTypes)
                       .Attr("Tidx: {int32, int64} = DT_INT32")
                       .Attr("output_type: {int32, int64} = DT_INT64")
                       .SetShapeFn(ArgOpShape)
                       .SetNoGradient()));
  }
  RETURN_IF_ERROR(r.Register(OpDefBuilder("MatMul")
                                 .Input("a: T")
                                 .Input("b: T")
                                 .Output("product: T")
                                 .Attr("transpose_a: bool = false")
                                 .Attr("transpose_b: bool = false")
                                 .Attr("T: {float, double, int32, int64}")
                                 .SetShapeFn(MatMulShape)
                                 .SetGradient(MatMulGrad)));
  // Helper ops of the Prod gradient.
  const std::pair<const char*, GradFn> scans[] = {{"Cumsum", CumsumGrad},
                                                  {"Cumprod", CumprodGrad}};
  for (const auto& [op, grad] : scans) {
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("x: T")
                                   .Input("axis: Tidx")
                                   .Attr("exclusive: bool = false")
                                   .Attr("reverse: bool = false")
                                   .Output("out: T")
                                   .Attr(kNumberTypes)
                                   .Attr("Tidx: {int32, int64} = DT_INT32")
                                   .SetShapeFn(ScanShape)
                                   .SetGradient(grad)));
  }
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ListDiff")
                                 .Input("x: T")
                                 .Input("y: T")
                                 .Output("out: T")
                                 .Output("idx: out_idx")
                                 .Attr("T: type")
                                 .Attr("out_idx: {int32, int64} = DT_INT32")
                                 .SetShapeFn(ListDiffShape)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

namespace ops {

Output Sum(const Scope& s, Input input, Input axis, bool keep_dims) {
  return s.AddOp1("Sum", {input, axis}, {{"keep_dims", keep_dims}});
}

Output Mean(const Scope& s, Input input, Input axis, bool keep_dims) {
  return s.AddOp1("Mean", {input, axis}, {{"keep_dims", keep_dims}});
}

Output Max(const Scope& s, Input input, Input axis, bool keep_dims) {
  return s.AddOp1("Max", {input, axis}, {{"keep_dims", keep_dims}});
}

Output Min(const Scope& s, Input input, Input axis, bool keep_dims) {
  return s.AddOp1("Min", {input, axis}, {{"keep_dims", keep_dims}});
}

Output Prod(const Scope& s, Input input, Input axis, bool keep_dims) {
  return s.AddOp1("Prod", {input, axis}, {{"keep_dims", keep_dims}});
}

Output ArgMax(const Scope& s, Input input, Input dimension,
              DataType output_type) {
  return s.AddOp1("ArgMax", {input, dimension}, {{"output_type", output_type}});
}

Output ArgMin(const Scope& s, Input input, Input dimension,
              DataType output_type) {
  return s.AddOp1("ArgMin", {input, dimension}, {{"output_type", output_type}});
}

Output MatMul(const Scope& s, Input a, Input b, bool transpose_a,
              bool transpose_b) {
  return s.AddOp1("MatMul", {a, b},
                  {{"transpose_a", transpose_a}, {"transpose_b", transpose_b}});
}

Output Cumsum(const Scope& s, Input x, Input axis, bool exclusive,
              bool reverse) {
  return s.AddOp1("Cumsum", {x, axis},
                  {{"exclusive", exclusive}, {"reverse", reverse}});
}

Output Cumprod(const Scope& s, Input x, Input axis, bool exclusive,
               bool reverse) {
  return s.AddOp1("Cumprod", {x, axis},
                  {{"exclusive", exclusive}, {"reverse", reverse}});
}

ListDiffOutput ListDiff(const Scope& s, Input x, Input y, DataType out_idx) {
  OutputList out = s.AddOp("ListDiff", {x, y}, {{"out_idx", out_idx}});
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}

}  // namespace ops
}  // namespace graphflow
