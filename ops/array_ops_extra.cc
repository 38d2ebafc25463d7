// The array ops that TF's array gradients are built from: ConcatOffset, Pad,
// PadV2, InvertPermutation, StridedSliceGrad, Gather and GatherV2 (schemas
// in TF 1.15 spelling, shape functions and builders).
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_grad.h"
#include "ops/array_ops.h"
#include "ops/array_ops_internal.h"

namespace graphflow::array_internal {
namespace {

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

absl::Status InvertPermutationShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape x, c.WithRank(0, 1));
  c.set_output(0, x);
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

}  // namespace

absl::Status RegisterArrayGradOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ConcatOffset")
                                 .Input("concat_dim: int32")
                                 .Input("shape: N * int32")
                                 .Output("offset: N * int32")
                                 .Attr("N: int >= 2")
                                 .SetShapeFn(ConcatOffsetShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Pad")
                                 .Input("input: T")
                                 .Input("paddings: Tpaddings")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Tpaddings: {int32, int64} = DT_INT32")
                                 .SetShapeFn(PadShape)
                                 .SetGradient(PadGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("PadV2")
                                 .Input("input: T")
                                 .Input("paddings: Tpaddings")
                                 .Input("constant_values: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Tpaddings: {int32, int64} = DT_INT32")
                                 .SetShapeFn(PadShape)
                                 .SetGradient(PadGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("InvertPermutation")
                                 .Input("x: T")
                                 .Output("y: T")
                                 .Attr("T: {int32, int64} = DT_INT32")
                                 .SetShapeFn(InvertPermutationShape)
                                 .SetNoGradient()));
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
                                 .SetGradient(StridedSliceGradGrad)));
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
  return RegisterSplitOps(r);
}

}  // namespace graphflow::array_internal

namespace graphflow::ops {

OutputList ConcatOffset(const Scope& s, Input concat_dim,
                        const InputList& shape) {
  std::vector<Input> inputs = {concat_dim};
  inputs.insert(inputs.end(), shape.inputs().begin(), shape.inputs().end());
  return s.AddOp("ConcatOffset", inputs);
}

Output Pad(const Scope& s, Input input, Input paddings) {
  return s.AddOp1("Pad", {input, paddings});
}

Output PadV2(const Scope& s, Input input, Input paddings,
             Input constant_values) {
  return s.AddOp1("PadV2", {input, paddings, constant_values});
}

Output InvertPermutation(const Scope& s, Input x) {
  return s.AddOp1("InvertPermutation", {x});
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

Output GatherV2(const Scope& s, Input params, Input indices, Input axis,
                int64_t batch_dims) {
  return s.AddOp1("GatherV2", {params, indices, axis},
                  {{"batch_dims", batch_dims}});
}

Output Gather(const Scope& s, Input params, Input indices,
              bool validate_indices) {
  return s.AddOp1("Gather", {params, indices},
                  {{"validate_indices", validate_indices}});
}

}  // namespace graphflow::ops
