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
  // TensorBoard event files in this directory: the summary tensor (--summary;
  // default: the graph's single MergeSummary) plus "loss", after each epoch
  // or every summary_every steps.
  std::string summaries_dir, summary;
  int64_t summary_every = 0;
};

// Returns one record per epoch. Datasets are sliced along axis 0 (all feeds
// of one dataset must agree on its length; the last partial batch is kept)
// and shuffled every epoch with the seed. Without --init or --restore every
// variable is initialized by its own Assign.
absl::StatusOr<std::vector<EpochRecord>> TrainCommand(
    const TrainOptions& options, FILE* out);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_TRAIN_COMMAND_H_
