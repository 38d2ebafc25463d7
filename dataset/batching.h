// Turning dataset tensors into model inputs: row gathering for minibatches,
// explicit conversions (pixel scaling, one-hot labels).
#ifndef GRAPHFLOW_DATASET_BATCHING_H_
#define GRAPHFLOW_DATASET_BATCHING_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/tensor.h"

namespace graphflow {

// The rows (slices along axis 0) of `t` at `rows`, in that order.
Tensor GatherRows(const Tensor& t, absl::Span<const int64_t> rows);
// Rows [begin, end).
Tensor SliceRows(const Tensor& t, int64_t begin, int64_t end);

// Any numeric tensor to float, times `scale` (1/255 for uint8 pixels).
absl::StatusOr<Tensor> ToFloat(const Tensor& t, float scale = 1.0f);
// Integer labels [N] to float one-hot [N, classes]; a label outside
// [0, classes) is InvalidArgument naming its row.
absl::StatusOr<Tensor> OneHotRows(const Tensor& labels, int64_t classes);
// Reshapes to `shape`, where one dimension may be -1.
absl::StatusOr<Tensor> ReshapeTo(const Tensor& t, std::vector<int64_t> shape);

// Minibatch order: 0..n-1 shuffled by a seeded generator, one epoch at a
// time (the same seed gives the same sequence of epochs).
class EpochShuffler {
 public:
  EpochShuffler(int64_t n, uint64_t seed);
  const std::vector<int64_t>& NextEpoch();

 private:
  std::vector<int64_t> order_;
  uint64_t state_;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_DATASET_BATCHING_H_
