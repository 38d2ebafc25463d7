#include "distributed/train_distribution.h"

#include "absl/strings/str_format.h"
#include "graph/status.h"

namespace graphflow::distributed {

absl::StatusOr<Session*> MpiTrainDistribution::CreateSession(
    std::shared_ptr<const Graph> graph, SessionOptions options) {
  DistributedOptions d;
  d.timeout = timeout_;
  d.session = options;
  ASSIGN_OR_RETURN(session_,
                   DistributedSession::Create(std::move(graph), comm_, d));
  return &session_->session();
}

absl::Status MpiTrainDistribution::BroadcastVariables() {
  if (session_ == nullptr) {
    return absl::InternalError("BroadcastVariables before CreateSession");
  }
  return session_->BroadcastVariables();
}

void MpiTrainDistribution::SetStepRows(int64_t rows) {
  if (session_ != nullptr) session_->SetStepRows(rows);
}

absl::Status MpiTrainDistribution::Sum(absl::Span<double> values,
                                       absl::string_view what) {
  return comm_.Sum(values, what);
}

std::string MpiTrainDistribution::Report(double train_seconds) const {
  const int64_t values =
      session_ == nullptr ? 0 : session_->step_state().values.load();
  const int64_t bytes =
      session_ == nullptr ? 0 : session_->step_state().bytes.load();
  return absl::StrFormat(
      "mpi: %d ranks, %d collectives took %.2f s of %.2f s on rank 0 "
      "(%.1f%%), gradients %d values (%s) per step",
      comm_.size(), comm_.calls(), comm_.seconds(), train_seconds,
      train_seconds > 0 ? 100 * comm_.seconds() / train_seconds : 0.0, values,
      bytes < 1000000 ? absl::StrFormat("%.1f KB", bytes / 1e3)
                      : absl::StrFormat("%.1f MB", bytes / 1e6));
}

}  // namespace graphflow::distributed
