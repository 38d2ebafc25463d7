#include "tools/run_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "absl/strings/str_cat.h"
#include "dataset/npy.h"
#include "graph/status.h"
#include "session/checkpoint.h"
#include "tools/graph_tools.h"
#include "tools/saved_model_command.h"
#include "tools/tensor_format.h"

namespace graphflow::cli {

absl::StatusOr<FeedFiles> ParseFeedFlags(const std::vector<std::string>& flags,
                                         absl::string_view flag_name) {
  FeedFiles out;
  for (const std::string& f : flags) {
    size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == f.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag_name, " '", f, "': expected NAME=FILE"));
    }
    out.emplace_back(f.substr(0, eq), f.substr(eq + 1));
  }
  return out;
}

absl::StatusOr<NamedTensors> LoadFeeds(const Graph& graph,
                                       const FeedFiles& feeds,
                                       const FeedConversion& conversion) {
  NamedTensors out;
  for (const auto& [name, path] : feeds) {
    auto endpoint = graph.FindEndpoint(name);
    if (!endpoint.ok()) {
      return absl::Status(
          endpoint.status().code(),
          absl::StrCat("feed '", name, "': ", endpoint.status().message()));
    }
    ASSIGN_OR_RETURN(Tensor data,
                     ReadTensorFile(path, conversion.max_tensor_bytes));
    ASSIGN_OR_RETURN(Tensor fitted,
                     FitToPlaceholder(data, *endpoint->node, conversion, name,
                                      endpoint->index));
    out.emplace_back(name, std::move(fitted));
  }
  return out;
}

absl::Status CheckOutputPath(absl::string_view flag, const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": empty path"));
  }
  std::string parent = std::filesystem::path(path).parent_path().string();
  if (parent.empty()) parent = ".";
  struct stat st;
  if (stat(parent.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " ", path, ": directory ", parent, " does not exist"));
  }
  if (access(parent.c_str(), W_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " ", path, ": directory ", parent,
                     " is not writable: ", std::strerror(errno)));
  }
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " ", path, ": is a directory"));
  }
  return absl::OkStatus();
}

absl::Status RunCommand(const RunOptions& options, FILE* out) {
  if (!options.save.empty()) {
    RETURN_IF_ERROR(CheckOutputPath("--save", options.save));
  }
  if (options.fetches.empty() && options.targets.empty() &&
      options.inits.empty()) {
    return absl::InvalidArgumentError(
        "nothing to run: give at least one --fetch, --target or --init");
  }
  if (options.steps < 0 || (options.steps == 0 && !options.fetches.empty())) {
    return absl::InvalidArgumentError(
        absl::StrCat("--steps ", options.steps,
                     ": must be at least 1 to fetch (0 runs only --init)"));
  }
  if (!options.out_dir.empty()) {
    // "a/b" and "a_b" would both write a_b.npy.
    std::map<std::string, std::string> stems;
    for (const std::string& fetch : options.fetches) {
      auto [it, added] = stems.emplace(FetchFileStem(fetch), fetch);
      if (!added) {
        return absl::InvalidArgumentError(
            absl::StrCat("--fetch '", it->second, "' and '", fetch,
                         "' would both write ", it->first, ".npy"));
      }
    }
  }
  SessionOptions session_options;
  session_options.limits.max_tensor_bytes = options.conversion.max_tensor_bytes;
  session_options.optimize = options.optimize;
  session_options.threads = options.threads;
  // A SavedModel comes restored and initialized, with signature keys.
  ASSIGN_OR_RETURN(
      OpenedModel model,
      OpenGraphOrSavedModel(options.graph, options.tags, session_options));
  std::shared_ptr<const Graph> graph = model.graph;
  std::unique_ptr<Session>& session = model.session;
  std::vector<std::string> fetches = options.fetches;
  FeedFiles feed_files = options.feeds;
  if (!model.saved_model && !options.signature.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--signature needs a SavedModel directory; ",
                     options.graph, " is a graph file"));
  }
  RETURN_IF_ERROR(ResolveSignatureKeys(model.meta_graph, options.signature,
                                       &feed_files, &fetches));
  for (const std::string& fetch : fetches) {
    const Node* node = graph->FindNode(fetch);
    if (node != nullptr && node->num_outputs() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--fetch '", fetch, "': node '", fetch, "' (", node->op(),
          ") has no outputs; run it with --target or --init"));
    }
  }
  ASSIGN_OR_RETURN(NamedTensors feeds,
                   LoadFeeds(*graph, feed_files, options.conversion));
  if (!model.saved_model) {
    ASSIGN_OR_RETURN(session, Session::Create(graph, session_options));
  }
  if (!options.restore.empty()) {
    RETURN_IF_ERROR(RestoreVariables(*session, options.restore));
  }
  for (const std::string& init : options.inits) {
    RETURN_IF_ERROR(session->Run(feeds, {}, {init}).status());
  }
  std::vector<Tensor> results;
  for (int step = 0; step < options.steps; ++step) {
    ASSIGN_OR_RETURN(results, session->Run(feeds, fetches, options.targets));
  }
  if (!options.save.empty() && options.save_saved_model) {
    ASSIGN_OR_RETURN(auto signatures,
                     SignaturesForSave(model, feed_files, fetches));
    RETURN_IF_ERROR(SaveSessionAsSavedModel(*session, options.save,
                                            options.tags, signatures));
  } else if (!options.save.empty()) {
    RETURN_IF_ERROR(SaveVariables(*session, options.save, options.save_format));
  }
  if (!options.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("cannot create --out directory '", options.out_dir,
                       "': ", ec.message()));
    }
  }
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string& fetch = options.fetches[i];
    if (options.out_dir.empty()) {
      std::fprintf(out, "%s: %s %s\n%s\n", fetch.c_str(),
                   DataTypeString(results[i].dtype()).c_str(),
                   results[i].shape().DebugString().c_str(),
                   FormatTensor(results[i]).c_str());
    } else {
      std::string path =
          absl::StrCat(options.out_dir, "/", FetchFileStem(fetch), ".npy");
      RETURN_IF_ERROR(WriteNpyFile(path, results[i]));
      std::fprintf(out, "%s -> %s\n", fetch.c_str(), path.c_str());
    }
  }
  return absl::OkStatus();
}

}  // namespace graphflow::cli
