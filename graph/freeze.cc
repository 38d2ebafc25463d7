#include "graph/freeze.h"

#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "graph/graph.h"
#include "graph/status.h"
#include "graph/tensor_proto.h"

namespace graphflow {
namespace {

// "^name", "name:k" and "name" all name the node "name".
absl::StatusOr<std::string> NodeOf(absl::string_view input) {
  if (absl::ConsumePrefix(&input, "^")) return std::string(input);
  std::string node;
  int index = 0;
  RETURN_IF_ERROR(ParseTensorName(input, &node, &index));
  return node;
}

bool IsRefVariable(const tensorflow::NodeDef& node) {
  return node.op() == "VariableV2" || node.op() == "Variable";
}

absl::Status CheckValue(const tensorflow::NodeDef& node, const Tensor& value) {
  auto fail = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("variable '", node.name(), "': ", what));
  };
  auto dtype = node.attr().find("dtype");
  if (dtype == node.attr().end()) return fail("node has no dtype attr");
  if (static_cast<int>(dtype->second.type()) !=
      static_cast<int>(value.dtype())) {
    return fail(absl::StrCat(
        "the checkpoint holds ", DataTypeString(value.dtype()),
        ", the node is ",
        DataTypeString(static_cast<DataType>(dtype->second.type()))));
  }
  auto shape = node.attr().find("shape");
  if (shape != node.attr().end()) {
    ASSIGN_OR_RETURN(PartialShape declared,
                     ShapeFromProto(shape->second.shape()));
    if (!declared.IsCompatibleWith(value.shape())) {
      return fail(absl::StrCat("the checkpoint's value is ",
                               value.shape().DebugString(), ", the node is ",
                               declared.DebugString()));
    }
  }
  return absl::OkStatus();
}

// As convert_variables_to_constants (TF 1.15): a frozen resource variable's
// ReadVariableOp becomes an Identity (T = its dtype) and its ResourceGather a
// GatherV2 with a new "<name>/axis" Const 0. Any other op on the handle
// (an assign, say) cannot read a Const: an error naming it.
absl::Status RewriteHandleReaders(
    const absl::flat_hash_map<std::string, tensorflow::AttrValue>& handles,
    FrozenGraph& frozen) {
  std::vector<tensorflow::NodeDef> axes;
  for (tensorflow::NodeDef& node : *frozen.graph.mutable_node()) {
    if (node.input_size() == 0 || absl::StartsWith(node.input(0), "^")) {
      continue;
    }
    ASSIGN_OR_RETURN(std::string source, NodeOf(node.input(0)));
    auto handle = handles.find(source);
    if (handle == handles.end()) continue;
    auto& attrs = *node.mutable_attr();
    if (node.op() == "ReadVariableOp") {
      node.set_op("Identity");
      attrs["T"] = handle->second;
      attrs.erase("dtype");
    } else if (node.op() == "ResourceGather") {
      const tensorflow::AttrValue index_type = attrs["Tindices"];
      tensorflow::NodeDef& axis = axes.emplace_back();
      axis.set_name(absl::StrCat(node.name(), "/axis"));
      axis.set_op("Const");
      (*axis.mutable_attr())["dtype"] = index_type;
      Tensor zero(static_cast<DataType>(index_type.type()), TensorShape{});
      std::memset(zero.raw_data(), 0, zero.total_bytes());
      TensorToProto(zero, (*axis.mutable_attr())["value"].mutable_tensor());
      node.set_op("GatherV2");
      node.add_input(axis.name());
      attrs["Taxis"] = index_type;
      attrs["Tparams"] = handle->second;
      attrs.erase("dtype");
      attrs.erase("validate_indices");
    } else {
      return absl::UnimplementedError(absl::StrCat(
          "node '", node.name(), "' (", node.op(), ") uses resource variable '",
          source,
          "', which freezing turns into a Const; only ReadVariableOp and "
          "ResourceGather can read it"));
    }
  }
  for (tensorflow::NodeDef& axis : axes) {
    *frozen.graph.add_node() = std::move(axis);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<tensorflow::GraphDef> ExtractSubGraph(
    const tensorflow::GraphDef& graph,
    const std::vector<std::string>& outputs) {
  absl::flat_hash_map<std::string, int> index;
  for (int i = 0; i < graph.node_size(); ++i) {
    index.emplace(graph.node(i).name(), i);
  }
  std::vector<bool> keep(graph.node_size(), false);
  std::vector<int> pending;
  auto visit = [&](const std::string& name,
                   absl::string_view needed_by) -> absl::Status {
    auto it = index.find(name);
    if (it == index.end()) {
      return absl::NotFoundError(absl::StrCat(
          needed_by.empty() ? "output"
                            : absl::StrCat("input of '", needed_by, "'"),
          " '", name, "': no node of that name in the graph"));
    }
    if (!keep[it->second]) {
      keep[it->second] = true;
      pending.push_back(it->second);
    }
    return absl::OkStatus();
  };
  if (outputs.empty()) {
    return absl::InvalidArgumentError("no output nodes given");
  }
  for (const std::string& out : outputs) {
    ASSIGN_OR_RETURN(std::string node, NodeOf(out));
    RETURN_IF_ERROR(visit(node, ""));
  }
  while (!pending.empty()) {
    const tensorflow::NodeDef& def = graph.node(pending.back());
    pending.pop_back();
    for (const std::string& in : def.input()) {
      ASSIGN_OR_RETURN(std::string node, NodeOf(in));
      RETURN_IF_ERROR(visit(node, def.name()));
    }
  }
  tensorflow::GraphDef out;
  *out.mutable_versions() = graph.versions();
  *out.mutable_library() = graph.library();
  for (int i = 0; i < graph.node_size(); ++i) {
    if (keep[i]) *out.add_node() = graph.node(i);
  }
  return out;
}

absl::StatusOr<FrozenGraph> FreezeGraph(
    const tensorflow::GraphDef& graph,
    const std::map<std::string, Tensor>& values,
    const std::vector<std::string>& outputs, const FreezeOptions& options) {
  FrozenGraph frozen;
  ASSIGN_OR_RETURN(frozen.graph, ExtractSubGraph(graph, outputs));
  // Resource variables frozen, by name, with their dtype attr.
  absl::flat_hash_map<std::string, tensorflow::AttrValue> handles;
  for (tensorflow::NodeDef& node : *frozen.graph.mutable_node()) {
    if (options.clear_devices) node.clear_device();
    const bool resource = node.op() == "VarHandleOp";
    if (!IsRefVariable(node) && !resource) continue;
    auto value = values.find(node.name());
    if (value == values.end()) {
      return absl::NotFoundError(absl::StrCat("variable '", node.name(),
                                              "' is not in the checkpoint"));
    }
    RETURN_IF_ERROR(CheckValue(node, value->second));
    tensorflow::AttrValue dtype = node.attr().at("dtype");
    if (resource) handles.emplace(node.name(), dtype);
    tensorflow::NodeDef constant;
    constant.set_name(node.name());
    constant.set_op("Const");
    if (!options.clear_devices) constant.set_device(node.device());
    (*constant.mutable_attr())["dtype"] = std::move(dtype);
    TensorToProto(value->second,
                  (*constant.mutable_attr())["value"].mutable_tensor());
    node = std::move(constant);
    frozen.frozen_variables.push_back(node.name());
  }
  if (!handles.empty()) RETURN_IF_ERROR(RewriteHandleReaders(handles, frozen));
  return frozen;
}

}  // namespace graphflow
