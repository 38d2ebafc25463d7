// `graphflow train`: minibatch training of a graph file on dataset files,
// with progress, per-epoch metrics, a CSV log, an SVG chart, checkpoints and
// TensorBoard summaries.
#ifndef GRAPHFLOW_TOOLS_TRAIN_COMMAND_H_
#define GRAPHFLOW_TOOLS_TRAIN_COMMAND_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/run_command.h"
#include "tools/training_chart.h"

namespace graphflow::cli {

// Data-parallel training across processes (distributed/, built with MPI):
// TrainCommand calls these, so it needs no MPI itself.
class TrainDistribution {
 public:
  virtual ~TrainDistribution() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // The session this rank trains in: checks that every rank loaded the same
  // graph, then runs it with gradients averaged over the ranks. Owned here.
  virtual absl::StatusOr<Session*> CreateSession(
      std::shared_ptr<const Graph> graph, SessionOptions options) = 0;
  // After initialization: rank 0's variables to every rank.
  virtual absl::Status BroadcastVariables() = 0;
  // The weight of this rank's gradients in the next step (its rows).
  virtual void SetStepRows(int64_t rows) = 0;
  // Sums over ranks, in place.
  virtual absl::Status Sum(absl::Span<double> values,
                           absl::string_view what) = 0;
  // Time spent in collectives, for rank 0's closing line.
  virtual std::string Report(double train_seconds) const = 0;
};

struct TrainOptions {
  std::string graph;
  std::string train_op, loss, metric;  // metric optional (e.g. accuracy).
  std::vector<std::string> inits;
  FeedFiles feeds, eval_feeds;
  FeedConversion conversion;
  int64_t batch = 32;
  int epochs = 1;
  uint64_t shuffle_seed = 0;
  std::string save, restore, log_csv, plot_svg;
  CheckpointFormat save_format = CheckpointFormat::kGraphflow;
  // GRAPH as a SavedModel directory: its meta graph's tags; and --save as
  // a SavedModel directory (--save-format savedmodel).
  std::string tags = "serve";
  bool save_saved_model = false;
  int save_every = 0;        // Also save after every N epochs.
  bool interactive = false;  // Redraw a progress bar (a terminal).
  // A non-finite loss stops training with an error (nothing saved), or
  // with false only warns on stderr (--on-nan=warn).
  bool stop_on_nan = true;
  bool optimize = true;  // --no-optimize: SessionOptions::optimize.
  int threads = 0;       // --threads: SessionOptions::threads.
  // TensorBoard event files in this directory: the summary tensor (--summary;
  // default: the graph's single MergeSummary) plus "loss", after each epoch
  // or every summary_every steps.
  std::string summaries_dir, summary;
  int64_t summary_every = 0;
  // Set under mpirun: this process trains its slice of every global batch
  // (--batch is the global batch); only rank 0 prints and writes files.
  TrainDistribution* distribution = nullptr;
};

// Returns one record per epoch. Datasets are sliced along axis 0 (all feeds
// of one dataset must agree on its length; the last partial batch is kept)
// and shuffled every epoch with the seed. Without --init or --restore every
// variable is initialized by its own Assign.
absl::StatusOr<std::vector<EpochRecord>> TrainCommand(
    const TrainOptions& options, FILE* out);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_TRAIN_COMMAND_H_
