// Reductions (Sum, Mean, Max, Min, Prod; the bool All and Any),
// ArgMax/ArgMin, the scans Cumsum and Cumprod, and ListDiff (a helper of the
// Prod gradient), with their gradients.
#include "ops/reduction_ops.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "graph/tensor.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/gradient_util.h"
#include "ops/math_ops.h"
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
    const int d = static_cast<int>(axis < 0 ? axis + rank : axis);
    if (!reduced.insert(d).second) {
      return c.Error(absl::StrCat("Axes contains duplicate dimension: ", d));
    }
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

// ---- Gradients (TF 1.15's math_grad.py: _SumGrad, _MeanGrad, _MinOrMaxGrad,
// _ProdGrad, _CumsumGrad, _CumprodGrad, built from the same ops). Where TF
// computes shapes with graph ops (reduced_shape: Size, AddV2, FloorMod, Range,
// Fill, DynamicStitch), a fully known input shape with constant axes folds
// them into Consts at graph time instead: the same values, fewer nodes to
// run per training step. ----

// The constant value of `o` when a Const node produces it.
const Tensor* ConstValue(const Output& o) {
  if (!o.valid() || o.op() != "Const") return nullptr;
  return o.node->FindAttr<Tensor>("value");
}

Tensor Int32Vector(const std::vector<int64_t>& v) {
  Tensor t(DT_INT32, TensorShape{static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) {
    t.data<int32_t>()[i] = static_cast<int32_t>(v[i]);
  }
  return t;
}

// A Const named `name` (TF names the constants it folds after the op they
// replace: "Size", "Shape_1").
Output NamedConst(const Scope& s, absl::string_view name, const Tensor& t) {
  return s.WithOpName(name).Const(t);
}

// The dims of a rank-`rank` input reduced by constant `axes`, in the order
// given (duplicates dropped); nullopt when an axis is out of range.
std::optional<std::vector<int>> ReducedDims(const Tensor& axes, int rank) {
  if (axes.rank() > 1) return std::nullopt;
  std::vector<int> dims;
  for (int64_t i = 0; i < axes.num_elements(); ++i) {
    int64_t a = axes.dtype() == DT_INT32 ? axes.data<int32_t>()[i]
                                         : axes.data<int64_t>()[i];
    if (a < -rank || a >= rank) return std::nullopt;
    if (a < 0) a += rank;
    if (std::find(dims.begin(), dims.end(), a) == dims.end()) {
      dims.push_back(static_cast<int>(a));
    }
  }
  return dims;
}

// What the gradients of Sum, Mean, Max, Min and Prod share: Shape(x), the
// output shape with the reduced dims kept as 1 (TF's output_shape_kept_dims)
// and the Tile multiples from it back to x (tile_scaling).
struct KeptDims {
  Output input_shape, kept, tile_scaling;
  // Set when x's shape is fully known and the axes are constant.
  std::optional<std::vector<int>> static_reduced;
};

// TF's math_ops.reduced_shape(Shape(x), axes): DynamicStitch of
// Range(rank) -> input_shape and (axes + rank) % rank -> 1s.
Output ReducedShape(const Scope& s, const Output& x, const Output& input_shape,
                    Output axes) {
  // TF's size() folds to a constant when the rank of x is known.
  const PartialShape& xs = x.shape();
  Output rank = xs.known_rank()
                    ? NamedConst(s, "Size", Tensor::Scalar<int32_t>(xs.rank()))
                    : ops::Size(s.WithOpName("Size"), input_shape);
  if (axes.dtype() != DT_INT32) {
    axes = ops::Cast(s.WithOpName("Cast"), axes, DT_INT32);
  }
  Output add = ops::AddV2(s.WithOpName("add"), axes, rank);
  Output mod = ops::FloorMod(s.WithOpName("mod"), add, rank);
  const PartialShape& ms = mod.shape();
  Output axes_shape =
      ms.IsFullyDefined()
          ? NamedConst(s, "Shape",
                       Int32Vector({ms.dims().begin(), ms.dims().end()}))
          : ops::Shape(s, mod);
  Output range = ops::Range(s.WithOpName("range"), 0, rank, 1);
  Output ones = ops::Fill(s, axes_shape, 1);
  return ops::DynamicStitch(s, {range, mod}, {input_shape, ones});
}

KeptDims ComputeKeptDims(const Scope& s, const Output& x, const Output& axes) {
  KeptDims k;
  const PartialShape& xs = x.shape();
  const Tensor* axes_value = ConstValue(axes);
  if (xs.IsFullyDefined() && axes_value != nullptr) {
    k.static_reduced = ReducedDims(*axes_value, xs.rank());
  }
  // TF's shape() folds to a constant when x's shape is fully known.
  k.input_shape = ShapeOf(s, x);
  if (k.static_reduced) {
    std::vector<int64_t> dims(xs.dims().begin(), xs.dims().end());
    std::vector<int64_t> kept = dims, tile(dims.size(), 1);
    for (int d : *k.static_reduced) {
      kept[d] = 1;
      tile[d] = dims[d];
    }
    k.kept = NamedConst(s, "Const", Int32Vector(kept));
    k.tile_scaling = NamedConst(s, "Const", Int32Vector(tile));
    return k;
  }
  k.kept = ReducedShape(s, x, k.input_shape, axes);
  // TF's _safe_shape_div: x // max(y, 1).
  k.tile_scaling = ops::FloorDiv(s.WithOpName("floordiv"), k.input_shape,
                                 ops::Maximum(s, k.kept, 1));
  return k;
}

// TF's _SumGrad: dy reshaped to the kept-dims shape and tiled up to x.
Output TileToInput(const Scope& s, const Output& x, const Output& axes,
                   const Output& dy) {
  const PartialShape& xs = x.shape();
  const Tensor* axes_value = ConstValue(axes);
  if (xs.known_rank() && axes_value != nullptr) {
    auto reduced = ReducedDims(*axes_value, xs.rank());
    if (reduced && static_cast<int>(reduced->size()) == xs.rank()) {
      // TF's fast path for reducing every dim: Reshape to [1]*rank and Tile
      // by the shape of x.
      Output grad =
          ops::Reshape(s, dy, Int32Vector(std::vector<int64_t>(xs.rank(), 1)));
      Output multiples =
          xs.IsFullyDefined()
              ? NamedConst(s, "Const",
                           Int32Vector({xs.dims().begin(), xs.dims().end()}))
              : ops::Shape(s, x);
      return ops::Tile(s, grad, multiples);
    }
  }
  KeptDims k = ComputeKeptDims(s, x, axes);
  return ops::Tile(s, ops::Reshape(s, dy, k.kept), k.tile_scaling);
}

// Product of a shape's entries (via Prod over axis 0 as TF's reduce_prod).
Output ShapeProd(const Scope& s, const Output& shape) {
  return ops::Prod(s, shape, NamedConst(s, "Const", Int32Vector({0})));
}

// The first n entries of a shape vector, or the rest (n: an int32 [1]).
Output ShapeHead(const Scope& s, const Output& shape, const Output& n) {
  return ops::Slice(s, shape, Int32Vector({0}), n);
}
Output ShapeTail(const Scope& s, const Output& shape, const Output& n) {
  return ops::Slice(s, shape, n, Int32Vector({-1}));
}

absl::Status SumGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  dx->push_back(TileToInput(s, NodeInput(node, 0), NodeInput(node, 1), dy[0]));
  dx->push_back(Output());
  return s.status();
}

absl::Status MeanGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeOutput(node, 0);
  Output sum_grad = TileToInput(s, x, NodeInput(node, 1), dy[0]);
  const DataType dtype = node.output_type(0);
  const PartialShape &xs = x.shape(), &ys = y.shape();
  Output factor;
  if (xs.IsFullyDefined() && ys.IsFullyDefined()) {
    // TF's static shortcut: input size // max(output size, 1) as a Const.
    const int64_t count =
        xs.num_elements() / std::max<int64_t>(ys.num_elements(), 1);
    factor = NamedConst(s, "Const",
                        ScalarOfType(s, static_cast<double>(count), dtype));
  } else {
    Output in_shape = ops::Shape(s, x);
    Output out_shape = ShapeOf(s, y);
    // Named statements: argument evaluation order is unspecified.
    Output in_size = ShapeProd(s, in_shape);
    Output out_size = ShapeProd(s, out_shape);
    Output count = ops::FloorDiv(s.WithOpName("floordiv"), in_size,
                                 ops::Maximum(s, out_size, 1));
    factor = ops::Cast(s, count, dtype);
  }
  dx->push_back(ops::RealDiv(s.WithOpName("truediv"), sum_grad, factor));
  dx->push_back(Output());
  return s.status();
}

// Max and Min (TF's _MinOrMaxGrad).
absl::Status MaxGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  Output x = NodeInput(node, 0), axes = NodeInput(node, 1);
  KeptDims k = ComputeKeptDims(s, x, axes);
  Output y = ops::Reshape(s, NodeOutput(node, 0), k.kept);
  Output grad = ops::Reshape(s, dy[0], k.kept);
  // Ties share the gradient equally, as in TF.
  Output indicators =
      ops::Cast(s, ops::Equal(s, y, x), BaseType(node.output_type(0)));
  Output num_selected = ops::Reshape(s, ops::Sum(s, indicators, axes), k.kept);
  dx->push_back(ops::Mul(
      s.WithOpName("mul"),
      ops::RealDiv(s.WithOpName("div"), indicators, num_selected), grad));
  dx->push_back(Output());
  return s.status();
}

// TF's _ProdGrad: the product of all other entries of each reduced slice is
// exclusive-cumprod from the left times exclusive-cumprod from the right,
// which stays exact when the slice holds zeros. The reduced dims are moved
// to the front and flattened into one so both cumprods run along axis 0.
absl::Status ProdGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  Output x = NodeInput(node, 0), axes = NodeInput(node, 1);
  KeptDims k = ComputeKeptDims(s, x, axes);
  Output grad = ops::Tile(s, ops::Reshape(s, dy[0], k.kept), k.tile_scaling);

  Output permuted, inverse_perm, flat_shape, permuted_shape;
  bool identity = false;
  if (k.static_reduced) {
    // Everything about the permutation is known now: fold it into Consts.
    const PartialShape& xs = x.shape();
    const int rank = xs.rank();
    std::vector<int64_t> p(k.static_reduced->begin(), k.static_reduced->end());
    int64_t reduced_num = 1, other_num = 1;
    for (int64_t d : p) reduced_num *= xs.dim(d);
    for (int d = 0; d < rank; ++d) {
      if (std::find(p.begin(), p.end(), d) != p.end()) continue;
      p.push_back(d);
      other_num *= xs.dim(d);
    }
    std::vector<int64_t> inv(rank), pshape(rank);
    for (int i = 0; i < rank; ++i) {
      inv[p[i]] = i;
      pshape[i] = xs.dim(p[i]);
    }
    // Reducing leading dims needs no transposes.
    identity = std::is_sorted(p.begin(), p.end());
    permuted =
        identity ? x
                 : ops::Transpose(s, x, NamedConst(s, "Const", Int32Vector(p)));
    if (!identity) inverse_perm = NamedConst(s, "Const", Int32Vector(inv));
    flat_shape = NamedConst(s, "Const", Int32Vector({reduced_num, other_num}));
    permuted_shape = NamedConst(s, "Const", Int32Vector(pshape));
  } else {
    Output rank = RankOf(s, x);
    Output indices = ops::Reshape(s, axes, Int32Vector({-1}));
    if (indices.dtype() != DT_INT32) {
      indices = ops::Cast(s.WithOpName("Cast"), indices, DT_INT32);
    }
    Output reduced =
        ops::FloorMod(s.WithOpName("mod"),
                      ops::AddV2(s.WithOpName("add"), indices, rank), rank);
    Output idx = ops::Range(s.WithOpName("range"), 0, rank, 1);
    Output other = ops::ListDiff(s, idx, reduced).out;
    Output perm = ops::ConcatV2(s.WithOpName("concat"), {reduced, other}, 0);
    inverse_perm = ops::InvertPermutation(s, perm);
    permuted = ops::Transpose(s, x, perm);
    // TF gathers Shape(x) at `reduced` and `other`; the same products are
    // the head and tail of the permuted shape (no Gather op needed).
    permuted_shape = ops::Shape(s, permuted);
    Output n = ops::Reshape(s, ops::Size(s, reduced), Int32Vector({1}));
    flat_shape = ops::Pack(s, {ShapeProd(s, ShapeHead(s, permuted_shape, n)),
                               ShapeProd(s, ShapeTail(s, permuted_shape, n))});
  }
  Output reshaped = ops::Reshape(s, permuted, flat_shape);
  Output left = ops::Cumprod(s, reshaped, 0, /*exclusive=*/true);
  Output right = ops::Cumprod(s, reshaped, 0, /*exclusive=*/true,
                              /*reverse=*/true);
  Output y = ops::Reshape(s, ops::Mul(s.WithOpName("mul"), left, right),
                          permuted_shape);
  Output unpermuted = identity ? y : ops::Transpose(s, y, inverse_perm);
  Output out = ops::Mul(s.WithOpName("mul"), grad, unpermuted);
  dx->push_back(ops::Reshape(s, out, k.input_shape));
  dx->push_back(Output());
  return s.status();
}

absl::Status CumsumGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  bool exclusive = false, reverse = false;
  RETURN_IF_ERROR(node.GetAttr("exclusive", &exclusive));
  RETURN_IF_ERROR(node.GetAttr("reverse", &reverse));
  dx->push_back(ops::Cumsum(s, dy[0], NodeInput(node, 1), exclusive, !reverse));
  dx->push_back(Output());
  return s.status();
}

absl::Status CumprodGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  bool exclusive = false, reverse = false;
  RETURN_IF_ERROR(node.GetAttr("exclusive", &exclusive));
  RETURN_IF_ERROR(node.GetAttr("reverse", &reverse));
  Output x = NodeInput(node, 0), axis = NodeInput(node, 1);
  // TF's _CumprodGrad (like TF, it divides by x: not defined at zeros).
  Output prod = ops::Cumprod(s, x, axis, exclusive, reverse);
  Output out = ops::Cumsum(s, ops::Mul(s.WithOpName("mul"), prod, dy[0]), axis,
                           exclusive, !reverse);
  dx->push_back(ops::RealDiv(s.WithOpName("truediv"), out, x));
  dx->push_back(Output());
  return s.status();
}

}  // namespace

absl::Status RegisterReductionOps(OpRegistry& r) {
  const std::pair<const char*, GradFn> reductions[] = {{"Sum", SumGradient},
                                                       {"Mean", MeanGradient},
                                                       {"Max", MaxGradient},
                                                       {"Min", MaxGradient},
                                                       {"Prod", ProdGradient}};
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
  // Bool reductions: not differentiable.
  for (const char* op : {"All", "Any"}) {
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("input: bool")
                                   .Input("reduction_indices: Tidx")
                                   .Output("output: bool")
                                   .Attr("keep_dims: bool = false")
                                   .Attr("Tidx: {int32, int64} = DT_INT32")
                                   .SetShapeFn(ReductionShape)
                                   .SetNoGradient()));
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
  // Helper ops of the Prod gradient.
  const std::pair<const char*, GradFn> scans[] = {{"Cumsum", CumsumGradient},
                                                  {"Cumprod", CumprodGradient}};
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

Output All(const Scope& s, Input input, Input axis, bool keep_dims) {
  return s.AddOp1("All", {input, axis}, {{"keep_dims", keep_dims}});
}

Output Any(const Scope& s, Input input, Input axis, bool keep_dims) {
  return s.AddOp1("Any", {input, axis}, {{"keep_dims", keep_dims}});
}

Output ArgMax(const Scope& s, Input input, Input dimension,
              DataType output_type) {
  return s.AddOp1("ArgMax", {input, dimension}, {{"output_type", output_type}});
}

Output ArgMin(const Scope& s, Input input, Input dimension,
              DataType output_type) {
  return s.AddOp1("ArgMin", {input, dimension}, {{"output_type", output_type}});
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
