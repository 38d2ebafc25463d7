// Gradients of the reduction family (TF 1.15's math_grad.py: _SumGrad,
// _MeanGrad, _MinOrMaxGrad, _ProdGrad, _MatMulGrad, _CumsumGrad,
// _CumprodGrad). Internal to ops/.
#ifndef GRAPHFLOW_OPS_REDUCTION_GRAD_H_
#define GRAPHFLOW_OPS_REDUCTION_GRAD_H_

#include "absl/status/status.h"
#include "graph/scope.h"

namespace graphflow {

absl::Status SumGrad(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx);
absl::Status MeanGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx);
// Max and Min share TF's _MinOrMaxGrad.
absl::Status MinOrMaxGrad(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx);
absl::Status ProdGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx);
absl::Status MatMulGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx);
absl::Status CumsumGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx);
absl::Status CumprodGrad(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx);

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_REDUCTION_GRAD_H_
