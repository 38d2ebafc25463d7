// Reductions (Sum, Mean, Max, Min, Prod, All, Any), ArgMax/ArgMin,
// Cumsum/Cumprod and ListDiff (MatMul is in ops/matmul_ops.h).
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
// Logical and / or of a bool `input` over `axis` (true / false over none).
Output All(const Scope& s, Input input, Input axis, bool keep_dims = false);
Output Any(const Scope& s, Input input, Input axis, bool keep_dims = false);
// Index of the largest value along the scalar `dimension` (first on ties).
Output ArgMax(const Scope& s, Input input, Input dimension,
              DataType output_type = DT_INT64);
// Index of the smallest value along the scalar `dimension` (first on ties).
Output ArgMin(const Scope& s, Input input, Input dimension,
              DataType output_type = DT_INT64);

// Helper ops of the Prod gradient.
// Running sum of x along the scalar `axis`; exclusive starts from 0,
// reverse runs from the end: cumsum([a,b,c], exclusive, reverse) = [b+c,c,0].
Output Cumsum(const Scope& s, Input x, Input axis, bool exclusive = false,
              bool reverse = false);
// Running product of x along the scalar `axis` (exclusive starts from 1).
Output Cumprod(const Scope& s, Input x, Input axis, bool exclusive = false,
               bool reverse = false);
// The values of 1-D x not in 1-D y, in x's order, and their positions in x.
struct ListDiffOutput {
  Output out, idx;
};
ListDiffOutput ListDiff(const Scope& s, Input x, Input y,
                        DataType out_idx = DT_INT32);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_REDUCTION_OPS_H_
