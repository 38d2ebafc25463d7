// MpiAllreduce: a graphflow-only op, never written to a file. It exists in
// the graph a distributed session runs (rewrite.h), not in
// GlobalOpRegistry(), so graphs graphflow saves stay plain TensorFlow.
#ifndef GRAPHFLOW_DISTRIBUTED_ALLREDUCE_OP_H_
#define GRAPHFLOW_DISTRIBUTED_ALLREDUCE_OP_H_

#include "absl/status/status.h"
#include "graph/op_registry.h"

namespace graphflow::distributed {

// "tensors: N * T" -> "averaged: N * T": every input averaged over the ranks
// in one fused collective, weighted by the rows each rank trained on.
inline constexpr char kAllreduceOp[] = "MpiAllreduce";

absl::Status RegisterDistributedOps(OpRegistry& registry);

// Every standard op family plus MpiAllreduce.
const OpRegistry& DistributedOpRegistry();

}  // namespace graphflow::distributed

#endif  // GRAPHFLOW_DISTRIBUTED_ALLREDUCE_OP_H_
