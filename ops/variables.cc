#include "ops/variables.h"

#include "absl/strings/str_cat.h"

namespace graphflow {

Variable GetVariable(const Scope& s, const std::string& name,
                     const TensorShape& shape, const Initializer& initializer,
                     DataType dtype, bool trainable) {
  Variable v;
  if (!s.ok()) return v;
  std::string full =
      s.name_prefix().empty() ? name : absl::StrCat(s.name_prefix(), "/", name);
  if (s.graph()->FindNode(full) != nullptr) {
    s.UpdateStatus(absl::AlreadyExistsError(
        absl::StrCat("Variable ", full,
                     " already exists (graphflow, like TF with "
                     "reuse=False, does not share variables by name)")));
    return v;
  }
  v.ref = s.WithOpName(name).AddOp1(
      "VariableV2", {}, {{"shape", PartialShape(shape)}, {"dtype", dtype}});
  if (!v.ref.valid()) return v;
  Scope inner = s.WithNamePrefix(full);  // The variable owns "<full>/...".
  Output value = initializer(inner.NewSubScope("Initializer"), shape, dtype);
  v.initializer = inner.WithOpName("Assign").AddOp1("Assign", {v.ref, value});
  v.read = inner.WithOpName("read").AddOp1("Identity", {v.ref});
  if (v.read.valid() && v.initializer.valid()) {
    s.graph()->AddToCollection(kGlobalVariables, v.ref.node);
    if (trainable) s.graph()->AddToCollection(kTrainableVariables, v.ref.node);
  }
  return v;
}

Variable VariableFromNode(const Graph& graph, Node* var) {
  Variable v;
  v.ref = Output(var, 0);
  for (const auto& [consumer, index] : var->consumers()) {
    if (index != 0) continue;
    if (consumer->op() == "Assign" &&
        consumer->name() == var->name() + "/Assign") {
      v.initializer = Output(consumer, 0);
    }
    if (consumer->op() == "Identity" &&
        consumer->name() == var->name() + "/read") {
      v.read = Output(consumer, 0);
    }
  }
  return v;
}

std::vector<Variable> GlobalVariables(const Graph& graph) {
  std::vector<Variable> out;
  for (Node* n : graph.GetCollection(kGlobalVariables)) {
    out.push_back(VariableFromNode(graph, n));
  }
  return out;
}

std::vector<Variable> TrainableVariables(const Graph& graph) {
  std::vector<Variable> out;
  for (Node* n : graph.GetCollection(kTrainableVariables)) {
    out.push_back(VariableFromNode(graph, n));
  }
  return out;
}

Output GlobalVariablesInitializer(const Scope& s) {
  std::vector<Output> inits;
  for (const Variable& v : GlobalVariables(*s.graph())) {
    if (v.initializer.valid()) inits.push_back(v.initializer);
  }
  return Output(
      s.WithOpName("init").WithControlDependencies(inits).AddNode("NoOp", {}),
      0);
}

}  // namespace graphflow
