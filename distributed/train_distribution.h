// `mpirun -np N graphflow train ...`: the train command's hook (see
// cli::TrainDistribution) backed by a DistributedSession.
#ifndef GRAPHFLOW_DISTRIBUTED_TRAIN_DISTRIBUTION_H_
#define GRAPHFLOW_DISTRIBUTED_TRAIN_DISTRIBUTION_H_

#include <memory>
#include <string>

#include "distributed/distributed_session.h"
#include "tools/train_command.h"

namespace graphflow::distributed {

class MpiTrainDistribution : public cli::TrainDistribution {
 public:
  MpiTrainDistribution(MpiComm& comm, absl::Duration timeout)
      : comm_(comm), timeout_(timeout) {}

  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }
  absl::StatusOr<Session*> CreateSession(std::shared_ptr<const Graph> graph,
                                         SessionOptions options) override;
  absl::Status BroadcastVariables() override;
  void SetStepRows(int64_t rows) override;
  absl::Status Sum(absl::Span<double> values, absl::string_view what) override;
  std::string Report(double train_seconds) const override;

 private:
  MpiComm& comm_;
  absl::Duration timeout_;
  std::unique_ptr<DistributedSession> session_;
};

}  // namespace graphflow::distributed

#endif  // GRAPHFLOW_DISTRIBUTED_TRAIN_DISTRIBUTION_H_
