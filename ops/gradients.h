// Reverse-mode differentiation as ordinary graph ops (TF's tf.gradients).
#ifndef GRAPHFLOW_OPS_GRADIENTS_H_
#define GRAPHFLOW_OPS_GRADIENTS_H_

#include <vector>

#include "absl/status/status.h"
#include "graph/scope.h"

namespace graphflow {

// Adds nodes computing d(sum of ys)/d(x) for each x, under the name scope
// "gradients". grad_ys (optional, one per y) seeds each y's gradient; by
// default ones. Contributions from several consumers are summed with AddN;
// paths through integer tensors and non-differentiable ops stop. An x that
// does not reach any y gets an invalid Output (!valid()): "no gradient".
// Errors (an op with no gradient function on the path, ...) name the node.
absl::Status AddSymbolicGradients(const Scope& scope,
                                  const std::vector<Output>& ys,
                                  const std::vector<Output>& xs,
                                  const std::vector<Output>& grad_ys,
                                  std::vector<Output>* grad_xs);
inline absl::Status AddSymbolicGradients(const Scope& scope,
                                         const std::vector<Output>& ys,
                                         const std::vector<Output>& xs,
                                         std::vector<Output>* grad_xs) {
  return AddSymbolicGradients(scope, ys, xs, {}, grad_xs);
}

// True for dtypes gradients flow through (float, double, half, bfloat16).
bool IsDifferentiable(DataType dtype);

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_GRADIENTS_H_
