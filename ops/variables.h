// Variables as TF 1.x builds them: VariableV2 "<name>", its initializer
// "<name>/Assign" fed by "<name>/Initializer/...", and "<name>/read".
#ifndef GRAPHFLOW_OPS_VARIABLES_H_
#define GRAPHFLOW_OPS_VARIABLES_H_

#include <string>
#include <vector>

#include "graph/scope.h"
#include "ops/initializers.h"

namespace graphflow {

inline constexpr char kGlobalVariables[] = "variables";
inline constexpr char kTrainableVariables[] = "trainable_variables";

// A ref variable (VariableV2 "<name>", "<name>/Assign", "<name>/read") or a
// resource variable (TF's ResourceVariable: VarHandleOp "<name>",
// AssignVariableOp "<name>/Assign", ReadVariableOp
// "<name>/Read/ReadVariableOp").
struct Variable {
  // VariableV2's ref or VarHandleOp's handle: what optimizers and gradients
  // target.
  Output ref;
  Output read;         // A snapshot: what the model computes with.
  Output initializer;  // The assignment of the initial value.

  bool valid() const { return ref.valid(); }
  bool is_resource() const {
    return ref.valid() && BaseType(ref.dtype()) == DT_RESOURCE;
  }
  std::string name() const { return ref.valid() ? ref.node->name() : ""; }
  // The variable's value's shape and dtype (a handle's own are a resource
  // scalar's).
  const PartialShape& shape() const;
  DataType dtype() const;
  operator Output() const { return read; }  // NOLINT: use like a tensor.
  operator Input() const { return read; }   // NOLINT
};

// tf.get_variable: `name` under the scope's prefix, exactly (an existing
// name is an error, as TF's reuse=False). Added to the "variables"
// collection and, when trainable, to "trainable_variables". use_resource
// makes a resource variable, as TF's get_variable(use_resource=True).
Variable GetVariable(const Scope& s, const std::string& name,
                     const TensorShape& shape, const Initializer& initializer,
                     DataType dtype = DT_FLOAT, bool trainable = true,
                     bool use_resource = false);

// tf.Variable(initial_value, name=name, trainable=...): unlike GetVariable
// the name is uniquified ("beta1_power", then "beta1_power_1"), and the
// initial value is a Const "<name>/initial_value".
Variable NewVariable(const Scope& s, absl::string_view name,
                     const Tensor& initial_value, bool trainable = true,
                     bool use_resource = false);

// The variables of a graph's collection, in creation order.
std::vector<Variable> GlobalVariables(const Graph& graph);
std::vector<Variable> TrainableVariables(const Graph& graph);
// A Variable handle for an existing VariableV2 or VarHandleOp node (its
// initializer and read are found by TF's naming; either may be invalid).
Variable VariableFromNode(const Graph& graph, Node* var);

// tf.global_variables_initializer(): a NoOp "init" that runs every
// variable's initializer.
Output GlobalVariablesInitializer(const Scope& s);

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_VARIABLES_H_
