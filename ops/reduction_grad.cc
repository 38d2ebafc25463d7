// The reduction family's gradients, built from the ops TF 1.15's
// math_grad.py emits. Where TF computes shapes with graph ops (reduced_shape:
// Size, AddV2, FloorMod, Range, Fill, DynamicStitch), a fully known input
// shape with constant axes folds them into Consts at graph time instead: the
// same values, fewer nodes to run per training step.
#include "ops/reduction_grad.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "graph/tensor.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"

namespace graphflow {
namespace {

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
  if (k.static_reduced) {
    std::vector<int64_t> dims(xs.dims().begin(), xs.dims().end());
    std::vector<int64_t> kept = dims, tile(dims.size(), 1);
    for (int d : *k.static_reduced) {
      kept[d] = 1;
      tile[d] = dims[d];
    }
    k.input_shape = NamedConst(s, "Shape", Int32Vector(dims));
    k.kept = NamedConst(s, "Const", Int32Vector(kept));
    k.tile_scaling = NamedConst(s, "Const", Int32Vector(tile));
    return k;
  }
  // TF's shape() folds to a constant when x's shape is fully known.
  k.input_shape =
      xs.IsFullyDefined()
          ? NamedConst(s, "Shape",
                       Int32Vector({xs.dims().begin(), xs.dims().end()}))
          : ops::Shape(s, x);
  k.kept = ReducedShape(s, x, k.input_shape, axes);
  // TF's _safe_shape_div: x // max(y, 1).
  k.tile_scaling = ops::FloorDiv(s.WithOpName("floordiv"), k.input_shape,
                                 ops::Maximum(s, k.kept, 1));
  return k;
}

// TF's _SumGrad: dy reshaped to the kept-dims shape and tiled up to x.
Output SumGradient(const Scope& s, const Output& x, const Output& axes,
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

// A scalar of a float dtype holding v; invalid for other dtypes.
Tensor FloatScalar(DataType dtype, double v) {
  if (dtype == DT_FLOAT) return Tensor::Scalar(static_cast<float>(v));
  if (dtype == DT_DOUBLE) return Tensor::Scalar(v);
  return Tensor();
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

}  // namespace

absl::Status SumGrad(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx) {
  dx->push_back(SumGradient(s, NodeInput(node, 0), NodeInput(node, 1), dy[0]));
  dx->push_back(Output());
  return s.status();
}

absl::Status MeanGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeOutput(node, 0);
  Output sum_grad = SumGradient(s, x, NodeInput(node, 1), dy[0]);
  const DataType dtype = node.output_type(0);
  const PartialShape &xs = x.shape(), &ys = y.shape();
  Output factor;
  if (xs.IsFullyDefined() && ys.IsFullyDefined()) {
    // TF's static shortcut: input size // max(output size, 1) as a Const.
    const int64_t count =
        xs.num_elements() / std::max<int64_t>(ys.num_elements(), 1);
    Tensor t = FloatScalar(dtype, static_cast<double>(count));
    factor = t.valid() ? NamedConst(s, "Const", t)
                       : ops::Cast(s, Tensor::Scalar(count), dtype);
  } else {
    Output in_shape = ops::Shape(s, x);
    Output out_shape =
        ys.IsFullyDefined()
            ? NamedConst(s, "Shape",
                         Int32Vector({ys.dims().begin(), ys.dims().end()}))
            : ops::Shape(s, y);
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

absl::Status MinOrMaxGrad(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
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
absl::Status ProdGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx) {
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
    const PartialShape& xs = x.shape();
    Output rank =
        xs.known_rank()
            ? NamedConst(s, "Rank", Tensor::Scalar<int32_t>(xs.rank()))
            : ops::Rank(s, x);
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

absl::Status MatMulGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx) {
  bool ta = false, tb = false;
  RETURN_IF_ERROR(node.GetAttr("transpose_a", &ta));
  RETURN_IF_ERROR(node.GetAttr("transpose_b", &tb));
  Output a = NodeInput(node, 0), b = NodeInput(node, 1), g = dy[0];
  // TF's _MatMulGrad, case by case (real types: conj is the identity).
  if (!ta && !tb) {
    dx->push_back(ops::MatMul(s, g, b, false, true));
    dx->push_back(ops::MatMul(s, a, g, true, false));
  } else if (!ta && tb) {
    dx->push_back(ops::MatMul(s, g, b, false, false));
    dx->push_back(ops::MatMul(s, g, a, true, false));
  } else if (ta && !tb) {
    dx->push_back(ops::MatMul(s, b, g, false, true));
    dx->push_back(ops::MatMul(s, a, g, false, false));
  } else {
    dx->push_back(ops::MatMul(s, b, g, true, true));
    dx->push_back(ops::MatMul(s, g, a, true, true));
  }
  return s.status();
}

absl::Status CumsumGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx) {
  bool exclusive = false, reverse = false;
  RETURN_IF_ERROR(node.GetAttr("exclusive", &exclusive));
  RETURN_IF_ERROR(node.GetAttr("reverse", &reverse));
  dx->push_back(ops::Cumsum(s, dy[0], NodeInput(node, 1), exclusive, !reverse));
  dx->push_back(Output());
  return s.status();
}

absl::Status CumprodGrad(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
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

}  // namespace graphflow
