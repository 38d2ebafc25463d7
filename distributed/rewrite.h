// The data-parallel rewrite (Horovod's idea as a graph pass): every gradient
// an optimizer op applies is first averaged over the ranks by one fused
// MpiAllreduce, so each rank applies the same update to the same variables.
// Applied in memory when a distributed session starts; never saved.
#ifndef GRAPHFLOW_DISTRIBUTED_REWRITE_H_
#define GRAPHFLOW_DISTRIBUTED_REWRITE_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace graphflow::distributed {

// A copy of `graph` (schemas from DistributedOpRegistry()) in which the
// gradient input ("grad", or "delta" for ApplyGradientDescent) of every
// Apply*/ResourceApply* op reads from one MpiAllreduce per gradient dtype
// (in practice one: float). A gradient feeding two optimizer ops is reduced
// once. FailedPrecondition when the graph has no optimizer op; Unimplemented
// for sparse updates (SparseApply*), whose gradients are row slices.
absl::StatusOr<std::unique_ptr<Graph>> DistributeTrainingGraph(
    const Graph& graph);

// A hash of the deterministic serialization of the graph's GraphDef: equal
// on every rank that loaded the same graph (stable across processes, unlike
// absl::Hash).
uint64_t GraphFingerprint(const Graph& graph);

}  // namespace graphflow::distributed

#endif  // GRAPHFLOW_DISTRIBUTED_REWRITE_H_
