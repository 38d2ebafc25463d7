#include "ops/optimizers.h"

#include "absl/strings/str_cat.h"
#include "ops/gradients.h"

namespace graphflow {
namespace {

Tensor ScalarLike(const Variable& v, double value) {
  return BaseType(v.ref.dtype()) == DT_DOUBLE
             ? Tensor::Scalar(value)
             : Tensor::Scalar(static_cast<float>(value));
}

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

}  // namespace

std::vector<GradAndVar> Optimizer::ComputeGradients(
    const Scope& s, const Output& loss, std::vector<Variable> var_list) const {
  if (var_list.empty() && s.ok()) var_list = TrainableVariables(*s.graph());
  std::vector<Output> xs;
  for (const Variable& v : var_list) xs.push_back(v.ref);
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
    s.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        name_, ": no gradients provided for any variable (", names, ")")));
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
  return Output(s.WithExactName(os.name_prefix())
                    .WithControlDependencies(group)
                    .AddNode("NoOp", {}),
                0);
}

Output Optimizer::Minimize(const Scope& s, const Output& loss,
                           std::vector<Variable> var_list) const {
  return ApplyGradients(s, ComputeGradients(s, loss, std::move(var_list)));
}

void GradientDescentOptimizer::Prepare(
    const Scope&, const Scope& s, const std::vector<GradAndVar>& gvs) const {
  lr_ = s.WithOpName("learning_rate")
            .Const(ScalarLike(gvs[0].var, learning_rate_));
}

Output GradientDescentOptimizer::ApplyDense(const Scope& s,
                                            const GradAndVar& gv) const {
  return s.AddOp1("ApplyGradientDescent", {gv.var.ref, lr_, gv.grad});
}

void AdamOptimizer::Prepare(const Scope& root, const Scope& s,
                            const std::vector<GradAndVar>& gvs) const {
  const Variable& first = gvs[0].var;
  auto constant = [&](double v) {
    return [v](const Scope& cs, const TensorShape&, DataType dtype) {
      return cs.Const(dtype == DT_DOUBLE
                          ? Tensor::Scalar(v)
                          : Tensor::Scalar(static_cast<float>(v)));
    };
  };
  DataType dtype = BaseType(first.ref.dtype());
  beta1_power_ = GetVariable(root, "beta1_power", {}, constant(beta1_), dtype,
                             /*trainable=*/false);
  beta2_power_ = GetVariable(root, "beta2_power", {}, constant(beta2_), dtype,
                             /*trainable=*/false);
  slots_.clear();
  for (const GradAndVar& gv : gvs) {
    TensorShape shape = StaticShape(s, gv.var);
    Scope vs = s.WithNamePrefix("");
    Variable m = GetVariable(vs, gv.var.name() + "/Adam", shape, init::Zeros(),
                             dtype, false);
    Variable v = GetVariable(vs, gv.var.name() + "/Adam_1", shape,
                             init::Zeros(), dtype, false);
    slots_.emplace_back(m, v);
  }
  lr_ = s.WithOpName("learning_rate").Const(ScalarLike(first, learning_rate_));
  beta1_t_ = s.WithOpName("beta1").Const(ScalarLike(first, beta1_));
  beta2_t_ = s.WithOpName("beta2").Const(ScalarLike(first, beta2_));
  epsilon_t_ = s.WithOpName("epsilon").Const(ScalarLike(first, epsilon_));
}

Output AdamOptimizer::ApplyDense(const Scope& s, const GradAndVar& gv) const {
  for (const auto& [m, v] : slots_) {
    if (m.name() != gv.var.name() + "/Adam") continue;
    return s.AddOp1(
        "ApplyAdam",
        {gv.var.ref, m.ref, v.ref, beta1_power_.read, beta2_power_.read, lr_,
         beta1_t_, beta2_t_, epsilon_t_, gv.grad},
        {{"use_nesterov", use_nesterov_}});
  }
  s.UpdateStatus(
      absl::InternalError("Adam: missing slots for " + gv.var.name()));
  return Output();
}

std::vector<Output> AdamOptimizer::Finish(const Scope& s,
                                          const std::vector<Output>&) const {
  Output mul1 =
      s.WithOpName("mul").AddOp1("Mul", {beta1_power_.read, beta1_t_});
  Output up1 =
      s.WithOpName("Assign").AddOp1("Assign", {beta1_power_.ref, mul1});
  Output mul2 =
      s.WithOpName("mul").AddOp1("Mul", {beta2_power_.read, beta2_t_});
  Output up2 =
      s.WithOpName("Assign").AddOp1("Assign", {beta2_power_.ref, mul2});
  return {up1, up2};
}

}  // namespace graphflow
