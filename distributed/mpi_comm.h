// The MPI collectives graphflow uses, each bounded by a timeout: a rank that
// died or hangs makes the others fail with an error naming it instead of
// waiting forever (MPI itself has no timeouts). Errors are absl::Status;
// MPI_COMM_WORLD returns its errors (MPI_ERRORS_RETURN) instead of aborting.
#ifndef GRAPHFLOW_DISTRIBUTED_MPI_COMM_H_
#define GRAPHFLOW_DISTRIBUTED_MPI_COMM_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace graphflow::distributed {

// True when this process was started by mpirun/mpiexec (Open MPI, MPICH or
// PMIx environment), so a single `graphflow train` never initializes MPI.
bool LaunchedByMpi();

class MpiComm {
 public:
  // Initializes MPI once per process (MPI_THREAD_SERIALIZED: a kernel on a
  // pool thread makes the step's one call); later calls return the same.
  static absl::StatusOr<MpiComm*> Init(int* argc, char*** argv);
  // MPI_Finalize, if Init ran. Call only after a clean finish: after an
  // error the process exits and mpirun ends the job.
  static void Finalize();

  int rank() const { return rank_; }
  int size() const { return size_; }
  absl::Duration timeout() const { return timeout_; }
  void set_timeout(absl::Duration t) { timeout_ = t; }

  // Sums `values` over all ranks in place (MPI_Iallreduce polled against
  // the timeout). `what` names the collective in errors.
  absl::Status Sum(absl::Span<double> values, absl::string_view what);
  // The same in single precision: half the bytes of a gradient exchange.
  absl::Status Sum(absl::Span<float> values, absl::string_view what);
  // Rank 0's `bytes` bytes at `data` to every rank.
  absl::Status Broadcast(void* data, int64_t bytes, absl::string_view what);
  // FailedPrecondition listing the ranks whose `value` differs from rank 0's.
  absl::Status CheckSame(uint64_t value, absl::string_view what);

  // Seconds spent in collectives (waiting included) and their count.
  double seconds() const { return seconds_; }
  int64_t calls() const { return calls_; }

 private:
  MpiComm(int rank, int size) : rank_(rank), size_(size) {}
  // Waits for `request` (an MPI_Request) until the timeout; on expiry asks
  // every rank whether it is alive and names those that do not answer.
  absl::Status Wait(void* request, absl::string_view what);
  // Sum of `count` elements at `data` of MPI type `type` (an MPI_Datatype).
  absl::Status SumInPlace(void* data, int64_t count, void* type,
                          absl::string_view what);
  absl::Status MpiError(int code, absl::string_view what) const;
  std::string SilentRanks();

  int rank_, size_;
  absl::Duration timeout_ = absl::Seconds(60);
  double seconds_ = 0;
  int64_t calls_ = 0;
};

}  // namespace graphflow::distributed

#endif  // GRAPHFLOW_DISTRIBUTED_MPI_COMM_H_
