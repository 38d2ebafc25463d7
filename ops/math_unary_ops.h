// Element-wise unary math (Neg, Square, Sqrt, Exp, Sigmoid, Tanh, ...) and
// the same-shape gradient helper ops of some of them (SigmoidGrad, ...).
#ifndef GRAPHFLOW_OPS_MATH_UNARY_OPS_H_
#define GRAPHFLOW_OPS_MATH_UNARY_OPS_H_

#include "graph/scope.h"

namespace graphflow::ops {

Output Neg(const Scope& s, Input x);
Output Square(const Scope& s, Input x);
Output Sqrt(const Scope& s, Input x);
Output Rsqrt(const Scope& s, Input x);  // 1 / sqrt(x).
Output Exp(const Scope& s, Input x);
Output Log(const Scope& s, Input x);
Output Abs(const Scope& s, Input x);
Output Sign(const Scope& s, Input x);  // -1, 0 or 1.
Output Reciprocal(const Scope& s, Input x);
Output Inv(const Scope& s, Input x);  // The legacy name of Reciprocal.
Output Floor(const Scope& s, Input x);
Output Sigmoid(const Scope& s, Input x);  // 1 / (1 + exp(-x)).
Output Tanh(const Scope& s, Input x);
// Bool tests of each float element.
Output IsFinite(const Scope& s, Input x);
Output IsNan(const Scope& s, Input x);
Output IsInf(const Scope& s, Input x);  // +inf or -inf.

// Gradient helpers taking the forward output y and the incoming dy.
Output SigmoidGrad(const Scope& s, Input y, Input dy);     // dy*y*(1-y).
Output TanhGrad(const Scope& s, Input y, Input dy);        // dy*(1-y^2).
Output SqrtGrad(const Scope& s, Input y, Input dy);        // dy*0.5/y.
Output RsqrtGrad(const Scope& s, Input y, Input dy);       // dy*-0.5*y^3.
Output ReciprocalGrad(const Scope& s, Input y, Input dy);  // -dy*y^2.

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_MATH_UNARY_OPS_H_
