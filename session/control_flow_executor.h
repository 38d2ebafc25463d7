// The dataflow executor Session::Run uses for a plan that contains control
// flow ops (Switch, Merge, Enter, Exit, NextIteration, LoopCond,
// ControlTrigger and their Ref forms), with TensorFlow's semantics:
//   - dead tensors: Switch's untaken output is dead; a node with a dead input
//     does not run and its outputs and control outputs are dead; Merge runs
//     when one input is live (forwarding it and its index) and is dead only
//     when all are (or its Enter is dead: a loop in an untaken branch);
//     ControlTrigger is never dead;
//   - frames: Enter moves a value into the child frame named frame_name of
//     the current (frame, iteration); an is_constant Enter's value is seen by
//     every iteration; NextIteration moves to the next iteration (a dead one
//     ends the loop); Exit leaves the frame, and an Exit that never ran live
//     sends a dead value out once its frame is finished.
// One thread runs a FIFO ready queue of (frame, iteration, node); pending
// counts and dead flags are kept per (frame, iteration, node). Iterations
// run as their inputs arrive, not parallel_iterations at a time (accepted,
// not a limit); a frame's iteration states are kept until the frame ends.
#ifndef GRAPHFLOW_SESSION_CONTROL_FLOW_EXECUTOR_H_
#define GRAPHFLOW_SESSION_CONTROL_FLOW_EXECUTOR_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "kernels/kernel.h"

namespace graphflow {

bool IsControlFlowOp(const Node& node);

struct ControlFlowPlan;

// `nodes`: the needed nodes; `fed`: fed endpoint -> index into the feeds
// given to Run; `fetches` may be fed endpoints.
absl::StatusOr<std::shared_ptr<const ControlFlowPlan>> BuildControlFlowPlan(
    const std::vector<const Node*>& nodes,
    const absl::flat_hash_map<Endpoint, int>& fed,
    const std::vector<Endpoint>& fetches, const KernelRegistry& kernels);

using CountersFn = std::function<NodeCounters*(const Node*)>;
absl::StatusOr<std::vector<Tensor>> RunControlFlowPlan(
    const ControlFlowPlan& plan, const std::vector<Tensor>& feeds,
    const KernelEnvironment& env, const CountersFn& counters);

}  // namespace graphflow

#endif  // GRAPHFLOW_SESSION_CONTROL_FLOW_EXECUTOR_H_
