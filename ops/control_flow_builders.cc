// ops::Cond and ops::WhileLoop: TF1's tf.cond and tf.while_loop, with their
// CondContext and WhileContext as graph/scope.h's ControlFlowContext.
#include <functional>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "ops/control_flow_ops.h"
#include "ops/state_ops.h"

namespace graphflow::ops {
namespace {

// Values from before `first_id` are outside the context: they are brought
// in once each by `bring_in`, built under the context's outer scope.
class Context : public ControlFlowContext {
 public:
  using BringIn = std::function<Output(const Scope&, Output)>;
  Context(Scope outer, int first_id, Node* pivot, BringIn bring_in)
      : outer_(std::move(outer)),
        first_id_(first_id),
        pivot_(pivot),
        bring_in_(std::move(bring_in)) {}

  Endpoint MapInput(absl::string_view consumer, Endpoint e) override {
    if (e.node == nullptr || e.node->id() >= first_id_) return e;
    auto it = brought_.find(e);
    if (it != brought_.end()) return it->second;
    // TF names it after its consumer ("cond/add/Switch", "while/Less/Enter").
    Scope s = consumer.empty() ? outer_ : outer_.WithNamePrefix(consumer);
    Output in = bring_in_(s, e);
    if (!in.valid()) return e;  // The scope holds the error.
    brought_.emplace(e, in.endpoint());
    return in.endpoint();
  }
  Node* pivot() const override { return pivot_; }
  void set_pivot(Node* pivot) { pivot_ = pivot; }

 private:
  Scope outer_;
  int first_id_;
  Node* pivot_;
  BringIn bring_in_;
  absl::flat_hash_map<Endpoint, Endpoint> brought_;
};

// CondContext.BuildCondBranch: runs fn in the branch's context; results from
// outside the branch go through its Switch too.
OutputList BuildBranch(const Scope& s, Output pred_id, Output pivot, int branch,
                       const BranchFn& fn) {
  auto bring_in = [pred_id, branch](const Scope& sc, Output v) {
    OutputList sw =
        sc.AddOp(IsRefType(v.dtype()) ? "RefSwitch" : "Switch", {v, pred_id});
    return sw.empty() ? Output() : sw[branch];
  };
  auto ctx = std::make_shared<Context>(s, s.graph()->num_nodes(), pivot.node,
                                       bring_in);
  OutputList results = fn(s.WithControlFlowContext(ctx));
  for (Output& r : results) {
    if (r.valid()) r = ctx->MapInput("", r.endpoint());
  }
  return results;
}

}  // namespace

OutputList Cond(const Scope& scope, Output pred, const BranchFn& true_fn,
                const BranchFn& false_fn) {
  Scope s = scope.NewSubScope("cond");
  OutputList p = Switch(s, pred, pred);
  if (p.empty()) return {};
  Output switch_t = Identity(s.WithOpName("switch_t"), p[1]);
  Output switch_f = Identity(s.WithOpName("switch_f"), p[0]);
  Output pred_id = Identity(s.WithOpName("pred_id"), pred);
  OutputList res_t = BuildBranch(s, pred_id, switch_t, 1, true_fn);
  OutputList res_f = BuildBranch(s, pred_id, switch_f, 0, false_fn);
  if (!s.ok()) return {};
  if (res_t.size() != res_f.size()) {
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("cond: true_fn returned ", res_t.size(),
                     " outputs and false_fn ", res_f.size())));
    return {};
  }
  OutputList merged;
  for (size_t i = 0; i < res_t.size(); ++i) {
    OutputList m = Merge(s, {res_f[i], res_t[i]});
    if (m.empty()) return {};
    merged.push_back(m[0]);
  }
  return merged;
}

OutputList WhileLoop(const Scope& scope, const LoopCondFn& cond_fn,
                     const LoopBodyFn& body_fn, const OutputList& loop_vars,
                     int64_t parallel_iterations) {
  Scope s = scope.NewSubScope("while");
  const std::string frame = absl::StrCat(s.name_prefix(), "/while_context");
  const int first_id = s.graph()->num_nodes();
  OutputList merges;
  for (const Output& v : loop_vars) {
    Output enter = Enter(s, v, frame, false, parallel_iterations);
    OutputList m = Merge(s, {enter, enter});  // Input 1: the back edge.
    if (m.empty()) return {};
    merges.push_back(m[0]);
  }
  if (merges.empty()) {
    s.UpdateStatus(absl::InvalidArgumentError("while: no loop variables"));
    return {};
  }
  auto bring_in = [frame, parallel_iterations](const Scope& sc, Output v) {
    return sc.AddOp1(IsRefType(v.dtype()) ? "RefEnter" : "Enter", {v},
                     {{"frame_name", frame},
                      {"is_constant", true},
                      {"parallel_iterations", parallel_iterations}});
  };
  auto ctx = std::make_shared<Context>(s, first_id, merges[0].node, bring_in);
  Output pred = cond_fn(s.WithControlFlowContext(ctx), merges);
  Output loop_cond = LoopCond(s, pred);
  OutputList switch_f, identities;
  for (const Output& m : merges) {
    OutputList sw = Switch(s, m, loop_cond);
    if (sw.empty()) return {};
    switch_f.push_back(sw[0]);
    identities.push_back(Identity(s, sw[1]));
  }
  ctx->set_pivot(identities[0].node);
  OutputList body = body_fn(s.WithControlFlowContext(ctx), identities);
  if (!s.ok()) return {};
  if (body.size() != merges.size()) {
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("while: body_fn returned ", body.size(), " values for ",
                     merges.size(), " loop variables")));
    return {};
  }
  OutputList exits;
  for (size_t i = 0; i < merges.size(); ++i) {
    if (!body[i].valid()) {
      s.UpdateStatus(absl::InvalidArgumentError(
          absl::StrCat("while: body_fn's output ", i, " is invalid")));
      return {};
    }
    Output next =
        NextIteration(s, Output(ctx->MapInput("", body[i].endpoint())));
    if (!next.valid()) return {};
    absl::Status st =
        s.graph()->UpdateInput(merges[i].node, 1, next.endpoint());
    if (!st.ok()) {
      s.UpdateStatus(st);
      return {};
    }
    exits.push_back(Exit(s, switch_f[i]));
  }
  return exits;
}

}  // namespace graphflow::ops
