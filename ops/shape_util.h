// Shape helpers shared by the array families' shape functions and gradient
// functions (array, array_slice, array_join).
#ifndef GRAPHFLOW_OPS_SHAPE_UTIL_H_
#define GRAPHFLOW_OPS_SHAPE_UTIL_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/graph.h"
#include "graph/scope.h"

namespace graphflow {

// Maps axis in [-rank, rank) to [0, rank), or names the node in an error.
absl::StatusOr<int64_t> NormalizeAxis(InferenceContext& c, int64_t axis,
                                      int64_t rank, absl::string_view what);
// `s` with a dimension of `size` inserted at `at`.
PartialShape InsertDim(const PartialShape& s, int64_t at, int64_t size);

// For gradient functions: like array_ops.shape/rank/size in TF graph mode,
// a shape known at graph time becomes a Const named like the op instead of
// a Shape/Rank/Size node.
// The static shape of x as a tensor of out_type, when fully known and it
// fits.
bool StaticShape(const Output& x, DataType out_type, Tensor* value);
Output ShapeOf(const Scope& s, const Output& x, DataType out_type = DT_INT32);
Output RankOf(const Scope& s, const Output& x);  // An int32 scalar.
Output SizeOf(const Scope& s, const Output& x);  // An int32 scalar.

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_SHAPE_UTIL_H_
