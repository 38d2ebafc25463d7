#include "distributed/rewrite.h"

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "distributed/allreduce_op.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "ops/variables.h"

namespace graphflow::distributed {
namespace {

bool IsOptimizerOp(const std::string& op) {
  return absl::StartsWith(op, "Apply") || absl::StartsWith(op, "ResourceApply");
}

bool IsSparseOptimizerOp(const std::string& op) {
  return absl::StartsWith(op, "SparseApply") ||
         absl::StartsWith(op, "ResourceSparseApply");
}

// The input index of the gradient an optimizer op applies, or -1. Apply ops
// take single tensors only, so argument i is input i.
int GradientInput(const Node& node) {
  const auto& args = node.op_def().inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].name == "grad" || args[i].name == "delta") return i;
  }
  return -1;
}

std::string UniqueName(const Graph& graph, const std::string& base) {
  std::string name = base;
  for (int i = 1; graph.FindNode(name) != nullptr; ++i) {
    name = absl::StrCat(base, "_", i);
  }
  return name;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> DistributeTrainingGraph(
    const Graph& graph) {
  // Per dtype: the distinct gradient tensors in node order, and where each
  // optimizer input reads one: (node name, input index) -> slot.
  std::map<DataType, std::vector<std::string>> gradients;
  std::map<DataType, absl::flat_hash_map<std::string, int>> slots;
  std::map<std::pair<std::string, int>, std::pair<DataType, int>> uses;
  for (const auto& node : graph.nodes()) {
    if (IsSparseOptimizerOp(node->op())) {
      return absl::UnimplementedError(absl::StrCat(
          "node '", node->name(), "' (", node->op(),
          "): sparse optimizer updates are not averaged over MPI ranks yet"));
    }
    if (!IsOptimizerOp(node->op())) continue;
    const int input = GradientInput(*node);
    if (input < 0 || input >= node->num_inputs()) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", node->name(), "' (", node->op(),
                       "): an optimizer op without a 'grad' input"));
    }
    const DataType dtype = node->input_type(input);
    if (dtype != DT_FLOAT && dtype != DT_DOUBLE) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", node->name(), "' (", node->op(),
                       "): gradients of type ", DataTypeString(dtype),
                       " cannot be averaged (expected float or double)"));
    }
    const std::string tensor = EndpointName(node->input(input));
    auto [it, added] =
        slots[dtype].try_emplace(tensor, gradients[dtype].size());
    if (added) gradients[dtype].push_back(tensor);
    uses[{node->name(), input}] = {dtype, it->second};
  }
  if (uses.empty()) {
    return absl::FailedPreconditionError(
        "the graph has no optimizer op (Apply*): nothing to average over "
        "MPI ranks");
  }

  tensorflow::GraphDef def = GraphToGraphDef(graph);
  std::map<DataType, std::string> reducers;
  for (const auto& [dtype, tensors] : gradients) {
    std::string name = UniqueName(
        graph, dtype == DT_FLOAT ? std::string(kAllreduceOp)
                                 : absl::StrCat(kAllreduceOp, "_", dtype));
    reducers[dtype] = name;
    tensorflow::NodeDef* n = def.add_node();
    n->set_name(name);
    n->set_op(kAllreduceOp);
    for (const std::string& t : tensors) n->add_input(t);
    (*n->mutable_attr())["N"].set_i(tensors.size());
    (*n->mutable_attr())["T"].set_type(
        static_cast<tensorflow::DataType>(dtype));
  }
  for (tensorflow::NodeDef& n : *def.mutable_node()) {
    for (int i = 0; i < n.input_size(); ++i) {
      auto it = uses.find({n.name(), i});
      if (it == uses.end()) continue;
      const auto [dtype, slot] = it->second;
      n.set_input(i, absl::StrCat(reducers[dtype], ":", slot));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Graph> out,
                   GraphFromGraphDef(def, DistributedOpRegistry()));
  // Collections live in memory only; carry them over by name.
  for (const char* key : {kGlobalVariables, kTrainableVariables}) {
    for (const Node* node : graph.GetCollection(key)) {
      if (Node* copy = out->FindNode(node->name())) {
        out->AddToCollection(key, copy);
      }
    }
  }
  return out;
}

uint64_t GraphFingerprint(const Graph& graph) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    GraphToGraphDef(graph).SerializeToCodedStream(&coded);
  }
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a, 64 bits.
  for (unsigned char c : bytes) {
    hash = (hash ^ c) * 0x100000001b3ull;
  }
  return hash;
}

}  // namespace graphflow::distributed
