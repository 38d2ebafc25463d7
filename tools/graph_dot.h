// A graph as Graphviz DOT: name scopes become nested clusters, data edges
// carry dtype and shape, control edges are dashed, inputs, variables and
// constants look different, and the training part (gradients and optimizer
// updates) is faded or collapsed into one box.
#ifndef GRAPHFLOW_TOOLS_GRAPH_DOT_H_
#define GRAPHFLOW_TOOLS_GRAPH_DOT_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace graphflow::cli {

struct DotOptions {
  std::string title;  // Shown above the graph, e.g. the file name.
  // One box for all gradient and optimizer nodes instead of faded nodes.
  bool collapse_gradients = false;
  bool edge_labels = true;     // "float [?,784]" on data edges.
  bool left_to_right = false;  // rankdir=LR instead of top to bottom.
};

std::string GraphToDot(const Graph& graph, const DotOptions& options = {});

// The nodes that only exist for training: everything under a "gradients"
// name scope, Apply* update ops with their optimizer's scope ("Adam/...",
// "train/GradientDescent/..."), slot variables ("w/Adam_1") and variables
// only the optimizer reads (Adam's beta powers).
absl::flat_hash_set<const Node*> TrainingNodes(const Graph& graph);

// The full path of an executable found on $PATH, or NotFound.
absl::StatusOr<std::string> FindOnPath(absl::string_view program);

// Runs Graphviz `dot -Tsvg` and writes svg_path atomically (a temporary file
// renamed into place). FailedPrecondition when dot is not installed;
// Internal with dot's messages when it fails.
absl::Status RenderDotToSvg(const std::string& dot,
                            const std::string& svg_path);
// The same for any `dot -T` format ("svg", "png", "pdf").
absl::Status RenderDot(const std::string& dot, const std::string& path,
                       const std::string& format);

// What `graphflow dot --out PATH` writes, from the extension: "dot" for DOT
// text (.dot, .gv), "svg", "png" or "pdf" for Graphviz to render;
// InvalidArgument for any other extension.
absl::StatusOr<std::string> DotOutputFormat(const std::string& path);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_GRAPH_DOT_H_
