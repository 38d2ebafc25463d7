// Gradients of the conv family (TF 1.15's nn_grad.py: _Conv2DGrad,
// _Conv2DBackpropInputGrad, _Conv2DBackpropFilterGrad, _BiasAddGrad,
// _BiasAddGradGrad). Internal to ops/.
#ifndef GRAPHFLOW_OPS_CONV_GRAD_H_
#define GRAPHFLOW_OPS_CONV_GRAD_H_

#include "absl/status/status.h"
#include "graph/scope.h"

namespace graphflow {

absl::Status Conv2DGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx);
absl::Status Conv2DBackpropInputGrad(const Scope& s, const Node& node,
                                     const OutputList& dy, OutputList* dx);
absl::Status Conv2DBackpropFilterGrad(const Scope& s, const Node& node,
                                      const OutputList& dy, OutputList* dx);
absl::Status BiasAddGradFn(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx);
absl::Status BiasAddGradGrad(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx);

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_CONV_GRAD_H_
