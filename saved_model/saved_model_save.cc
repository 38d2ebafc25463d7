// Writing SavedModels: the graph with a TF-style saver subgraph, its
// signatures, and the variables as a TF V2 checkpoint.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "graph/tensor_proto.h"
#include "saved_model/saved_model.h"
#include "session/checkpoint.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;

// The names tf.train.Saver (V2, not sharded) gives its nodes.
constexpr char kSaveConst[] = "save/Const";
constexpr char kSaveControl[] = "save/control_dependency";
constexpr char kRestoreAll[] = "save/restore_all";

tensorflow::NodeDef* AddNode(tensorflow::GraphDef* g, const std::string& name,
                             const std::string& op,
                             std::vector<std::string> inputs) {
  tensorflow::NodeDef* n = g->add_node();
  n->set_name(name);
  n->set_op(op);
  for (auto& in : inputs) n->add_input(std::move(in));
  return n;
}

void AddConst(tensorflow::GraphDef* g, const std::string& name,
              const Tensor& value) {
  tensorflow::NodeDef* n = AddNode(g, name, "Const", {});
  (*n->mutable_attr())["dtype"].set_type(
      static_cast<tensorflow::DataType>(value.dtype()));
  TensorToProto(value, (*n->mutable_attr())["value"].mutable_tensor());
}

Tensor Strings(const std::vector<std::string>& values) {
  Tensor t(DT_STRING, TensorShape{static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) {
    t.data<std::string>()[i] = values[i];
  }
  return t;
}

struct SavedVariable {
  std::string key;   // Checkpoint key (shared_name or node name).
  std::string node;  // The VariableV2 node.
  DataType dtype;
};

// Appends what tf.train.Saver builds for `vars` (save/Const fed with the
// prefix; save/SaveV2 behind save/control_dependency; one save/RestoreV2
// feeding save/Assign, save/Assign_1, ... grouped by save/restore_all) and
// fills `saver` as TF does.
void AddSaverSubgraph(const std::vector<SavedVariable>& vars,
                      tensorflow::GraphDef* g, tensorflow::SaverDef* saver) {
  std::vector<std::string> keys, slices(vars.size());
  for (const auto& v : vars) keys.push_back(v.key);
  Tensor prefix(DT_STRING, TensorShape{});
  prefix.data<std::string>()[0] = "model";
  AddConst(g, kSaveConst, prefix);
  for (const char* op : {"SaveV2", "RestoreV2"}) {
    const std::string base = absl::StrCat("save/", op);
    AddConst(g, base + "/tensor_names", Strings(keys));
    AddConst(g, base + "/shape_and_slices", Strings(slices));
    std::vector<std::string> inputs = {kSaveConst, base + "/tensor_names",
                                       base + "/shape_and_slices"};
    if (std::string(op) == "SaveV2") {
      for (const auto& v : vars) inputs.push_back(v.node);
    }
    tensorflow::NodeDef* n = AddNode(g, base, op, inputs);
    auto* dtypes = (*n->mutable_attr())["dtypes"].mutable_list();
    for (const auto& v : vars) {
      dtypes->add_type(static_cast<tensorflow::DataType>(v.dtype));
    }
  }
  tensorflow::NodeDef* control =
      AddNode(g, kSaveControl, "Identity", {kSaveConst, "^save/SaveV2"});
  (*control->mutable_attr())["T"].set_type(tensorflow::DT_STRING);
  std::vector<std::string> assigns;
  for (size_t i = 0; i < vars.size(); ++i) {
    std::string name = i == 0 ? "save/Assign" : absl::StrCat("save/Assign_", i);
    tensorflow::NodeDef* a = AddNode(
        g, name, "Assign", {vars[i].node, absl::StrCat("save/RestoreV2:", i)});
    auto& attr = *a->mutable_attr();
    attr["T"].set_type(static_cast<tensorflow::DataType>(vars[i].dtype));
    attr["validate_shape"].set_b(true);
    attr["use_locking"].set_b(true);
    assigns.push_back("^" + name);
  }
  AddNode(g, kRestoreAll, "NoOp", assigns);
  saver->set_filename_tensor_name(absl::StrCat(kSaveConst, ":0"));
  saver->set_save_tensor_name(absl::StrCat(kSaveControl, ":0"));
  saver->set_restore_op_name(kRestoreAll);
  saver->set_max_to_keep(5);
  saver->set_keep_checkpoint_every_n_hours(10000.0f);
  saver->set_version(tensorflow::SaverDef::V2);
}

std::vector<SavedVariable> GraphVariables(const Graph& graph) {
  std::vector<SavedVariable> vars;
  for (const auto& node : graph.nodes()) {
    if (node->op() != "VariableV2") continue;
    const std::string* shared = node->FindAttr<std::string>("shared_name");
    const DataType* dtype = node->FindAttr<DataType>("dtype");
    vars.push_back({shared && !shared->empty() ? *shared : node->name(),
                    node->name(), dtype ? *dtype : DT_FLOAT});
  }
  std::sort(vars.begin(), vars.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  return vars;
}

absl::Status WriteModel(
    Session& session, const fs::path& tmp, const std::set<std::string>& tags,
    const std::map<std::string, tensorflow::SignatureDef>& signatures) {
  tensorflow::SavedModel model;
  model.set_saved_model_schema_version(1);
  tensorflow::MetaGraphDef* meta = model.add_meta_graphs();
  for (const auto& tag : tags) meta->mutable_meta_info_def()->add_tags(tag);
  *meta->mutable_graph_def() = GraphToGraphDef(session.graph());
  for (const auto& [name, def] : signatures) {
    (*meta->mutable_signature_def())[name] = def;
  }
  std::vector<SavedVariable> vars = GraphVariables(session.graph());
  std::error_code ec;
  if (!vars.empty()) {
    fs::path variables = tmp / kSavedModelVariablesDirectory;
    if (!fs::create_directories(variables, ec) && ec) {
      return absl::InternalError(absl::StrCat(
          "cannot create ", variables.string(), ": ", ec.message()));
    }
    RETURN_IF_ERROR(SaveVariables(
        session, (variables / kSavedModelVariablesFilename).string(),
        CheckpointFormat::kTensorFlow));
    if (session.graph().FindNode(kRestoreAll) == nullptr) {
      AddSaverSubgraph(vars, meta->mutable_graph_def(),
                       meta->mutable_saver_def());
    }
  }
  std::string bytes;
  model.SerializeToString(&bytes);
  return WriteFileAtomically((tmp / kSavedModelFilenamePb).string(), bytes);
}

}  // namespace

absl::StatusOr<tensorflow::SignatureDef> MakeSignatureDef(
    const Graph& graph, const std::map<std::string, std::string>& inputs,
    const std::map<std::string, std::string>& outputs,
    const std::string& method_name) {
  tensorflow::SignatureDef def;
  def.set_method_name(method_name);
  for (const auto* side : {&inputs, &outputs}) {
    auto* infos =
        side == &inputs ? def.mutable_inputs() : def.mutable_outputs();
    for (const auto& [key, tensor] : *side) {
      ASSIGN_OR_RETURN(Endpoint e, graph.FindEndpoint(tensor));
      tensorflow::TensorInfo& info = (*infos)[key];
      info.set_name(absl::StrCat(e.node->name(), ":", e.index));
      info.set_dtype(static_cast<tensorflow::DataType>(
          BaseType(e.node->output_type(e.index))));
      ShapeToProto(e.node->output_shape(e.index), info.mutable_tensor_shape());
    }
  }
  return def;
}

absl::Status SaveSavedModel(
    Session& session, const std::string& dir, const std::set<std::string>& tags,
    const std::map<std::string, tensorflow::SignatureDef>& signatures) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat("SavedModel directory ", dir, " already exists"));
  }
  fs::path tmp = absl::StrCat(dir, ".tmp.", getpid());
  fs::remove_all(tmp, ec);
  if (!fs::create_directories(tmp, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot create ", tmp.string(), ": ", ec ? ec.message() : "exists"));
  }
  absl::Status status = WriteModel(session, tmp, tags, signatures);
  if (status.ok()) {
    fs::rename(tmp, dir, ec);
    if (ec) {
      status = absl::InternalError(absl::StrCat(
          "cannot rename ", tmp.string(), " to ", dir, ": ", ec.message()));
    }
  }
  if (!status.ok()) fs::remove_all(tmp, ec);
  return status;
}

}  // namespace graphflow
