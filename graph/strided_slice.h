// StridedSlice's index arithmetic (TF's ValidateStridedSliceOp): turns the
// sparse spec (begin/end/strides plus the five masks) into a begin, stride
// and size per input dimension and the final output shape. Shared by the
// shape functions and graph-time evaluation in ops/ and graph/ and by the
// kernels, so they cannot drift apart.
#ifndef GRAPHFLOW_GRAPH_STRIDED_SLICE_H_
#define GRAPHFLOW_GRAPH_STRIDED_SLICE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/graph.h"
#include "graph/tensor_shape.h"

namespace graphflow::strided_slice {

struct Masks {
  int64_t begin = 0, end = 0, ellipsis = 0, new_axis = 0, shrink_axis = 0;
};

struct Spec {
  // One entry per input dimension.
  DimVector begin, strides;
  DimVector processing_dims;  // Elements taken per input dim; -1 unknown.
  DimVector final_dims;       // The output shape; -1 unknown.
};

// StridedSlice's five mask attrs, read from a StridedSlice or
// StridedSliceGrad node (InvalidArgument naming the node if one is missing).
absl::StatusOr<Masks> MasksOf(const Node& node);

// `input_dims` may hold -1 (unknown, at graph time). Errors are plain
// messages; callers prefix the node.
absl::StatusOr<Spec> Compute(absl::Span<const int64_t> input_dims,
                             absl::Span<const int64_t> begin,
                             absl::Span<const int64_t> end,
                             absl::Span<const int64_t> strides, const Masks& m);

}  // namespace graphflow::strided_slice

#endif  // GRAPHFLOW_GRAPH_STRIDED_SLICE_H_
