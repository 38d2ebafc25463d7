#include "ops/training_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// Output = var's shape; every other ref and the gradient must match it and
// the hyper-parameters must be scalars.
absl::Status ApplyShape(InferenceContext& c, std::vector<int> same_as_var,
                        std::vector<int> scalars) {
  PartialShape var = c.input_shape(0);
  for (int i : same_as_var) {
    auto merged = var.Merge(c.input_shape(i));
    if (!merged.ok()) {
      return c.Error(absl::StrCat(
          "input ", i, " has shape ", c.input_shape(i).DebugString(),
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
  c.set_output(0, var);
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterTrainingOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ApplyGradientDescent")
                                 .Input("var: Ref(T)")
                                 .Input("alpha: T")
                                 .Input("delta: T")
                                 .Output("out: Ref(T)")
                                 .Attr("T: numbertype")
                                 .Attr("use_locking: bool = false")
                                 .SetShapeFn([](InferenceContext& c) {
                                   return ApplyShape(c, {2}, {1});
                                 })
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ApplyMomentum")
                                 .Input("var: Ref(T)")
                                 .Input("accum: Ref(T)")
                                 .Input("lr: T")
                                 .Input("grad: T")
                                 .Input("momentum: T")
                                 .Output("out: Ref(T)")
                                 .Attr("T: numbertype")
                                 .Attr("use_locking: bool = false")
                                 .Attr("use_nesterov: bool = false")
                                 .SetShapeFn([](InferenceContext& c) {
                                   return ApplyShape(c, {1, 3}, {2, 4});
                                 })
                                 .SetNoGradient()));
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("ApplyAdam")
                     .Input("var: Ref(T)")
                     .Input("m: Ref(T)")
                     .Input("v: Ref(T)")
                     .Input("beta1_power: T")
                     .Input("beta2_power: T")
                     .Input("lr: T")
                     .Input("beta1: T")
                     .Input("beta2: T")
                     .Input("epsilon: T")
                     .Input("grad: T")
                     .Output("out: Ref(T)")
                     .Attr("T: numbertype")
                     .Attr("use_locking: bool = false")
                     .Attr("use_nesterov: bool = false")
                     .SetShapeFn([](InferenceContext& c) {
                       return ApplyShape(c, {1, 2, 9}, {3, 4, 5, 6, 7, 8});
                     })
                     .SetNoGradient()));
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

}  // namespace ops
}  // namespace graphflow
