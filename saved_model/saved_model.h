// SavedModels, TensorFlow 1.x's serving format, both ways. A directory holds
// saved_model.pb (or .pbtxt: a SavedModel proto with one MetaGraphDef per tag
// set), variables/variables.{index,data-*} (a TF V2 checkpoint) and assets/.
//
//   ASSIGN_OR_RETURN(SavedModelBundle model,
//                    LoadSavedModel(dir, {"serve"}, GlobalOpRegistry()));
//   ASSIGN_OR_RETURN(Signature sig, model.GetSignature("predict_images"));
//   ASSIGN_OR_RETURN(std::string x, sig.Input("images"));
//   ASSIGN_OR_RETURN(std::string y, sig.Output("scores"));
//   ASSIGN_OR_RETURN(auto out, model.session->Run({{x, images}}, {y}));
#ifndef GRAPHFLOW_SAVED_MODEL_SAVED_MODEL_H_
#define GRAPHFLOW_SAVED_MODEL_SAVED_MODEL_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/op_registry.h"
#include "proto/graph.pb.h"
#include "proto/saved_model.pb.h"
#include "session/session.h"

namespace graphflow {

// tensorflow/cc/saved_model/{constants,tag_constants,signature_constants}.h.
inline constexpr char kSavedModelFilenamePb[] = "saved_model.pb";
inline constexpr char kSavedModelFilenamePbTxt[] = "saved_model.pbtxt";
inline constexpr char kSavedModelVariablesDirectory[] = "variables";
inline constexpr char kSavedModelVariablesFilename[] = "variables";
inline constexpr char kSavedModelAssetsDirectory[] = "assets";
inline constexpr char kSavedModelAssetsKey[] = "saved_model_assets";
inline constexpr char kSavedModelMainOpKey[] = "saved_model_main_op";
inline constexpr char kSavedModelLegacyInitOpKey[] = "legacy_init_op";
inline constexpr char kSavedModelTagServe[] = "serve";
inline constexpr char kSavedModelTagTrain[] = "train";
inline constexpr char kDefaultServingSignatureDefKey[] = "serving_default";

// True when `dir` is a directory holding saved_model.pb or .pbtxt.
bool IsSavedModelDirectory(const std::string& dir);

// Reads saved_model.pb (binary) or else saved_model.pbtxt (text).
absl::StatusOr<tensorflow::SavedModel> ReadSavedModel(const std::string& dir);

// The meta graph whose tag set equals `tags` (as TF matches: as sets);
// NotFound listing the available tag sets otherwise.
absl::StatusOr<tensorflow::MetaGraphDef> FindMetaGraph(
    const tensorflow::SavedModel& model, const std::set<std::string>& tags,
    const std::string& source);

// "serve,train" -> {"serve", "train"}; "" -> {"serve"}.
std::set<std::string> ParseTags(absl::string_view tags);
std::string TagSetString(const std::set<std::string>& tags);

// A signature's input and output keys resolved to tensor names.
class Signature {
 public:
  Signature(std::string name, tensorflow::SignatureDef def)
      : name_(std::move(name)), def_(std::move(def)) {}
  // NotFound naming the signature and listing its keys.
  absl::StatusOr<std::string> Input(const std::string& key) const;
  absl::StatusOr<std::string> Output(const std::string& key) const;
  const std::string& name() const { return name_; }
  const tensorflow::SignatureDef& def() const { return def_; }

 private:
  std::string name_;
  tensorflow::SignatureDef def_;
};

struct SavedModelBundle {
  std::unique_ptr<Session> session;
  tensorflow::MetaGraphDef meta_graph;
  // NotFound listing the signatures the meta graph has.
  absl::StatusOr<Signature> GetSignature(const std::string& name) const;
};

// Loads as TF's LoadSavedModel does: picks the meta graph by tags, imports
// its graph, restores variables/variables through the graph's saver
// (restore_op_name run with filename_tensor_name fed; without a saver, by
// name through RestoreVariables), feeding every asset tensor its path under
// assets/, then runs the main op (saved_model_main_op) or else the legacy
// init op with the same asset feeds.
absl::StatusOr<SavedModelBundle> LoadSavedModel(
    const std::string& dir, const std::set<std::string>& tags,
    const OpRegistry& ops, SessionOptions options = {});

// Writes `session`'s graph and variables as a SavedModel with one meta graph
// (`tags`, `signatures`): saved_model.pb, variables/ (TF V2 checkpoint) and
// a TF-style saver subgraph (save/Const, save/SaveV2, save/restore_all, ...)
// added to the written GraphDef unless the graph has one, so TF's loader
// restores it. Written to a temporary directory renamed to `dir` at the end;
// AlreadyExists when `dir` exists (as TF's SavedModelBuilder).
absl::Status SaveSavedModel(
    Session& session, const std::string& dir, const std::set<std::string>& tags,
    const std::map<std::string, tensorflow::SignatureDef>& signatures);

// A SignatureDef from key -> tensor name maps, dtypes and shapes taken from
// the graph; NotFound for an unknown tensor.
absl::StatusOr<tensorflow::SignatureDef> MakeSignatureDef(
    const Graph& graph, const std::map<std::string, std::string>& inputs,
    const std::map<std::string, std::string>& outputs,
    const std::string& method_name = "tensorflow/serving/predict");

}  // namespace graphflow

#endif  // GRAPHFLOW_SAVED_MODEL_SAVED_MODEL_H_
