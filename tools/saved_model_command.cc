#include "tools/saved_model_command.h"

#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "ops/all_ops.h"
#include "tools/graph_tools.h"

namespace graphflow::cli {
namespace {

// saved_model_cli's shape text: "(-1, 784)", "()", "unknown_rank".
std::string ShapeText(const tensorflow::TensorShapeProto& shape) {
  if (shape.unknown_rank()) return "unknown_rank";
  std::vector<int64_t> dims;
  for (const auto& d : shape.dim()) dims.push_back(d.size());
  return absl::StrCat("(", absl::StrJoin(dims, ", "), ")");
}

void AppendTensors(
    const char* what,
    const google::protobuf::Map<std::string, tensorflow::TensorInfo>& infos,
    std::string* out) {
  absl::StrAppend(out,
                  "  The given SavedModel SignatureDef contains the following ",
                  what, "(s):\n");
  std::map<std::string, tensorflow::TensorInfo> sorted;
  for (const auto& [key, info] : infos) sorted[key] = info;
  for (const auto& [key, info] : sorted) {
    absl::StrAppend(out, "    ", what, "s['", key, "'] tensor_info:\n",
                    "        dtype: ", tensorflow::DataType_Name(info.dtype()),
                    "\n        shape: ", ShapeText(info.tensor_shape()),
                    "\n        name: ", info.name(), "\n");
  }
}

}  // namespace

absl::StatusOr<OpenedModel> OpenGraphOrSavedModel(
    const std::string& path, const std::string& tags,
    const SessionOptions& options) {
  OpenedModel opened;
  if (!IsSavedModelDirectory(path)) {
    ASSIGN_OR_RETURN(opened.graph, LoadGraphFile(path));
    return opened;
  }
  const std::string& dir = path;
  ASSIGN_OR_RETURN(
      SavedModelBundle bundle,
      LoadSavedModel(dir, ParseTags(tags), GlobalOpRegistry(), options));
  opened.saved_model = true;
  opened.session = std::move(bundle.session);
  opened.meta_graph = std::move(bundle.meta_graph);
  // Aliasing constructor: points at the session's graph, owns nothing.
  opened.graph = std::shared_ptr<const Graph>(std::shared_ptr<const Graph>(),
                                              &opened.session->graph());
  return opened;
}

absl::Status ResolveSignatureKeys(const tensorflow::MetaGraphDef& meta,
                                  const std::string& signature,
                                  FeedFiles* feeds,
                                  std::vector<std::string>* fetches) {
  if (signature.empty()) return absl::OkStatus();
  SavedModelBundle view;
  view.meta_graph = meta;
  ASSIGN_OR_RETURN(Signature sig, view.GetSignature(signature));
  for (auto& [name, file] : *feeds) {
    if (sig.def().inputs().contains(name)) {
      ASSIGN_OR_RETURN(name, sig.Input(name));
    }
  }
  for (std::string& name : *fetches) {
    if (sig.def().outputs().contains(name)) {
      ASSIGN_OR_RETURN(name, sig.Output(name));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> FormatSavedModelListing(const std::string& dir) {
  ASSIGN_OR_RETURN(tensorflow::SavedModel model, ReadSavedModel(dir));
  std::string out;
  for (const auto& meta : model.meta_graphs()) {
    const auto& t = meta.meta_info_def().tags();
    std::set<std::string> tags(t.begin(), t.end());
    absl::StrAppend(&out, out.empty() ? "" : "\n",
                    "MetaGraphDef with tag-set: '", absl::StrJoin(tags, ", "),
                    "' contains the following SignatureDefs:\n");
    std::map<std::string, tensorflow::SignatureDef> sorted;
    for (const auto& [name, def] : meta.signature_def()) sorted[name] = def;
    for (const auto& [name, def] : sorted) {
      absl::StrAppend(&out, "\nsignature_def['", name, "']:\n");
      AppendTensors("input", def.inputs(), &out);
      AppendTensors("output", def.outputs(), &out);
      absl::StrAppend(&out, "  Method name is: ", def.method_name(), "\n");
    }
  }
  if (model.meta_graphs().empty()) {
    absl::StrAppend(&out, dir, ": the SavedModel has no meta graphs\n");
  }
  return out;
}

absl::Status SaveSessionAsSavedModel(
    Session& session, const std::string& dir, const std::string& tags,
    const std::map<std::string, tensorflow::SignatureDef>& signatures) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    return SaveSavedModel(session, dir, ParseTags(tags), signatures);
  }
  if (!IsSavedModelDirectory(dir)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "--save ", dir, ": exists and is not a SavedModel; not overwritten"));
  }
  // A later save of the same run (--save-every): written beside the old
  // one, then swapped in.
  const std::string fresh = dir + ".new", old = dir + ".old";
  fs::remove_all(fresh, ec);
  fs::remove_all(old, ec);
  RETURN_IF_ERROR(SaveSavedModel(session, fresh, ParseTags(tags), signatures));
  fs::rename(dir, old, ec);
  if (!ec) fs::rename(fresh, dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("--save ", dir, ": cannot replace it: ", ec.message()));
  }
  fs::remove_all(old, ec);
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, tensorflow::SignatureDef>>
SignaturesForSave(const OpenedModel& source, const FeedFiles& feeds,
                  const std::vector<std::string>& outputs) {
  std::map<std::string, tensorflow::SignatureDef> out;
  if (source.saved_model) {
    for (const auto& [name, def] : source.meta_graph.signature_def()) {
      out[name] = def;
    }
    return out;
  }
  std::map<std::string, std::string> inputs, outs;
  for (const auto& [name, file] : feeds) inputs[name] = name;
  for (const auto& name : outputs) {
    if (!name.empty()) outs[name] = name;
  }
  ASSIGN_OR_RETURN(out[kDefaultServingSignatureDefKey],
                   MakeSignatureDef(*source.graph, inputs, outs));
  return out;
}

}  // namespace graphflow::cli
