// The array_join family's builders: the ops that put tensors together
// (concatenation, stacking, tiling, padding, stitching).
#ifndef GRAPHFLOW_OPS_ARRAY_JOIN_OPS_H_
#define GRAPHFLOW_OPS_ARRAY_JOIN_OPS_H_

#include <cstdint>

#include "graph/scope.h"
#include "ops/array_ops.h"  // InputList.

namespace graphflow::ops {

// Concatenates `values` along `axis` (ConcatV2).
Output ConcatV2(const Scope& s, const InputList& values, Input axis);
// TF C++'s spelling: also builds a ConcatV2 node.
Output Concat(const Scope& s, const InputList& values, Input axis);
// The legacy "Concat" op, whose axis (concat_dim) comes first.
Output ConcatV1(const Scope& s, Input concat_dim, const InputList& values);
// Stacks N tensors of one shape into a tensor of rank + 1 (tf.stack).
Output Pack(const Scope& s, const InputList& values, int64_t axis = 0);

// Repeats `input` multiples[i] times along dim i.
Output Tile(const Scope& s, Input input, Input multiples);

// merged[indices[m][i], ...] = data[m][i, ...]; later entries win.
Output DynamicStitch(const Scope& s, const InputList& indices,
                     const InputList& data);

// The offsets of the inputs of the given `shape`s in their concatenation
// along concat_dim (int32), one vector each: for Concat's gradient.
OutputList ConcatOffset(const Scope& s, Input concat_dim,
                        const InputList& shape);
// Pads with zeros: paddings is [rank, 2] (before, after) per dim.
Output Pad(const Scope& s, Input input, Input paddings);
// Pads with the scalar constant_values.
Output PadV2(const Scope& s, Input input, Input paddings,
             Input constant_values);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_ARRAY_JOIN_OPS_H_
