// The array_join family (TF 1.15's array_ops.cc, array_grad.py and
// data_flow_grad.py): the ops that put tensors together, ConcatV2, Concat
// (and ConcatOffset for their gradients), Pack, Tile, Pad, PadV2 and
// DynamicStitch, with shape functions, gradients and builders.
#include "ops/array_join_ops.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/partial_value.h"
#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/gradient_util.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"
#include "ops/registration.h"
#include "ops/shape_util.h"

namespace graphflow {
namespace {

// Shape functions.

// Merges dimension sizes (-1 unknown); false when they conflict.
bool MergeDim(int64_t a, int64_t b, int64_t* out) {
  if (a >= 0 && b >= 0 && a != b) return false;
  *out = a >= 0 ? a : b;
  return true;
}

absl::Status ConcatShapeImpl(InferenceContext& c, int axis_input, int first,
                             int n) {
  int rank = -1;
  for (int i = first; i < first + n; ++i) {
    const PartialShape& s = c.input_shape(i);
    if (s.unknown_rank()) continue;
    if (rank >= 0 && s.rank() != rank) {
      return c.Error(absl::StrCat(
          "all inputs must have the same rank: values[0..] have rank ", rank,
          ", values[", i - first, "] has shape ", s.DebugString()));
    }
    rank = s.rank();
  }
  if (rank == 0) {
    return c.Error("can't concatenate scalars (use tf.stack instead)");
  }
  PartialValue axis_value = InputValue(c, axis_input);
  if (axis_value.known && !axis_value.scalar) {
    return c.Error("axis must be a scalar");
  }
  if (rank < 0) return absl::OkStatus();
  if (!axis_value.known || axis_value.values[0] == kUnknownValue) {
    c.set_output(0, PartialShape::UnknownOfRank(rank));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(int64_t axis,
                   NormalizeAxis(c, axis_value.values[0], rank, "axis"));
  std::vector<int64_t> dims(rank, -1);
  int64_t sum = 0;
  for (int i = first; i < first + n; ++i) {
    const PartialShape& s = c.input_shape(i);
    if (s.unknown_rank()) {
      sum = -1;
      continue;
    }
    for (int j = 0; j < rank; ++j) {
      if (j == axis) continue;
      if (!MergeDim(dims[j], s.dim(j), &dims[j])) {
        return c.Error(
            absl::StrCat("dimension ", j,
                         " of the inputs must match (except the concat "
                         "axis ",
                         axis, "): values[", i - first, "] has shape ",
                         s.DebugString(), ", expected size ", dims[j]));
      }
    }
    sum = sum < 0 || s.dim(axis) < 0 ? -1 : sum + s.dim(axis);
  }
  dims[axis] = sum;
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status ConcatV2Shape(InferenceContext& c) {
  return ConcatShapeImpl(c, c.num_inputs() - 1, 0, c.num_inputs() - 1);
}

absl::Status ConcatShape(InferenceContext& c) {
  return ConcatShapeImpl(c, 0, 1, c.num_inputs() - 1);
}

absl::Status ConcatOffsetShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(0, 0).status());
  int64_t length = -1;
  for (int i = 1; i < c.num_inputs(); ++i) {
    ASSIGN_OR_RETURN(PartialShape s, c.WithRank(i, 1));
    if (s.known_rank() && s.dim(0) >= 0) {
      if (length >= 0 && s.dim(0) != length) {
        return c.Error(absl::StrCat("shape[", i - 1, "] has ", s.dim(0),
                                    " elements, but shape[0] has ", length));
      }
      length = s.dim(0);
    }
  }
  PartialValue dim = InputValue(c, 0);
  if (length >= 0 && dim.FullyKnown() &&
      (dim.values[0] < -length || dim.values[0] >= length)) {
    return c.Error(absl::StrCat("concat_dim ", dim.values[0],
                                " is out of range for shapes of rank ",
                                length));
  }
  for (int i = 0; i < c.num_outputs(); ++i) {
    c.set_output(i, PartialShape({length}));
  }
  return absl::OkStatus();
}

absl::Status PackShape(InferenceContext& c) {
  int64_t axis = 0;
  RETURN_IF_ERROR(c.GetAttr("axis", &axis));
  PartialShape merged = c.input_shape(0);
  for (int i = 1; i < c.num_inputs(); ++i) {
    auto m = merged.Merge(c.input_shape(i));
    if (!m.ok()) {
      return c.Error(
          absl::StrCat("shapes of all inputs must match: values[0]"
                       ".shape = ",
                       c.input_shape(0).DebugString(), " != values[", i,
                       "].shape = ", c.input_shape(i).DebugString()));
    }
    merged = *m;
  }
  if (merged.unknown_rank()) return absl::OkStatus();
  ASSIGN_OR_RETURN(axis, NormalizeAxis(c, axis, merged.rank() + 1, "axis"));
  c.set_output(0, InsertDim(merged, axis, c.num_inputs()));
  return absl::OkStatus();
}

absl::Status TileShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  const PartialShape& in = c.input_shape(0);
  PartialValue multiples = InputValue(c, 1);
  if (!multiples.known) {
    if (in.known_rank()) {
      c.set_output(0, PartialShape::UnknownOfRank(in.rank()));
    }
    return absl::OkStatus();
  }
  const int rank = static_cast<int>(multiples.values.size());
  if (in.known_rank() && in.rank() != rank) {
    return c.Error(
        absl::StrCat("multiples must have one entry per input "
                     "dimension: input has shape ",
                     in.DebugString(), ", multiples has ", rank));
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) {
    int64_t m = multiples.values[i];
    int64_t d = in.known_rank() ? in.dim(i) : -1;
    if (m != kUnknownValue && m < 0) {
      return c.Error(
          absl::StrCat("multiples[", i, "] = ", m, " must be non-negative"));
    }
    if (m != kUnknownValue && d > 0 && m > kMaxTensorElements / d) {
      return c.Error(
          absl::StrCat("multiples[", i, "] = ", m, " gives too many elements"));
    }
    dims.push_back(m == 0 ? 0 : (m == kUnknownValue || d < 0) ? -1 : d * m);
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status PadShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape paddings, c.WithRank(1, 2));
  if (paddings.known_rank() && paddings.dim(1) >= 0 && paddings.dim(1) != 2) {
    return c.Error(absl::StrCat("paddings must have shape [rank, 2], got ",
                                paddings.DebugString()));
  }
  const PartialShape& in = c.input_shape(0);
  int64_t rank = paddings.known_rank() ? paddings.dim(0) : -1;
  if (in.known_rank()) {
    if (rank >= 0 && rank != in.rank()) {
      return c.Error(absl::StrCat("paddings of shape ", paddings.DebugString(),
                                  " do not match input of shape ",
                                  in.DebugString()));
    }
    rank = in.rank();
  }
  if (c.num_inputs() == 3 && c.input_shape(2).known_rank() &&
      c.input_shape(2).rank() != 0) {
    return c.Error(absl::StrCat("constant_values must be a scalar, got shape ",
                                c.input_shape(2).DebugString()));
  }
  const Tensor* t = c.input_tensor(1);
  if (t == nullptr) {
    if (rank >= 0) c.set_output(0, PartialShape::UnknownOfRank(rank));
    return absl::OkStatus();
  }
  std::vector<int64_t> dims(t->dim(0));
  for (int64_t i = 0; i < t->dim(0); ++i) {
    int64_t pad[2];
    for (int k = 0; k < 2; ++k) {
      pad[k] = t->dtype() == DT_INT32 ? t->data<int32_t>()[2 * i + k]
                                      : t->data<int64_t>()[2 * i + k];
      if (pad[k] < 0) {
        return c.Error(absl::StrCat("paddings must be non-negative, got ",
                                    pad[k], " at [", i, ", ", k, "]"));
      }
    }
    const int64_t d = in.known_rank() ? in.dim(i) : -1;
    dims[i] = d < 0 ? -1 : d + pad[0] + pad[1];
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status DynamicStitchShape(InferenceContext& c) {
  int64_t n = 0;
  RETURN_IF_ERROR(c.GetAttr("N", &n));
  if (n < 1) return c.Error("attr 'N' must be at least 1");
  bool all_constant = true;
  int64_t max_index = -1;
  PartialShape suffix;  // Data dims after the indices dims, merged.
  bool suffix_known = true;
  for (int i = 0; i < n; ++i) {
    const PartialShape& idx = c.input_shape(i);
    const PartialShape& data = c.input_shape(n + i);
    if (const Tensor* t = c.input_tensor(i)) {
      for (int64_t k = 0; k < t->num_elements(); ++k) {
        int64_t v = t->data<int32_t>()[k];
        if (v < 0) {
          return c.Error(absl::StrCat("indices[", i, "] holds ", v,
                                      ", which is negative"));
        }
        max_index = std::max(max_index, v);
      }
    } else {
      all_constant = false;
    }
    if (idx.unknown_rank() || data.unknown_rank()) {
      suffix_known = false;
      continue;
    }
    bool prefix_ok = data.rank() >= idx.rank();
    for (int k = 0; prefix_ok && k < idx.rank(); ++k) {
      prefix_ok =
          idx.dim(k) < 0 || data.dim(k) < 0 || idx.dim(k) == data.dim(k);
    }
    if (!prefix_ok) {
      return c.Error(absl::StrCat("data[", i, "].shape = ", data.DebugString(),
                                  " does not start with indices[", i,
                                  "].shape = ", idx.DebugString()));
    }
    PartialShape rest(data.dims().subspan(idx.rank()));
    auto merged = suffix.Merge(rest);
    if (!merged.ok()) {
      return c.Error(absl::StrCat("data[", i, "].shape = ", data.DebugString(),
                                  " has trailing dims ", rest.DebugString(),
                                  " that differ from the other inputs' ",
                                  suffix.DebugString()));
    }
    suffix = *merged;
  }
  if (!suffix_known || suffix.unknown_rank()) return absl::OkStatus();
  std::vector<int64_t> dims = {all_constant ? max_index + 1 : -1};
  dims.insert(dims.end(), suffix.dims().begin(), suffix.dims().end());
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

// Gradient functions.

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

absl::Status ConcatV2Gradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  const int n = node.num_inputs() - 1;
  return ConcatGradHelper(s, node, dy, 0, n, n, dx);
}

absl::Status ConcatGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  return ConcatGradHelper(s, node, dy, 1, node.num_inputs(), 0, dx);
}

absl::Status PackGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  int64_t axis = 0;
  RETURN_IF_ERROR(node.GetAttr("axis", &axis));
  *dx = ops::Unpack(s.WithOpName("unstack"), dy[0], node.num_inputs(), axis);
  return absl::OkStatus();
}

// Reshapes dy to [m0, d0, m1, d1, ...] and sums over the even (tile) axes.
absl::Status TileGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  const Output multiples = NodeInput(node, 1);
  Output input_shape = ShapeOf(s, NodeInput(node, 0), multiples.dtype());
  Output stacked = ops::Pack(s.WithOpName("stack"), {multiples, input_shape});
  Output transposed = ops::Transpose(s.WithOpName("transpose"), stacked,
                                     Tensor::Vector<int32_t>({1, 0}));
  Output split_shape = ops::Reshape(s, transposed, {-1});
  Output axes = ops::Range(s.WithOpName("range"), 0, SizeOf(s, split_shape), 2);
  dx->push_back(ops::Sum(s, ops::Reshape(s, dy[0], split_shape), axes));
  dx->resize(node.num_inputs());  // No gradient for the index inputs.
  return absl::OkStatus();
}

// Also PadV2. Slices the input's extent out of dy, starting at paddings[:, 0].
absl::Status PadGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  const Output x = NodeInput(node, 0), paddings = NodeInput(node, 1);
  Output size = ops::Pack(s.WithOpName("stack"), {RankOf(s, x), 1});
  Output pad_before =
      ops::Slice(s, paddings, Tensor::Vector<int32_t>({0, 0}), size);
  Output begin = ops::Reshape(s, pad_before, {-1});
  dx->push_back(ops::Slice(s, dy[0], begin, ShapeOf(s, x, paddings.dtype())));
  dx->resize(node.num_inputs());  // No gradient for the index inputs.
  return absl::OkStatus();
}

// data[i]'s gradient gathers dy at indices[i] (data_flow_grad.py).
absl::Status DynamicStitchGradient(const Scope& s, const Node& node,
                                   const OutputList& dy, OutputList* dx) {
  const int n = node.num_inputs() / 2;
  dx->assign(n, Output());
  for (int i = 0; i < n; ++i) {
    dx->push_back(ops::GatherV2(s, dy[0], NodeInput(node, i), 0));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArrayJoinOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ConcatV2")
                                 .Input("values: N * T")
                                 .Input("axis: Tidx")
                                 .Output("output: T")
                                 .Attr("N: int >= 2")
                                 .Attr("T: type")
                                 .Attr("Tidx: {int32, int64} = DT_INT32")
                                 .SetShapeFn(ConcatV2Shape)
                                 .SetGradient(ConcatV2Gradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Concat")
                                 .Input("concat_dim: int32")
                                 .Input("values: N * T")
                                 .Output("output: T")
                                 .Attr("N: int >= 2")
                                 .Attr("T: type")
                                 .SetShapeFn(ConcatShape)
                                 .SetGradient(ConcatGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ConcatOffset")
                                 .Input("concat_dim: int32")
                                 .Input("shape: N * int32")
                                 .Output("offset: N * int32")
                                 .Attr("N: int >= 2")
                                 .SetShapeFn(ConcatOffsetShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Pack")
                                 .Input("values: N * T")
                                 .Output("output: T")
                                 .Attr("N: int >= 1")
                                 .Attr("T: type")
                                 .Attr("axis: int = 0")
                                 .SetShapeFn(PackShape)
                                 .SetGradient(PackGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Tile")
                                 .Input("input: T")
                                 .Input("multiples: Tmultiples")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Tmultiples: {int32, int64} = DT_INT32")
                                 .SetShapeFn(TileShape)
                                 .SetGradient(TileGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Pad")
                                 .Input("input: T")
                                 .Input("paddings: Tpaddings")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Tpaddings: {int32, int64} = DT_INT32")
                                 .SetShapeFn(PadShape)
                                 .SetGradient(PadGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("PadV2")
                                 .Input("input: T")
                                 .Input("paddings: Tpaddings")
                                 .Input("constant_values: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Tpaddings: {int32, int64} = DT_INT32")
                                 .SetShapeFn(PadShape)
                                 .SetGradient(PadGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("DynamicStitch")
                                 .Input("indices: N * int32")
                                 .Input("data: N * T")
                                 .Output("merged: T")
                                 .Attr("N: int >= 1")
                                 .Attr("T: type")
                                 .SetShapeFn(DynamicStitchShape)
                                 .SetGradient(DynamicStitchGradient)));
  return absl::OkStatus();
}

namespace ops {
namespace {

std::vector<Input> Concatenated(const InputList& a, const InputList& b) {
  std::vector<Input> all = a.inputs();
  all.insert(all.end(), b.inputs().begin(), b.inputs().end());
  return all;
}

}  // namespace

Output ConcatV2(const Scope& s, const InputList& values, Input axis) {
  return s.AddOp1("ConcatV2", Concatenated(values, {axis}));
}

Output Concat(const Scope& s, const InputList& values, Input axis) {
  return ConcatV2(s, values, axis);
}

Output ConcatV1(const Scope& s, Input concat_dim, const InputList& values) {
  return s.AddOp1("Concat", Concatenated({concat_dim}, values));
}

OutputList ConcatOffset(const Scope& s, Input concat_dim,
                        const InputList& shape) {
  std::vector<Input> inputs = {concat_dim};
  inputs.insert(inputs.end(), shape.inputs().begin(), shape.inputs().end());
  return s.AddOp("ConcatOffset", inputs);
}

Output Pack(const Scope& s, const InputList& values, int64_t axis) {
  return s.AddOp1("Pack", values.inputs(), {{"axis", axis}});
}

Output Tile(const Scope& s, Input input, Input multiples) {
  return s.AddOp1("Tile", {input, multiples});
}

Output Pad(const Scope& s, Input input, Input paddings) {
  return s.AddOp1("Pad", {input, paddings});
}

Output PadV2(const Scope& s, Input input, Input paddings,
             Input constant_values) {
  return s.AddOp1("PadV2", {input, paddings, constant_values});
}

Output DynamicStitch(const Scope& s, const InputList& indices,
                     const InputList& data) {
  // Two lists of length N: N cannot be inferred from the input count alone.
  return s.AddOp1("DynamicStitch", Concatenated(indices, data),
                  {{"N", static_cast<int64_t>(indices.inputs().size())}});
}

}  // namespace ops
}  // namespace graphflow
