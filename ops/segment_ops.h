// Unique and the unsorted segment reductions (TF's array_ops Unique and
// math_ops UnsortedSegmentSum): what TF1's sparse optimizer updates use to
// sum the gradient rows of repeated embedding ids.
#ifndef GRAPHFLOW_OPS_SEGMENT_OPS_H_
#define GRAPHFLOW_OPS_SEGMENT_OPS_H_

#include "graph/scope.h"

namespace graphflow::ops {

// The distinct values of the 1-D x in order of first occurrence (y), and
// for each element of x the position of its value in y (idx, of out_idx).
struct UniqueOutput {
  Output y;
  Output idx;
};
UniqueOutput Unique(const Scope& s, Input x, DataType out_idx = DT_INT32);
// UniqueV2 with an axis vector ([] or [0]: only 1-D x is supported).
UniqueOutput UniqueV2(const Scope& s, Input x, Input axis,
                      DataType out_idx = DT_INT32);
// output[i, ...] = sum of data[j..., ...] over the j with segment_ids[j...]
// == i; segment_ids is a prefix of data's shape, negative ids are dropped.
Output UnsortedSegmentSum(const Scope& s, Input data, Input segment_ids,
                          Input num_segments);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_SEGMENT_OPS_H_
