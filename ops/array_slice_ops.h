// The array_slice family's builders: the ops that take parts of a tensor
// (slices, strided slices, gathers, splits, unstacking).
#ifndef GRAPHFLOW_OPS_ARRAY_SLICE_OPS_H_
#define GRAPHFLOW_OPS_ARRAY_SLICE_OPS_H_

#include <cstdint>

#include "graph/scope.h"

namespace graphflow::ops {

// Splits `value` along `axis` into `num` tensors (tf.unstack).
OutputList Unpack(const Scope& s, Input value, int64_t num, int64_t axis = 0);

// The block starting at `begin` of extent `size` (-1: to the end).
Output Slice(const Scope& s, Input input, Input begin, Input size);

// StridedSlice's masks (bit i refers to entry i of begin/end/strides).
struct StridedSliceAttrs {
  int64_t begin_mask = 0;
  int64_t end_mask = 0;
  int64_t ellipsis_mask = 0;
  int64_t new_axis_mask = 0;
  int64_t shrink_axis_mask = 0;
};
// Python-style x[begin:end:strides] with TF's masks.
Output StridedSlice(const Scope& s, Input input, Input begin, Input end,
                    Input strides, const StridedSliceAttrs& attrs = {});

// StridedSlice's gradient: dy scattered into zeros of `shape`.
Output StridedSliceGrad(const Scope& s, Input shape, Input begin, Input end,
                        Input strides, Input dy,
                        const StridedSliceAttrs& attrs = {});
// Slices of params along `axis` picked by indices (tf.gather); the first
// batch_dims dims of params and indices are batch dims.
Output GatherV2(const Scope& s, Input params, Input indices, Input axis,
                int64_t batch_dims = 0);
// Slices of params picked by the last dimension of indices, which holds
// index tuples into params' first dims (tf.gather_nd; array_nd_ops.cc).
Output GatherNd(const Scope& s, Input params, Input indices);
// Zeros of `shape` with the updates added at the index tuples of indices
// (duplicates sum): tf.scatter_nd.
Output ScatterNd(const Scope& s, Input indices, Input updates, Input shape);
// The legacy Gather, along axis 0.
Output Gather(const Scope& s, Input params, Input indices,
              bool validate_indices = true);

// Splits `value` along split_dim into num_split equal parts.
OutputList Split(const Scope& s, Input split_dim, Input value,
                 int64_t num_split);
// Splits `value` along split_dim into parts of size_splits (one may be -1).
OutputList SplitV(const Scope& s, Input value, Input size_splits,
                  Input split_dim, int64_t num_split);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_ARRAY_SLICE_OPS_H_
