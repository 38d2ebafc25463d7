// The array_slice family (TF 1.15's array_ops.cc and array_grad.py): the
// ops that take parts of a tensor, Slice, StridedSlice (and its gradient
// op), Gather, Split and Unpack, with shape functions, gradients and
// builders.
#include "ops/array_slice_ops.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/partial_value.h"
#include "graph/status.h"
#include "graph/strided_slice.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/gradient_util.h"
#include "ops/math_ops.h"
#include "ops/registration.h"
#include "ops/shape_util.h"
#include "ops/state_ops.h"

namespace graphflow {
namespace {

// Shape functions.

// Input i must have rank at least `min` when its rank is known.
absl::Status WithRankAtLeast(InferenceContext& c, int i, int min,
                             absl::string_view what) {
  const PartialShape& s = c.input_shape(i);
  if (s.known_rank() && s.rank() < min) {
    return c.Error(absl::StrCat(what, " must have rank at least ", min,
                                ", got shape ", s.DebugString()));
  }
  return absl::OkStatus();
}

// The dims of `s` in [begin, end).
std::vector<int64_t> Dims(const PartialShape& s, int begin, int end) {
  return std::vector<int64_t>(s.dims().begin() + begin, s.dims().begin() + end);
}

absl::Status UnpackShape(InferenceContext& c) {
  int64_t num = 0, axis = 0;
  RETURN_IF_ERROR(c.GetAttr("num", &num));
  RETURN_IF_ERROR(c.GetAttr("axis", &axis));
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank()) return absl::OkStatus();
  ASSIGN_OR_RETURN(axis, NormalizeAxis(c, axis, in.rank(), "axis"));
  if (in.dim(axis) >= 0 && in.dim(axis) != num) {
    return c.Error(absl::StrCat("dimension ", axis, " of input shape ",
                                in.DebugString(), " must be num = ", num));
  }
  std::vector<int64_t> dims(in.dims().begin(), in.dims().end());
  dims.erase(dims.begin() + axis);
  for (int i = 0; i < c.num_outputs(); ++i) c.set_output(i, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status SliceShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  RETURN_IF_ERROR(c.WithRank(2, 1).status());
  PartialValue begin = InputValue(c, 1), size = InputValue(c, 2);
  const PartialShape& in = c.input_shape(0);
  int rank = in.rank();
  for (const PartialValue* v : {&begin, &size}) {
    if (!v->known) continue;
    int len = static_cast<int>(v->values.size());
    if (rank >= 0 && len != rank) {
      return c.Error(absl::StrCat(
          "begin and size must have one entry per input dimension: input "
          "has shape ",
          in.DebugString(), ", got ", len, " entries"));
    }
    rank = len;
  }
  if (rank < 0) return absl::OkStatus();
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) {
    int64_t b = begin.known ? begin.values[i] : kUnknownValue;
    int64_t s = size.known ? size.values[i] : kUnknownValue;
    int64_t d = in.known_rank() ? in.dim(i) : -1;
    if (b != kUnknownValue && (b < 0 || (d >= 0 && b > d))) {
      return c.Error(absl::StrCat("begin[", i, "] = ", b,
                                  " is out of range for input shape ",
                                  in.DebugString()));
    }
    if (s != kUnknownValue && s < -1) {
      return c.Error(absl::StrCat("size[", i, "] = ", s, " is invalid"));
    }
    if (s == -1) {
      dims.push_back(b != kUnknownValue && d >= 0 ? d - b : -1);
      continue;
    }
    if (s != kUnknownValue && b != kUnknownValue && d >= 0 && s > d - b) {
      return c.Error(absl::StrCat("begin[", i, "] + size[", i, "] = ", b, " + ",
                                  s, " exceeds dimension ", i,
                                  " of input shape ", in.DebugString()));
    }
    dims.push_back(s == kUnknownValue ? -1 : s);
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status StridedSliceShape(InferenceContext& c) {
  for (int i = 1; i <= 3; ++i) RETURN_IF_ERROR(c.WithRank(i, 1).status());
  PartialValue begin = InputValue(c, 1), end = InputValue(c, 2),
               strides = InputValue(c, 3);
  const PartialShape& in = c.input_shape(0);
  if (in.unknown_rank() || !begin.FullyKnown() || !end.FullyKnown() ||
      !strides.FullyKnown()) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(strided_slice::Masks m, strided_slice::MasksOf(c.node()));
  auto spec = strided_slice::Compute(in.dims(), begin.values, end.values,
                                     strides.values, m);
  if (!spec.ok()) {
    return c.Error(absl::StrCat(spec.status().message(), " (input shape ",
                                in.DebugString(), ")"));
  }
  c.set_output(0, PartialShape(spec->final_dims));
  return absl::OkStatus();
}

absl::Status StridedSliceGradShape(InferenceContext& c) {
  for (int i = 0; i < 4; ++i) RETURN_IF_ERROR(c.WithRank(i, 1).status());
  PartialValue shape = InputValue(c, 0);
  if (!shape.known) return absl::OkStatus();
  std::vector<int64_t> dims;
  for (int64_t v : shape.values) {
    if (v != kUnknownValue && v < 0) {
      return c.Error(absl::StrCat("shape must be non-negative, got ", v));
    }
    dims.push_back(v == kUnknownValue ? -1 : v);
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status GatherShape(InferenceContext& c) {
  RETURN_IF_ERROR(WithRankAtLeast(c, 0, 1, "params"));
  const PartialShape &params = c.input_shape(0), &indices = c.input_shape(1);
  if (params.unknown_rank() || indices.unknown_rank()) return absl::OkStatus();
  std::vector<int64_t> dims = Dims(indices, 0, indices.rank());
  for (int64_t d : Dims(params, 1, params.rank())) dims.push_back(d);
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

absl::Status GatherV2Shape(InferenceContext& c) {
  RETURN_IF_ERROR(WithRankAtLeast(c, 0, 1, "params"));
  RETURN_IF_ERROR(c.WithRank(2, 0).status());
  int64_t batch_dims = 0;
  RETURN_IF_ERROR(c.GetAttr("batch_dims", &batch_dims));
  const PartialShape &params = c.input_shape(0), &indices = c.input_shape(1);
  PartialValue axis_value = InputValue(c, 2);
  const int p = params.rank(), n = indices.rank();
  int64_t axis = axis_value.FullyKnown() ? axis_value.values[0] : 0;
  if (axis_value.FullyKnown() && p >= 0 && (axis < -p || axis >= p)) {
    return c.Error(absl::StrCat("axis ", axis, " is out of range [", -p, ", ",
                                p, ") for params of shape ",
                                params.DebugString()));
  }
  if (!axis_value.FullyKnown() || params.unknown_rank() ||
      indices.unknown_rank()) {
    if (params.known_rank() && indices.known_rank()) {
      const int64_t b =
          batch_dims < 0 ? batch_dims + indices.rank() : batch_dims;
      c.set_output(0, PartialShape::UnknownOfRank(static_cast<int>(
                          params.rank() + indices.rank() - 1 - b)));
    }
    return absl::OkStatus();
  }
  if (axis < 0) axis += p;
  if (batch_dims < -n || batch_dims > n) {
    return c.Error(absl::StrCat("batch_dims ", batch_dims,
                                " is out of range for indices of shape ",
                                indices.DebugString()));
  }
  if (batch_dims < 0) batch_dims += n;
  if (batch_dims > axis) {
    return c.Error(
        absl::StrCat("batch_dims ", batch_dims, " must be <= axis ", axis));
  }
  for (int i = 0; i < batch_dims; ++i) {
    int64_t a = params.dim(i), b = indices.dim(i);
    if (a >= 0 && b >= 0 && a != b) {
      return c.Error(absl::StrCat("params.shape[", i, "] = ", a,
                                  " must equal indices.shape[", i, "] = ", b,
                                  " (batch_dims = ", batch_dims, ")"));
    }
  }
  std::vector<int64_t> dims = Dims(params, 0, static_cast<int>(axis));
  for (int64_t d : Dims(indices, static_cast<int>(batch_dims), n)) {
    dims.push_back(d);
  }
  for (int64_t d : Dims(params, static_cast<int>(axis) + 1, p)) {
    dims.push_back(d);
  }
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

// The split axis in [0, rank) if known (-1 if not), or an error.
absl::StatusOr<int64_t> SplitAxis(InferenceContext& c, int axis_input,
                                  int64_t rank) {
  RETURN_IF_ERROR(c.WithRank(axis_input, 0).status());
  PartialValue v = InputValue(c, axis_input);
  if (!v.FullyKnown() || rank < 0) return -1;
  const int64_t axis = v.values[0];
  if (axis < -rank || axis >= rank) {
    return c.Error(absl::StrCat("split_dim ", axis, " is out of range [", -rank,
                                ", ", rank, ")"));
  }
  return axis < 0 ? axis + rank : axis;
}

absl::Status SplitShape(InferenceContext& c) {
  const PartialShape& in = c.input_shape(1);
  if (in.known_rank() && in.rank() == 0) {
    return c.Error("cannot split a scalar");
  }
  ASSIGN_OR_RETURN(int64_t axis, SplitAxis(c, 0, in.rank()));
  PartialShape out = in;
  if (axis >= 0) {
    const int64_t d = in.dim(axis), n = c.num_outputs();
    if (d >= 0 && d % n != 0) {
      return c.Error(absl::StrCat(
          "Number of ways to split should evenly divide the split dimension, "
          "but got split_dim ",
          axis, " (size = ", d, ") and num_split ", n));
    }
    out.set_dim(axis, d < 0 ? -1 : d / n);
  } else if (in.known_rank()) {
    out = PartialShape::UnknownOfRank(in.rank());
  }
  for (int i = 0; i < c.num_outputs(); ++i) c.set_output(i, out);
  return absl::OkStatus();
}

absl::Status SplitVShape(InferenceContext& c) {
  const PartialShape& in = c.input_shape(0);
  if (in.known_rank() && in.rank() == 0) {
    return c.Error("cannot split a scalar");
  }
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  ASSIGN_OR_RETURN(int64_t axis, SplitAxis(c, 2, in.rank()));
  const int n = c.num_outputs();
  PartialValue sizes = InputValue(c, 1);
  if (sizes.known && static_cast<int>(sizes.values.size()) != n) {
    return c.Error(absl::StrCat("size_splits has ", sizes.values.size(),
                                " entries, but num_split is ", n));
  }
  if (in.unknown_rank()) return absl::OkStatus();
  if (axis < 0) {
    for (int i = 0; i < n; ++i) {
      c.set_output(i, PartialShape::UnknownOfRank(in.rank()));
    }
    return absl::OkStatus();
  }
  std::vector<int64_t> split(n, -1);
  int64_t total = 0;
  int inferred = -1;
  bool all_known = sizes.known;
  for (int i = 0; sizes.known && i < n; ++i) {
    const int64_t v = sizes.values[i];
    if (v == kUnknownValue) {
      all_known = false;
    } else if (v == -1) {
      if (inferred >= 0) return c.Error("size_splits can only have one -1");
      inferred = i;
    } else if (v < 0) {
      return c.Error(
          absl::StrCat("size_splits[", i, "] = ", v, " is negative"));
    } else {
      split[i] = v;
      total += v;
    }
  }
  const int64_t d = in.dim(axis);
  if (all_known && d >= 0) {
    if (inferred >= 0 ? total > d : total != d) {
      return c.Error(absl::StrCat("can't split axis of size ", d,
                                  " into pieces of size [",
                                  absl::StrJoin(sizes.values, ","), "]"));
    }
    if (inferred >= 0) split[inferred] = d - total;
  }
  for (int i = 0; i < n; ++i) {
    PartialShape out = in;
    out.set_dim(axis, split[i]);
    c.set_output(i, out);
  }
  return absl::OkStatus();
}

// Gradient functions.

// Pads dy back to the input's shape: paddings [[begin, in - size - begin]].
absl::Status SliceGradient(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
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
  dx->resize(node.num_inputs());  // No gradient for the index inputs.
  return absl::OkStatus();
}

// The builder's masks of a StridedSlice(Grad) node.
absl::StatusOr<ops::StridedSliceAttrs> AttrsOf(const Node& node) {
  ASSIGN_OR_RETURN(strided_slice::Masks m, strided_slice::MasksOf(node));
  return ops::StridedSliceAttrs{m.begin, m.end, m.ellipsis, m.new_axis,
                                m.shrink_axis};
}

absl::Status StridedSliceGradient(const Scope& s, const Node& node,
                                  const OutputList& dy, OutputList* dx) {
  ASSIGN_OR_RETURN(ops::StridedSliceAttrs attrs, AttrsOf(node));
  const Output begin = NodeInput(node, 1);
  Output shape = ShapeOf(s, NodeInput(node, 0), begin.dtype());
  dx->push_back(ops::StridedSliceGrad(s, shape, begin, NodeInput(node, 2),
                                      NodeInput(node, 3), dy[0], attrs));
  dx->resize(node.num_inputs());  // No gradient for the index inputs.
  return absl::OkStatus();
}

absl::Status StridedSliceGradGradient(const Scope& s, const Node& node,
                                      const OutputList& dy, OutputList* dx) {
  ASSIGN_OR_RETURN(ops::StridedSliceAttrs attrs, AttrsOf(node));
  dx->assign(4, Output());
  dx->push_back(ops::StridedSlice(s, dy[0], NodeInput(node, 1),
                                  NodeInput(node, 2), NodeInput(node, 3),
                                  attrs));
  return absl::OkStatus();
}

absl::Status UnpackGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  int64_t axis = 0;
  RETURN_IF_ERROR(node.GetAttr("axis", &axis));
  // The builder gave every float output a gradient (ZerosLike where none).
  dx->push_back(ops::Pack(s.WithOpName("stack"), dy, axis));
  return absl::OkStatus();
}

// TF's array_ops.concat: Identity for a single value.
Output ConcatGrads(const Scope& s, const OutputList& dy, Output axis) {
  if (dy.size() == 1) return ops::Identity(s, dy[0]);
  return ops::ConcatV2(s.WithOpName("concat"), dy, axis);
}

absl::Status SplitGradient(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
  *dx = {Output(), ConcatGrads(s, dy, NodeInput(node, 0))};
  return absl::OkStatus();
}

absl::Status SplitVGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  *dx = {ConcatGrads(s, dy, NodeInput(node, 2)), Output(), Output()};
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArraySliceOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Slice")
                                 .Input("input: T")
                                 .Input("begin: Index")
                                 .Input("size: Index")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Index: {int32, int64}")
                                 .SetShapeFn(SliceShape)
                                 .SetGradient(SliceGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("StridedSlice")
                                 .Input("input: T")
                                 .Input("begin: Index")
                                 .Input("end: Index")
                                 .Input("strides: Index")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Index: {int32, int64}")
                                 .Attr("begin_mask: int = 0")
                                 .Attr("end_mask: int = 0")
                                 .Attr("ellipsis_mask: int = 0")
                                 .Attr("new_axis_mask: int = 0")
                                 .Attr("shrink_axis_mask: int = 0")
                                 .SetShapeFn(StridedSliceShape)
                                 .SetGradient(StridedSliceGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("StridedSliceGrad")
                                 .Input("shape: Index")
                                 .Input("begin: Index")
                                 .Input("end: Index")
                                 .Input("strides: Index")
                                 .Input("dy: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Index: {int32, int64}")
                                 .Attr("begin_mask: int = 0")
                                 .Attr("end_mask: int = 0")
                                 .Attr("ellipsis_mask: int = 0")
                                 .Attr("new_axis_mask: int = 0")
                                 .Attr("shrink_axis_mask: int = 0")
                                 .SetShapeFn(StridedSliceGradShape)
                                 .SetGradient(StridedSliceGradGradient)));
  // TF's gradients of the gathers are IndexedSlices, which graphflow lacks:
  // differentiating them is a "no gradient" error for now.
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Gather")
                                 .Input("params: Tparams")
                                 .Input("indices: Tindices")
                                 .Attr("validate_indices: bool = true")
                                 .Output("output: Tparams")
                                 .Attr("Tparams: type")
                                 .Attr("Tindices: {int32,int64}")
                                 .SetShapeFn(GatherShape)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("GatherV2")
                                 .Input("params: Tparams")
                                 .Input("indices: Tindices")
                                 .Input("axis: Taxis")
                                 .Attr("batch_dims: int = 0")
                                 .Output("output: Tparams")
                                 .Attr("Tparams: type")
                                 .Attr("Tindices: {int32,int64}")
                                 .Attr("Taxis: {int32,int64}")
                                 .SetShapeFn(GatherV2Shape)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Split")
                                 .Input("split_dim: int32")
                                 .Input("value: T")
                                 .Output("output: num_split * T")
                                 .Attr("num_split: int >= 1")
                                 .Attr("T: type")
                                 .SetShapeFn(SplitShape)
                                 .SetGradient(SplitGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("SplitV")
                                 .Input("value: T")
                                 .Input("size_splits: Tlen")
                                 .Input("split_dim: int32")
                                 .Output("output: num_split * T")
                                 .Attr("num_split: int >= 1")
                                 .Attr("T: type")
                                 .Attr("Tlen: {int32, int64} = DT_INT64")
                                 .SetShapeFn(SplitVShape)
                                 .SetGradient(SplitVGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Unpack")
                                 .Input("value: T")
                                 .Output("output: num * T")
                                 .Attr("num: int >= 0")
                                 .Attr("T: type")
                                 .Attr("axis: int = 0")
                                 .SetShapeFn(UnpackShape)
                                 .SetGradient(UnpackGradient)));
  return RegisterArrayNdOps(r);
}

namespace ops {

Output Slice(const Scope& s, Input input, Input begin, Input size) {
  return s.AddOp1("Slice", {input, begin, size});
}

Output StridedSlice(const Scope& s, Input input, Input begin, Input end,
                    Input strides, const StridedSliceAttrs& attrs) {
  return s.AddOp1("StridedSlice", {input, begin, end, strides},
                  {{"begin_mask", attrs.begin_mask},
                   {"end_mask", attrs.end_mask},
                   {"ellipsis_mask", attrs.ellipsis_mask},
                   {"new_axis_mask", attrs.new_axis_mask},
                   {"shrink_axis_mask", attrs.shrink_axis_mask}});
}

Output StridedSliceGrad(const Scope& s, Input shape, Input begin, Input end,
                        Input strides, Input dy,
                        const StridedSliceAttrs& attrs) {
  return s.AddOp1("StridedSliceGrad", {shape, begin, end, strides, dy},
                  {{"begin_mask", attrs.begin_mask},
                   {"end_mask", attrs.end_mask},
                   {"ellipsis_mask", attrs.ellipsis_mask},
                   {"new_axis_mask", attrs.new_axis_mask},
                   {"shrink_axis_mask", attrs.shrink_axis_mask}});
}

Output Gather(const Scope& s, Input params, Input indices,
              bool validate_indices) {
  return s.AddOp1("Gather", {params, indices},
                  {{"validate_indices", validate_indices}});
}

Output GatherV2(const Scope& s, Input params, Input indices, Input axis,
                int64_t batch_dims) {
  return s.AddOp1("GatherV2", {params, indices, axis},
                  {{"batch_dims", batch_dims}});
}

OutputList Split(const Scope& s, Input split_dim, Input value,
                 int64_t num_split) {
  return s.AddOp("Split", {split_dim, value}, {{"num_split", num_split}});
}

OutputList SplitV(const Scope& s, Input value, Input size_splits,
                  Input split_dim, int64_t num_split) {
  return s.AddOp("SplitV", {value, size_splits, split_dim},
                 {{"num_split", num_split}});
}

OutputList Unpack(const Scope& s, Input value, int64_t num, int64_t axis) {
  return s.AddOp("Unpack", {value}, {{"num", num}, {"axis", axis}});
}

}  // namespace ops
}  // namespace graphflow
