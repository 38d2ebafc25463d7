// Split and SplitV: schemas (TF 1.15), shape functions, gradients (ConcatV2
// of the output gradients) and builders. SplitV also serves Concat's
// gradient for more than 16 inputs, as in TF.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/array_ops_internal.h"
#include "ops/state_ops.h"

namespace graphflow::array_internal {
namespace {

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

// TF's array_ops.concat: Identity for a single value.
Output ConcatGrads(const Scope& s, const OutputList& dy, Output axis) {
  if (dy.size() == 1) return ops::Identity(s, dy[0]);
  return ops::ConcatV2(s.WithOpName("concat"), dy, axis);
}

absl::Status SplitGrad(const Scope& s, const Node& node, const OutputList& dy,
                       OutputList* dx) {
  *dx = {Output(), ConcatGrads(s, dy, NodeInput(node, 0))};
  return absl::OkStatus();
}

absl::Status SplitVGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx) {
  *dx = {ConcatGrads(s, dy, NodeInput(node, 2)), Output(), Output()};
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterSplitOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Split")
                                 .Input("split_dim: int32")
                                 .Input("value: T")
                                 .Output("output: num_split * T")
                                 .Attr("num_split: int >= 1")
                                 .Attr("T: type")
                                 .SetShapeFn(SplitShape)
                                 .SetGradient(SplitGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("SplitV")
                                 .Input("value: T")
                                 .Input("size_splits: Tlen")
                                 .Input("split_dim: int32")
                                 .Output("output: num_split * T")
                                 .Attr("num_split: int >= 1")
                                 .Attr("T: type")
                                 .Attr("Tlen: {int32, int64} = DT_INT64")
                                 .SetShapeFn(SplitVShape)
                                 .SetGradient(SplitVGrad)));
  return absl::OkStatus();
}

}  // namespace graphflow::array_internal

namespace graphflow::ops {

OutputList Split(const Scope& s, Input split_dim, Input value,
                 int64_t num_split) {
  return s.AddOp("Split", {split_dim, value}, {{"num_split", num_split}});
}

OutputList SplitV(const Scope& s, Input value, Input size_splits,
                  Input split_dim, int64_t num_split) {
  return s.AddOp("SplitV", {value, size_splits, split_dim},
                 {{"num_split", num_split}});
}

}  // namespace graphflow::ops
