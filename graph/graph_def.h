// Graph <-> TensorFlow GraphDef.
#ifndef GRAPHFLOW_GRAPH_GRAPH_DEF_H_
#define GRAPHFLOW_GRAPH_GRAPH_DEF_H_

#include <memory>

#include "absl/status/statusor.h"
#include "base/limits.h"
#include "graph/graph.h"
#include "proto/graph.pb.h"

namespace graphflow {

// Nodes may appear in any order. A node whose op has no schema in `registry`
// becomes an opaque node (Node::is_opaque): kept verbatim, it fails only a Run
// or gradient that needs it. Errors name the node: an input
// naming a missing node or output, wrong input count or dtype, bad or missing
// attrs, duplicate names, and cycles (listing nodes on the cycle).
// The tensors held in attrs (Const values and the like) may total at most
// limits.max_graph_time_bytes, checked from their declared shapes before any
// is allocated: past it is ResourceExhausted naming the node.
absl::StatusOr<std::unique_ptr<Graph>> GraphFromGraphDef(
    const tensorflow::GraphDef& graph_def, const OpRegistry& registry,
    const ResourceLimits& limits = {});

// Every node with all attrs (defaults included), in topological order;
// opaque nodes exactly as they were read.
tensorflow::GraphDef GraphToGraphDef(const Graph& graph);

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_GRAPH_DEF_H_
