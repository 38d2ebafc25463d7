#include "tools/graph_tools.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "ops/all_ops.h"
#include "proto/graph_io.h"

namespace graphflow::cli {
namespace {

bool IsVariable(const Node& n) { return n.op() == "VariableV2"; }

bool IsApply(const Node& n) { return absl::StartsWith(n.op(), "Apply"); }

// True if `node` runs `pred` nodes through its control inputs (one level of
// NoOp grouping, as tf.group builds).
bool GroupsAny(const Node& node, bool (*pred)(const Node&)) {
  for (const Node* c : node.control_inputs()) {
    if (pred(*c)) return true;
    if (c->op() == "NoOp") {
      for (const Node* cc : c->control_inputs()) {
        if (pred(*cc)) return true;
      }
    }
  }
  return false;
}

bool IsAssign(const Node& n) { return n.op() == "Assign"; }

// tf.gradients seeds the loss's gradient with a Fill in its "gradients"
// scope ("gradients/Fill" in TF, "gradients/grad_ys_0" in graphflow), shaped
// by Shape(loss) or, when TF knew the loss shape, by a Const; the seed's
// consumers are named "<scope>gradients/<loss>_grad/...".
void AddLikelyLosses(const Graph& graph, const Node& node,
                     std::vector<std::string>* out) {
  if (node.op() != "Fill") return;
  absl::string_view name = node.name();
  if (size_t own = name.rfind('/'); own != absl::string_view::npos) {
    name = name.substr(0, own);
  } else {
    return;
  }
  size_t slash = name.rfind('/');
  absl::string_view last =
      slash == absl::string_view::npos ? name : name.substr(slash + 1);
  if (!absl::StartsWith(last, "gradients")) return;
  auto add = [&](const std::string& loss) {
    if (std::find(out->begin(), out->end(), loss) == out->end()) {
      out->push_back(loss);
    }
  };
  if (node.num_inputs() >= 1 && node.input(0).node->op() == "Shape" &&
      node.input(0).node->num_inputs() == 1) {
    add(EndpointName(node.input(0).node->input(0)));
    return;
  }
  for (const auto& [consumer, index] : node.consumers()) {
    absl::string_view rest = consumer->name();
    if (!absl::ConsumePrefix(&rest, name) || !absl::ConsumePrefix(&rest, "/")) {
      continue;
    }
    size_t grad = rest.rfind("_grad/");
    if (grad == absl::string_view::npos) continue;
    std::string loss(rest.substr(0, grad));
    if (graph.FindNode(loss) != nullptr) add(loss);
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Graph>> LoadGraphFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(tensorflow::GraphDef gd, ReadGraphDefFile(path));
  auto graph = GraphFromGraphDef(gd, GlobalOpRegistry());
  if (!graph.ok()) {
    return absl::Status(graph.status().code(),
                        absl::StrCat(path, ": ", graph.status().message()));
  }
  return std::shared_ptr<const Graph>(*std::move(graph));
}

absl::StatusOr<std::vector<std::string>> VariableInitializers(
    const Graph& graph) {
  std::vector<std::string> out;
  for (const auto& node : graph.nodes()) {
    if (!IsVariable(*node)) continue;
    const Node* chosen = nullptr;
    std::vector<const Node*> candidates;
    for (const auto& [consumer, index] : node->consumers()) {
      if (index != 0 || consumer->op() != "Assign") continue;
      if (consumer->name() == node->name() + "/Assign") chosen = consumer;
      if (!absl::StartsWith(consumer->name(), "save/")) {
        candidates.push_back(consumer);
      }
    }
    if (chosen == nullptr && candidates.size() == 1) chosen = candidates[0];
    if (chosen == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "variable '", node->name(), "' has no initializer (no '",
          node->name(), "/Assign' node); pass --init or --restore"));
    }
    out.push_back(chosen->name());
  }
  return out;
}

GraphSummary SummarizeGraph(const Graph& graph) {
  GraphSummary s;
  s.num_nodes = graph.num_nodes();
  std::map<std::string, int> counts;
  std::map<std::string, std::vector<std::string>> unsupported;
  std::map<std::string, std::vector<std::string>> unimplemented;
  const KernelRegistry& kernels = GlobalKernelRegistry();
  for (const auto& node : graph.nodes()) {
    ++counts[node->op()];
    if (node->op() == "Placeholder" || node->op() == "PlaceholderWithDefault") {
      s.placeholders.push_back(node.get());
    }
    if (IsVariable(*node)) s.variables.push_back(node.get());
    if (node->is_opaque()) {
      unimplemented[node->op()].push_back(node->name());
    } else if (kernels.Find(node->op()) == nullptr) {
      unsupported[node->op()].push_back(node->name());
    }
    if (node->op() == "NoOp") {
      if (GroupsAny(*node, IsApply)) {
        s.likely_train.push_back(node->name());
      } else if (GroupsAny(*node, IsAssign) &&
                 !absl::StartsWith(node->name(), "save/")) {
        s.likely_init.push_back(node->name());
      }
    }
    AddLikelyLosses(graph, *node, &s.likely_loss);
  }
  for (const auto& [op, n] : counts) s.op_counts.emplace_back(op, n);
  std::stable_sort(
      s.op_counts.begin(), s.op_counts.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  for (auto& [op, nodes] : unsupported) s.unsupported.emplace_back(op, nodes);
  for (auto& [op, nodes] : unimplemented) {
    s.unimplemented.emplace_back(op, nodes);
  }
  return s;
}

std::string FormatSummary(const GraphSummary& s, const std::string& path) {
  std::string out = absl::StrCat(path, ": ", s.num_nodes, " nodes\n\nops:\n");
  for (const auto& [op, n] : s.op_counts) {
    absl::StrAppend(&out, "  ", n, "\t", op, "\n");
  }
  absl::StrAppend(&out, "\nplaceholders:\n");
  if (s.placeholders.empty()) absl::StrAppend(&out, "  (none)\n");
  for (const Node* p : s.placeholders) {
    const PartialShape* shape = p->FindAttr<PartialShape>("shape");
    absl::StrAppend(
        &out, "  ", p->name(), "\t", DataTypeString(p->output_type(0)), " ",
        shape ? shape->DebugString() : p->output_shape(0).DebugString(), "\n");
  }
  absl::StrAppend(&out, "\nvariables:\n");
  if (s.variables.empty()) absl::StrAppend(&out, "  (none)\n");
  for (const Node* v : s.variables) {
    bool trainable = false;
    for (const auto& [consumer, index] : v->consumers()) {
      if (consumer->name() == v->name() + "/read") {
        for (const auto& [c2, i2] : consumer->consumers()) {
          trainable |= !absl::StartsWith(c2->name(), "save/");
        }
      }
    }
    bool slot = absl::StrContains(v->name(), "/Adam") ||
                absl::StrContains(v->name(), "_power");
    absl::StrAppend(&out, "  ", v->name(), "\t",
                    DataTypeString(BaseType(v->output_type(0))), " ",
                    v->output_shape(0).DebugString(),
                    slot        ? "\toptimizer state"
                    : trainable ? "\ttrainable"
                                : "",
                    "\n");
  }
  auto list = [&](const char* what, const std::vector<std::string>& names) {
    absl::StrAppend(&out, "\nlikely ", what, ": ",
                    names.empty() ? "(none found)" : absl::StrJoin(names, ", "),
                    "\n");
  };
  list("init op", s.likely_init);
  list("train op", s.likely_train);
  list("loss", s.likely_loss);
  // One line: "Op (n nodes: a, b, ...)", at most 5 names each.
  absl::StrAppend(&out, "\nops graphflow does not implement");
  if (s.unimplemented.empty()) absl::StrAppend(&out, ": none");
  for (size_t i = 0; i < s.unimplemented.size(); ++i) {
    const auto& [op, nodes] = s.unimplemented[i];
    std::vector<std::string> shown(
        nodes.begin(), nodes.begin() + std::min<size_t>(nodes.size(), 5));
    absl::StrAppend(
        &out, i == 0 ? absl::StrCat(" (", s.unimplemented.size(), "): ") : ", ",
        op, " (", nodes.size(),
        nodes.size() == 1 ? " node: " : " nodes: ", absl::StrJoin(shown, ", "),
        nodes.size() > 5 ? ", ..." : "", ")");
  }
  absl::StrAppend(&out, "\n");
  absl::StrAppend(&out, "\nops graphflow cannot run: ");
  if (s.unsupported.empty()) absl::StrAppend(&out, "none\n");
  absl::StrAppend(&out, s.unsupported.empty() ? "" : "\n");
  for (const auto& [op, nodes] : s.unsupported) {
    std::vector<std::string> shown(
        nodes.begin(), nodes.begin() + std::min<size_t>(nodes.size(), 5));
    absl::StrAppend(&out, "  ", op, " (", nodes.size(),
                    "): ", absl::StrJoin(shown, ", "),
                    nodes.size() > 5 ? ", ..." : "", "\n");
  }
  return out;
}

}  // namespace graphflow::cli
