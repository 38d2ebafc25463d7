#include "graph/graph_def.h"

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "graph/tensor_proto.h"

namespace graphflow {
namespace {

struct ParsedInput {
  std::string node;
  int index = 0;
  bool control = false;
};

absl::StatusOr<std::vector<ParsedInput>> ParseInputs(
    const tensorflow::NodeDef& def) {
  std::vector<ParsedInput> out;
  for (const std::string& in : def.input()) {
    ParsedInput p;
    absl::string_view name = in;
    if (!name.empty() && name[0] == '^') {
      p.control = true;
      p.node = std::string(name.substr(1));
    } else {
      absl::Status s = ParseTensorName(name, &p.node, &p.index);
      if (!s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "node '", def.name(), "' (", def.op(), "): ", s.message()));
      }
    }
    if (p.node.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "node '", def.name(), "' (", def.op(), "): empty input name"));
    }
    out.push_back(std::move(p));
  }
  return out;
}

// A while loop's back edge NextIteration -> Merge: the one edge a cycle may
// go through (as in TF's graph import); it is connected after both exist.
bool IsBackEdge(const tensorflow::GraphDef& gd, int dst, int src,
                const ParsedInput& in) {
  const std::string& src_op = gd.node(src).op();
  const std::string& dst_op = gd.node(dst).op();
  return !in.control &&
         (src_op == "NextIteration" || src_op == "RefNextIteration") &&
         (dst_op == "Merge" || dst_op == "RefMerge");
}

// Depth-first, inputs before consumers, otherwise in file order (so a file
// that is already ordered round-trips unchanged); names a node on a cycle.
absl::StatusOr<std::vector<int>> TopologicalOrder(
    const tensorflow::GraphDef& gd,
    const std::vector<std::vector<ParsedInput>>& inputs,
    const absl::flat_hash_map<std::string, int>& index) {
  int n = gd.node_size();
  enum State : char { kNew, kActive, kDone };
  std::vector<State> state(n, kNew);
  std::vector<int> order;
  order.reserve(n);
  // (node, next input to visit) frames, so deep graphs do not overflow.
  std::vector<std::pair<int, size_t>> stack;
  for (int root = 0; root < n; ++root) {
    if (state[root] != kNew) continue;
    stack.emplace_back(root, 0);
    state[root] = kActive;
    while (!stack.empty()) {
      auto& [i, next] = stack.back();
      if (next == inputs[i].size()) {
        state[i] = kDone;
        order.push_back(i);
        stack.pop_back();
        continue;
      }
      const ParsedInput& in = inputs[i][next++];
      auto it = index.find(in.node);
      if (it == index.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "node '", gd.node(i).name(), "' (", gd.node(i).op(), "): input '",
            in.control ? "^" : "", in.node, "' names a node not in the graph"));
      }
      int j = it->second;
      if (IsBackEdge(gd, i, j, in)) continue;
      if (state[j] == kActive) {
        return absl::InvalidArgumentError(
            absl::StrCat("graph has a cycle: node '", gd.node(i).name(), "' (",
                         gd.node(i).op(), ") depends on itself through input '",
                         in.node, "'"));
      }
      if (state[j] == kNew) {
        state[j] = kActive;
        stack.emplace_back(j, 0);
      }
    }
  }
  return order;
}

}  // namespace

namespace {

// Sums the declared sizes of every attr tensor (before any is allocated) and
// refuses the graph once the total passes `limit`, naming the node.
absl::Status CheckGraphTimeBytes(const tensorflow::GraphDef& gd,
                                 int64_t limit) {
  int64_t total = 0;
  for (const tensorflow::NodeDef& def : gd.node()) {
    for (const auto& [name, attr] : def.attr()) {
      // A tensor no proto can hold (past kMaxProtoTensorBytes) is malformed,
      // not merely large: TensorFromProto reports it as InvalidArgument.
      auto declared = [](const tensorflow::TensorProto& t) {
        const int64_t b = DeclaredTensorBytes(t);
        return b > kMaxProtoTensorBytes ? 0 : b;
      };
      int64_t bytes = attr.has_tensor() ? declared(attr.tensor()) : 0;
      for (const auto& t : attr.list().tensor()) bytes += declared(t);
      total = std::min(total + bytes, kSaturatedBytes);
      if (total > limit) {
        return absl::ResourceExhaustedError(
            absl::StrCat("node '", def.name(), "' (", def.op(), "): attr '",
                         name, "' declares ", bytes,
                         " bytes of tensor data, taking the graph "
                         "past its limit of ",
                         limit, " bytes of attr tensors"));
      }
    }
  }
  return absl::OkStatus();
}

bool IsOutputType(DataType t) { return t != DT_VARIANT && IsSupportedType(t); }

// Output dtypes and shapes of an opaque node (an op with no schema): as many
// outputs as its consumers reference (or `_output_shapes` lists), dtypes from
// attrs that obviously name them, else DT_INVALID (unknown).
std::vector<std::pair<DataType, PartialShape>> OpaqueOutputs(
    const tensorflow::NodeDef& def, int referenced) {
  auto find = [&](const char* name) -> const tensorflow::AttrValue* {
    auto it = def.attr().find(name);
    return it == def.attr().end() ? nullptr : &it->second;
  };
  std::vector<PartialShape> shapes;
  if (const tensorflow::AttrValue* a = find("_output_shapes")) {
    for (const auto& proto : a->list().shape()) {
      auto shape = ShapeFromProto(proto);
      shapes.push_back(shape.ok() ? *shape : PartialShape());
    }
  }
  DataTypeVector types;
  // A list of output types: PyFunc's Tout, a dequeue's component_types (a
  // queue's own component_types, beside its capacity, are its elements'
  // types, not its handle's).
  for (const char* name : {"Tout", "component_types"}) {
    const tensorflow::AttrValue* a = find(name);
    if (a == nullptr || a->list().type_size() == 0 || !types.empty()) continue;
    if (name == std::string("component_types") && find("capacity")) continue;
    for (int t : a->list().type()) types.push_back(static_cast<DataType>(t));
  }
  size_t n = std::max<size_t>(
      {1, static_cast<size_t>(referenced), shapes.size(), types.size()});
  // One type attr names the output of a single-output op, unless the op
  // makes a resource (a shared_name, as VarHandleOp's): that outputs a handle.
  // Not `T`: that is an input's type (IsFinite has T=float, outputs bool).
  for (const char* name : {"out_type", "dtype"}) {
    const tensorflow::AttrValue* a = find(name);
    if (types.empty() && n == 1 && a && a->has_type() && !find("shared_name")) {
      types.push_back(static_cast<DataType>(a->type()));
    }
  }
  std::vector<std::pair<DataType, PartialShape>> out(n);
  for (size_t i = 0; i < n; ++i) {
    if (i < types.size() && IsOutputType(types[i])) out[i].first = types[i];
    if (i < shapes.size()) out[i].second = shapes[i];
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> GraphFromGraphDef(
    const tensorflow::GraphDef& gd, const OpRegistry& registry,
    const ResourceLimits& limits) {
  RETURN_IF_ERROR(CheckGraphTimeBytes(gd, limits.max_graph_time_bytes));
  auto graph = std::make_unique<Graph>(&registry);
  graph->producer_version = gd.versions().producer();
  graph->min_consumer_version = gd.versions().min_consumer();
  absl::flat_hash_map<std::string, int> index;
  std::vector<std::vector<ParsedInput>> inputs;
  for (int i = 0; i < gd.node_size(); ++i) {
    const tensorflow::NodeDef& def = gd.node(i);
    if (!index.emplace(def.name(), i).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "node '", def.name(), "' (", def.op(), "): duplicate node name"));
    }
    ASSIGN_OR_RETURN(inputs.emplace_back(), ParseInputs(def));
  }
  ASSIGN_OR_RETURN(std::vector<int> order, TopologicalOrder(gd, inputs, index));
  // Outputs referenced per node: an opaque node has that many.
  std::vector<int> referenced(gd.node_size(), 0);
  for (const auto& node_inputs : inputs) {
    for (const ParsedInput& in : node_inputs) {
      int& r = referenced[index.at(in.node)];
      if (!in.control) r = std::max(r, in.index + 1);
    }
  }
  // Back edges not yet connectable: (merge, input index, source).
  std::vector<std::tuple<Node*, int, ParsedInput>> back_edges;
  for (int i : order) {
    const tensorflow::NodeDef& def = gd.node(i);
    auto fail = [&](absl::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", def.name(), "' (", def.op(), "): ", what));
    };
    const OpDef* op_def = registry.Find(def.op());
    NodeSpec spec;
    spec.name = def.name();
    spec.op = def.op();
    spec.device = def.device();
    for (const auto& [name, proto] : def.attr()) {
      auto value =
          AttrValueFromProto(proto, op_def ? op_def->FindAttr(name) : nullptr);
      if (!value.ok() && op_def == nullptr) continue;  // Kept in the NodeDef.
      if (!value.ok()) {
        return fail(
            absl::StrCat("attr '", name, "': ", value.status().message()));
      }
      spec.attrs.emplace(name, *std::move(value));
    }
    std::vector<int> deferred;  // Input indexes waiting for a back edge.
    for (const ParsedInput& in : inputs[i]) {
      Node* src = graph->FindNode(in.node);
      if (src == nullptr && !in.control) {  // A back edge (see IsBackEdge).
        deferred.push_back(static_cast<int>(spec.inputs.size()));
        spec.inputs.push_back({});
        continue;
      }
      if (in.control) {
        spec.control_inputs.push_back(src);
      } else {
        if (!spec.control_inputs.empty()) {
          return fail("data input after a control input");
        }
        spec.inputs.push_back({src, in.index});
      }
    }
    if (op_def == nullptr) {
      if (!deferred.empty()) return fail("a loop back edge into an unknown op");
      RETURN_IF_ERROR(
          graph
              ->AddOpaqueNode(std::move(spec),
                              OpaqueOutputs(def, referenced[i]),
                              std::make_shared<tensorflow::NodeDef>(def))
              .status());
      continue;
    }
    // Until connected, a back edge reads the Merge's first forward input,
    // which has the same dtype (Merge's T); its shape stands for the loop's.
    for (int d : deferred) {
      auto fwd = std::find_if(spec.inputs.begin(), spec.inputs.end(),
                              [](const Endpoint& e) { return e.node; });
      if (fwd == spec.inputs.end()) return fail("no input outside the loop");
      back_edges.emplace_back(nullptr, d, inputs[i][d]);
      spec.inputs[d] = *fwd;
    }
    ASSIGN_OR_RETURN(Node * node, graph->AddNode(std::move(spec)));
    for (size_t k = back_edges.size() - deferred.size(); k < back_edges.size();
         ++k) {
      std::get<0>(back_edges[k]) = node;
    }
  }
  for (const auto& [merge, d, in] : back_edges) {
    Node* src = graph->FindNode(in.node);
    if (in.index >= src->num_outputs()) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", merge->name(), "' (", merge->op(), "): input ",
                       d, " names output ", in.index, " of '", in.node, "'"));
    }
    RETURN_IF_ERROR(graph->UpdateInput(merge, d, {src, in.index}));
  }
  return graph;
}

tensorflow::GraphDef GraphToGraphDef(const Graph& graph) {
  tensorflow::GraphDef gd;
  gd.mutable_versions()->set_producer(graph.producer_version);
  gd.mutable_versions()->set_min_consumer(graph.min_consumer_version);
  for (const auto& node : graph.nodes()) {
    if (node->is_opaque()) {  // Verbatim: graphflow cannot normalize it.
      *gd.add_node() = *node->opaque_def();
      continue;
    }
    tensorflow::NodeDef* def = gd.add_node();
    def->set_name(node->name());
    def->set_op(node->op());
    def->set_device(node->device());
    for (const Endpoint& in : node->inputs()) def->add_input(EndpointName(in));
    for (const Node* c : node->control_inputs()) {
      def->add_input(absl::StrCat("^", c->name()));
    }
    for (const auto& [name, value] : node->attrs()) {
      AttrValueToProto(value, &(*def->mutable_attr())[name]);
    }
  }
  return gd;
}

}  // namespace graphflow
