// `graphflow run`: one session; every --init node as its own Run, then the
// fetches and targets --steps times; fetches printed or saved as .npy.
#ifndef GRAPHFLOW_TOOLS_RUN_COMMAND_H_
#define GRAPHFLOW_TOOLS_RUN_COMMAND_H_

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "session/checkpoint.h"
#include "session/session.h"
#include "tools/tensor_files.h"

namespace graphflow::cli {

// NAME=FILE pairs.
using FeedFiles = std::vector<std::pair<std::string, std::string>>;
absl::StatusOr<FeedFiles> ParseFeedFlags(const std::vector<std::string>& flags,
                                         absl::string_view flag_name);

// Reads each file and fits it to the node it feeds (a placeholder or any
// tensor); a missing node is NotFound naming it.
absl::StatusOr<NamedTensors> LoadFeeds(const Graph& graph,
                                       const FeedFiles& feeds,
                                       const FeedConversion& conversion);

// Checks before any work that `path` (given with `flag`, e.g. "--save")
// can be written: its parent directory exists and is writable, and it is not
// a directory. InvalidArgument naming the flag and the path otherwise.
absl::Status CheckOutputPath(absl::string_view flag, const std::string& path);

struct RunOptions {
  std::string graph;
  std::vector<std::string> inits, fetches, targets;
  FeedFiles feeds;
  FeedConversion conversion;
  std::string out_dir;  // Empty: print the fetches.
  int steps = 1;
  std::string restore, save;  // Checkpoints.
  CheckpointFormat save_format = CheckpointFormat::kGraphflow;
  // SavedModel directories (tools/saved_model_command.h): the meta graph's
  // tags (comma-separated), the signature whose input/output keys --feed and
  // --fetch may name, and --save-format savedmodel (--save is a directory).
  std::string tags = "serve", signature;
  bool save_saved_model = false;
  bool optimize = true;  // --no-optimize: SessionOptions::optimize.
  int threads = 0;       // --threads: SessionOptions::threads.
};
absl::Status RunCommand(const RunOptions& options, FILE* out);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_RUN_COMMAND_H_
