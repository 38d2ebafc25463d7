#include "tools/freeze_command.h"

#include "absl/strings/str_cat.h"
#include "graph/freeze.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "ops/all_ops.h"
#include "proto/graph_io.h"
#include "session/checkpoint.h"

namespace graphflow::cli {

absl::StatusOr<std::string> FreezeCommand(const FreezeCommandOptions& o) {
  if (o.restore.empty()) {
    return absl::InvalidArgumentError(
        "freeze needs --restore CKPT: the checkpoint holding the variables");
  }
  if (o.outputs.empty()) {
    return absl::InvalidArgumentError(
        "freeze needs at least one --output NODE: the nodes to keep");
  }
  if (o.out.empty()) {
    return absl::InvalidArgumentError(
        "freeze needs --out FILE.pb: where to write the frozen graph");
  }
  ASSIGN_OR_RETURN(tensorflow::GraphDef graph, ReadGraphDefFile(o.graph));
  ASSIGN_OR_RETURN(auto values, LoadCheckpoint(o.restore));
  FreezeOptions options;
  options.clear_devices = o.clear_devices;
  auto frozen = FreezeGraph(graph, values, o.outputs, options);
  if (!frozen.ok()) {
    return absl::Status(frozen.status().code(),
                        absl::StrCat(o.graph, " with ", o.restore, ": ",
                                     frozen.status().message()));
  }
  // Write only what graphflow can load again.
  auto imported = GraphFromGraphDef(frozen->graph, GlobalOpRegistry());
  if (!imported.ok()) {
    return absl::Status(imported.status().code(),
                        absl::StrCat("the frozen graph does not import: ",
                                     imported.status().message()));
  }
  RETURN_IF_ERROR(
      WriteGraphDefFile(o.out, frozen->graph, GraphFormatForPath(o.out)));
  const size_t n = frozen->frozen_variables.size();
  return absl::StrCat("wrote ", o.out, " (", frozen->graph.node_size(),
                      " nodes, ", n, n == 1 ? " variable" : " variables",
                      " frozen)\n");
}

}  // namespace graphflow::cli
