// Resource variables (TF 1.x's ResourceVariable): a VarHandleOp's DT_RESOURCE
// scalar names a variable in the session's VariableStore, the same store ref
// variables live in, so checkpoints see both by name.
#ifndef GRAPHFLOW_OPS_RESOURCE_VARIABLE_OPS_H_
#define GRAPHFLOW_OPS_RESOURCE_VARIABLE_OPS_H_

#include <string>

#include "graph/graph.h"
#include "graph/scope.h"

namespace graphflow {

// The declared shape of the variable behind handle input i of the node being
// inferred, when the handle comes straight from a VarHandleOp (TF keeps it
// as the handle's shape metadata); unknown otherwise.
PartialShape ResourceHandleShape(const InferenceContext& c, int i);

namespace ops {

// The handle of variable `shared_name` (the node's name when empty).
Output VarHandleOp(const Scope& s, DataType dtype, const PartialShape& shape,
                   const std::string& shared_name = "");
// A snapshot of the variable's value.
Output ReadVariableOp(const Scope& s, Input resource, DataType dtype);
// The ops without outputs return an Output for use as a target or control
// input.
Output AssignVariableOp(const Scope& s, Input resource, Input value);
Output AssignAddVariableOp(const Scope& s, Input resource, Input value);
Output AssignSubVariableOp(const Scope& s, Input resource, Input value);
Output VarIsInitializedOp(const Scope& s, Input resource);
// The variable's shape as an int32 vector.
Output VariableShape(const Scope& s, Input resource);
// Rows `indices` of the variable (batch_dims 0).
Output ResourceGather(const Scope& s, Input resource, Input indices,
                      DataType dtype, bool validate_indices = true);
// var[indices] += updates / var[indices] = updates.
Output ResourceScatterAdd(const Scope& s, Input resource, Input indices,
                          Input updates);
Output ResourceScatterUpdate(const Scope& s, Input resource, Input indices,
                             Input updates);

}  // namespace ops
}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_RESOURCE_VARIABLE_OPS_H_
