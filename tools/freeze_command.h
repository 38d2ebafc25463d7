// `graphflow freeze`: a graph plus a checkpoint become one self-contained
// GraphDef, as TF's freeze_graph.py writes it.
#ifndef GRAPHFLOW_TOOLS_FREEZE_COMMAND_H_
#define GRAPHFLOW_TOOLS_FREEZE_COMMAND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace graphflow::cli {

struct FreezeCommandOptions {
  std::string graph;    // .pb, .pbtxt or .meta.
  std::string restore;  // A graphflow or TensorFlow checkpoint.
  std::vector<std::string> outputs;
  std::string out;  // .pbtxt/.txt is written as text, else binary.
  bool clear_devices = true;
};

// Writes the frozen graph atomically, after checking that it imports; the
// result is the line to print ("wrote OUT (N nodes, V variables frozen)").
absl::StatusOr<std::string> FreezeCommand(const FreezeCommandOptions& options);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_FREEZE_COMMAND_H_
