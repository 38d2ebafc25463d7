// Freezing a graph, as TF 1.x's freeze_graph.py does with
// graph_util.convert_variables_to_constants: the graph is pruned to what the
// outputs need, and each variable left becomes a Const holding its value.
#ifndef GRAPHFLOW_GRAPH_FREEZE_H_
#define GRAPHFLOW_GRAPH_FREEZE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/tensor.h"
#include "proto/graph.pb.h"

namespace graphflow {

// The nodes `outputs` (node names; "name:k" and "^name" are accepted) reach
// through data and control inputs, in their original order, as TF's
// graph_util.extract_sub_graph. An unknown output or input is NotFound
// naming it.
absl::StatusOr<tensorflow::GraphDef> ExtractSubGraph(
    const tensorflow::GraphDef& graph, const std::vector<std::string>& outputs);

struct FreezeOptions {
  // freeze_graph.py's --clear_devices (on by default there too).
  bool clear_devices = true;
};

struct FrozenGraph {
  tensorflow::GraphDef graph;
  std::vector<std::string> frozen_variables;  // In graph order.
};

// ExtractSubGraph, then every Variable/VariableV2 and VarHandleOp node
// becomes a Const of the same name with attrs dtype and value (the tensor
// encoded as TF's make_tensor_proto does); a resource variable's
// ReadVariableOps become Identity and its ResourceGathers GatherV2, as TF
// 1.15 does (other ops on a frozen handle are Unimplemented). `values` maps
// variable names to their values (a checkpoint). A variable missing from
// `values` is NotFound, a dtype or shape that does not match its node
// InvalidArgument, each naming it.
absl::StatusOr<FrozenGraph> FreezeGraph(
    const tensorflow::GraphDef& graph,
    const std::map<std::string, Tensor>& values,
    const std::vector<std::string>& outputs, const FreezeOptions& options = {});

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_FREEZE_H_
