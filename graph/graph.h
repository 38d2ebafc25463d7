// The in-memory dataflow graph: nodes with validated attrs, resolved input
// and output dtypes, graph-time output shapes, data and control edges.
#ifndef GRAPHFLOW_GRAPH_GRAPH_H_
#define GRAPHFLOW_GRAPH_GRAPH_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "graph/attr_value.h"
#include "graph/op_registry.h"
#include "graph/tensor_shape.h"

namespace tensorflow {
class NodeDef;
}  // namespace tensorflow

namespace graphflow {

class Node;

// One output of one node: the thing an edge carries.
struct Endpoint {
  Node* node = nullptr;
  int index = 0;
  bool operator==(const Endpoint& o) const {
    return node == o.node && index == o.index;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Endpoint& e) {
    return H::combine(std::move(h), e.node, e.index);
  }
};

class Node {
 public:
  int id() const { return id_; }
  const std::string& name() const { return name_; }
  const std::string& op() const { return op_def_->name; }
  const OpDef& op_def() const { return *op_def_; }
  const std::string& device() const { return device_; }
  const AttrMap& attrs() const { return attrs_; }
  // An opaque node came from a GraphDef whose op graphflow has no schema for:
  // kept (with its NodeDef, verbatim) so the graph loads and exports, but a
  // Run or gradient that needs it fails. Its output dtypes may be DT_INVALID
  // (unknown), which a consumer's declared input type accepts.
  bool is_opaque() const { return opaque_def_ != nullptr; }
  const tensorflow::NodeDef* opaque_def() const { return opaque_def_.get(); }

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  int num_outputs() const { return static_cast<int>(output_types_.size()); }
  const std::vector<Endpoint>& inputs() const { return inputs_; }
  Endpoint input(int i) const { return inputs_[i]; }
  const std::vector<Node*>& control_inputs() const { return control_inputs_; }
  DataType input_type(int i) const { return input_types_[i]; }
  DataType output_type(int i) const { return output_types_[i]; }
  const DataTypeVector& input_types() const { return input_types_; }
  const DataTypeVector& output_types() const { return output_types_; }
  const PartialShape& output_shape(int i) const { return output_shapes_[i]; }
  // Data consumers as (node, input index), in insertion order.
  const std::vector<std::pair<Node*, int>>& consumers() const {
    return consumers_;
  }
  const std::vector<Node*>& control_outputs() const { return control_outputs_; }

  // The attr's value if present and of type T, else nullptr.
  template <typename T>
  const T* FindAttr(absl::string_view attr_name) const {
    auto it = attrs_.find(std::string(attr_name));
    return it == attrs_.end() ? nullptr : std::get_if<T>(&it->second);
  }
  // InvalidArgument naming the node when missing or of another type.
  template <typename T>
  absl::Status GetAttr(absl::string_view attr_name, T* value) const {
    if (const T* v = FindAttr<T>(attr_name)) {
      *value = *v;
      return absl::OkStatus();
    }
    return MissingAttrError(attr_name);
  }

 private:
  friend class Graph;
  absl::Status MissingAttrError(absl::string_view attr_name) const;

  int id_ = -1;
  std::string name_;
  const OpDef* op_def_ = nullptr;
  std::string device_;
  AttrMap attrs_;
  std::vector<Endpoint> inputs_;
  std::vector<Node*> control_inputs_;
  DataTypeVector input_types_, output_types_;
  std::vector<PartialShape> output_shapes_;
  std::vector<std::pair<Node*, int>> consumers_;
  std::vector<Node*> control_outputs_;
  std::shared_ptr<const tensorflow::NodeDef> opaque_def_;
};

// What AddNode needs; attrs may omit defaults and inferable type/length attrs.
struct NodeSpec {
  std::string name;
  std::string op;
  std::vector<Endpoint> inputs;
  std::vector<Node*> control_inputs;
  AttrMap attrs;
  std::string device;
};

class Graph {
 public:
  explicit Graph(const OpRegistry* registry) : registry_(registry) {}
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Validates against the op schema (attrs, input count and dtypes), fills
  // defaults, infers output dtypes and shapes. Errors name the node.
  absl::StatusOr<Node*> AddNode(NodeSpec spec);
  // Adds a node whose op has no schema (see Node::is_opaque); `outputs` holds
  // each output's dtype (DT_INVALID: unknown) and shape. Errors name the node.
  absl::StatusOr<Node*> AddOpaqueNode(
      NodeSpec spec, std::vector<std::pair<DataType, PartialShape>> outputs,
      std::shared_ptr<const tensorflow::NodeDef> def);

  // Re-points data input `index` of `dst` at `src` (same dtype), like TF's
  // Graph::UpdateEdge: how a while loop's Merge gets its NextIteration back
  // edge, the one kind of cycle a graph may have. Shapes are not re-inferred.
  absl::Status UpdateInput(Node* dst, int index, Endpoint src);
  // Adds a control edge src -> dst (TF's Operation._add_control_input).
  void AddControlInput(Node* dst, Node* src);

  Node* FindNode(absl::string_view name) const;
  // Parses "name", "name:3" into an endpoint; NotFound / InvalidArgument;
  // Unimplemented for an output of an opaque node that nothing in the graph
  // references (graphflow cannot know it exists).
  absl::StatusOr<Endpoint> FindEndpoint(absl::string_view tensor_name) const;
  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  const OpRegistry& registry() const { return *registry_; }

  // Named node lists, like TF's graph collections ("variables",
  // "trainable_variables"); kept in memory only, as in a GraphDef.
  void AddToCollection(const std::string& key, Node* node) {
    collections_[key].push_back(node);
  }
  const std::vector<Node*>& GetCollection(const std::string& key) const;

  // GraphDef versions, kept for round trips.
  int producer_version = 27;
  int min_consumer_version = 0;

 private:
  const OpRegistry* registry_;
  std::vector<std::unique_ptr<Node>> nodes_;
  absl::flat_hash_map<std::string, Node*> by_name_;
  // One schema-less OpDef per opaque op name, owned here: Node::op() and
  // op_def() work for opaque nodes too.
  absl::flat_hash_map<std::string, std::unique_ptr<OpDef>> opaque_ops_;
  // Registers `node` (id, consumers, name) once it is complete.
  Node* Insert(std::unique_ptr<Node> node);
  absl::flat_hash_map<std::string, std::vector<Node*>> collections_;
};

// Unimplemented "node 'x' uses op 'Foo', which graphflow does not implement
// (needed by <needed_by>)": the one error for running through an opaque node.
absl::Status OpaqueNodeError(const Node& node, absl::string_view needed_by);

// "name:index" for an endpoint, "name" for output 0 (TF's tensor naming).
std::string EndpointName(const Endpoint& e);
// Splits "name:1" → ("name", 1) and "name" → ("name", 0).
absl::Status ParseTensorName(absl::string_view tensor_name, std::string* node,
                             int* index);

// What a shape function sees of the node being added.
class InferenceContext {
 public:
  InferenceContext(const Node& node, std::vector<PartialShape> input_shapes,
                   std::vector<const Tensor*> input_tensors);

  const Node& node() const { return node_; }
  int num_inputs() const { return static_cast<int>(input_shapes_.size()); }
  int num_outputs() const { return static_cast<int>(output_shapes_.size()); }
  const PartialShape& input_shape(int i) const { return input_shapes_[i]; }
  DataType input_type(int i) const;
  // The input's value when known at graph time (a Const, or Shape of a fully
  // defined tensor), else nullptr.
  const Tensor* input_tensor(int i) const { return input_tensors_[i]; }
  // A shape given as a 1-D int tensor input (Reshape, Fill): its known
  // entries, -1 elsewhere; unknown rank if nothing is known.
  PartialShape ShapeFromInputTensor(int i) const;

  template <typename T>
  absl::Status GetAttr(absl::string_view name, T* value) const {
    return node_.GetAttr(name, value);
  }
  void set_output(int i, PartialShape shape) {
    output_shapes_[i] = std::move(shape);
  }
  const PartialShape& output(int i) const { return output_shapes_[i]; }
  std::vector<PartialShape> TakeOutputs() { return std::move(output_shapes_); }

  // Requires input i to have rank r (when known); returns it merged.
  absl::StatusOr<PartialShape> WithRank(int i, int rank) const;
  // InvalidArgument "<node> (<op>): <message>".
  absl::Status Error(absl::string_view message) const;

 private:
  const Node& node_;
  std::vector<PartialShape> input_shapes_;
  std::vector<const Tensor*> input_tensors_;
  std::vector<PartialShape> output_shapes_;
};

// Shape function helpers shared by the op families.
absl::Status UnchangedShape(InferenceContext& c);  // Output 0 = input 0.
absl::Status ScalarShape(InferenceContext& c);
// Output 0 = the merge of inputs 0 and 1 (same-shape binary ops such as the
// activation gradients).
absl::Status MergeBothInputsShape(InferenceContext& c);
absl::Status UnknownShape(InferenceContext& c);  // Every output unknown.
absl::Status NoOutputs(InferenceContext& c);

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_GRAPH_H_
