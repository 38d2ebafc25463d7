// Backprop is a walk over the nodes between xs and ys in reverse topological
// order (node ids are topological), summing each output's incoming
// gradients and handing them to the op's registered gradient function.
#include "ops/gradients.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace graphflow {
namespace {

using NodeSet = absl::flat_hash_set<const Node*>;

NodeSet AncestorsOf(const std::vector<Output>& ys) {
  NodeSet seen;
  std::vector<const Node*> stack;
  for (const Output& y : ys) stack.push_back(y.node);
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!seen.insert(n).second) continue;
    for (const Endpoint& in : n->inputs()) stack.push_back(in.node);
  }
  return seen;
}

NodeSet DescendantsOf(const std::vector<Output>& xs) {
  NodeSet seen;
  std::vector<const Node*> stack;
  for (const Output& x : xs) stack.push_back(x.node);
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!seen.insert(n).second) continue;
    for (const auto& [consumer, index] : n->consumers()) {
      stack.push_back(consumer);
    }
  }
  return seen;
}

// Sums a list of gradients (AddN when more than one).
Output SumGradients(const Scope& scope, const std::vector<Output>& grads) {
  if (grads.size() == 1) return grads[0];
  std::vector<Input> inputs(grads.begin(), grads.end());
  return scope.AddOp1("AddN", inputs);
}

}  // namespace

bool IsDifferentiable(DataType dtype) {
  DataType t = BaseType(dtype);
  return t == DT_FLOAT || t == DT_DOUBLE || t == DT_HALF || t == DT_BFLOAT16;
}

absl::Status AddSymbolicGradients(const Scope& scope,
                                  const std::vector<Output>& ys,
                                  const std::vector<Output>& xs,
                                  const std::vector<Output>& grad_ys,
                                  std::vector<Output>* grad_xs) {
  if (!scope.ok()) return scope.status();
  for (const auto& list : {ys, xs}) {
    for (const Output& o : list) {
      if (!o.valid()) {
        return absl::InvalidArgumentError("gradients: invalid Output in ys/xs");
      }
    }
  }
  if (!grad_ys.empty() && grad_ys.size() != ys.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "gradients: ", grad_ys.size(), " grad_ys for ", ys.size(), " ys"));
  }
  Scope gs = scope.NewSubScope("gradients");
  NodeSet ancestors = AncestorsOf(ys);
  NodeSet descendants = DescendantsOf(xs);
  auto relevant = [&](const Node* n) {
    return ancestors.contains(n) && descendants.contains(n);
  };

  // Pending gradients per endpoint.
  absl::flat_hash_map<Endpoint, std::vector<Output>> pending;
  for (size_t i = 0; i < ys.size(); ++i) {
    Output seed;
    if (!grad_ys.empty()) {
      seed = grad_ys[i];
    } else {
      Scope ss = gs.WithOpName(absl::StrCat("grad_ys_", i));
      Output shape = gs.AddOp1("Shape", {ys[i]});
      Output one =
          gs.Const(BaseType(ys[i].dtype()) == DT_DOUBLE ? Tensor::Scalar(1.0)
                                                        : Tensor::Scalar(1.0f));
      seed = ss.AddOp1("Fill", {shape, one});
    }
    pending[ys[i].endpoint()].push_back(seed);
  }

  std::vector<const Node*> order;
  for (const Node* n : ancestors) {
    if (relevant(n)) order.push_back(n);
  }
  std::sort(order.begin(), order.end(),
            [](const Node* a, const Node* b) { return a->id() > b->id(); });
  absl::flat_hash_set<const Node*> is_x;
  for (const Output& x : xs) is_x.insert(x.node);

  for (const Node* node : order) {
    if (!scope.ok()) return scope.status();
    std::vector<Output> grad_outputs(node->num_outputs());
    bool any = false;
    Scope ns = gs.NewSubScope(absl::StrCat(node->name(), "_grad"));
    for (int o = 0; o < node->num_outputs(); ++o) {
      auto it = pending.find(Endpoint{const_cast<Node*>(node), o});
      if (it == pending.end() || it->second.empty()) continue;
      grad_outputs[o] = SumGradients(ns, it->second);
      any = true;
    }
    if (node->is_opaque() && !is_x.contains(node)) {
      return OpaqueNodeError(*node, "gradients between the ys and the xs");
    }
    // Sources (the xs themselves, variables, placeholders) end the walk.
    if (!any || node->num_inputs() == 0 || is_x.contains(node)) continue;
    const OpDef& def = node->op_def();
    if (def.no_gradient) continue;
    if (!def.grad_fn) {
      return absl::NotFoundError(
          absl::StrCat("gradients: no gradient defined for op '", node->op(),
                       "' of node '", node->name(), "'"));
    }
    for (int o = 0; o < node->num_outputs(); ++o) {
      if (!grad_outputs[o].valid() && IsDifferentiable(node->output_type(o))) {
        grad_outputs[o] =
            ns.AddOp1("ZerosLike", {Output(const_cast<Node*>(node), o)});
      }
    }
    std::vector<Output> grad_inputs;
    absl::Status s = def.grad_fn(ns, *node, grad_outputs, &grad_inputs);
    if (!s.ok()) return s;
    if (!scope.ok()) return scope.status();
    if (static_cast<int>(grad_inputs.size()) != node->num_inputs()) {
      return absl::InternalError(
          absl::StrCat("gradients: the gradient of '", node->name(), "' (",
                       node->op(), ") returned ", grad_inputs.size(),
                       " values for ", node->num_inputs(), " inputs"));
    }
    for (int i = 0; i < node->num_inputs(); ++i) {
      const Endpoint& in = node->input(i);
      if (!grad_inputs[i].valid() || !relevant(in.node) ||
          !IsDifferentiable(in.node->output_type(in.index))) {
        continue;
      }
      pending[in].push_back(grad_inputs[i]);
    }
  }

  grad_xs->clear();
  for (const Output& x : xs) {
    auto it = pending.find(x.endpoint());
    if (it == pending.end() || it->second.empty()) {
      grad_xs->push_back(Output());
    } else {
      grad_xs->push_back(SumGradients(
          gs.NewSubScope(absl::StrCat(x.node->name(), "_grad")), it->second));
    }
  }
  return scope.status();
}

}  // namespace graphflow
