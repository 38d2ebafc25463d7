// The C++ graph-building API. A Scope names nodes like TensorFlow
// ("conv1/Conv2D", then "conv1/Conv2D_1"), carries control dependencies, and
// keeps the first error so model code reads straight; Session creation
// reports it. Every op builder takes a Scope and returns Outputs.
#ifndef GRAPHFLOW_GRAPH_SCOPE_H_
#define GRAPHFLOW_GRAPH_SCOPE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "graph/graph.h"

namespace graphflow {

// A typed handle to one node output; invalid (node == nullptr) after an
// error, so later builders pass the failure along silently.
struct Output {
  Output() = default;
  Output(Node* n, int i = 0) : node(n), index(i) {}     // NOLINT
  Output(Endpoint e) : node(e.node), index(e.index) {}  // NOLINT

  Node* node = nullptr;
  int index = 0;

  bool valid() const { return node != nullptr; }
  Endpoint endpoint() const { return {node, index}; }
  DataType dtype() const {
    return node && index < node->num_outputs() ? node->output_type(index)
                                               : DT_INVALID;
  }
  const PartialShape& shape() const;
  std::string name() const { return EndpointName(endpoint()); }
  const std::string& op() const { return node->op(); }
  bool operator==(const Output& o) const {
    return node == o.node && index == o.index;
  }
};
using OutputList = std::vector<Output>;

// Handles to a node's i-th input (the producer's output) and i-th output:
// what gradient functions read.
inline Output NodeInput(const Node& node, int i) { return node.input(i); }
inline Output NodeOutput(const Node& node, int i) {
  return Output(const_cast<Node*>(&node), i);
}

// Anything an op accepts as an input: an Output or a constant value, which
// becomes a Const node (like TF's ops::Add(s, x, 1.0f)).
class Input {
 public:
  Input(Output o) : output_(o) {}                        // NOLINT
  Input(Node* n) : output_(n, 0) {}                      // NOLINT
  Input(const Tensor& t) : tensor_(t) {}                 // NOLINT
  Input(float v) : tensor_(Tensor::Scalar(v)) {}         // NOLINT
  Input(double v) : tensor_(Tensor::Scalar(v)) {}        // NOLINT
  Input(int v) : tensor_(Tensor::Scalar<int32_t>(v)) {}  // NOLINT
  Input(int64_t v) : tensor_(Tensor::Scalar(v)) {}       // NOLINT
  Input(bool v) : tensor_(Tensor::Scalar(v)) {}          // NOLINT
  Input(std::initializer_list<float> v)
      : tensor_(Tensor::Vector(v)) {}   // NOLINT
  Input(std::initializer_list<int> v);  // NOLINT: an int32 vector.

  bool is_constant() const { return tensor_.valid(); }
  const Output& output() const { return output_; }
  const Tensor& tensor() const { return tensor_; }

 private:
  Output output_;
  Tensor tensor_;
};

class Scope;

// TF's control-flow context (CondContext, WhileContext): nodes built under a
// scope that carries one read values from outside the context through it
// (a Switch for a cond branch, an Enter for a loop), and nodes without
// inputs get a control input from its pivot.
class ControlFlowContext {
 public:
  virtual ~ControlFlowContext() = default;
  // What node `consumer` built in the context reads instead of `e`.
  virtual Endpoint MapInput(absl::string_view consumer, Endpoint e) = 0;
  virtual Node* pivot() const = 0;
};

class Scope {
 public:
  // A new graph using the given op registry (ops/all_ops.h provides the
  // standard one: NewRootScope() there).
  static Scope NewRootScope(const OpRegistry* registry);

  // "name" under this scope's prefix, uniquified.
  Scope WithOpName(absl::string_view name) const;
  // A child name scope "prefix/name" (uniquified like TF's name_scope).
  Scope NewSubScope(absl::string_view name) const;
  // The next node gets exactly `full_name` (no prefix, no suffix); a clash
  // is an error. Like TF's name_scope("x/") for ops named after a scope.
  Scope WithExactName(absl::string_view full_name) const;
  // A scope whose prefix is exactly `prefix` (not uniquified), for builders
  // that own a name, as a variable "w" owns "w/Assign" and "w/read".
  Scope WithNamePrefix(absl::string_view prefix) const;
  Scope WithControlDependencies(const std::vector<Output>& deps) const;
  Scope WithDevice(absl::string_view device) const;
  // Nodes built under the returned scope are in `context` (ops/control_flow).
  Scope WithControlFlowContext(
      std::shared_ptr<ControlFlowContext> context) const;
  ControlFlowContext* control_flow_context() const { return cf_context_.get(); }

  // Adds a node; inputs may be constants. Attrs like T and N are inferred
  // from the inputs. On error records it and returns an invalid node.
  Node* AddNode(absl::string_view op, const std::vector<Input>& inputs,
                AttrMap attrs = {}) const;
  // The node's outputs as handles (empty after an error).
  OutputList AddOp(absl::string_view op, const std::vector<Input>& inputs,
                   AttrMap attrs = {}) const;
  Output AddOp1(absl::string_view op, const std::vector<Input>& inputs,
                AttrMap attrs = {}) const {
    OutputList out = AddOp(op, inputs, std::move(attrs));
    return out.empty() ? Output() : out[0];
  }
  // A Const node holding `value`.
  Output Const(const Tensor& value) const;

  bool ok() const { return state_->status.ok(); }
  const absl::Status& status() const { return state_->status; }
  // Records the first error (prefixed with this scope's name).
  void UpdateStatus(const absl::Status& s) const;

  Graph* graph() const { return state_->graph.get(); }
  std::shared_ptr<Graph> shared_graph() const { return state_->graph; }
  const std::string& name_prefix() const { return prefix_; }
  // The name the next node of `op` would get under this scope.
  std::string GetUniqueNameForOp(absl::string_view op) const;

 private:
  struct State {
    std::shared_ptr<Graph> graph;
    absl::Status status;
    // How many times each full name was handed out.
    absl::flat_hash_map<std::string, int> name_counts;
  };
  std::string UniqueName(const std::string& base) const;

  std::shared_ptr<State> state_;
  std::string prefix_;       // "" or "a/b".
  std::string op_name_;      // Name for the next node, if set.
  bool exact_name_ = false;  // op_name_ is the full name, used as is.
  std::vector<Node*> control_deps_;
  std::string device_;
  std::shared_ptr<ControlFlowContext> cf_context_;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_SCOPE_H_
