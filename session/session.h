// Session: runs a graph. Run(feeds, fetches, targets) resolves the names,
// keeps only the nodes the fetches and targets need (a fed tensor cuts off
// its producer), runs their kernels in dependency order and frees every
// intermediate after its last use. Variables persist across Run calls.
// Concurrent Run calls on one Session are safe.
#ifndef GRAPHFLOW_SESSION_SESSION_H_
#define GRAPHFLOW_SESSION_SESSION_H_

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "base/limits.h"
#include "graph/op_registry.h"
#include "graph/scope.h"
#include "kernels/eigen.h"
#include "kernels/kernel.h"
#include "kernels/variable.h"
#include "proto/graph.pb.h"

namespace graphflow {

struct SessionOptions {
  const KernelRegistry* kernels = nullptr;  // nullptr: all CPU kernels.
  // Seed for random ops with seed = seed2 = 0; 0 draws one at random.
  uint64_t seed = 0;
  // Resource limits; limits.max_tensor_bytes bounds every tensor a kernel
  // allocates (ResourceExhausted naming the node when exceeded).
  ResourceLimits limits;
  // Rewrite each plan's nodes into fused kernels first
  // (session/graph_optimizer.h); off, every node runs its own kernel.
  bool optimize = true;
  // Intra-op threads of this session's own pool; 0 shares the process-wide
  // pool (one thread per core, or GRAPHFLOW_NUM_THREADS). Kernels split
  // their work over the pool, and oneDNN runs inside it (no second pool).
  int threads = 0;
};

// TF's RunOptions.trace_level FULL_TRACE, reduced to what graphflow
// records: the wall time of every kernel.
struct RunOptions {
  bool trace = false;
};
// TF's RunMetadata.step_stats: one entry per kernel run, in execution order
// (only for graphs without control flow; a traced control-flow Run leaves
// it empty).
struct NodeExecStats {
  const Node* node = nullptr;
  double micros = 0;
};
struct RunMetadata {
  std::vector<NodeExecStats> step_stats;
};

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using FeedDict = std::vector<std::pair<Output, Tensor>>;

class Session {
 public:
  // Returns the tensor buffers cached for reuse (graph/buffer_cache.h) to
  // the system: the next session may need other sizes.
  ~Session();

  // Reports the scope's first builder error, if any.
  static absl::StatusOr<std::unique_ptr<Session>> Create(
      const Scope& scope, SessionOptions options = {});
  static absl::StatusOr<std::unique_ptr<Session>> Create(
      std::shared_ptr<const Graph> graph, SessionOptions options = {});
  // Imports `graph_def` with the schemas in `ops`, usually
  // GlobalOpRegistry() from ops/all_ops.h:
  //   ASSIGN_OR_RETURN(tensorflow::GraphDef def, ReadGraphDefFile(path));
  //   ASSIGN_OR_RETURN(auto session, Session::Create(def, GlobalOpRegistry()));
  //   ASSIGN_OR_RETURN(auto y, session->Run({{"x", x}}, {"y"}));
  static absl::StatusOr<std::unique_ptr<Session>> Create(
      const tensorflow::GraphDef& graph_def, const OpRegistry& ops,
      SessionOptions options = {});

  // Fetches and feeds are "node" or "node:index"; targets are node names.
  // Returns one tensor per fetch, in order.
  absl::StatusOr<std::vector<Tensor>> Run(
      const NamedTensors& feeds, const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets = {});
  absl::StatusOr<std::vector<Tensor>> Run(
      const FeedDict& feeds, const std::vector<Output>& fetches,
      const std::vector<Output>& targets = {});
  // The same, with `options.trace` filling `metadata` (may be null).
  absl::StatusOr<std::vector<Tensor>> Run(
      const NamedTensors& feeds, const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets, const RunOptions& options,
      RunMetadata* metadata);
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<Output>& fetches) {
    return Run(FeedDict{}, fetches);
  }

  const Graph& graph() const { return *graph_; }
  VariableStore& variables() { return variables_; }
  // Stacks, tensor arrays, lookup tables (kernels/resource.h).
  ResourceStore& resources() { return resources_; }
  // Number of distinct (feeds, fetches, targets) plans built so far.
  int num_cached_plans() const;

 private:
  struct Plan;
  Session(std::shared_ptr<const Graph> graph, SessionOptions options);
  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(
      const NamedTensors& feeds, const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets);
  absl::StatusOr<std::shared_ptr<const Plan>> BuildPlan(
      const std::vector<std::string>& feed_names,
      const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets) const;
  NodeCounters* CountersFor(const Node* node);

  std::shared_ptr<const Graph> graph_;
  const KernelRegistry* kernels_;
  bool optimize_;
  // With SessionOptions::threads: the session's pool, which env_ uses.
  std::unique_ptr<Eigen::ThreadPool> pool_;
  std::unique_ptr<Eigen::ThreadPoolDevice> device_;
  KernelEnvironment env_;
  VariableStore variables_;
  ResourceStore resources_;

  // Guards what follows. std::mutex rather than absl::Mutex: Debian's Abseil
  // is not built for ThreadSanitizer, which would not see its locking.
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Plan>> plans_;
  absl::flat_hash_map<const Node*, std::unique_ptr<NodeCounters>> counters_;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_SESSION_SESSION_H_
