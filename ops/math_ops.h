// Element-wise math: broadcasting binary arithmetic, comparisons and logic,
// Select, Cast, AddN and BroadcastGradientArgs (unary functions are in
// ops/math_unary_ops.h).
#ifndef GRAPHFLOW_OPS_MATH_OPS_H_
#define GRAPHFLOW_OPS_MATH_OPS_H_

#include <vector>

#include "graph/scope.h"

namespace graphflow {

// NumPy broadcasting of two graph-time shapes (TF's rules for unknown dims:
// ? vs 1 is ?, ? vs n>1 is n). InvalidArgument (without a node name) when
// two known dims differ and neither is 1.
absl::StatusOr<PartialShape> BroadcastShapes(const PartialShape& x,
                                             const PartialShape& y);
// Shape function of a broadcasting binary op: output 0 = broadcast of
// inputs 0 and 1; errors name the node and both shapes.
absl::Status BroadcastBinaryOpShape(InferenceContext& c);

namespace ops {

// Binary arithmetic with broadcasting.
Output Add(const Scope& s, Input x, Input y);    // x + y.
Output AddV2(const Scope& s, Input x, Input y);  // x + y (not for strings).
Output Sub(const Scope& s, Input x, Input y);    // x - y.
Output Mul(const Scope& s, Input x, Input y);    // x * y.
// x / y; integers divide truncating toward zero.
Output Div(const Scope& s, Input x, Input y);
Output RealDiv(const Scope& s, Input x, Input y);   // x / y for real types.
Output DivNoNan(const Scope& s, Input x, Input y);  // x / y, 0 where y == 0.
Output FloorDiv(const Scope& s, Input x, Input y);  // floor(x / y).
// x - floor(x / y) * y: the result takes the divisor's sign.
Output FloorMod(const Scope& s, Input x, Input y);
Output Maximum(const Scope& s, Input x, Input y);
Output Minimum(const Scope& s, Input x, Input y);
Output Pow(const Scope& s, Input x, Input y);                // x ^ y.
Output SquaredDifference(const Scope& s, Input x, Input y);  // (x - y)^2.

// Comparisons and logic: bool outputs, with broadcasting.
Output Equal(const Scope& s, Input x, Input y,
             bool incompatible_shape_error = true);
Output NotEqual(const Scope& s, Input x, Input y,
                bool incompatible_shape_error = true);
Output Greater(const Scope& s, Input x, Input y);
Output GreaterEqual(const Scope& s, Input x, Input y);
Output Less(const Scope& s, Input x, Input y);
Output LessEqual(const Scope& s, Input x, Input y);
Output LogicalAnd(const Scope& s, Input x, Input y);
Output LogicalOr(const Scope& s, Input x, Input y);
Output LogicalNot(const Scope& s, Input x);

// condition ? t : e, element-wise; or per row of t/e when condition is a
// vector; or whole-tensor when condition is a scalar.
Output Select(const Scope& s, Input condition, Input t, Input e);
// Converts x to dtype; float to integer truncates toward zero.
Output Cast(const Scope& s, Input x, DataType dtype, bool truncate = false);
// The sum of same-shaped tensors.
Output AddN(const Scope& s, const std::vector<Input>& inputs);

// The reduction axes for the gradients of a broadcasting binary op whose
// inputs have shapes s0 and s1.
struct BroadcastGradientArgsOutput {
  Output r0, r1;
};
BroadcastGradientArgsOutput BroadcastGradientArgs(const Scope& s, Input s0,
                                                  Input s1);

}  // namespace ops
}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_MATH_OPS_H_
