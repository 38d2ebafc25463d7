#include "graph/graph_def.h"

#include <deque>

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

// Kahn's algorithm; on a cycle names the nodes that could not be ordered.
absl::StatusOr<std::vector<int>> TopologicalOrder(
    const tensorflow::GraphDef& gd,
    const std::vector<std::vector<ParsedInput>>& inputs,
    const absl::flat_hash_map<std::string, int>& index) {
  int n = gd.node_size();
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    for (const ParsedInput& in : inputs[i]) {
      auto it = index.find(in.node);
      if (it == index.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "node '", gd.node(i).name(), "' (", gd.node(i).op(), "): input '",
            in.control ? "^" : "", in.node, "' names a node not in the graph"));
      }
      ++pending[i];
      consumers[it->second].push_back(i);
    }
  }
  std::deque<int> ready;
  for (int i = 0; i < n; ++i) {
    if (pending[i] == 0) ready.push_back(i);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (int c : consumers[i]) {
      if (--pending[c] == 0) ready.push_back(c);
    }
  }
  if (static_cast<int>(order.size()) != n) {
    std::vector<std::string> stuck;
    for (int i = 0; i < n && stuck.size() < 6; ++i) {
      if (pending[i] > 0) stuck.push_back(gd.node(i).name());
    }
    return absl::InvalidArgumentError(
        absl::StrCat("graph has a cycle; nodes on or after it: ",
                     absl::StrJoin(stuck, ", ")));
  }
  return order;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> GraphFromGraphDef(
    const tensorflow::GraphDef& gd, const OpRegistry& registry) {
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
  for (int i : order) {
    const tensorflow::NodeDef& def = gd.node(i);
    auto fail = [&](absl::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", def.name(), "' (", def.op(), "): ", what));
    };
    const OpDef* op_def = registry.Find(def.op());
    if (op_def == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("node '", def.name(), "': unknown op '", def.op(), "'"));
    }
    NodeSpec spec;
    spec.name = def.name();
    spec.op = def.op();
    spec.device = def.device();
    for (const auto& [name, proto] : def.attr()) {
      auto value = AttrValueFromProto(proto, op_def->FindAttr(name));
      if (!value.ok()) {
        return fail(
            absl::StrCat("attr '", name, "': ", value.status().message()));
      }
      spec.attrs.emplace(name, *std::move(value));
    }
    for (const ParsedInput& in : inputs[i]) {
      Node* src = graph->FindNode(in.node);
      if (in.control) {
        spec.control_inputs.push_back(src);
      } else {
        if (!spec.control_inputs.empty()) {
          return fail("data input after a control input");
        }
        spec.inputs.push_back({src, in.index});
      }
    }
    RETURN_IF_ERROR(graph->AddNode(std::move(spec)).status());
  }
  return graph;
}

tensorflow::GraphDef GraphToGraphDef(const Graph& graph) {
  tensorflow::GraphDef gd;
  gd.mutable_versions()->set_producer(graph.producer_version);
  gd.mutable_versions()->set_min_consumer(graph.min_consumer_version);
  for (const auto& node : graph.nodes()) {
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
