#include "ops/variables.h"

#include "absl/strings/str_cat.h"
#include "ops/resource_variable_ops.h"

namespace graphflow {
namespace {

// Adds "<var>/Assign" of the value `make_value` builds under "<var>/" and the
// read ("<var>/read", or "<var>/Read/ReadVariableOp" for a resource), and
// registers the variable in the collections.
template <typename MakeValue>
Variable FinishVariable(const Scope& s, Output ref, bool trainable,
                        MakeValue make_value) {
  Variable v;
  v.ref = ref;
  if (!ref.valid()) return v;
  Scope inner = s.WithNamePrefix(ref.node->name());  // "<var>/...".
  Output value = make_value(inner);
  if (v.is_resource()) {
    v.initializer =
        ops::AssignVariableOp(inner.WithOpName("Assign"), v.ref, value);
    v.read = ops::ReadVariableOp(inner.NewSubScope("Read"), v.ref, v.dtype());
  } else {
    v.initializer = inner.WithOpName("Assign").AddOp1("Assign", {v.ref, value});
    v.read = inner.WithOpName("read").AddOp1("Identity", {v.ref});
  }
  if (v.read.valid() && v.initializer.valid()) {
    s.graph()->AddToCollection(kGlobalVariables, v.ref.node);
    if (trainable) s.graph()->AddToCollection(kTrainableVariables, v.ref.node);
  }
  return v;
}

// VariableV2 or VarHandleOp named by `s`.
Output MakeVariable(const Scope& s, const PartialShape& shape, DataType dtype,
                    bool use_resource) {
  return s.AddOp1(use_resource ? "VarHandleOp" : "VariableV2", {},
                  {{"shape", shape}, {"dtype", dtype}});
}

}  // namespace

Variable GetVariable(const Scope& s, const std::string& name,
                     const TensorShape& shape, const Initializer& initializer,
                     DataType dtype, bool trainable, bool use_resource) {
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
  Output ref = MakeVariable(s.WithOpName(name), PartialShape(shape), dtype,
                            use_resource);
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
                     const Tensor& initial_value, bool trainable,
                     bool use_resource) {
  if (!s.ok()) return Variable();
  Output ref = MakeVariable(s.WithOpName(name), initial_value.shape(),
                            initial_value.dtype(), use_resource);
  return FinishVariable(s, ref, trainable, [&](const Scope& inner) {
    return inner.WithOpName("initial_value").Const(initial_value);
  });
}

const PartialShape& Variable::shape() const {
  if (is_resource()) {
    const PartialShape* shape = ref.node->FindAttr<PartialShape>("shape");
    if (shape != nullptr) return *shape;
  }
  return ref.shape();
}

DataType Variable::dtype() const {
  if (is_resource()) {
    const DataType* dtype = ref.node->FindAttr<DataType>("dtype");
    if (dtype != nullptr) return *dtype;
  }
  return BaseType(ref.dtype());
}

Variable VariableFromNode(const Graph& graph, Node* var) {
  Variable v;
  v.ref = Output(var, 0);
  const bool resource = v.is_resource();
  const std::string assign = resource ? "AssignVariableOp" : "Assign";
  const std::string read = resource ? "ReadVariableOp" : "Identity";
  const std::string read_name =
      var->name() + (resource ? "/Read/ReadVariableOp" : "/read");
  for (const auto& [consumer, index] : var->consumers()) {
    if (index != 0) continue;
    if (consumer->op() == assign &&
        consumer->name() == var->name() + "/Assign") {
      v.initializer = Output(consumer, 0);
    }
    if (consumer->op() == read && consumer->name() == read_name) {
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
