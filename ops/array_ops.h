// The array family's builders: reshapes, shapes, transposes, fills and
// index builders (TF's array_ops.cc). Slicing and splitting are in
// array_slice_ops.h, concatenation, stacking, tiling and padding in
// array_join_ops.h.
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

// A tensor of shape `dims` filled with the scalar `value`.
Output Fill(const Scope& s, Input dims, Input value);
// Zeros (ones) of the shape and dtype of x.
Output ZerosLike(const Scope& s, Input x);
Output OnesLike(const Scope& s, Input x);
// One-hot vectors of `depth` along `axis` (-1: a new last axis);
// out-of-range indices give all-off rows.
Output OneHot(const Scope& s, Input indices, Input depth, Input on_value,
              Input off_value, int64_t axis = -1);
// Permutes the dims: output dim i is input dim perm[i].
Output Transpose(const Scope& s, Input x, Input perm);
// Passes input through; no gradient flows back.
Output StopGradient(const Scope& s, Input input);
// Passes input through; differentiating it is an error with `message`.
Output PreventGradient(const Scope& s, Input input,
                       const std::string& message = "");
// Passes each input through.
// `tensor` reversed along each dimension listed in the 1-D `axis`
// (negative counts from the end).
Output ReverseV2(const Scope& s, Input tensor, Input axis);
// For each b along batch_dim, reverses the first seq_lengths[b] entries of
// `input` along seq_dim (ops/array_reverse_ops.cc).
Output ReverseSequence(const Scope& s, Input input, Input seq_lengths,
                       int64_t seq_dim, int64_t batch_dim = 0);
OutputList IdentityN(const Scope& s, const InputList& inputs);
// [start, start + delta, ...) up to `limit` (exclusive); dtype of start.
Output Range(const Scope& s, Input start, Input limit, Input delta);
// The coordinates of the true (non-zero) elements, an int64 [n, rank].
Output Where(const Scope& s, Input condition);

// y[x[i]] = i for a permutation x (int32 or int64).
Output InvertPermutation(const Scope& s, Input x);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_ARRAY_OPS_H_
