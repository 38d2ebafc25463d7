// Checks shared by Session::Run's two executors (the plain step loop in
// session.cc and the control-flow executor).
#ifndef GRAPHFLOW_SESSION_RUN_UTIL_H_
#define GRAPHFLOW_SESSION_RUN_UTIL_H_

#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "kernels/kernel.h"

namespace graphflow {

// The feed matches the fed endpoint's dtype and (placeholder) shape.
absl::Status CheckFeed(const Endpoint& e, const Tensor& value,
                       absl::string_view feed_name);
// A kernel must set every output: a variable for a ref output, otherwise a
// tensor of the declared dtype.
absl::Status CheckOutputs(const Node& node,
                          const std::vector<KernelValue>& outputs);
// The value of the variable behind a ref input node `node` reads as a
// tensor (FailedPrecondition naming the node if uninitialized).
absl::StatusOr<Tensor> ReadRefInput(const Node& node, const KernelValue& v);
// A fetched value: the tensor, or the variable's current value.
absl::StatusOr<Tensor> ValueOf(const KernelValue& v);
// InvalidArgument for running an unfed Placeholder.
absl::Status UnfedPlaceholderError(const Node& node);

}  // namespace graphflow

#endif  // GRAPHFLOW_SESSION_RUN_UTIL_H_
