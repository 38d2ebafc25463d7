#include "session/session.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/buffer_cache.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/eigen.h"
#include "session/control_flow_executor.h"
#include "session/graph_optimizer.h"
#include "session/run_util.h"

namespace graphflow {

// One node of a plan: its kernel and where its inputs and outputs live.
struct Step {
  const Node* node;
  const KernelFn* kernel;
  std::vector<int> input_slots;
  std::vector<bool> deref;  // Read the variable behind a ref input.
  int first_output_slot;
  std::vector<int> free_after;  // Slots whose last reader is this step.
  // Input i is the last read of its slot: the value moves into the kernel's
  // inputs, so a kernel may reuse its buffer when no one else holds it.
  std::vector<bool> move;
};

struct Session::Plan {
  std::vector<Step> steps;
  int num_slots = 0;
  std::vector<std::pair<Endpoint, int>> feeds;  // In the caller's feed order.
  std::vector<int> fetch_slots;
  std::vector<std::string> feed_names;  // Sorted, as keyed.
  // Set when the needed nodes include control flow: then it runs the plan
  // and `steps` is empty (feeds keep slots 0..n-1, in the same order).
  std::shared_ptr<const ControlFlowPlan> control_flow;
  // The graph optimizer's fused nodes, which steps point to.
  std::unique_ptr<Graph> fused;
};

namespace {

// A bound on SessionOptions::threads (each is an OS thread).
constexpr int kMaxThreads = 1024;

std::string PlanKey(std::vector<std::string> feeds,
                    const std::vector<std::string>& fetches,
                    std::vector<std::string> targets) {
  std::sort(feeds.begin(), feeds.end());
  std::sort(targets.begin(), targets.end());
  return absl::StrCat(absl::StrJoin(feeds, ","), "|",
                      absl::StrJoin(fetches, ","), "|",
                      absl::StrJoin(targets, ","));
}

// The step's inputs from the slots, reading the variable behind each ref
// input the kernel wants as a value.
absl::Status ReadInputs(const Step& step, std::vector<KernelValue>& values,
                        std::vector<KernelValue>* inputs) {
  inputs->assign(step.input_slots.size(), KernelValue{});
  for (size_t i = 0; i < step.input_slots.size(); ++i) {
    KernelValue& v = values[step.input_slots[i]];
    if (step.move[i]) {
      (*inputs)[i] = std::move(v);
      continue;
    }
    if (!step.deref[i]) {
      (*inputs)[i] = v;
      continue;
    }
    ASSIGN_OR_RETURN((*inputs)[i].tensor, ReadRefInput(*step.node, v));
  }
  return absl::OkStatus();
}

}  // namespace

Session::Session(std::shared_ptr<const Graph> graph, SessionOptions options)
    : graph_(std::move(graph)),
      kernels_(options.kernels ? options.kernels : &GlobalKernelRegistry()),
      optimize_(options.optimize) {
  if (options.threads > 0) {
    pool_ = std::make_unique<Eigen::ThreadPool>(options.threads);
    device_ =
        std::make_unique<Eigen::ThreadPoolDevice>(pool_.get(), options.threads);
    env_.device = device_.get();
  } else {
    env_.device = &DefaultDevice();
  }
  env_.variables = &variables_;
  env_.resources = &resources_;
  env_.session_seed = options.seed != 0 ? options.seed : std::random_device{}();
  env_.max_tensor_bytes = options.limits.max_tensor_bytes;
}

Session::~Session() { ReleaseCachedBuffers(); }

absl::StatusOr<std::unique_ptr<Session>> Session::Create(
    const Scope& scope, SessionOptions options) {
  RETURN_IF_ERROR(scope.status());
  return Create(std::shared_ptr<const Graph>(scope.shared_graph()), options);
}

absl::StatusOr<std::unique_ptr<Session>> Session::Create(
    std::shared_ptr<const Graph> graph, SessionOptions options) {
  if (graph == nullptr) return absl::InvalidArgumentError("null graph");
  if (options.limits.max_tensor_bytes <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("SessionOptions.limits.max_tensor_bytes must be positive, "
                     "got ",
                     options.limits.max_tensor_bytes));
  }
  if (options.threads < 0 || options.threads > kMaxThreads) {
    return absl::InvalidArgumentError(
        absl::StrCat("SessionOptions.threads must be in [0, ", kMaxThreads,
                     "], got ", options.threads));
  }
  return std::unique_ptr<Session>(new Session(std::move(graph), options));
}

absl::StatusOr<std::unique_ptr<Session>> Session::Create(
    const tensorflow::GraphDef& graph_def, const OpRegistry& ops,
    SessionOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Graph> graph,
                   GraphFromGraphDef(graph_def, ops, options.limits));
  return Create(std::shared_ptr<const Graph>(std::move(graph)), options);
}

int Session::num_cached_plans() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(plans_.size());
}

NodeCounters* Session::CountersFor(const Node* node) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = counters_[node];
  if (!slot) slot = std::make_unique<NodeCounters>();
  return slot.get();
}

absl::StatusOr<std::shared_ptr<const Session::Plan>> Session::BuildPlan(
    const std::vector<std::string>& feed_names,
    const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets) const {
  auto plan = std::make_shared<Plan>();
  absl::flat_hash_map<Endpoint, int> slots;
  absl::flat_hash_set<Endpoint> fed;
  for (const std::string& name : feed_names) {
    ASSIGN_OR_RETURN(Endpoint e, graph_->FindEndpoint(name));
    if (!fed.insert(e).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor '", name, "' is fed twice"));
    }
    int slot = plan->num_slots++;
    slots[e] = slot;
    plan->feeds.emplace_back(e, slot);
  }
  // Walk back from fetches and targets, stopping at fed tensors. Each node
  // carries the fetch or target that needs it, for the opaque-node error.
  std::vector<std::pair<const Node*, int>> stack;
  std::vector<std::string> needed_by;
  std::vector<Endpoint> fetch_endpoints;
  for (const std::string& name : fetches) {
    ASSIGN_OR_RETURN(Endpoint e, graph_->FindEndpoint(name));
    fetch_endpoints.push_back(e);
    needed_by.push_back(absl::StrCat("fetch '", name, "'"));
    if (!fed.contains(e)) stack.emplace_back(e.node, needed_by.size() - 1);
  }
  for (const std::string& name : targets) {
    std::string node_name = name;
    if (!node_name.empty() && node_name[0] == '^') node_name.erase(0, 1);
    const Node* node = graph_->FindNode(node_name);
    if (node == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          "target '", name, "': no node named '", node_name, "' in the graph"));
    }
    needed_by.push_back(absl::StrCat("target '", name, "'"));
    stack.emplace_back(node, needed_by.size() - 1);
  }
  absl::flat_hash_set<const Node*> needed;
  while (!stack.empty()) {
    const auto [node, origin] = stack.back();
    stack.pop_back();
    if (!needed.insert(node).second) continue;
    if (node->is_opaque()) return OpaqueNodeError(*node, needed_by[origin]);
    for (const Endpoint& in : node->inputs()) {
      if (!fed.contains(in)) stack.emplace_back(in.node, origin);
    }
    // As in TF, a control edge from a fed node is satisfied by the feed.
    for (const Node* c : node->control_inputs()) {
      bool is_fed = false;
      for (int o = 0; o < c->num_outputs(); ++o) {
        is_fed |= fed.contains(Endpoint{const_cast<Node*>(c), o});
      }
      if (!is_fed) stack.emplace_back(c, origin);
    }
  }
  // Node ids are a topological order: a node is added after its inputs.
  std::vector<const Node*> order(needed.begin(), needed.end());
  std::sort(order.begin(), order.end(),
            [](const Node* a, const Node* b) { return a->id() < b->id(); });

  plan->feed_names = feed_names;
  if (std::any_of(order.begin(), order.end(),
                  [](const Node* n) { return IsControlFlowOp(*n); })) {
    absl::flat_hash_map<Endpoint, int> feed_index;
    for (const auto& [e, slot] : plan->feeds) feed_index[e] = slot;
    for (const Node* node : order) {
      if (node->op_def().is_feed_only) return UnfedPlaceholderError(*node);
    }
    ASSIGN_OR_RETURN(
        plan->control_flow,
        BuildControlFlowPlan(order, feed_index, fetch_endpoints, *kernels_));
    return plan;
  }

  for (const Node* node : order) {
    if (node->op_def().is_feed_only) return UnfedPlaceholderError(*node);
  }
  OptimizedNodes optimized = OptimizeNodes(
      *graph_, *kernels_, order, fed,
      {fetch_endpoints.begin(), fetch_endpoints.end()}, optimize_);
  plan->fused = std::move(optimized.fused);
  for (Endpoint& e : fetch_endpoints) {
    auto it = optimized.renamed.find(e);
    if (it != optimized.renamed.end()) e = it->second;
  }
  absl::flat_hash_map<int, int> last_reader;  // slot -> step index
  for (const auto& [node, inputs] : optimized.nodes) {
    Step step;
    step.node = node;
    step.kernel = kernels_->Find(node->op());
    if (step.kernel == nullptr) {
      return absl::UnimplementedError(absl::StrCat("node '", node->name(),
                                                   "': no CPU kernel for op '",
                                                   node->op(), "'"));
    }
    for (int i = 0; i < node->num_inputs(); ++i) {
      const Endpoint& in = inputs[i];
      auto it = slots.find(in);
      if (it == slots.end()) {
        return absl::InternalError(absl::StrCat("node '", node->name(),
                                                "': input ", EndpointName(in),
                                                " is not produced before it"));
      }
      step.input_slots.push_back(it->second);
      if (IsRefType(node->input_type(i)) && fed.contains(in)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "node '", node->name(), "' (", node->op(), "): input ", i,
            " must be a variable, but ", EndpointName(in), " is fed"));
      }
      bool ref_producer =
          IsRefType(in.node->output_type(in.index)) && !fed.contains(in);
      step.deref.push_back(ref_producer && !IsRefType(node->input_type(i)));
      last_reader[it->second] = static_cast<int>(plan->steps.size());
    }
    step.first_output_slot = plan->num_slots;
    for (int o = 0; o < node->num_outputs(); ++o) {
      Endpoint e{const_cast<Node*>(node), o};
      if (!fed.contains(e)) slots[e] = plan->num_slots + o;
    }
    plan->num_slots += node->num_outputs();
    plan->steps.push_back(std::move(step));
  }
  absl::flat_hash_set<int> fetched;
  for (const Endpoint& e : fetch_endpoints) {
    plan->fetch_slots.push_back(slots.at(e));
    fetched.insert(slots.at(e));
  }
  for (const auto& [slot, reader] : last_reader) {
    if (!fetched.contains(slot)) plan->steps[reader].free_after.push_back(slot);
  }
  for (Step& step : plan->steps) {
    step.move.assign(step.input_slots.size(), false);
    for (int slot : step.free_after) {
      // The step's last input reading the slot takes it (earlier ones copy).
      for (int i = static_cast<int>(step.input_slots.size()) - 1; i >= 0; --i) {
        if (step.input_slots[i] != slot) continue;
        step.move[i] = !step.deref[i];
        break;
      }
    }
  }
  return plan;
}

absl::StatusOr<std::shared_ptr<const Session::Plan>> Session::GetPlan(
    const NamedTensors& feeds, const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets) {
  std::vector<std::string> feed_names;
  for (const auto& [name, value] : feeds) feed_names.push_back(name);
  std::string key = PlanKey(feed_names, fetches, targets);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
  }
  std::sort(feed_names.begin(), feed_names.end());
  ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan,
                   BuildPlan(feed_names, fetches, targets));
  std::lock_guard<std::mutex> lock(mu_);
  plans_.emplace(key, plan);
  return plan;
}

absl::StatusOr<std::vector<Tensor>> Session::Run(
    const NamedTensors& feeds, const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets) {
  return Run(feeds, fetches, targets, RunOptions{}, nullptr);
}

absl::StatusOr<std::vector<Tensor>> Session::Run(
    const NamedTensors& feeds, const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets, const RunOptions& options,
    RunMetadata* metadata) {
  const bool trace = options.trace && metadata != nullptr;
  if (metadata != nullptr) metadata->step_stats.clear();
  ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan,
                   GetPlan(feeds, fetches, targets));
  std::vector<KernelValue> values(plan->num_slots);
  // The plan lists feeds sorted by name; match the caller's by name.
  absl::flat_hash_map<absl::string_view, const Tensor*> by_name;
  for (const auto& [name, value] : feeds) by_name[name] = &value;
  for (size_t i = 0; i < plan->feeds.size(); ++i) {
    const auto& [endpoint, slot] = plan->feeds[i];
    const Tensor& value = *by_name.at(plan->feed_names[i]);
    RETURN_IF_ERROR(CheckFeed(endpoint, value, plan->feed_names[i]));
    values[slot].tensor = value;
  }
  if (plan->control_flow) {
    std::vector<Tensor> fed;
    for (const auto& [endpoint, slot] : plan->feeds) {
      fed.push_back(values[slot].tensor);
    }
    return RunControlFlowPlan(*plan->control_flow, fed, env_,
                              [this](const Node* n) { return CountersFor(n); });
  }
  std::vector<KernelValue> inputs, outputs;
  for (const Step& step : plan->steps) {
    const Node& node = *step.node;
    RETURN_IF_ERROR(ReadInputs(step, values, &inputs));
    outputs.assign(node.num_outputs(), KernelValue{});
    NodeCounters* counters =
        node.op_def().is_stateful ? CountersFor(&node) : nullptr;
    KernelContext ctx(node, inputs, &outputs, env_, counters);
    const auto start = trace ? std::chrono::steady_clock::now()
                             : std::chrono::steady_clock::time_point();
    RETURN_IF_ERROR((*step.kernel)(ctx));
    if (trace) {
      metadata->step_stats.push_back(
          {&node, std::chrono::duration<double, std::micro>(
                      std::chrono::steady_clock::now() - start)
                      .count()});
    }
    RETURN_IF_ERROR(CheckOutputs(node, outputs));
    std::move(outputs.begin(), outputs.end(),
              values.begin() + step.first_output_slot);
    inputs.clear();  // Drop their references so freeing a slot frees memory.
    for (int slot : step.free_after) values[slot] = KernelValue{};
  }
  std::vector<Tensor> results;
  for (int slot : plan->fetch_slots) {
    ASSIGN_OR_RETURN(Tensor t, ValueOf(values[slot]));
    results.push_back(std::move(t));
  }
  return results;
}

absl::StatusOr<std::vector<Tensor>> Session::Run(
    const FeedDict& feeds, const std::vector<Output>& fetches,
    const std::vector<Output>& targets) {
  NamedTensors named;
  for (const auto& [output, value] : feeds) {
    if (!output.valid())
      return absl::InvalidArgumentError("feed of an invalid Output");
    named.emplace_back(output.name(), value);
  }
  std::vector<std::string> fetch_names, target_names;
  for (const Output& o : fetches) {
    if (!o.valid())
      return absl::InvalidArgumentError("fetch of an invalid Output");
    fetch_names.push_back(o.name());
  }
  for (const Output& o : targets) {
    if (!o.valid())
      return absl::InvalidArgumentError("target of an invalid Output");
    target_names.push_back(o.node->name());
  }
  return Run(named, fetch_names, target_names);
}

}  // namespace graphflow
