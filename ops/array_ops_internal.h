// Shape functions of ops/array_ops.cc and the graph-time evaluation of small
// int tensors (shapes, axes) they rely on. Internal to the array family.
#ifndef GRAPHFLOW_OPS_ARRAY_OPS_INTERNAL_H_
#define GRAPHFLOW_OPS_ARRAY_OPS_INTERNAL_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "graph/graph.h"

namespace graphflow::array_internal {

// Marks an element whose value is unknown at graph time.
inline constexpr int64_t kUnknownValue = std::numeric_limits<int64_t>::min();

// What is known at graph time of an int32/int64 scalar or vector: like TF's
// InputTensorAsShapeWithPartialKnowledge it sees through Const, Shape,
// ShapeN, Size, Rank, Pack, ConcatV2 and StridedSlice of those, so
// Reshape(x, Pack([Shape(x)[0], 784])) is known to give [?,784].
struct PartialValue {
  bool known = false;  // Whether the rank and length are known.
  bool scalar = false;
  std::vector<int64_t> values;  // kUnknownValue where unknown.

  bool FullyKnown() const;
};
PartialValue EvaluatePartial(const Endpoint& e, int depth = 0);
PartialValue InputValue(const InferenceContext& c, int i);

absl::Status ReshapeShape(InferenceContext& c);
absl::Status ShapeShape(InferenceContext& c);
absl::Status ShapeNShape(InferenceContext& c);
absl::Status ExpandDimsShape(InferenceContext& c);
absl::Status SqueezeShape(InferenceContext& c);
absl::Status ConcatV2Shape(InferenceContext& c);
absl::Status ConcatShape(InferenceContext& c);
absl::Status PackShape(InferenceContext& c);
absl::Status UnpackShape(InferenceContext& c);
absl::Status SliceShape(InferenceContext& c);
absl::Status StridedSliceShape(InferenceContext& c);
absl::Status FillShape(InferenceContext& c);
absl::Status OneHotShape(InferenceContext& c);
absl::Status TileShape(InferenceContext& c);
absl::Status TransposeShape(InferenceContext& c);
absl::Status DynamicStitchShape(InferenceContext& c);
absl::Status IdentityNShape(InferenceContext& c);
absl::Status RangeShape(InferenceContext& c);
absl::Status WhereShape(InferenceContext& c);

// The ops array gradients are built from (array_ops_extra.cc).
absl::Status RegisterArrayGradOps(OpRegistry& r);
// Split and SplitV (array_ops_split.cc).
absl::Status RegisterSplitOps(OpRegistry& r);

}  // namespace graphflow::array_internal

#endif  // GRAPHFLOW_OPS_ARRAY_OPS_INTERNAL_H_
