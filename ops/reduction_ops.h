// Reductions (Sum, Mean, Max, Min, Prod), ArgMax/ArgMin and MatMul.
#ifndef GRAPHFLOW_OPS_REDUCTION_OPS_H_
#define GRAPHFLOW_OPS_REDUCTION_OPS_H_

#include "graph/scope.h"

namespace graphflow::ops {

// Sum of `input` over the axes in `axis` (an int32/int64 scalar or vector).
Output Sum(const Scope& s, Input input, Input axis, bool keep_dims = false);
// Mean over `axis`; integer types use integer division like TF.
Output Mean(const Scope& s, Input input, Input axis, bool keep_dims = false);
// Maximum over `axis`.
Output Max(const Scope& s, Input input, Input axis, bool keep_dims = false);
// Minimum over `axis`.
Output Min(const Scope& s, Input input, Input axis, bool keep_dims = false);
// Product over `axis`.
Output Prod(const Scope& s, Input input, Input axis, bool keep_dims = false);
// Index of the largest value along the scalar `dimension` (first on ties).
Output ArgMax(const Scope& s, Input input, Input dimension,
              DataType output_type = DT_INT64);
// Index of the smallest value along the scalar `dimension` (first on ties).
Output ArgMin(const Scope& s, Input input, Input dimension,
              DataType output_type = DT_INT64);
// op(a) * op(b) for 2-D a and b, op transposing when asked.
Output MatMul(const Scope& s, Input a, Input b, bool transpose_a = false,
              bool transpose_b = false);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_REDUCTION_OPS_H_
