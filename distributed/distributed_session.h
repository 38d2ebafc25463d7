// Data-parallel training from C++ (Horovod-style): every rank builds the
// same graph, DistributedSession averages the gradients of its optimizer
// ops over the ranks, and rank 0's initial variables are broadcast. Run
// under mpirun; see examples/distributed_cnn.cc.
//
//   ASSIGN_OR_RETURN(MpiComm* comm, MpiComm::Init(&argc, &argv));
//   ASSIGN_OR_RETURN(auto ds, DistributedSession::Create(graph, *comm));
//   RETURN_IF_ERROR(ds->session().Run({}, {}, {"init"}).status());
//   RETURN_IF_ERROR(ds->BroadcastVariables());
//   auto [lo, hi] = ds->Shard(begin, end);   // this rank's rows of a batch
//   ds->RunStep(feeds_of(lo, hi), {"cost"}, {"Adam"}, hi - lo);
#ifndef GRAPHFLOW_DISTRIBUTED_DISTRIBUTED_SESSION_H_
#define GRAPHFLOW_DISTRIBUTED_DISTRIBUTED_SESSION_H_

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "distributed/mpi_comm.h"
#include "session/session.h"

namespace graphflow::distributed {

struct DistributedOptions {
  // Longest wait in one collective before failing (naming silent ranks).
  absl::Duration timeout = absl::Seconds(60);
  SessionOptions session;  // Its `kernels` is replaced.
};

class DistributedSession {
 public:
  // Checks that every rank passed the same graph (FailedPrecondition naming
  // the ranks that differ), rewrites it (rewrite.h) and creates the session.
  static absl::StatusOr<std::unique_ptr<DistributedSession>> Create(
      std::shared_ptr<const Graph> graph, MpiComm& comm,
      DistributedOptions options = {});

  Session& session() { return *session_; }
  MpiComm& comm() { return comm_; }
  int rank() const { return comm_.rank(); }
  int size() const { return comm_.size(); }

  // Rank 0's value of every variable to every rank (one broadcast each, in
  // name order), then checks that all ranks hold identical bytes.
  absl::Status BroadcastVariables();
  // This rank's part [lo, hi) of the global rows [begin, end): contiguous,
  // disjoint, sizes differing by at most one.
  std::pair<int64_t, int64_t> Shard(int64_t begin, int64_t end) const;
  // Gradients of the next step are weighted by `rows` (this rank's batch
  // size), so uneven slices average to the global batch mean.
  void SetStepRows(int64_t rows) { state_->rows = rows; }
  absl::StatusOr<std::vector<Tensor>> RunStep(
      const NamedTensors& feeds, const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets, int64_t rows);

  // What the MpiAllreduce kernel reads; public for the kernel only.
  struct StepState {
    MpiComm* comm = nullptr;
    std::atomic<int64_t> rows{1};
    std::atomic<int64_t> values{0};  // Gradient values per step.
    std::atomic<int64_t> bytes{0};   // Their size as sent.
  };
  const StepState& step_state() const { return *state_; }

 private:
  explicit DistributedSession(MpiComm& comm) : comm_(comm) {}

  MpiComm& comm_;
  std::unique_ptr<StepState> state_ = std::make_unique<StepState>();
  KernelRegistry kernels_;  // Outlives session_, which points to it.
  std::unique_ptr<Session> session_;
};

}  // namespace graphflow::distributed

#endif  // GRAPHFLOW_DISTRIBUTED_DISTRIBUTED_SESSION_H_
