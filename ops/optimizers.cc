#include "ops/optimizers.h"

#include "absl/strings/str_cat.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"

namespace graphflow {
namespace {

TensorShape StaticShape(const Scope& s, const Variable& v) {
  if (!v.shape().IsFullyDefined()) {
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("variable ", v.name(),
                     " needs a fully defined shape for its slots, has ",
                     v.shape().DebugString())));
    return TensorShape{};
  }
  return v.shape().ToTensorShape();
}

// A float32 constant: TF converts Python floats to float32 tensors.
Output HyperParameter(const Scope& s, const char* name, double value) {
  return s.WithOpName(name).Const(Tensor::Scalar(static_cast<float>(value)));
}

// A zero-filled slot "<var>/<name>" (TF's slot_creator: an existing name
// gets "_1", "_2", ...).
Variable ZerosSlot(const Scope& s, const Variable& var, const std::string& name,
                   const TensorShape& shape) {
  Scope root = s.WithNamePrefix("");
  std::string base = var.name() + "/" + name, slot = base;
  for (int i = 1; s.graph()->FindNode(slot) != nullptr; ++i) {
    slot = absl::StrCat(base, "_", i);
  }
  // TF's slot_creator makes a resource slot for a resource variable.
  return GetVariable(root, slot, shape, init::Zeros(), var.dtype(),
                     /*trainable=*/false, var.is_resource());
}

// `op` updating `var` (ApplyAdam, ...) or, for a resource variable, its
// Resource form, which has no output: the Output is its node, a target.
Output ApplyOp(const Scope& s, const Variable& var, const std::string& op,
               const std::vector<Input>& inputs, AttrMap attrs) {
  if (!var.is_resource()) return s.AddOp1(op, inputs, std::move(attrs));
  return Output(s.AddNode("Resource" + op, inputs, std::move(attrs)), 0);
}

// var = value, as TF's var.assign(value) (Assign or AssignVariableOp).
Output AssignTo(const Scope& s, const Variable& var, const Output& value) {
  if (!var.is_resource()) return s.AddOp1("Assign", {var.ref, value});
  return Output(s.AddNode("AssignVariableOp", {var.ref, value}), 0);
}

}  // namespace

Output Optimizer::CastTo(const Scope& s, const Output& x, const Variable& var) {
  DataType dtype = var.dtype();
  return x.dtype() == dtype ? x : ops::Cast(s, x, dtype);
}

std::vector<GradAndVar> Optimizer::ComputeGradients(
    const Scope& s, const Output& loss, std::vector<Variable> var_list) const {
  if (!s.ok()) return {};
  if (var_list.empty()) var_list = TrainableVariables(*s.graph());
  if (var_list.empty()) {
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat(name_, ": no variables to optimize")));
    return {};
  }
  std::vector<Output> xs;
  for (const Variable& v : var_list) {
    if (!v.valid()) {
      s.UpdateStatus(absl::InvalidArgumentError(
          absl::StrCat(name_, ": var_list holds an invalid variable")));
      return {};
    }
    xs.push_back(v.ref);
  }
  std::vector<Output> grads;
  absl::Status status = AddSymbolicGradients(s, {loss}, xs, &grads);
  if (!status.ok()) {
    s.UpdateStatus(status);
    return {};
  }
  std::vector<GradAndVar> out;
  for (size_t i = 0; i < var_list.size(); ++i) {
    out.push_back({grads[i], var_list[i]});
  }
  return out;
}

Output Optimizer::ApplyGradients(
    const Scope& s, const std::vector<GradAndVar>& grads_and_vars) const {
  if (!s.ok()) return Output();
  std::vector<GradAndVar> present;
  for (const GradAndVar& gv : grads_and_vars) {
    if (gv.grad.valid()) present.push_back(gv);
  }
  if (present.empty()) {
    std::string names;
    for (const GradAndVar& gv : grads_and_vars) {
      absl::StrAppend(&names, names.empty() ? "" : ", ", gv.var.name());
    }
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat(name_,
                     ": no gradients provided for any variable, check the "
                     "graph for ops that do not support gradients; variables: ",
                     names)));
    return Output();
  }
  Scope os = s.NewSubScope(name_);
  Prepare(s, os, present);
  std::vector<Output> updates;
  for (const GradAndVar& gv : present) {
    updates.push_back(
        ApplyDense(os.NewSubScope("update_" + gv.var.name()), gv));
  }
  std::vector<Output> group = updates;
  for (const Output& o : Finish(os.WithControlDependencies(updates), updates)) {
    group.push_back(o);
  }
  if (!s.ok()) return Output();
  return Output(s.WithExactName(os.name_prefix())
                    .WithControlDependencies(group)
                    .AddNode("NoOp", {}),
                0);
}

Output Optimizer::Minimize(const Scope& s, const Output& loss,
                           std::vector<Variable> var_list) const {
  return ApplyGradients(s, ComputeGradients(s, loss, std::move(var_list)));
}

void GradientDescentOptimizer::Prepare(const Scope&, const Scope& s,
                                       const std::vector<GradAndVar>&) const {
  lr_ = HyperParameter(s, "learning_rate", learning_rate_);
}

Output GradientDescentOptimizer::ApplyDense(const Scope& s,
                                            const GradAndVar& gv) const {
  return ApplyOp(s, gv.var, "ApplyGradientDescent",
                 {gv.var.ref, CastTo(s, lr_, gv.var), gv.grad},
                 {{"use_locking", false}});
}

void AdamOptimizer::Prepare(const Scope& root, const Scope& s,
                            const std::vector<GradAndVar>& gvs) const {
  if (graph_.lock() != root.shared_graph()) {
    // TF colocates the powers with the first variable by name (and makes
    // them resource variables when it is one); they are float32 (made from
    // Python floats) whatever the variables' dtype.
    graph_ = root.shared_graph();
    slots_.clear();
    const bool resource = gvs.front().var.is_resource();
    beta1_power_ = NewVariable(root, "beta1_power",
                               Tensor::Scalar(static_cast<float>(beta1_)),
                               /*trainable=*/false, resource);
    beta2_power_ = NewVariable(root, "beta2_power",
                               Tensor::Scalar(static_cast<float>(beta2_)),
                               /*trainable=*/false, resource);
  }
  for (const GradAndVar& gv : gvs) {
    if (slots_.contains(gv.var.ref.node)) continue;
    TensorShape shape = StaticShape(s, gv.var);
    if (!s.ok()) return;
    Variable m = ZerosSlot(s, gv.var, "Adam", shape);
    Variable v = ZerosSlot(s, gv.var, "Adam_1", shape);
    slots_[gv.var.ref.node] = {m, v};
  }
  lr_ = HyperParameter(s, "learning_rate", learning_rate_);
  beta1_t_ = HyperParameter(s, "beta1", beta1_);
  beta2_t_ = HyperParameter(s, "beta2", beta2_);
  epsilon_t_ = HyperParameter(s, "epsilon", epsilon_);
}

Output AdamOptimizer::ApplyDense(const Scope& s, const GradAndVar& gv) const {
  auto it = slots_.find(gv.var.ref.node);
  if (it == slots_.end()) {
    s.UpdateStatus(
        absl::InternalError("Adam: missing slots for " + gv.var.name()));
    return Output();
  }
  const auto& [m, v] = it->second;
  const Variable& var = gv.var;
  return ApplyOp(s, var, "ApplyAdam",
                 {var.ref, m.ref, v.ref, CastTo(s, beta1_power_.read, var),
                  CastTo(s, beta2_power_.read, var), CastTo(s, lr_, var),
                  CastTo(s, beta1_t_, var), CastTo(s, beta2_t_, var),
                  CastTo(s, epsilon_t_, var), gv.grad},
                 {{"use_locking", false}, {"use_nesterov", use_nesterov_}});
}

// beta powers *= beta, after every update (s carries the control deps).
std::vector<Output> AdamOptimizer::Finish(const Scope& s,
                                          const std::vector<Output>&) const {
  Output mul1 =
      s.WithOpName("mul").AddOp1("Mul", {beta1_power_.read, beta1_t_});
  Output up1 = AssignTo(s.WithOpName("Assign"), beta1_power_, mul1);
  Output mul2 =
      s.WithOpName("mul").AddOp1("Mul", {beta2_power_.read, beta2_t_});
  Output up2 = AssignTo(s.WithOpName("Assign"), beta2_power_, mul2);
  return {up1, up2};
}

}  // namespace graphflow
