#include "saved_model/saved_model.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/file_io.h"
#include "google/protobuf/stubs/logging.h"
#include "graph/status.h"
#include "proto/graph_io.h"
#include "session/checkpoint.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;

bool IsFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

Tensor StringScalar(const std::string& value) {
  Tensor t(DT_STRING, TensorShape{});
  t.data<std::string>()[0] = value;
  return t;
}

// TF's GetAssetFileDefs: the meta graph's asset_file_def, else the
// AssetFileDefs packed as Any in the ASSETS_KEY collection.
absl::StatusOr<std::vector<tensorflow::AssetFileDef>> AssetFileDefs(
    const tensorflow::MetaGraphDef& meta) {
  std::vector<tensorflow::AssetFileDef> assets(meta.asset_file_def().begin(),
                                               meta.asset_file_def().end());
  if (!assets.empty()) return assets;
  auto it = meta.collection_def().find(kSavedModelAssetsKey);
  if (it == meta.collection_def().end()) return assets;
  for (const auto& any : it->second.any_list().value()) {
    tensorflow::AssetFileDef asset;
    if (!absl::EndsWith(any.type_url(), "tensorflow.AssetFileDef") ||
        !asset.ParseFromString(any.value())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "collection ", kSavedModelAssetsKey,
          " holds a value that is not an AssetFileDef (", any.type_url(), ")"));
    }
    assets.push_back(std::move(asset));
  }
  return assets;
}

// The init op TF's loader runs: the main op, else the legacy init op; ""
// when there is neither.
absl::StatusOr<std::string> InitOpName(const tensorflow::MetaGraphDef& meta,
                                       const std::string& dir) {
  for (const char* key : {kSavedModelMainOpKey, kSavedModelLegacyInitOpKey}) {
    auto it = meta.collection_def().find(key);
    if (it == meta.collection_def().end()) continue;
    const auto& nodes = it->second.node_list().value();
    if (nodes.size() != 1) {
      return absl::FailedPreconditionError(
          absl::StrCat("SavedModel ", dir, ": expected exactly one op in ",
                       "collection ", key, ", found ", nodes.size()));
    }
    return nodes[0];
  }
  return std::string();
}

std::string KeysOf(
    const google::protobuf::Map<std::string, tensorflow::TensorInfo>& m) {
  std::vector<std::string> keys;
  for (const auto& [key, info] : m) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return absl::StrJoin(keys, ", ");
}

absl::StatusOr<std::string> TensorName(
    const std::string& signature, const char* what,
    const google::protobuf::Map<std::string, tensorflow::TensorInfo>& m,
    const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) {
    return absl::NotFoundError(absl::StrCat("signature '", signature,
                                            "' has no ", what, " '", key,
                                            "' (it has: ", KeysOf(m), ")"));
  }
  if (it->second.name().empty()) {
    return absl::UnimplementedError(
        absl::StrCat("signature '", signature, "' ", what, " '", key,
                     "' is a sparse or composite tensor"));
  }
  return it->second.name();
}

}  // namespace

bool IsSavedModelDirectory(const std::string& dir) {
  return IsFile(fs::path(dir) / kSavedModelFilenamePb) ||
         IsFile(fs::path(dir) / kSavedModelFilenamePbTxt);
}

absl::StatusOr<tensorflow::SavedModel> ReadSavedModel(const std::string& dir) {
  tensorflow::SavedModel model;
  fs::path pb = fs::path(dir) / kSavedModelFilenamePb;
  if (IsFile(pb)) {
    ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(pb.string()));
    google::protobuf::LogSilencer silence;
    if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
        !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::InvalidArgumentError(
          absl::StrCat(pb.string(), ": not a valid binary SavedModel (",
                       bytes.size(), " bytes)"));
    }
    return model;
  }
  fs::path pbtxt = fs::path(dir) / kSavedModelFilenamePbTxt;
  if (!IsFile(pbtxt)) {
    return absl::NotFoundError(
        absl::StrCat("SavedModel file does not exist in ", dir, ": expected ",
                     kSavedModelFilenamePb, " or ", kSavedModelFilenamePbTxt));
  }
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(pbtxt.string()));
  RETURN_IF_ERROR(ParseTextProto(text, &model, pbtxt.string()));
  return model;
}

std::set<std::string> ParseTags(absl::string_view tags) {
  std::set<std::string> out;
  for (absl::string_view t : absl::StrSplit(tags, ',', absl::SkipEmpty())) {
    out.insert(std::string(t));
  }
  if (out.empty()) out.insert(kSavedModelTagServe);
  return out;
}

std::string TagSetString(const std::set<std::string>& tags) {
  return absl::StrCat("{", absl::StrJoin(tags, ", "), "}");
}

absl::StatusOr<tensorflow::MetaGraphDef> FindMetaGraph(
    const tensorflow::SavedModel& model, const std::set<std::string>& tags,
    const std::string& source) {
  std::vector<std::string> available;
  for (const auto& meta : model.meta_graphs()) {
    const auto& t = meta.meta_info_def().tags();
    std::set<std::string> have(t.begin(), t.end());
    if (have == tags) return meta;
    available.push_back(TagSetString(have));
  }
  return absl::NotFoundError(
      absl::StrCat("SavedModel ", source, " has no meta graph with tags ",
                   TagSetString(tags), "; available tag sets: ",
                   available.empty() ? "none" : absl::StrJoin(available, " ")));
}

absl::StatusOr<std::string> Signature::Input(const std::string& key) const {
  return TensorName(name_, "input", def_.inputs(), key);
}

absl::StatusOr<std::string> Signature::Output(const std::string& key) const {
  return TensorName(name_, "output", def_.outputs(), key);
}

absl::StatusOr<Signature> SavedModelBundle::GetSignature(
    const std::string& name) const {
  auto it = meta_graph.signature_def().find(name);
  if (it == meta_graph.signature_def().end()) {
    std::vector<std::string> names;
    for (const auto& [n, def] : meta_graph.signature_def()) names.push_back(n);
    std::sort(names.begin(), names.end());
    return absl::NotFoundError(
        absl::StrCat("SavedModel has no signature '", name, "' (it has: ",
                     names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
  }
  return Signature(name, it->second);
}

absl::StatusOr<SavedModelBundle> LoadSavedModel(
    const std::string& dir, const std::set<std::string>& tags,
    const OpRegistry& ops, SessionOptions options) {
  ASSIGN_OR_RETURN(tensorflow::SavedModel model, ReadSavedModel(dir));
  SavedModelBundle bundle;
  ASSIGN_OR_RETURN(bundle.meta_graph, FindMetaGraph(model, tags, dir));
  const tensorflow::MetaGraphDef& meta = bundle.meta_graph;
  ASSIGN_OR_RETURN(bundle.session,
                   Session::Create(meta.graph_def(), ops, options));
  Session& session = *bundle.session;

  ASSIGN_OR_RETURN(auto assets, AssetFileDefs(meta));
  NamedTensors asset_feeds;
  for (const auto& asset : assets) {
    fs::path path =
        fs::path(dir) / kSavedModelAssetsDirectory / asset.filename();
    asset_feeds.emplace_back(asset.tensor_info().name(),
                             StringScalar(path.string()));
  }

  // TF restores only when variables/variables.index exists.
  fs::path prefix = fs::path(dir) / kSavedModelVariablesDirectory /
                    kSavedModelVariablesFilename;
  if (IsFile(prefix.string() + ".index")) {
    const auto& saver = meta.saver_def();
    if (!saver.restore_op_name().empty()) {
      NamedTensors feeds = asset_feeds;
      feeds.emplace_back(saver.filename_tensor_name(),
                         StringScalar(prefix.string()));
      RETURN_IF_ERROR(
          session.Run(feeds, {}, {saver.restore_op_name()}).status());
    } else {
      RETURN_IF_ERROR(RestoreVariables(session, prefix.string()));
    }
  }

  ASSIGN_OR_RETURN(std::string init_op, InitOpName(meta, dir));
  if (!init_op.empty()) {
    RETURN_IF_ERROR(session.Run(asset_feeds, {}, {init_op}).status());
  }
  return bundle;
}

}  // namespace graphflow
