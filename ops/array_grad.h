// Gradient functions of the array ops (TF 1.15's array_grad.py and the
// DynamicStitch gradient of data_flow_grad.py), registered by the schemas in
// array_ops*.cc. Internal to the array family.
#ifndef GRAPHFLOW_OPS_ARRAY_GRAD_H_
#define GRAPHFLOW_OPS_ARRAY_GRAD_H_

#include "absl/status/status.h"
#include "graph/scope.h"

namespace graphflow::array_internal {

#define GRAPHFLOW_DECLARE_GRAD(name)                                        \
  absl::Status name(const Scope& s, const Node& node, const OutputList& dy, \
                    OutputList* dx)

GRAPHFLOW_DECLARE_GRAD(ReshapeGrad);  // Also ExpandDims and Squeeze.
GRAPHFLOW_DECLARE_GRAD(IdentityNGrad);
GRAPHFLOW_DECLARE_GRAD(PreventGradientGrad);  // Always an error.
GRAPHFLOW_DECLARE_GRAD(ConcatV2Grad);
GRAPHFLOW_DECLARE_GRAD(ConcatGrad);
GRAPHFLOW_DECLARE_GRAD(PackGrad);
GRAPHFLOW_DECLARE_GRAD(UnpackGrad);
GRAPHFLOW_DECLARE_GRAD(SliceGrad);
GRAPHFLOW_DECLARE_GRAD(StridedSliceGrad);
GRAPHFLOW_DECLARE_GRAD(StridedSliceGradGrad);
GRAPHFLOW_DECLARE_GRAD(TileGrad);
GRAPHFLOW_DECLARE_GRAD(TransposeGrad);
GRAPHFLOW_DECLARE_GRAD(FillGrad);
GRAPHFLOW_DECLARE_GRAD(DynamicStitchGrad);
GRAPHFLOW_DECLARE_GRAD(PadGrad);  // Pad and PadV2.

#undef GRAPHFLOW_DECLARE_GRAD

}  // namespace graphflow::array_internal

#endif  // GRAPHFLOW_OPS_ARRAY_GRAD_H_
