// The optimizer update ops TF's training graphs use (ApplyAdam, ...).
#ifndef GRAPHFLOW_OPS_TRAINING_OPS_H_
#define GRAPHFLOW_OPS_TRAINING_OPS_H_

#include "graph/scope.h"

namespace graphflow::ops {

// var -= alpha * delta.
Output ApplyGradientDescent(const Scope& s, Input var, Input alpha, Input delta,
                            bool use_locking = false);
// accum = accum * momentum + grad; var -= lr * accum (or Nesterov's form).
Output ApplyMomentum(const Scope& s, Input var, Input accum, Input lr,
                     Input grad, Input momentum, bool use_locking = false,
                     bool use_nesterov = false);
// TF's Adam: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t);
// m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
// var -= lr_t * m / (sqrt(v) + epsilon).
Output ApplyAdam(const Scope& s, Input var, Input m, Input v, Input beta1_power,
                 Input beta2_power, Input lr, Input beta1, Input beta2,
                 Input epsilon, Input grad, bool use_locking = false,
                 bool use_nesterov = false);

// The same updates on resource variables (handles from VarHandleOp); they
// have no output: use the returned Output as a target or control input.
Output ResourceApplyGradientDescent(const Scope& s, Input var, Input alpha,
                                    Input delta, bool use_locking = false);
Output ResourceApplyMomentum(const Scope& s, Input var, Input accum, Input lr,
                             Input grad, Input momentum,
                             bool use_locking = false,
                             bool use_nesterov = false);
Output ResourceApplyAdam(const Scope& s, Input var, Input m, Input v,
                         Input beta1_power, Input beta2_power, Input lr,
                         Input beta1, Input beta2, Input epsilon, Input grad,
                         bool use_locking = false, bool use_nesterov = false);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_TRAINING_OPS_H_
