// Gradients of the reduction family (TF 1.15's math_grad.py: _SumGrad,
// _MeanGrad, _MinOrMaxGrad, _ProdGrad, _MatMulGrad, _CumsumGrad,
// _CumprodGrad), and builders of the helper ops those gradients emit
// (Cumsum, Cumprod, InvertPermutation, ListDiff). Internal to ops/.
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

namespace ops {

// Running sum of x along the scalar `axis`; exclusive starts from 0,
// reverse runs from the end: cumsum([a,b,c], exclusive, reverse) = [b+c,c,0].
Output Cumsum(const Scope& s, Input x, Input axis, bool exclusive = false,
              bool reverse = false);
// Running product of x along the scalar `axis` (exclusive starts from 1).
Output Cumprod(const Scope& s, Input x, Input axis, bool exclusive = false,
               bool reverse = false);
// y[x[i]] = i for a permutation x of 0..n-1 (int32 or int64).
Output InvertPermutation(const Scope& s, Input x);
// The values of 1-D x not in 1-D y, in x's order, and their positions in x.
struct ListDiffOutput {
  Output out, idx;
};
ListDiffOutput ListDiff(const Scope& s, Input x, Input y,
                        DataType out_idx = DT_INT32);

}  // namespace ops
}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_REDUCTION_GRAD_H_
