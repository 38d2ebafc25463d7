// Graph-time evaluation of small int tensors (shapes, axes, sizes): the one
// place that works out what a node's output is known to hold before
// anything runs. Shape functions use it through InputValue; Graph::AddNode
// uses it for InferenceContext::input_tensor.
#ifndef GRAPHFLOW_GRAPH_PARTIAL_VALUE_H_
#define GRAPHFLOW_GRAPH_PARTIAL_VALUE_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "graph/graph.h"

namespace graphflow {

// Marks an element whose value is unknown at graph time.
inline constexpr int64_t kUnknownValue = std::numeric_limits<int64_t>::min();

// Graph-time values are shapes, axes and sizes: a longer vector is simply not
// evaluated (left unknown), so a hostile [2e9] int shape or a Concat of many
// large Consts never materializes gigabytes while a graph is built.
inline constexpr size_t kMaxPartialValueLength = size_t{1} << 16;

// What is known at graph time of an int32/int64 scalar or vector: like TF's
// InputTensorAsShapeWithPartialKnowledge it sees through Const, Shape,
// ShapeN, Size, Rank, Pack, ConcatV2 and StridedSlice of those, so
// Reshape(x, Pack([Shape(x)[0], 784])) is known to give [?,784].
struct PartialValue {
  bool known = false;  // Whether the rank and length are known.
  bool scalar = false;
  std::vector<int64_t> values;  // kUnknownValue where unknown.

  bool FullyKnown() const;
};

PartialValue EvaluatePartial(const Endpoint& e, int depth = 0);
// What is known of input i of the node being shaped.
PartialValue InputValue(const InferenceContext& c, int i);

// The value of an int32/int64 output fully known at graph time (a Const,
// Shape of a fully defined tensor, Pack of known scalars, ...) as a tensor of
// its dtype; nullopt otherwise.
std::optional<Tensor> KnownIntValue(const Endpoint& e);

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_PARTIAL_VALUE_H_
