#include "tools/graph_dot.h"

#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/xml_escape.h"

namespace graphflow::cli {
namespace {

constexpr char kFont[] = "Helvetica";

// For DOT's double-quoted strings.
std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> Components(absl::string_view name) {
  return absl::StrSplit(name, '/');
}

// "gradients", "gradients_1": TF's tf.gradients name scopes.
bool IsGradientsComponent(absl::string_view c) {
  if (!absl::ConsumePrefix(&c, "gradients")) return false;
  if (c.empty()) return true;
  if (!absl::ConsumePrefix(&c, "_") || c.empty()) return false;
  for (char ch : c) {
    if (!absl::ascii_isdigit(ch)) return false;
  }
  return true;
}

// "Adam" or "Adam_1" for optimizer name "Adam": its slot variables' names.
bool IsSlotComponent(absl::string_view c, absl::string_view optimizer) {
  if (!absl::ConsumePrefix(&c, optimizer)) return false;
  if (c.empty()) return true;
  if (!absl::ConsumePrefix(&c, "_") || c.empty()) return false;
  for (char ch : c) {
    if (!absl::ascii_isdigit(ch)) return false;
  }
  return true;
}

bool IsApplyOp(absl::string_view op) {
  return absl::StartsWith(op, "Apply") ||
         absl::StartsWith(op, "ResourceApply") ||
         absl::StartsWith(op, "SparseApply") ||
         absl::StartsWith(op, "ResourceSparseApply");
}

bool IsVariableOp(absl::string_view op) {
  return op == "VariableV2" || op == "Variable" || op == "VarHandleOp";
}

bool IsUnder(absl::string_view name, absl::string_view scope) {
  return name.size() > scope.size() && absl::StartsWith(name, scope) &&
         name[scope.size()] == '/';
}

}  // namespace

absl::flat_hash_set<const Node*> TrainingNodes(const Graph& graph) {
  absl::flat_hash_set<const Node*> out;
  // Optimizer scopes: the part of an Apply op's name before "update_*".
  std::set<std::string> optimizer_scopes;
  for (const auto& node : graph.nodes()) {
    std::vector<std::string> parts = Components(node->name());
    bool gradient = false;
    for (const std::string& c : parts) gradient |= IsGradientsComponent(c);
    if (gradient || IsApplyOp(node->op())) out.insert(node.get());
    if (!IsApplyOp(node->op())) continue;
    for (size_t i = 1; i < parts.size(); ++i) {
      if (absl::StartsWith(parts[i], "update_")) {
        optimizer_scopes.insert(
            absl::StrJoin(parts.begin(), parts.begin() + i, "/"));
        break;
      }
    }
  }
  std::set<std::string> optimizer_names;
  for (const std::string& scope : optimizer_scopes) {
    optimizer_names.insert(Components(scope).back());
  }
  for (const auto& node : graph.nodes()) {
    const std::string& name = node->name();
    for (const std::string& scope : optimizer_scopes) {
      if (name == scope || IsUnder(name, scope)) out.insert(node.get());
    }
    std::vector<std::string> parts = Components(name);
    for (size_t i = 1; i < parts.size(); ++i) {
      for (const std::string& opt : optimizer_names) {
        if (IsSlotComponent(parts[i], opt)) out.insert(node.get());
      }
    }
  }
  // Variables that only the training part reads (through Identity reads),
  // ignoring their initializers, restores (Assign) and saves.
  std::vector<const Node*> variables;
  for (const auto& node : graph.nodes()) {
    if (IsVariableOp(node->op()) && !out.contains(node.get())) {
      variables.push_back(node.get());
    }
  }
  for (const Node* var : variables) {
    int training_uses = 0;
    bool other_use = false;
    std::vector<const Node*> frontier = {var};
    while (!frontier.empty() && !other_use) {
      const Node* n = frontier.back();
      frontier.pop_back();
      for (const auto& [consumer, index] : n->consumers()) {
        const std::string& op = consumer->op();
        if (out.contains(consumer)) {
          ++training_uses;
        } else if (op == "Identity") {
          frontier.push_back(consumer);
        } else if (!(n == var && (op == "Assign" || op == "AssignVariableOp" ||
                                  absl::StartsWith(op, "Save")))) {
          other_use = true;
        }
      }
    }
    if (other_use || training_uses == 0) continue;
    for (const auto& node : graph.nodes()) {
      if (node.get() == var || IsUnder(node->name(), var->name())) {
        out.insert(node.get());
      }
    }
  }
  return out;
}

namespace {

struct ScopeNode {
  std::string path;  // "" for the root, else "a/b".
  std::vector<std::string> order;
  std::map<std::string, std::unique_ptr<ScopeNode>> children;
  std::vector<const Node*> nodes;
  int total = 0;  // Nodes in this subtree.
  bool all_training = true;
};

class DotWriter {
 public:
  DotWriter(const Graph& graph, const DotOptions& options)
      : graph_(graph), options_(options), training_(TrainingNodes(graph)) {}

  std::string Write();

 private:
  bool Hidden(const Node* n) const {
    return options_.collapse_gradients && training_.contains(n);
  }
  std::string Id(const Node* n) const {
    return Hidden(n) ? "training" : absl::StrCat("n", index_.at(n));
  }
  void EmitScope(const ScopeNode& scope, const std::string& label_base,
                 int depth, std::string indent);
  void EmitNode(const Node* n, const std::string& label_base,
                const std::string& indent);
  void EmitEdges();

  const Graph& graph_;
  const DotOptions& options_;
  absl::flat_hash_set<const Node*> training_;
  absl::flat_hash_map<const Node*, int> index_;
  std::string out_;
  int clusters_ = 0;
};

void DotWriter::EmitNode(const Node* n, const std::string& label_base,
                         const std::string& indent) {
  // The name relative to the enclosing cluster; the op type on top.
  absl::string_view name = n->name();
  if (!label_base.empty() && IsUnder(name, label_base)) {
    name.remove_prefix(label_base.size() + 1);
  } else if (name == label_base) {  // The node its cluster is named after.
    name = name.substr(name.rfind('/') + 1);
  }
  const std::string& op = n->op();
  std::string label = absl::StrCat("<b>", XmlEscape(op), "</b>");
  if (name != op) {
    absl::StrAppend(&label, "<br/><font point-size=\"9\">", XmlEscape(name),
                    "</font>");
  }
  std::string shape = "box", style = "rounded,filled", fill = "#dce8fa",
              color = "#5b7fb5", font = "#1a1a1a";
  if (IsVariableOp(op)) {
    shape = "cylinder";
    style = "filled";
    fill = "#fde3b5";
    color = "#c47a10";
  } else if (absl::StartsWith(op, "Placeholder")) {
    shape = "invhouse";
    style = "filled";
    fill = "#cdeccd";
    color = "#2e7d32";
  } else if (op == "Const") {
    fill = "#f1f1f1";
    color = "#a0a0a0";
    font = "#555555";
  } else if (op == "NoOp") {
    shape = "octagon";
    style = "filled";
    fill = "#ffffff";
    color = "#777777";
  }
  if (training_.contains(n)) {  // Faded: the training machinery.
    fill = "#f4f4f4";
    color = "#cccccc";
    font = "#9a9a9a";
  }
  absl::StrAppend(&out_, indent, Id(n), " [label=<", label, ">, shape=", shape,
                  ", style=", Quote(style), ", fillcolor=", Quote(fill),
                  ", color=", Quote(color), ", fontcolor=", Quote(font),
                  ", tooltip=", Quote(absl::StrCat(n->name(), " (", op, ")")),
                  op == "Const" ? ", fontsize=8" : "", "];\n");
}

void DotWriter::EmitScope(const ScopeNode& scope, const std::string& label_base,
                          int depth, std::string indent) {
  for (const Node* n : scope.nodes) EmitNode(n, label_base, indent);
  for (const std::string& key : scope.order) {
    const ScopeNode& child = *scope.children.at(key);
    if (child.total == 1) {  // No cluster around a single node.
      EmitScope(child, label_base, depth, indent);
      continue;
    }
    static constexpr const char* kFills[] = {"#f7f9fc", "#eef2f8", "#e6ecf4"};
    const bool faded = child.all_training;
    absl::StrAppend(
        &out_, indent, "subgraph cluster_", clusters_++, " {\n", indent,
        "  label=<", XmlEscape(Components(child.path).back()), ">;\n", indent,
        "  tooltip=", Quote(child.path), ";\n", indent,
        "  style=\"rounded,filled\"; fillcolor=",
        Quote(faded ? "#fafafa" : kFills[depth % 3]),
        "; color=", Quote(faded ? "#dddddd" : "#b8c3d3"),
        "; fontcolor=", Quote(faded ? "#aaaaaa" : "#4a5568"), ";\n");
    EmitScope(child, child.path, depth + 1, indent + "  ");
    absl::StrAppend(&out_, indent, "}\n");
  }
}

void DotWriter::EmitEdges() {
  std::set<std::tuple<std::string, std::string, bool>> seen;
  for (const auto& node : graph_.nodes()) {
    const Node* dst = node.get();
    for (int i = 0; i < dst->num_inputs(); ++i) {
      const Endpoint e = dst->input(i);
      const std::string from = Id(e.node), to = Id(dst);
      if (from == to && Hidden(dst)) continue;  // Inside the collapsed box.
      const bool collapsed = Hidden(dst) || Hidden(e.node);
      if (collapsed && !seen.insert({from, to, false}).second) continue;
      std::vector<std::string> attrs;
      if (options_.edge_labels && !collapsed) {
        std::string label = DataTypeString(e.node->output_type(e.index));
        const PartialShape& shape = e.node->output_shape(e.index);
        if (shape.known_rank()) {
          absl::StrAppend(&label, " ", shape.DebugString());
        }
        if (e.node->num_outputs() > 1) {
          label = absl::StrCat(":", e.index, " ", label);
        }
        attrs.push_back(absl::StrCat("label=", Quote(label)));
      }
      if (training_.contains(dst) || training_.contains(e.node)) {
        attrs.push_back("color=\"#d0d0d0\"");
        attrs.push_back("fontcolor=\"#b0b0b0\"");
      }
      absl::StrAppend(&out_, "  ", from, " -> ", to);
      if (!attrs.empty()) {
        absl::StrAppend(&out_, " [", absl::StrJoin(attrs, ", "), "]");
      }
      absl::StrAppend(&out_, ";\n");
    }
    for (const Node* src : dst->control_inputs()) {
      const std::string from = Id(src), to = Id(dst);
      if (from == to && Hidden(dst)) continue;
      if ((Hidden(dst) || Hidden(src)) &&
          !seen.insert({from, to, true}).second) {
        continue;
      }
      const bool faded = training_.contains(dst) || training_.contains(src);
      absl::StrAppend(&out_, "  ", from, " -> ", to,
                      " [style=dashed, arrowhead=odot, color=",
                      Quote(faded ? "#d8d8d8" : "#8a8a8a"), "];\n");
    }
  }
}

std::string DotWriter::Write() {
  ScopeNode root;
  int hidden = 0;
  std::vector<const Node*> shown;
  for (const auto& node : graph_.nodes()) {
    const Node* n = node.get();
    index_[n] = static_cast<int>(index_.size());
    if (Hidden(n)) {
      ++hidden;
    } else {
      shown.push_back(n);
    }
  }
  // The scope tree first, so that placing a node can look at all scopes.
  auto child_of = [](ScopeNode* scope, const std::string& part) {
    auto& child = scope->children[part];
    if (!child) {
      child = std::make_unique<ScopeNode>();
      child->path =
          scope->path.empty() ? part : absl::StrCat(scope->path, "/", part);
      scope->order.push_back(part);
    }
    return child.get();
  };
  for (const Node* n : shown) {
    std::vector<std::string> parts = Components(n->name());
    ScopeNode* scope = &root;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      scope = child_of(scope, parts[i]);
    }
  }
  for (const Node* n : shown) {
    std::vector<std::string> parts = Components(n->name());
    // A node named like a scope ("w" beside "w/read") goes inside it.
    if (!root.children.empty()) {
      ScopeNode* probe = &root;
      for (const std::string& part : parts) {
        auto it = probe->children.find(part);
        probe = it == probe->children.end() ? nullptr : it->second.get();
        if (probe == nullptr) break;
      }
      if (probe == nullptr) parts.pop_back();
    } else {
      parts.pop_back();
    }
    ScopeNode* scope = &root;
    const bool training = training_.contains(n);
    root.total++;
    root.all_training &= training;
    for (const std::string& part : parts) {
      scope = scope->children.at(part).get();
      scope->total++;
      scope->all_training &= training;
    }
    if (scope->path == n->name()) {
      scope->nodes.insert(scope->nodes.begin(), n);
    } else {
      scope->nodes.push_back(n);
    }
  }
  absl::StrAppend(&out_, "digraph graphflow {\n  graph [rankdir=",
                  options_.left_to_right ? "LR" : "TB",
                  ", fontname=", Quote(kFont),
                  ", fontsize=11, labeljust=l, nodesep=0.25, ranksep=0.35, "
                  "newrank=true");
  if (!options_.title.empty()) {
    absl::StrAppend(&out_, ", label=<<b>", XmlEscape(options_.title),
                    "</b>>, labelloc=t, fontsize=16");
  }
  absl::StrAppend(&out_, "];\n  node [fontname=", Quote(kFont),
                  ", fontsize=10, height=0.3, margin=\"0.12,0.04\"];\n"
                  "  edge [fontname=",
                  Quote(kFont),
                  ", fontsize=8, color=\"#6b7280\", fontcolor=\"#6b7280\", "
                  "arrowsize=0.6];\n");
  EmitScope(root, "", 0, "  ");
  if (hidden > 0) {
    absl::StrAppend(&out_,
                    "  training [label=<<b>gradients &amp; optimizer</b>"
                    "<br/><font point-size=\"9\">",
                    hidden, hidden == 1 ? " node" : " nodes",
                    "</font>>, shape=box3d, style=filled, "
                    "fillcolor=\"#eeeeee\", color=\"#aaaaaa\", "
                    "fontcolor=\"#777777\"];\n");
  }
  EmitEdges();
  absl::StrAppend(&out_, "}\n");
  return std::move(out_);
}

}  // namespace

std::string GraphToDot(const Graph& graph, const DotOptions& options) {
  return DotWriter(graph, options).Write();
}

}  // namespace graphflow::cli
