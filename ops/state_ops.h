// Constants, placeholders, identity and variables.
#ifndef GRAPHFLOW_OPS_STATE_OPS_H_
#define GRAPHFLOW_OPS_STATE_OPS_H_

#include "graph/scope.h"

namespace graphflow::ops {

Output Const(const Scope& s, const Tensor& value);
Output Const(const Scope& s, float value);
// A float tensor of `shape` holding `values` (row-major).
Output Const(const Scope& s, std::initializer_list<float> values,
             const TensorShape& shape);
Output Placeholder(const Scope& s, DataType dtype,
                   const PartialShape& shape = PartialShape());
Output PlaceholderWithDefault(const Scope& s, Input value,
                              const PartialShape& shape);
Output Identity(const Scope& s, Input x);
// The op has no outputs; the handle serves as a target or control input.
Output NoOp(const Scope& s);
// TF's VariableV2: a ref to a session-owned variable named after the node.
Output Variable(const Scope& s, const PartialShape& shape, DataType dtype);
Output Assign(const Scope& s, Input ref, Input value,
              bool validate_shape = true);
Output AssignAdd(const Scope& s, Input ref, Input value);
Output AssignSub(const Scope& s, Input ref, Input value);
// TF's Scatter* on a ref variable: ref[indices[k], ...] (op)= updates[k,
// ...]; the output is the ref, after the update.
Output ScatterUpdate(const Scope& s, Input ref, Input indices, Input updates);
Output ScatterAdd(const Scope& s, Input ref, Input indices, Input updates);
Output ScatterSub(const Scope& s, Input ref, Input indices, Input updates);
Output ScatterMul(const Scope& s, Input ref, Input indices, Input updates);
Output ScatterDiv(const Scope& s, Input ref, Input indices, Input updates);
// A bool scalar: whether the variable behind `ref` has been assigned.
Output IsVariableInitialized(const Scope& s, Input ref);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_STATE_OPS_H_
