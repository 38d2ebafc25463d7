// CPU kernels: one function per op, registered by op name. A kernel reads
// its node's attrs and input tensors, allocates outputs, and returns a
// Status; it knows nothing of sessions.
#ifndef GRAPHFLOW_KERNELS_KERNEL_H_
#define GRAPHFLOW_KERNELS_KERNEL_H_

#include <atomic>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "base/limits.h"
#include "graph/graph.h"
#include "graph/tensor.h"
#include "kernels/resource.h"
#include "kernels/variable.h"

namespace Eigen {
struct ThreadPoolDevice;
}  // namespace Eigen

namespace graphflow {

// A value on an edge: a tensor, or for ref-typed edges a variable.
struct KernelValue {
  Tensor tensor;
  StoredVariable* ref = nullptr;
};

// What the caller (a session) provides to every kernel of one step.
struct KernelEnvironment {
  Eigen::ThreadPoolDevice* device = nullptr;
  VariableStore* variables = nullptr;
  ResourceStore* resources = nullptr;
  // Random per session: seeds random ops whose seed and seed2 are both 0.
  uint64_t session_seed = 0;
  // The largest tensor a kernel may allocate (SessionOptions::limits), one
  // policy enforced in AllocateOutput: a size taken from an index or attr in
  // a hostile graph is ResourceExhausted naming the node, never an abort.
  int64_t max_tensor_bytes = ResourceLimits{}.max_tensor_bytes;
};

// Per-session state of a stateful node (random ops), owned by the caller.
struct NodeCounters {
  std::atomic<uint64_t> runs{0};
  std::atomic<uint64_t> reserved{0};
};

class KernelContext {
 public:
  KernelContext(const Node& node, absl::Span<const KernelValue> inputs,
                std::vector<KernelValue>* outputs, const KernelEnvironment& env,
                NodeCounters* counters = nullptr)
      : node_(node),
        inputs_(inputs),
        outputs_(outputs),
        env_(env),
        counters_(counters),
        invocation_(counters ? counters->runs.fetch_add(1) : 0) {}

  const Node& node() const { return node_; }
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  int num_outputs() const { return node_.num_outputs(); }
  // Input i's tensor (for a ref input: invalid; use ref_input).
  const Tensor& input(int i) const { return inputs_[i].tensor; }
  StoredVariable* ref_input(int i) const { return inputs_[i].ref; }

  // Allocates output i; InvalidArgument/ResourceExhausted on bad sizes or
  // past the environment's max_tensor_bytes.
  absl::StatusOr<Tensor*> AllocateOutput(int i, const TensorShape& shape);
  absl::StatusOr<Tensor*> AllocateOutput(int i, DataType dtype,
                                         const TensorShape& shape);
  // Output `output` of `shape` in the buffer of the first of `candidates`
  // (input indices) that has the output's dtype and element count and that
  // no one else holds (the session hands a kernel the last use of a value),
  // else newly allocated. For element-wise kernels, which may write each
  // element after reading it.
  absl::StatusOr<Tensor*> ForwardInputOrAllocateOutput(
      std::initializer_list<int> candidates, int output,
      const TensorShape& shape);
  // Output i as set so far (a fused kernel finishing what another began).
  Tensor* mutable_output(int i) { return &(*outputs_)[i].tensor; }
  void SetOutput(int i, Tensor t) { (*outputs_)[i].tensor = std::move(t); }
  void SetRefOutput(int i, StoredVariable* v) { (*outputs_)[i].ref = v; }

  template <typename T>
  absl::Status GetAttr(absl::string_view name, T* value) const {
    return node_.GetAttr(name, value);
  }

  Eigen::ThreadPoolDevice& device() const { return *env_.device; }
  VariableStore& variables() const { return *env_.variables; }
  ResourceStore& resources() const { return *env_.resources; }
  uint64_t session_seed() const { return env_.session_seed; }
  // How many times this node ran before in this session (random ops use it
  // so each run draws new numbers from a seed's sequence).
  uint64_t invocation() const { return invocation_; }
  // Atomically advances this node's session counter by n and returns its
  // previous value (random ops reserve the counter range they consume).
  uint64_t ReserveCounter(uint64_t n) const {
    return counters_ ? counters_->reserved.fetch_add(n) : 0;
  }

  // InvalidArgument "node 'x' (Op): message".
  absl::Status InvalidArgument(absl::string_view message) const;
  absl::Status Error(absl::StatusCode code, absl::string_view message) const;
  // DispatchType's answer (graph/types.h) for a dtype the kernel lacks:
  // InvalidArgument "node 'x' (Op): no CPU kernel for dtype half".
  auto UnsupportedDtype() const {
    return [this](DataType dtype) { return NoKernelFor(dtype); };
  }

 private:
  absl::Status NoKernelFor(DataType dtype) const;

  const Node& node_;
  absl::Span<const KernelValue> inputs_;
  std::vector<KernelValue>* outputs_;
  const KernelEnvironment& env_;
  NodeCounters* counters_;
  uint64_t invocation_;
};

using KernelFn = std::function<absl::Status(KernelContext&)>;

class KernelRegistry {
 public:
  // AlreadyExists for a second kernel of the same op.
  absl::Status Register(std::string op, KernelFn fn);
  const KernelFn* Find(absl::string_view op) const;
  std::vector<std::string> OpNames() const;

 private:
  std::map<std::string, KernelFn, std::less<>> kernels_;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_KERNEL_H_
