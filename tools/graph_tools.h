// What the runner needs to know about a graph file: loading it, finding how
// to initialize its variables, and summarizing it (`graphflow inspect`).
#ifndef GRAPHFLOW_TOOLS_GRAPH_TOOLS_H_
#define GRAPHFLOW_TOOLS_GRAPH_TOOLS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace graphflow::cli {

// Reads a .pb/.pbtxt/.meta file and imports it with the standard ops.
absl::StatusOr<std::shared_ptr<const Graph>> LoadGraphFile(
    const std::string& path);

// The Assign that initializes each variable, as global_variables_initializer
// would run it: "<var>/Assign" by TF's naming, else the one Assign of the
// variable outside the "save/" restore subgraph. A variable without one is
// FailedPrecondition naming it.
absl::StatusOr<std::vector<std::string>> VariableInitializers(
    const Graph& graph);

struct GraphSummary {
  int num_nodes = 0;
  std::vector<std::pair<std::string, int>> op_counts;  // Most used first.
  std::vector<const Node*> placeholders, variables;
  std::vector<std::string> likely_init, likely_train, likely_loss;
  // Ops graphflow has no schema for (opaque nodes), each with its nodes.
  std::vector<std::pair<std::string, std::vector<std::string>>> unimplemented;
  // Other ops with no CPU kernel, each with the nodes that use it.
  std::vector<std::pair<std::string, std::vector<std::string>>> unsupported;
};
GraphSummary SummarizeGraph(const Graph& graph);
std::string FormatSummary(const GraphSummary& summary, const std::string& path);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_GRAPH_TOOLS_H_
