// SavedModel directories in the CLI (told from graph files by content: they
// hold saved_model.pb or .pbtxt): run and train load them by --tag, resolve
// --signature input/output keys to tensor names, inspect lists their tag
// sets and signatures like TF's `saved_model_cli show --all`, and
// --save-format savedmodel writes one.
#ifndef GRAPHFLOW_TOOLS_SAVED_MODEL_COMMAND_H_
#define GRAPHFLOW_TOOLS_SAVED_MODEL_COMMAND_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "saved_model/saved_model.h"
#include "tools/run_command.h"

namespace graphflow::cli {

// What run and train start from: a graph file's graph, or a SavedModel's
// session (variables restored, init op run) and meta graph.
struct OpenedModel {
  bool saved_model = false;
  std::shared_ptr<const Graph> graph;  // A SavedModel's: not owned.
  std::unique_ptr<Session> session;    // Null for a graph file.
  tensorflow::MetaGraphDef meta_graph;
};
// `tags` (comma-separated, --tag) choose a SavedModel's meta graph, whose
// session gets `options`.
absl::StatusOr<OpenedModel> OpenGraphOrSavedModel(
    const std::string& path, const std::string& tags,
    const SessionOptions& options);

// Replaces feed names that are input keys, and fetch names that are output
// keys, of signature `signature` by their tensor names; other names stay
// (node names still work). NotFound listing the signatures when absent.
absl::Status ResolveSignatureKeys(const tensorflow::MetaGraphDef& meta,
                                  const std::string& signature,
                                  FeedFiles* feeds,
                                  std::vector<std::string>* fetches);

// Every meta graph's tag set, and each signature's inputs and outputs (key,
// dtype, shape, tensor name) and method.
absl::StatusOr<std::string> FormatSavedModelListing(const std::string& dir);

// "savedmodel" as --save-format spells it.
inline constexpr char kSavedModelFormatName[] = "savedmodel";

// Writes the session as a SavedModel at `dir` with `tags` (comma-separated)
// and `signatures`.
absl::Status SaveSessionAsSavedModel(
    Session& session, const std::string& dir, const std::string& tags,
    const std::map<std::string, tensorflow::SignatureDef>& signatures);

// The signatures a trained model is saved with: those of the SavedModel it
// was loaded from, else serving_default from the fed placeholders to
// `outputs`.
absl::StatusOr<std::map<std::string, tensorflow::SignatureDef>>
SignaturesForSave(const OpenedModel& source, const FeedFiles& feeds,
                  const std::vector<std::string>& outputs);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_SAVED_MODEL_COMMAND_H_
