// Gradients of the array ops, built from the same ops (and named like the
// nodes) TF 1.15's Python gradients emit, so a training graph reads like a
// TF-written one. Like array_ops.shape/rank/size in TF graph mode, shapes
// known at graph time become Consts instead of Shape/Rank/Size nodes.
#include "ops/array_grad.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"

namespace graphflow::array_internal {
namespace {

// The static shape as a tensor of out_type, when fully known and it fits.
bool StaticShape(const Output& x, DataType out_type, Tensor* value) {
  const PartialShape& shape = x.shape();
  if (!shape.IsFullyDefined()) return false;
  Tensor t(out_type, TensorShape({shape.rank()}));
  for (int i = 0; i < shape.rank(); ++i) {
    if (out_type == DT_INT64) {
      t.data<int64_t>()[i] = shape.dim(i);
    } else if (shape.dim(i) > std::numeric_limits<int32_t>::max()) {
      return false;  // Left to the Shape kernel's error at run time.
    } else {
      t.data<int32_t>()[i] = static_cast<int32_t>(shape.dim(i));
    }
  }
  *value = std::move(t);
  return true;
}

// array_ops.shape(x, out_type).
Output ShapeOf(const Scope& s, const Output& x, DataType out_type = DT_INT32) {
  Tensor value;
  if (StaticShape(x, out_type, &value)) {
    return s.WithOpName("Shape").Const(value);
  }
  return ops::Shape(s, x, out_type);
}

// array_ops.rank(x): an int32 scalar.
Output RankOf(const Scope& s, const Output& x) {
  if (x.shape().known_rank()) {
    return s.WithOpName("Rank").Const(
        Tensor::Scalar<int32_t>(x.shape().rank()));
  }
  return ops::Rank(s, x);
}

// array_ops.size(x): an int32 scalar.
Output SizeOf(const Scope& s, const Output& x) {
  const int64_t n = x.shape().num_elements();
  if (n >= 0 && n <= std::numeric_limits<int32_t>::max()) {
    return s.WithOpName("Size").Const(
        Tensor::Scalar<int32_t>(static_cast<int32_t>(n)));
  }
  return ops::Size(s, x);
}

// Appends invalid Outputs ("no gradient") up to the node's input count.
void NoMoreGradients(const Node& node, OutputList* dx) {
  while (static_cast<int>(dx->size()) < node.num_inputs()) {
    dx->push_back(Output());
  }
}

// _ConcatGradHelper: each input's gradient is the slice of dy at its offset
// along the (non-negative) concat axis, from ConcatOffset (SplitV of dy for
// more than 16 inputs).
absl::Status ConcatGradHelper(const Scope& s, const Node& node,
                              const OutputList& dy, int start, int end,
                              int dim_index, OutputList* dx) {
  dx->assign(node.num_inputs(), Output());
  if (end - start == 1) {  // Degenerate concatenation: dy itself.
    (*dx)[start] = dy[0];
    return absl::OkStatus();
  }
  Output concat_dim = NodeInput(node, dim_index);
  if (concat_dim.dtype() != DT_INT32) {  // ConcatOffset takes int32.
    concat_dim = ops::Cast(s, concat_dim, DT_INT32);
  }
  Output non_neg = ops::FloorMod(s.WithOpName("mod"), concat_dim,
                                 RankOf(s, NodeInput(node, start)));
  // Const shapes when all are known (TF's _ExtractInputShapes), else ShapeN.
  std::vector<Tensor> known(end - start);
  bool fully_known = true;
  for (int i = start; i < end && fully_known; ++i) {
    fully_known = StaticShape(NodeInput(node, i), DT_INT32, &known[i - start]);
  }
  OutputList sizes;
  if (fully_known) {
    for (const Tensor& t : known)
      sizes.push_back(s.WithOpName("Shape").Const(t));
  } else {
    std::vector<Input> values;
    for (int i = start; i < end; ++i) values.push_back(NodeInput(node, i));
    sizes = ops::ShapeN(s, values);
  }
  if (end - start > 16) {  // TF's choice: one SplitV beats many Slices.
    Output stacked = ops::Pack(s.WithOpName("stack"), sizes, 1);
    Output begin = ops::Pack(s.WithOpName("packed"), {non_neg, 0});
    Output along = ops::Squeeze(s, ops::Slice(s, stacked, begin, {1, -1}));
    OutputList parts =
        ops::SplitV(s.WithOpName("split"), dy[0], along, non_neg, end - start);
    if (parts.size() != sizes.size()) return s.status();
    std::copy(parts.begin(), parts.end(), dx->begin() + start);
    return absl::OkStatus();
  }
  OutputList offsets = ops::ConcatOffset(s, non_neg, sizes);
  if (offsets.size() != sizes.size()) return s.status();
  for (int i = start; i < end; ++i) {
    (*dx)[i] = ops::Slice(s, dy[0], offsets[i - start], sizes[i - start]);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReshapeGrad(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  dx->push_back(ops::Reshape(s, dy[0], ShapeOf(s, NodeInput(node, 0))));
  NoMoreGradients(node, dx);
  return absl::OkStatus();
}

absl::Status IdentityNGrad(const Scope&, const Node&, const OutputList& dy,
                           OutputList* dx) {
  *dx = dy;
  return absl::OkStatus();
}

absl::Status PreventGradientGrad(const Scope&, const Node& node,
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

absl::Status ConcatV2Grad(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  const int n = node.num_inputs() - 1;
  return ConcatGradHelper(s, node, dy, 0, n, n, dx);
}

absl::Status ConcatGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx) {
  return ConcatGradHelper(s, node, dy, 1, node.num_inputs(), 0, dx);
}

absl::Status PackGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx) {
  int64_t axis = 0;
  RETURN_IF_ERROR(node.GetAttr("axis", &axis));
  *dx = ops::Unpack(s.WithOpName("unstack"), dy[0], node.num_inputs(), axis);
  return absl::OkStatus();
}

absl::Status UnpackGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx) {
  int64_t axis = 0;
  RETURN_IF_ERROR(node.GetAttr("axis", &axis));
  // The builder gave every float output a gradient (ZerosLike where none).
  dx->push_back(ops::Pack(s.WithOpName("stack"), dy, axis));
  return absl::OkStatus();
}

// Pads dy back to the input's shape: paddings [[begin, in - size - begin]].
absl::Status SliceGrad(const Scope& s, const Node& node, const OutputList& dy,
                       OutputList* dx) {
  const Output x = NodeInput(node, 0), begin = NodeInput(node, 1);
  const DataType index_type = begin.dtype();
  Output input_rank = RankOf(s, x);
  Output slice_size = ShapeOf(s, NodeOutput(node, 0), index_type);
  Output shape = ops::Pack(s.WithOpName("stack"), {input_rank, 1});
  Output before_pad = ops::Reshape(s, begin, shape);
  Output after = ops::Sub(
      s.WithOpName("sub"),
      ops::Sub(s.WithOpName("sub"), ShapeOf(s, x, index_type), slice_size),
      begin);
  Output after_pad = ops::Reshape(s, after, shape);
  Output paddings =
      ops::ConcatV2(s.WithOpName("concat"), {before_pad, after_pad}, 1);
  dx->push_back(ops::Pad(s, dy[0], paddings));
  NoMoreGradients(node, dx);
  return absl::OkStatus();
}

namespace {

ops::StridedSliceAttrs MasksOf(const Node& node) {
  ops::StridedSliceAttrs a;
  const char* names[] = {"begin_mask", "end_mask", "ellipsis_mask",
                         "new_axis_mask", "shrink_axis_mask"};
  int64_t* fields[] = {&a.begin_mask, &a.end_mask, &a.ellipsis_mask,
                       &a.new_axis_mask, &a.shrink_axis_mask};
  for (int k = 0; k < 5; ++k) {
    if (const int64_t* v = node.FindAttr<int64_t>(names[k])) *fields[k] = *v;
  }
  return a;
}

}  // namespace

absl::Status StridedSliceGrad(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  const Output begin = NodeInput(node, 1);
  Output shape = ShapeOf(s, NodeInput(node, 0), begin.dtype());
  dx->push_back(ops::StridedSliceGrad(s, shape, begin, NodeInput(node, 2),
                                      NodeInput(node, 3), dy[0],
                                      MasksOf(node)));
  NoMoreGradients(node, dx);
  return absl::OkStatus();
}

absl::Status StridedSliceGradGrad(const Scope& s, const Node& node,
                                  const OutputList& dy, OutputList* dx) {
  dx->assign(4, Output());
  dx->push_back(ops::StridedSlice(s, dy[0], NodeInput(node, 1),
                                  NodeInput(node, 2), NodeInput(node, 3),
                                  MasksOf(node)));
  return absl::OkStatus();
}

// Reshapes dy to [m0, d0, m1, d1, ...] and sums over the even (tile) axes.
absl::Status TileGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx) {
  const Output multiples = NodeInput(node, 1);
  Output input_shape = ShapeOf(s, NodeInput(node, 0), multiples.dtype());
  Output stacked = ops::Pack(s.WithOpName("stack"), {multiples, input_shape});
  Output transposed = ops::Transpose(s.WithOpName("transpose"), stacked,
                                     Tensor::Vector<int32_t>({1, 0}));
  Output split_shape = ops::Reshape(s, transposed, {-1});
  Output axes = ops::Range(s.WithOpName("range"), 0, SizeOf(s, split_shape), 2);
  dx->push_back(ops::Sum(s, ops::Reshape(s, dy[0], split_shape), axes));
  NoMoreGradients(node, dx);
  return absl::OkStatus();
}

absl::Status TransposeGrad(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
  Output inverse = ops::InvertPermutation(s, NodeInput(node, 1));
  dx->push_back(ops::Transpose(s.WithOpName("transpose"), dy[0], inverse));
  NoMoreGradients(node, dx);
  return absl::OkStatus();
}

// reduce_sum(dy) over all axes: a Const range when the rank is known.
absl::Status FillGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx) {
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

// data[i]'s gradient gathers dy at indices[i] (data_flow_grad.py).
absl::Status DynamicStitchGrad(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  const int n = node.num_inputs() / 2;
  dx->assign(n, Output());
  for (int i = 0; i < n; ++i) {
    dx->push_back(ops::GatherV2(s, dy[0], NodeInput(node, i), 0));
  }
  return absl::OkStatus();
}

// Slices the input's extent out of dy, starting at paddings[:, 0].
absl::Status PadGrad(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx) {
  const Output x = NodeInput(node, 0), paddings = NodeInput(node, 1);
  Output size = ops::Pack(s.WithOpName("stack"), {RankOf(s, x), 1});
  Output pad_before =
      ops::Slice(s, paddings, Tensor::Vector<int32_t>({0, 0}), size);
  Output begin = ops::Reshape(s, pad_before, {-1});
  dx->push_back(ops::Slice(s, dy[0], begin, ShapeOf(s, x, paddings.dtype())));
  NoMoreGradients(node, dx);
  return absl::OkStatus();
}

}  // namespace graphflow::array_internal
