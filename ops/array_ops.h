// Array and shape manipulation: reshapes, shapes, concatenation, slicing,
// tiling, transposes, fills and index builders (TF's array_ops.cc).
#ifndef GRAPHFLOW_OPS_ARRAY_OPS_H_
#define GRAPHFLOW_OPS_ARRAY_OPS_H_

#include <vector>

#include "graph/scope.h"

namespace graphflow::ops {

// A list of inputs for the N-ary ops: an OutputList or {a, b, c}.
class InputList {
 public:
  InputList(const OutputList& outputs)  // NOLINT
      : inputs_(outputs.begin(), outputs.end()) {}
  InputList(std::initializer_list<Input> inputs) : inputs_(inputs) {}  // NOLINT
  InputList(std::vector<Input> inputs)
      : inputs_(std::move(inputs)) {}  // NOLINT
  const std::vector<Input>& inputs() const { return inputs_; }

 private:
  std::vector<Input> inputs_;
};

// `tensor` with the given shape; one entry of `shape` may be -1 (inferred).
Output Reshape(const Scope& s, Input tensor, Input shape);
// The shape of `input` as a 1-D tensor of out_type (int32 or int64).
Output Shape(const Scope& s, Input input, DataType out_type = DT_INT32);
// The shapes of several tensors, one output each.
OutputList ShapeN(const Scope& s, const InputList& inputs,
                  DataType out_type = DT_INT32);
// The number of elements of `input`, a scalar of out_type.
Output Size(const Scope& s, Input input, DataType out_type = DT_INT32);
// The rank of `input`, an int32 scalar.
Output Rank(const Scope& s, Input input);
// Inserts a dimension of size 1 at `axis` (negative counts from the end).
Output ExpandDims(const Scope& s, Input input, Input axis);
// Removes size-1 dims: the listed ones, or all when the list is empty.
Output Squeeze(const Scope& s, Input input,
               const std::vector<int64_t>& squeeze_dims = {});
// Concatenates `values` along `axis` (ConcatV2).
Output ConcatV2(const Scope& s, const InputList& values, Input axis);
// TF C++'s spelling: also builds a ConcatV2 node.
Output Concat(const Scope& s, const InputList& values, Input axis);
// The legacy "Concat" op, whose axis (concat_dim) comes first.
Output ConcatV1(const Scope& s, Input concat_dim, const InputList& values);
// Stacks N tensors of one shape into a tensor of rank + 1 (tf.stack).
Output Pack(const Scope& s, const InputList& values, int64_t axis = 0);
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

// A tensor of shape `dims` filled with the scalar `value`.
Output Fill(const Scope& s, Input dims, Input value);
// Zeros (ones) of the shape and dtype of x.
Output ZerosLike(const Scope& s, Input x);
Output OnesLike(const Scope& s, Input x);
// One-hot vectors of `depth` along `axis` (-1: a new last axis);
// out-of-range indices give all-off rows.
Output OneHot(const Scope& s, Input indices, Input depth, Input on_value,
              Input off_value, int64_t axis = -1);
// Repeats `input` multiples[i] times along dim i.
Output Tile(const Scope& s, Input input, Input multiples);
// Permutes the dims: output dim i is input dim perm[i].
Output Transpose(const Scope& s, Input x, Input perm);
// merged[indices[m][i], ...] = data[m][i, ...]; later entries win.
Output DynamicStitch(const Scope& s, const InputList& indices,
                     const InputList& data);
// Passes input through; no gradient flows back.
Output StopGradient(const Scope& s, Input input);
// Passes input through; differentiating it is an error with `message`.
Output PreventGradient(const Scope& s, Input input,
                       const std::string& message = "");
// Passes each input through.
OutputList IdentityN(const Scope& s, const InputList& inputs);
// [start, start + delta, ...) up to `limit` (exclusive); dtype of start.
Output Range(const Scope& s, Input start, Input limit, Input delta);
// The coordinates of the true (non-zero) elements, an int64 [n, rank].
Output Where(const Scope& s, Input condition);

// The offsets of the inputs of the given `shape`s in their concatenation
// along concat_dim (int32), one vector each: for Concat's gradient.
OutputList ConcatOffset(const Scope& s, Input concat_dim,
                        const InputList& shape);
// Pads with zeros: paddings is [rank, 2] (before, after) per dim.
Output Pad(const Scope& s, Input input, Input paddings);
// Pads with the scalar constant_values.
Output PadV2(const Scope& s, Input input, Input paddings,
             Input constant_values);
// y[x[i]] = i for a permutation x (int32 or int64).
Output InvertPermutation(const Scope& s, Input x);
// StridedSlice's gradient: dy scattered into zeros of `shape`.
Output StridedSliceGrad(const Scope& s, Input shape, Input begin, Input end,
                        Input strides, Input dy,
                        const StridedSliceAttrs& attrs = {});
// Slices of params along `axis` picked by indices (tf.gather); the first
// batch_dims dims of params and indices are batch dims.
Output GatherV2(const Scope& s, Input params, Input indices, Input axis,
                int64_t batch_dims = 0);
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

#endif  // GRAPHFLOW_OPS_ARRAY_OPS_H_
