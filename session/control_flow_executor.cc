#include "session/control_flow_executor.h"

#include <cstdint>
#include <deque>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "session/run_util.h"

namespace graphflow {
namespace {

enum class Kind { kNormal, kMerge, kEnter, kExit, kNextIteration, kTrigger };

Kind KindOf(const Node& node) {
  const std::string& op = node.op();
  if (op == "Merge" || op == "RefMerge") return Kind::kMerge;
  if (op == "Enter" || op == "RefEnter") return Kind::kEnter;
  if (op == "Exit" || op == "RefExit") return Kind::kExit;
  if (op == "NextIteration" || op == "RefNextIteration") {
    return Kind::kNextIteration;
  }
  if (op == "ControlTrigger") return Kind::kTrigger;
  return Kind::kNormal;
}

// Where an edge ends: node index and input index (-1: a control edge).
struct Edge {
  int dst;
  int input;
};

struct PlanNode {
  const Node* node;
  const KernelFn* kernel;
  Kind kind;
  bool checks_outputs;  // Control flow ops may leave outputs dead.
  std::string frame_name;
  bool is_constant = false;
  int input_base = 0;          // Offset into an iteration's input values.
  std::vector<int> fed_input;  // Per input: the feed's index, or -1.
  std::vector<bool> deref;     // Read the variable behind a ref input.
  std::vector<std::vector<Edge>> out_edges;  // Per output.
  std::vector<Edge> control_out;
  int initial_pending = 0;         // Merge: control inputs only.
  int num_data_inputs = 0;         // Not fed.
  int fed_merge_input = -1;        // A Merge's fed input: live from the start.
  std::vector<int> fetch_indexes;  // (fetch, output) pairs below point here.
};

}  // namespace

struct ControlFlowPlan {
  std::vector<PlanNode> nodes;
  int total_inputs = 0;
  absl::flat_hash_map<std::string, int> enters_per_frame;
  // Per fetch: (node index, output), or (-1, feed index) for a fed tensor.
  std::vector<std::pair<int, int>> fetches;
};

bool IsControlFlowOp(const Node& node) {
  const std::string& op = node.op();
  return KindOf(node) != Kind::kNormal || op == "Switch" || op == "RefSwitch" ||
         op == "LoopCond";
}

absl::StatusOr<std::shared_ptr<const ControlFlowPlan>> BuildControlFlowPlan(
    const std::vector<const Node*>& nodes,
    const absl::flat_hash_map<Endpoint, int>& fed,
    const std::vector<Endpoint>& fetches, const KernelRegistry& kernels) {
  auto plan = std::make_shared<ControlFlowPlan>();
  absl::flat_hash_map<const Node*, int> index;
  for (const Node* n : nodes) index[n] = static_cast<int>(index.size());
  // As in the plain walk, a control edge from a fed node is satisfied.
  auto counted_control = [&](const Node* src) {
    if (!index.contains(src)) return false;
    for (int o = 0; o < src->num_outputs(); ++o) {
      if (fed.contains(Endpoint{const_cast<Node*>(src), o})) return false;
    }
    return true;
  };
  plan->nodes.resize(nodes.size());
  for (size_t k = 0; k < nodes.size(); ++k) {
    const Node* node = nodes[k];
    PlanNode& p = plan->nodes[k];
    p.node = node;
    p.kind = KindOf(*node);
    p.checks_outputs = !IsControlFlowOp(*node);
    p.kernel = kernels.Find(node->op());
    if (p.kernel == nullptr) {
      return absl::UnimplementedError(absl::StrCat("node '", node->name(),
                                                   "': no CPU kernel for op '",
                                                   node->op(), "'"));
    }
    if (p.kind == Kind::kEnter) {
      RETURN_IF_ERROR(node->GetAttr("frame_name", &p.frame_name));
      RETURN_IF_ERROR(node->GetAttr("is_constant", &p.is_constant));
      ++plan->enters_per_frame[p.frame_name];
    }
    p.input_base = plan->total_inputs;
    plan->total_inputs += node->num_inputs();
    p.out_edges.resize(node->num_outputs());
    for (int i = 0; i < node->num_inputs(); ++i) {
      const Endpoint& in = node->input(i);
      auto f = fed.find(in);
      p.fed_input.push_back(f == fed.end() ? -1 : f->second);
      if (f != fed.end() && IsRefType(node->input_type(i))) {
        return absl::InvalidArgumentError(absl::StrCat(
            "node '", node->name(), "' (", node->op(), "): input ", i,
            " must be a variable, but ", EndpointName(in), " is fed"));
      }
      p.deref.push_back(f == fed.end() &&
                        IsRefType(in.node->output_type(in.index)) &&
                        !IsRefType(node->input_type(i)));
      if (f != fed.end()) {
        if (p.kind == Kind::kMerge && p.fed_merge_input < 0) {
          p.fed_merge_input = i;
        }
        continue;
      }
      auto src = index.find(in.node);
      if (src == index.end()) {
        return absl::InternalError(absl::StrCat("node '", node->name(),
                                                "': input ", EndpointName(in),
                                                " is not in the plan"));
      }
      ++p.num_data_inputs;
    }
    for (const Node* c : node->control_inputs()) {
      if (counted_control(c)) ++p.initial_pending;
    }
    if (p.kind != Kind::kMerge) p.initial_pending += p.num_data_inputs;
  }
  // Out edges, now that every node has its index.
  for (size_t k = 0; k < nodes.size(); ++k) {
    const Node* node = nodes[k];
    for (int i = 0; i < node->num_inputs(); ++i) {
      if (plan->nodes[k].fed_input[i] >= 0) continue;
      const Endpoint& in = node->input(i);
      plan->nodes[index.at(in.node)].out_edges[in.index].push_back(
          {static_cast<int>(k), i});
    }
    for (const Node* c : node->control_inputs()) {
      if (counted_control(c)) {
        plan->nodes[index.at(c)].control_out.push_back(
            {static_cast<int>(k), -1});
      }
    }
  }
  for (const Endpoint& e : fetches) {
    auto f = fed.find(e);
    if (f != fed.end()) {
      plan->fetches.emplace_back(-1, f->second);
      continue;
    }
    int n = index.at(e.node);
    plan->nodes[n].fetch_indexes.push_back(
        static_cast<int>(plan->fetches.size()));
    plan->fetches.emplace_back(n, e.index);
  }
  return plan;
}

namespace {

struct NodeState {
  int pending = 0;
  int dead = 0;             // Dead inputs seen (Merge: dead data inputs).
  bool live = false;        // Merge: has its live input.
  bool dead_enter = false;  // Merge: a dead Enter arrived.
  bool scheduled = false;   // Merge: runs once per iteration.
};

struct Iteration {
  int outstanding = 0;  // Scheduled nodes and unfinished child frames.
  std::vector<NodeState> state;
  std::vector<KernelValue> inputs;
};

struct Frame {
  Frame* parent = nullptr;
  int64_t parent_iter = 0;
  std::string name;
  // Index: iteration; those before first_live are done and freed.
  std::deque<std::unique_ptr<Iteration>> iterations;
  int64_t first_live = 0;
  int outstanding = 0;  // Scheduled nodes and unfinished child frames.
  int enters_expected = 0;
  int enters_seen = 0;
  // A loop invariant (is_constant Enter): node, value, dead.
  std::vector<std::tuple<int, KernelValue, bool>> invariants;
  absl::flat_hash_map<int, bool> exits;  // Exit node -> ran live.
  bool finished = false;
};

struct Task {
  Frame* frame;
  int64_t iter;
  int node;
};

class Executor {
 public:
  Executor(const ControlFlowPlan& plan, const std::vector<Tensor>& feeds,
           const KernelEnvironment& env, const CountersFn& counters)
      : plan_(plan), feeds_(feeds), env_(env), counters_(counters) {}

  absl::StatusOr<std::vector<Tensor>> Run();

 private:
  Iteration& GetIteration(Frame* frame, int64_t iter);
  absl::StatusOr<Frame*> ChildFrame(Frame* parent, int64_t iter, int enter);
  absl::Status Process(const Task& task);
  // Sends node n's outputs (and control edges) from (frame, iter).
  absl::Status Propagate(Frame* frame, int64_t iter, int n,
                         const std::vector<KernelValue>& outputs,
                         const std::vector<bool>& dead);
  void SendAll(Frame* frame, int64_t iter, int n,
               const std::vector<KernelValue>& outputs,
               const std::vector<bool>& dead);
  void Deliver(Frame* frame, int64_t iter, const Edge& e, int src,
               const KernelValue* value, bool dead);
  void Schedule(Frame* frame, int64_t iter, int node);
  void MaybeFinish(Frame* frame);
  // Frees the oldest iterations that are done: no work left, the one before
  // done, every Enter arrived (so no loop invariant is still to come).
  void FreeDoneIterations(Frame* frame);

  const ControlFlowPlan& plan_;
  const std::vector<Tensor>& feeds_;
  const KernelEnvironment& env_;
  const CountersFn& counters_;
  Frame root_;
  absl::flat_hash_map<std::string, std::unique_ptr<Frame>> frames_;
  std::deque<Task> ready_;
  std::vector<std::pair<KernelValue, bool>> fetched_;
  std::vector<bool> has_fetch_;
};

Iteration& Executor::GetIteration(Frame* frame, int64_t iter) {
  while (static_cast<int64_t>(frame->iterations.size()) <= iter) {
    auto it = std::make_unique<Iteration>();
    it->state.resize(plan_.nodes.size());
    for (size_t k = 0; k < plan_.nodes.size(); ++k) {
      it->state[k].pending = plan_.nodes[k].initial_pending;
      it->state[k].live = plan_.nodes[k].fed_merge_input >= 0;
    }
    it->inputs.resize(plan_.total_inputs);
    frame->iterations.push_back(std::move(it));
    // Loop invariants are seen by every iteration.
    int64_t i = static_cast<int64_t>(frame->iterations.size()) - 1;
    for (const auto& [n, value, dead] : frame->invariants) {
      for (const Edge& e : plan_.nodes[n].out_edges[0]) {
        Deliver(frame, i, e, n, &value, dead);
      }
      for (const Edge& e : plan_.nodes[n].control_out) {
        Deliver(frame, i, e, n, nullptr, dead);
      }
    }
  }
  return *frame->iterations[iter];
}

absl::StatusOr<Frame*> Executor::ChildFrame(Frame* parent, int64_t iter,
                                            int enter) {
  const std::string& name = plan_.nodes[enter].frame_name;
  std::string key =
      absl::StrCat(name, "@", reinterpret_cast<uintptr_t>(parent), ":", iter);
  std::unique_ptr<Frame>& frame = frames_[key];
  if (frame == nullptr) {
    frame = std::make_unique<Frame>();
    frame->parent = parent;
    frame->parent_iter = iter;
    frame->name = name;
    frame->enters_expected = plan_.enters_per_frame.at(name);
    ++parent->outstanding;  // The child frame, until it finishes.
    ++parent->iterations[iter]->outstanding;
  }
  if (frame->finished) {
    return absl::InternalError(
        absl::StrCat("node '", plan_.nodes[enter].node->name(), "': frame '",
                     name, "' entered after it finished"));
  }
  ++frame->enters_seen;
  return frame.get();
}

void Executor::Schedule(Frame* frame, int64_t iter, int node) {
  ++frame->outstanding;
  ++GetIteration(frame, iter).outstanding;
  ready_.push_back({frame, iter, node});
}

void Executor::Deliver(Frame* frame, int64_t iter, const Edge& e, int src,
                       const KernelValue* value, bool dead) {
  const PlanNode& dst = plan_.nodes[e.dst];
  Iteration& it = GetIteration(frame, iter);
  NodeState& st = it.state[e.dst];
  if (dst.kind != Kind::kMerge) {
    if (dead) {
      ++st.dead;
    } else if (e.input >= 0) {
      it.inputs[dst.input_base + e.input] = *value;
    }
    if (--st.pending == 0) Schedule(frame, iter, e.dst);
    return;
  }
  if (e.input < 0) {
    --st.pending;  // A dead control input does not make a Merge dead.
  } else if (dead) {
    ++st.dead;
    st.dead_enter |= plan_.nodes[src].kind == Kind::kEnter;
  } else if (!st.live) {  // The first live input wins.
    st.live = true;
    it.inputs[dst.input_base + e.input] = *value;
  }
  bool all_dead = st.dead == dst.num_data_inputs || st.dead_enter;
  if (!st.scheduled && st.pending == 0 && (st.live || all_dead)) {
    st.scheduled = true;
    Schedule(frame, iter, e.dst);
  }
}

void Executor::SendAll(Frame* frame, int64_t iter, int n,
                       const std::vector<KernelValue>& outputs,
                       const std::vector<bool>& dead) {
  const PlanNode& p = plan_.nodes[n];
  if (frame == &root_) {  // Where fetched values land (an Exit's: here).
    for (int f : p.fetch_indexes) {
      int o = plan_.fetches[f].second;
      fetched_[f] = {outputs[o], dead[o]};
      has_fetch_[f] = true;
    }
  }
  for (size_t o = 0; o < p.out_edges.size(); ++o) {
    for (const Edge& e : p.out_edges[o]) {
      Deliver(frame, iter, e, n, &outputs[o], dead[o]);
    }
  }
  // Control edges carry the node's own deadness (dead.back()): a Switch
  // that ran has live control outputs, as in TF.
  const bool control_dead = dead.back();
  for (const Edge& e : p.control_out) {
    Deliver(frame, iter, e, n, nullptr, control_dead);
  }
}

absl::Status Executor::Propagate(Frame* frame, int64_t iter, int n,
                                 const std::vector<KernelValue>& outputs,
                                 const std::vector<bool>& dead) {
  const PlanNode& p = plan_.nodes[n];
  switch (p.kind) {
    case Kind::kEnter: {
      ASSIGN_OR_RETURN(Frame * child, ChildFrame(frame, iter, n));
      if (p.is_constant) {
        child->invariants.emplace_back(n, outputs[0], dead[0]);
        for (size_t i = child->first_live; i < child->iterations.size(); ++i) {
          SendAll(child, static_cast<int64_t>(i), n, outputs, dead);
        }
        if (child->iterations.empty()) GetIteration(child, 0);
      } else {
        SendAll(child, 0, n, outputs, dead);
      }
      MaybeFinish(child);
      return absl::OkStatus();
    }
    case Kind::kExit:
      if (frame->parent == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("node '", p.node->name(),
                         "' (Exit): not inside a while loop frame"));
      }
      if (dead[0]) {
        frame->exits.try_emplace(n, false);  // Sent when the frame ends.
      } else {
        frame->exits[n] = true;
        SendAll(frame->parent, frame->parent_iter, n, outputs, dead);
      }
      return absl::OkStatus();
    case Kind::kNextIteration:
      if (!dead[0]) SendAll(frame, iter + 1, n, outputs, dead);
      return absl::OkStatus();  // A dead one ends the loop.
    default:
      SendAll(frame, iter, n, outputs, dead);
      return absl::OkStatus();
  }
}

void Executor::FreeDoneIterations(Frame* frame) {
  if (frame->parent == nullptr || frame->enters_seen < frame->enters_expected) {
    return;
  }
  while (frame->first_live + 1 <
             static_cast<int64_t>(frame->iterations.size()) &&
         frame->iterations[frame->first_live]->outstanding == 0) {
    frame->iterations[frame->first_live++].reset();
  }
}

void Executor::MaybeFinish(Frame* frame) {
  while (frame->parent != nullptr && !frame->finished &&
         frame->outstanding == 0 &&
         frame->enters_seen == frame->enters_expected) {
    frame->finished = true;
    Frame* parent = frame->parent;
    std::vector<bool> dead = {true, true};  // Exit's output and itself.
    std::vector<KernelValue> none(1);
    for (const auto& [exit, live] : frame->exits) {
      if (!live) SendAll(parent, frame->parent_iter, exit, none, dead);
    }
    frame->iterations.clear();
    --parent->outstanding;
    --parent->iterations[frame->parent_iter]->outstanding;
    FreeDoneIterations(parent);
    frame = parent;
  }
}

absl::Status Executor::Process(const Task& task) {
  const PlanNode& p = plan_.nodes[task.node];
  const Node& node = *p.node;
  Iteration& it = GetIteration(task.frame, task.iter);
  NodeState& st = it.state[task.node];
  bool is_dead = p.kind == Kind::kMerge
                     ? !st.live
                     : st.dead > 0 && p.kind != Kind::kTrigger;
  int num_outputs = node.num_outputs();
  std::vector<KernelValue> outputs(num_outputs);
  // Index num_outputs: whether the node itself is dead (control edges).
  std::vector<bool> dead(num_outputs + 1, is_dead);
  if (!is_dead) {
    std::vector<KernelValue> inputs(node.num_inputs());
    for (int i = 0; i < node.num_inputs(); ++i) {
      KernelValue& slot = it.inputs[p.input_base + i];
      if (p.fed_input[i] >= 0) {
        if (p.kind != Kind::kMerge || i == p.fed_merge_input) {
          inputs[i].tensor = feeds_[p.fed_input[i]];
        }
      } else if (p.deref[i] && slot.ref != nullptr) {
        ASSIGN_OR_RETURN(inputs[i].tensor, ReadRefInput(node, slot));
      } else {
        inputs[i] = std::move(slot);
      }
      slot = KernelValue{};
    }
    NodeCounters* counters =
        node.op_def().is_stateful ? counters_(&node) : nullptr;
    KernelContext ctx(node, inputs, &outputs, env_, counters);
    RETURN_IF_ERROR((*p.kernel)(ctx));
    if (p.checks_outputs) RETURN_IF_ERROR(CheckOutputs(node, outputs));
    for (int o = 0; o < num_outputs; ++o) {
      dead[o] = !outputs[o].tensor.valid() && outputs[o].ref == nullptr;
    }
  }
  RETURN_IF_ERROR(Propagate(task.frame, task.iter, task.node, outputs, dead));
  --task.frame->outstanding;
  --it.outstanding;
  FreeDoneIterations(task.frame);
  MaybeFinish(task.frame);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Tensor>> Executor::Run() {
  fetched_.resize(plan_.fetches.size());
  has_fetch_.assign(plan_.fetches.size(), false);
  Iteration& it = GetIteration(&root_, 0);
  for (size_t k = 0; k < plan_.nodes.size(); ++k) {
    const NodeState& st = it.state[k];
    if (st.pending == 0 && (plan_.nodes[k].kind != Kind::kMerge || st.live)) {
      it.state[k].scheduled = true;
      Schedule(&root_, 0, static_cast<int>(k));
    }
  }
  while (!ready_.empty()) {
    Task task = ready_.front();
    ready_.pop_front();
    RETURN_IF_ERROR(Process(task));
  }
  std::vector<Tensor> results;
  for (size_t f = 0; f < plan_.fetches.size(); ++f) {
    auto [n, o] = plan_.fetches[f];
    if (n < 0) {
      results.push_back(feeds_[o]);
      continue;
    }
    std::string name =
        EndpointName({const_cast<Node*>(plan_.nodes[n].node), o});
    if (!has_fetch_[f]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fetch '", name,
          "' was never computed: it is inside a while loop, or its inputs "
          "never arrived"));
    }
    if (fetched_[f].second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fetch '", name,
          "' is dead (on the untaken side of a Switch): it has no value"));
    }
    ASSIGN_OR_RETURN(Tensor t, ValueOf(fetched_[f].first));
    results.push_back(std::move(t));
  }
  return results;
}

}  // namespace

absl::StatusOr<std::vector<Tensor>> RunControlFlowPlan(
    const ControlFlowPlan& plan, const std::vector<Tensor>& feeds,
    const KernelEnvironment& env, const CountersFn& counters) {
  return Executor(plan, feeds, env, counters).Run();
}

}  // namespace graphflow
