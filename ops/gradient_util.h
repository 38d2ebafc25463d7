// Helpers shared by the gradient functions of several op families. Each
// builds what TF 1.15's Python gradients build (same ops, same node names),
// so gradient graphs read like TF-written ones.
#ifndef GRAPHFLOW_OPS_GRADIENT_UTIL_H_
#define GRAPHFLOW_OPS_GRADIENT_UTIL_H_

#include <initializer_list>
#include <optional>
#include <vector>

#include "graph/scope.h"

namespace graphflow {

// A scalar tensor of `dtype` (its base type) holding `value`, converted
// like static_cast. For a dtype graphflow tensors cannot hold (half,
// complex, string) records Unimplemented on `s` and returns an invalid
// tensor.
Tensor ScalarOfType(const Scope& s, double value, DataType dtype);

// x's static shape as a tensor of out_type, when fully known and it fits.
bool StaticShape(const Output& x, DataType out_type, Tensor* value);
// TF's array_ops.shape(x, out_type): a Const named "Shape" when x's shape
// is fully known (and fits out_type), else a Shape op.
Output ShapeOf(const Scope& s, const Output& x, DataType out_type = DT_INT32);
// TF's array_ops.rank(x): a Const named "Rank" when the rank is known, else
// a Rank op.
Output RankOf(const Scope& s, const Output& x);
// TF's array_ops.size(x): a Const named "Size" when x's element count is
// known and fits int32, else a Size op.
Output SizeOf(const Scope& s, const Output& x);
// TF's array_ops.zeros(shape(x), x.dtype): Fill named "zeros" of a scalar
// "zeros/Const".
Output ZerosOf(const Scope& s, const Output& x);
// TF's IsZero: true when g is known to be all zeros at graph time (a
// ZerosLike, or an all-zero Const, directly or as the value of a Fill).
bool IsZero(const Output& g);
// The attrs of `node` named in `names` (those it has), to build its
// gradient op with.
AttrMap CopyAttrs(const Node& node, std::initializer_list<const char*> names);

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

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_GRADIENT_UTIL_H_
