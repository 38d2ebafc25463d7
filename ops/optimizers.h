// Optimizers as TF 1.x's tf.train builds them: gradients are ordinary graph
// ops, each variable is updated by one Apply* op, and the train op is a
// NoOp named after the optimizer ("GradientDescent", "Adam").
//
//   Output train = AdamOptimizer(0.009).Minimize(scope, cost);
//   session->Run({{X, x}, {Y, y}}, {cost}, {train});
#ifndef GRAPHFLOW_OPS_OPTIMIZERS_H_
#define GRAPHFLOW_OPS_OPTIMIZERS_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graph/scope.h"
#include "ops/variables.h"

namespace graphflow {

struct GradAndVar {
  Output grad;  // Invalid when no gradient reaches the variable.
  Variable var;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // d(loss)/d(var) for var_list (default: the trainable variables; none at
  // all is an error).
  std::vector<GradAndVar> ComputeGradients(
      const Scope& s, const Output& loss,
      std::vector<Variable> var_list = {}) const;
  // One update per variable with a gradient, under the name scope of the
  // optimizer ("Adam/update_<var>/ApplyAdam"); returns the train op, a NoOp
  // named like the scope. Errors are recorded in the scope (e.g. no variable
  // has a gradient: the message names them) and give an invalid Output.
  Output ApplyGradients(const Scope& s,
                        const std::vector<GradAndVar>& grads_and_vars) const;
  Output Minimize(const Scope& s, const Output& loss,
                  std::vector<Variable> var_list = {}) const;

 protected:
  explicit Optimizer(std::string name) : name_(std::move(name)) {}
  // Slots and hyper-parameter constants, created once per ApplyGradients
  // (slots once per variable: a second Minimize reuses them, like TF).
  virtual void Prepare(const Scope& root, const Scope& s,
                       const std::vector<GradAndVar>& grads_and_vars) const {}
  virtual Output ApplyDense(const Scope& s, const GradAndVar& gv) const = 0;
  // Ops that run after every update (Adam's beta powers); grouped too.
  virtual std::vector<Output> Finish(const Scope& s,
                                     const std::vector<Output>& updates) const {
    return {};
  }

  // `x` (a float32 hyper-parameter, as TF makes them) in the variable's
  // dtype: TF's math_ops.cast, which adds nothing when they agree.
  static Output CastTo(const Scope& s, const Output& x, const Variable& var);

  std::string name_;
};

class GradientDescentOptimizer : public Optimizer {
 public:
  explicit GradientDescentOptimizer(double learning_rate)
      : Optimizer("GradientDescent"), learning_rate_(learning_rate) {}

 protected:
  void Prepare(const Scope& root, const Scope& s,
               const std::vector<GradAndVar>& gvs) const override;
  Output ApplyDense(const Scope& s, const GradAndVar& gv) const override;

 private:
  double learning_rate_;
  mutable Output lr_;
};

class AdamOptimizer : public Optimizer {
 public:
  explicit AdamOptimizer(double learning_rate = 0.001, double beta1 = 0.9,
                         double beta2 = 0.999, double epsilon = 1e-8,
                         bool use_nesterov = false)
      : Optimizer("Adam"),
        learning_rate_(learning_rate),
        beta1_(beta1),
        beta2_(beta2),
        epsilon_(epsilon),
        use_nesterov_(use_nesterov) {}

 protected:
  void Prepare(const Scope& root, const Scope& s,
               const std::vector<GradAndVar>& gvs) const override;
  Output ApplyDense(const Scope& s, const GradAndVar& gv) const override;
  std::vector<Output> Finish(const Scope& s,
                             const std::vector<Output>& updates) const override;

 private:
  double learning_rate_, beta1_, beta2_, epsilon_;
  bool use_nesterov_;
  // Built by Prepare for the current ApplyGradients call.
  mutable Output lr_, beta1_t_, beta2_t_, epsilon_t_;
  // Live as long as the graph they were made in (non-slot variables and
  // slots, per optimizer and graph, as in TF).
  mutable std::weak_ptr<Graph> graph_;
  mutable Variable beta1_power_, beta2_power_;
  mutable std::map<const Node*, std::pair<Variable, Variable>> slots_;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_OPTIMIZERS_H_
