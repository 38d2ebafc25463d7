// Shape-function helpers shared by the array families (array, array_slice,
// array_join).
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

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_SHAPE_UTIL_H_
