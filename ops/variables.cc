#include "ops/variables.h"

#include "absl/strings/str_cat.h"

namespace graphflow {
namespace {

// Adds "<var>/Assign" of the value `make_value` builds under "<var>/" and
// "<var>/read", and registers the variable in the collections.
template <typename MakeValue>
Variable FinishVariable(const Scope& s, Output ref, bool trainable,
                        MakeValue make_value) {
  Variable v;
  v.ref = ref;
  if (!ref.valid()) return v;
  Scope inner = s.WithNamePrefix(ref.node->name());  // "<var>/...".
  Output value = make_value(inner);
  v.initializer = inner.WithOpName("Assign").AddOp1("Assign", {v.ref, value});
  v.read = inner.WithOpName("read").AddOp1("Identity", {v.ref});
  if (v.read.valid() && v.initializer.valid()) {
    s.graph()->AddToCollection(kGlobalVariables, v.ref.node);
    if (trainable) s.graph()->AddToCollection(kTrainableVariables, v.ref.node);
  }
  return v;
}

}  // namespace

Variable GetVariable(const Scope& s, const std::string& name,
                     const TensorShape& shape, const Initializer& initializer,
                     DataType dtype, bool trainable) {
  if (!s.ok()) return Variable();
  std::string full =
      s.name_prefix().empty() ? name : absl::StrCat(s.name_prefix(), "/", name);
  if (s.graph()->FindNode(full) != nullptr) {
    s.UpdateStatus(absl::AlreadyExistsError(
        absl::StrCat("Variable ", full,
                     " already exists (graphflow, like TF with "
                     "reuse=False, does not share variables by name)")));
    return Variable();
  }
  Output ref = s.WithOpName(name).AddOp1(
      "VariableV2", {}, {{"shape", PartialShape(shape)}, {"dtype", dtype}});
  if (ref.valid() && ref.node->name() != full) {
    // The name was taken by a name scope: TF would not rename a variable.
    s.UpdateStatus(absl::AlreadyExistsError(
        absl::StrCat("Variable ", full, ": the name is already used (became ",
                     ref.node->name(), ")")));
    return Variable();
  }
  return FinishVariable(s, ref, trainable, [&](const Scope& inner) {
    return initializer(inner.NewSubScope("Initializer"), shape, dtype);
  });
}

Variable NewVariable(const Scope& s, absl::string_view name,
                     const Tensor& initial_value, bool trainable) {
  if (!s.ok()) return Variable();
  Output ref =
      s.WithOpName(name).AddOp1("VariableV2", {},
                                {{"shape", PartialShape(initial_value.shape())},
                                 {"dtype", initial_value.dtype()}});
  return FinishVariable(s, ref, trainable, [&](const Scope& inner) {
    return inner.WithOpName("initial_value").Const(initial_value);
  });
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
