// The course CNN trained data-parallel from C++ (built with MPI):
//
//   mpirun -np 2 ./build/distributed/distributed_cnn --epochs=3
//
// Every rank builds the same graph and loads the same data;
// DistributedSession averages the Adam gradients over the ranks and
// broadcasts rank 0's initial variables. --batch is the global batch; each
// rank trains on its slice, so N ranks follow the 1-process trajectory.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "dataset/batching.h"
#include "distributed/distributed_session.h"
#include "examples/course_model.h"
#include "graph/status.h"

ABSL_FLAG(int, epochs, 3, "training epochs");
ABSL_FLAG(int, batch, 64, "global minibatch size");
ABSL_FLAG(std::string, model, "course", "'course' or 'deep' (mnist_deep)");

namespace graphflow {

absl::Status Train(distributed::MpiComm& comm) {
  examples::CourseConfig config;
  config.model = absl::GetFlag(FLAGS_model);
  const int64_t batch = absl::GetFlag(FLAGS_batch);
  ASSIGN_OR_RETURN(
      examples::ImageDataset train,
      examples::LoadImageDataset("data/digits/train-images-idx3-ubyte.gz",
                                 "data/digits/train-labels-idx1-ubyte.gz", 10));
  examples::CourseModel m = examples::BuildCourseModel(
      config, train.images.dim(1), train.images.dim(2), train.images.dim(3));
  RETURN_IF_ERROR(m.scope.status());
  ASSIGN_OR_RETURN(auto ds, distributed::DistributedSession::Create(
                                m.scope.shared_graph(), comm));
  RETURN_IF_ERROR(ds->session().Run(NamedTensors{}, {}, {"init"}).status());
  RETURN_IF_ERROR(ds->BroadcastVariables());

  const int64_t n = train.images.dim(0);
  EpochShuffler shuffler(n, config.seed);  // Same order on every rank.
  for (int epoch = 1; epoch <= absl::GetFlag(FLAGS_epochs); ++epoch) {
    const std::vector<int64_t>& order = shuffler.NextEpoch();
    double sums[2] = {0, 0};  // Loss times rows, rows.
    for (int64_t begin = 0; begin + comm.size() <= n; begin += batch) {
      auto [lo, hi] = ds->Shard(begin, std::min(n, begin + batch));
      absl::Span<const int64_t> rows(order.data() + lo, hi - lo);
      ASSIGN_OR_RETURN(std::vector<Tensor> out,
                       ds->RunStep({{"X", GatherRows(train.images, rows)},
                                    {"Y", GatherRows(train.labels, rows)}},
                                   {"cost"}, {"Adam"}, hi - lo));
      sums[0] += out[0].flat<float>()[0] * (hi - lo);
      sums[1] += hi - lo;
    }
    RETURN_IF_ERROR(comm.Sum(absl::MakeSpan(sums), "epoch loss"));
    if (comm.rank() == 0) {
      std::printf("epoch %d: cost %.6f over %d ranks\n", epoch,
                  sums[0] / sums[1], comm.size());
    }
  }
  return absl::OkStatus();
}

}  // namespace graphflow

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto comm = graphflow::distributed::MpiComm::Init(&argc, &argv);
  absl::Status s = comm.ok() ? graphflow::Train(**comm) : comm.status();
  if (!s.ok()) {
    std::fprintf(stderr, "distributed_cnn: %s\n",
                 std::string(s.message()).c_str());
    return 1;  // mpirun ends the other ranks.
  }
  graphflow::distributed::MpiComm::Finalize();
  return 0;
}
