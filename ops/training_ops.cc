#include "ops/training_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/registration.h"
#include "ops/resource_variable_ops.h"

namespace graphflow {
namespace {

// Output = var's shape; every other variable and the gradient must match it
// and the hyper-parameters must be scalars. The ResourceApply* ops take
// handles (the variable's shape is the VarHandleOp's) and have no output.
absl::Status ApplyShape(InferenceContext& c, std::vector<int> same_as_var,
                        std::vector<int> scalars) {
  const bool resource = c.input_type(0) == DT_RESOURCE;
  auto shape = [&](int i) {
    return resource && c.input_type(i) == DT_RESOURCE
               ? ResourceHandleShape(c, i)
               : c.input_shape(i);
  };
  PartialShape var = shape(0);
  for (int i : same_as_var) {
    auto merged = var.Merge(shape(i));
    if (!merged.ok()) {
      return c.Error(
          absl::StrCat("input ", i, " has shape ", shape(i).DebugString(),
                       ", expected the variable's shape ", var.DebugString()));
    }
    var = *merged;
  }
  for (int i : scalars) {
    if (c.input_shape(i).rank() > 0) {
      return c.Error(absl::StrCat("input ", i, " must be a scalar, got shape ",
                                  c.input_shape(i).DebugString()));
    }
  }
  if (!resource) c.set_output(0, var);
  return absl::OkStatus();
}

// Registers `name` with Ref(T) variables and an "out" ref, and
// "Resource<name>" with resource handles and no output (TF's pairs).
absl::Status RegisterApply(OpRegistry& r, const std::string& name,
                           const std::vector<std::string>& vars,
                           const std::vector<std::string>& others,
                           bool nesterov, std::vector<int> same_as_var,
                           std::vector<int> scalars) {
  for (bool resource : {false, true}) {
    OpDefBuilder b(resource ? "Resource" + name : name);
    for (const std::string& v : vars) {
      b.Input(v + (resource ? ": resource" : ": Ref(T)"));
    }
    for (const std::string& o : others) b.Input(o + ": T");
    if (!resource) b.Output("out: Ref(T)");
    b.Attr("T: numbertype").Attr("use_locking: bool = false");
    if (nesterov) b.Attr("use_nesterov: bool = false");
    if (resource) b.SetIsStateful();
    b.SetShapeFn([same_as_var, scalars](InferenceContext& c) {
       return ApplyShape(c, same_as_var, scalars);
     }).SetNoGradient();
    RETURN_IF_ERROR(r.Register(b));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterTrainingOps(OpRegistry& r) {
  RETURN_IF_ERROR(RegisterApply(r, "ApplyGradientDescent", {"var"},
                                {"alpha", "delta"}, false, {2}, {1}));
  RETURN_IF_ERROR(RegisterApply(r, "ApplyMomentum", {"var", "accum"},
                                {"lr", "grad", "momentum"}, true, {1, 3},
                                {2, 4}));
  RETURN_IF_ERROR(RegisterApply(
      r, "ApplyAdam", {"var", "m", "v"},
      {"beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon", "grad"},
      true, {1, 2, 9}, {3, 4, 5, 6, 7, 8}));
  return absl::OkStatus();
}

namespace ops {

Output ApplyGradientDescent(const Scope& s, Input var, Input alpha, Input delta,
                            bool use_locking) {
  return s.AddOp1("ApplyGradientDescent", {var, alpha, delta},
                  {{"use_locking", use_locking}});
}

Output ApplyMomentum(const Scope& s, Input var, Input accum, Input lr,
                     Input grad, Input momentum, bool use_locking,
                     bool use_nesterov) {
  return s.AddOp1(
      "ApplyMomentum", {var, accum, lr, grad, momentum},
      {{"use_locking", use_locking}, {"use_nesterov", use_nesterov}});
}

Output ApplyAdam(const Scope& s, Input var, Input m, Input v, Input beta1_power,
                 Input beta2_power, Input lr, Input beta1, Input beta2,
                 Input epsilon, Input grad, bool use_locking,
                 bool use_nesterov) {
  return s.AddOp1(
      "ApplyAdam",
      {var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad},
      {{"use_locking", use_locking}, {"use_nesterov", use_nesterov}});
}

Output ResourceApplyGradientDescent(const Scope& s, Input var, Input alpha,
                                    Input delta, bool use_locking) {
  return Output(s.AddNode("ResourceApplyGradientDescent", {var, alpha, delta},
                          {{"use_locking", use_locking}}),
                0);
}

Output ResourceApplyMomentum(const Scope& s, Input var, Input accum, Input lr,
                             Input grad, Input momentum, bool use_locking,
                             bool use_nesterov) {
  return Output(
      s.AddNode("ResourceApplyMomentum", {var, accum, lr, grad, momentum},
                {{"use_locking", use_locking}, {"use_nesterov", use_nesterov}}),
      0);
}

Output ResourceApplyAdam(const Scope& s, Input var, Input m, Input v,
                         Input beta1_power, Input beta2_power, Input lr,
                         Input beta1, Input beta2, Input epsilon, Input grad,
                         bool use_locking, bool use_nesterov) {
  return Output(
      s.AddNode("ResourceApplyAdam",
                {var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon,
                 grad},
                {{"use_locking", use_locking}, {"use_nesterov", use_nesterov}}),
      0);
}

}  // namespace ops
}  // namespace graphflow
