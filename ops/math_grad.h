// Gradients of the element-wise math ops (TF 1.15's math_grad.py), and the
// broadcast-reduction helpers other families' gradients reuse.
#ifndef GRAPHFLOW_OPS_MATH_GRAD_H_
#define GRAPHFLOW_OPS_MATH_GRAD_H_

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "graph/scope.h"

namespace graphflow {

// The axes to sum a gradient over to reduce it from the broadcast of `x` and
// `other` to x's shape, when graph-time shapes decide them (axes index the
// broadcast result; size-1 axes that need no sum are left out). nullopt when
// they depend on run-time sizes (unknown ranks, or an unknown dim of x
// against a dim of `other` that is not 1).
std::optional<std::vector<int32_t>> StaticReductionAxes(
    const PartialShape& x, const PartialShape& other);

// `grad` (shaped like a broadcast of x with something) summed down to x's
// shape. When the static shapes decide the axes (StaticReductionAxes of x
// against grad): `grad` itself if nothing is broadcast, else a Sum over
// constant axes, + a Reshape (to a constant shape when x's is fully known)
// if x keeps size-1 dims. Otherwise TF's dynamic form
// Reshape(Sum(grad, BroadcastGradientArgs(Shape(x), Shape(grad)).r0),
// Shape(x)).
Output SumToShapeOf(const Scope& s, Output grad, Output x);

// TF's gradient reduction for a broadcasting binary op z = f(x, y): turns
// the full-shape gradients *gx and *gy (either may be invalid: skipped) into
// gradients of x's and y's shapes. Uses graph-time axes when shapes decide
// them for both inputs, else one BroadcastGradientArgs(Shape(x), Shape(y))
// with Reshape(Sum(g, r), Shape(.)) like TF.
void ReduceBinaryGradients(const Scope& s, Output x, Output y, Output* gx,
                           Output* gy);

// A scalar tensor of `dtype` (a numeric type) holding `value`.
Tensor ScalarOfType(double value, DataType dtype);

// Gradient functions, registered with SetGradient in math_ops.cc.
#define GF_DECLARE_GRAD_(Name)                                              \
  absl::Status Name(const Scope& s, const Node& node, const OutputList& dy, \
                    OutputList* dx)
GF_DECLARE_GRAD_(AddGradient);  // Add and AddV2.
GF_DECLARE_GRAD_(SubGradient);
GF_DECLARE_GRAD_(MulGradient);
GF_DECLARE_GRAD_(RealDivGradient);  // RealDiv and Div.
GF_DECLARE_GRAD_(FloorModGradient);
GF_DECLARE_GRAD_(MaximumGradient);
GF_DECLARE_GRAD_(MinimumGradient);
GF_DECLARE_GRAD_(PowGradient);
GF_DECLARE_GRAD_(SquaredDifferenceGradient);
GF_DECLARE_GRAD_(NegGradient);
GF_DECLARE_GRAD_(SquareGradient);
GF_DECLARE_GRAD_(SqrtGradient);
GF_DECLARE_GRAD_(RsqrtGradient);
GF_DECLARE_GRAD_(ExpGradient);
GF_DECLARE_GRAD_(LogGradient);
GF_DECLARE_GRAD_(AbsGradient);
GF_DECLARE_GRAD_(SignGradient);
GF_DECLARE_GRAD_(ReciprocalGradient);  // Reciprocal and Inv.
GF_DECLARE_GRAD_(SigmoidGradient);
GF_DECLARE_GRAD_(TanhGradient);
GF_DECLARE_GRAD_(CastGradient);
GF_DECLARE_GRAD_(AddNGradient);
GF_DECLARE_GRAD_(SelectGradient);
// Second derivatives: gradients of the gradient helper ops.
GF_DECLARE_GRAD_(SigmoidGradGradient);
GF_DECLARE_GRAD_(TanhGradGradient);
GF_DECLARE_GRAD_(SqrtGradGradient);
GF_DECLARE_GRAD_(RsqrtGradGradient);
GF_DECLARE_GRAD_(ReciprocalGradGradient);
#undef GF_DECLARE_GRAD_

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_MATH_GRAD_H_
