// Matrix multiplication (TensorFlow 1.15's MatMul).
#ifndef GRAPHFLOW_OPS_MATMUL_OPS_H_
#define GRAPHFLOW_OPS_MATMUL_OPS_H_

#include "graph/scope.h"

namespace graphflow::ops {

// op(a) * op(b) for 2-D a and b, op transposing when asked.
Output MatMul(const Scope& s, Input a, Input b, bool transpose_a = false,
              bool transpose_b = false);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_MATMUL_OPS_H_
