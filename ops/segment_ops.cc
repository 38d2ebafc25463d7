#include "ops/segment_ops.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/gradient_util.h"
#include "ops/math_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// TF's Unique shape: x must be 1-D; y is a vector of unknown length and idx
// is shaped like x.
absl::Status UniqueShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape x, c.WithRank(0, 1));
  c.set_output(0, PartialShape::UnknownOfRank(1));
  c.set_output(1, x);
  return absl::OkStatus();
}

// TF's UniqueV2 shape: y keeps x's rank (the axis length is unknown).
absl::Status UniqueV2Shape(InferenceContext& c) {
  const PartialShape& x = c.input_shape(0);
  c.set_output(0, x.known_rank() ? PartialShape::UnknownOfRank(x.rank())
                                 : PartialShape());
  c.set_output(1, x);
  return absl::OkStatus();
}

// TF's UnsortedSegmentReductionShapeFn: [num_segments] +
// data.shape[rank(segment_ids):], with segment_ids a prefix of data's shape
// and num_segments taken from a graph-time constant when there is one.
absl::Status UnsortedSegmentShape(InferenceContext& c) {
  RETURN_IF_ERROR(c.WithRank(2, 0).status());
  const PartialShape& data = c.input_shape(0);
  const PartialShape& ids = c.input_shape(1);
  if (!ids.known_rank()) {
    c.set_output(0, PartialShape());
    return absl::OkStatus();
  }
  if (data.known_rank()) {
    bool prefix = data.rank() >= ids.rank();
    for (int j = 0; prefix && j < ids.rank(); ++j) {
      prefix = data.dim(j) < 0 || ids.dim(j) < 0 || data.dim(j) == ids.dim(j);
    }
    if (!prefix) {
      return c.Error(absl::StrCat("segment_ids shape ", ids.DebugString(),
                                  " is not a prefix of data shape ",
                                  data.DebugString()));
    }
  }
  int64_t num_segments = -1;
  if (const Tensor* t = c.input_tensor(2);
      t != nullptr && t->num_elements() == 1) {
    num_segments = t->dtype() == DT_INT32 ? int64_t{t->data<int32_t>()[0]}
                                          : t->data<int64_t>()[0];
    if (num_segments < 0) {
      return c.Error(absl::StrCat(
          "Dimension size, given by scalar input 2, must be non-negative but "
          "is ",
          num_segments));
    }
  }
  if (!data.known_rank()) {
    c.set_output(0, PartialShape());
    return absl::OkStatus();
  }
  std::vector<int64_t> dims = {num_segments};
  dims.insert(dims.end(), data.dims().begin() + ids.rank(), data.dims().end());
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

// TF 1.15's _UnsortedSegmentSumGrad: _GatherDropNegatives(dy, segment_ids),
// the rows of dy picked by the ids clipped at 0, zeroed where an id was
// negative (those elements went nowhere).
absl::Status UnsortedSegmentSumGradient(const Scope& s, const Node& node,
                                        const OutputList& dy, OutputList* dx) {
  Output data = NodeInput(node, 0), ids = NodeInput(node, 1);
  if (!data.shape().known_rank() || !ids.shape().known_rank()) {
    return absl::InvalidArgumentError(
        absl::StrCat(node.name(),
                     ": the gradient of UnsortedSegmentSum needs "
                     "the ranks of data and segment_ids"));
  }
  Output clipped = ops::Maximum(s, ids, ops::ZerosLike(s, ids));
  Output gathered = ops::GatherV2(s, dy[0], clipped, 0);
  Output is_positive =
      ops::GreaterEqual(s, ids, ScalarOfType(s, 0, ids.dtype()));
  // TF's where needs the condition shaped like the values.
  for (int j = ids.shape().rank(); j < data.shape().rank(); ++j) {
    is_positive = ops::ExpandDims(s, is_positive, -1);
  }
  is_positive = ops::LogicalAnd(s, is_positive,
                                ops::Fill(s, ops::Shape(s, gathered), true));
  dx->push_back(
      ops::Select(s, is_positive, gathered, ops::ZerosLike(s, gathered)));
  dx->push_back(Output());
  dx->push_back(Output());
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterSegmentOps(OpRegistry& r) {
  // TF registers no gradient for Unique: differentiating through it is an
  // error (its idx is integer, so embedding ids never need one).
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Unique")
                                 .Input("x: T")
                                 .Output("y: T")
                                 .Output("idx: out_idx")
                                 .Attr("T: type")
                                 .Attr("out_idx: {int32, int64} = DT_INT32")
                                 .SetShapeFn(UniqueShape)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("UniqueV2")
                                 .Input("x: T")
                                 .Input("axis: Taxis")
                                 .Output("y: T")
                                 .Output("idx: out_idx")
                                 .Attr("T: type")
                                 .Attr("Taxis: {int32, int64} = DT_INT64")
                                 .Attr("out_idx: {int32, int64} = DT_INT32")
                                 .SetShapeFn(UniqueV2Shape)));
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("UnsortedSegmentSum")
                     .Input("data: T")
                     .Input("segment_ids: Tindices")
                     .Input("num_segments: Tnumsegments")
                     .Output("output: T")
                     .Attr("T: numbertype")
                     .Attr("Tindices: {int32, int64}")
                     .Attr("Tnumsegments: {int32, int64} = DT_INT32")
                     .SetShapeFn(UnsortedSegmentShape)
                     .SetGradient(UnsortedSegmentSumGradient)));
  return absl::OkStatus();
}

namespace ops {

UniqueOutput Unique(const Scope& s, Input x, DataType out_idx) {
  OutputList out = s.AddOp("Unique", {x}, {{"out_idx", out_idx}});
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}

UniqueOutput UniqueV2(const Scope& s, Input x, Input axis, DataType out_idx) {
  OutputList out = s.AddOp("UniqueV2", {x, axis}, {{"out_idx", out_idx}});
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}

Output UnsortedSegmentSum(const Scope& s, Input data, Input segment_ids,
                          Input num_segments) {
  return s.AddOp1("UnsortedSegmentSum", {data, segment_ids, num_segments});
}

}  // namespace ops
}  // namespace graphflow
