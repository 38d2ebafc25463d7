#include "tools/train_summaries.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "proto/summary.pb.h"

namespace graphflow::cli {
namespace {

std::vector<std::string> NodesOfOps(const Graph& graph,
                                    std::initializer_list<const char*> ops) {
  std::vector<std::string> names;
  for (const auto& node : graph.nodes()) {
    for (const char* op : ops) {
      if (node->op() == op) names.push_back(node->name());
    }
  }
  return names;
}

}  // namespace

absl::Status CheckSummaryDir(const std::string& dir) {
  if (dir.empty()) {
    return absl::InvalidArgumentError("--summaries: empty path");
  }
  // The writer creates missing parents, as TF's FileWriter does; the
  // nearest existing one must be a writable directory.
  std::filesystem::path existing = std::filesystem::absolute(dir);
  struct stat st;
  while (stat(existing.c_str(), &st) != 0 && existing.has_parent_path() &&
         existing.parent_path() != existing) {
    existing = existing.parent_path();
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--summaries ", dir, ": ", existing.string(), " is not a directory"));
  }
  if (access(existing.c_str(), W_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--summaries ", dir, ": directory ", existing.string(),
                     " is not writable: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveSummaryTensor(
    const Graph& graph, const std::string& requested,
    const std::string& graph_path) {
  if (!requested.empty()) {
    absl::StatusOr<Endpoint> e = graph.FindEndpoint(requested);
    if (!e.ok()) {
      return absl::Status(
          e.status().code(),
          absl::StrCat(graph_path, ": --summary: ", e.status().message()));
    }
    if (e->index >= e->node->num_outputs() ||
        e->node->output_type(e->index) != DT_STRING) {
      return absl::InvalidArgumentError(
          absl::StrCat(graph_path, ": --summary '", requested,
                       "' is not a string tensor (a serialized Summary)"));
    }
    return requested;
  }
  std::vector<std::string> candidates = NodesOfOps(graph, {"MergeSummary"});
  absl::string_view kind = "MergeSummary";
  if (candidates.empty()) {
    candidates = NodesOfOps(
        graph, {"ScalarSummary", "HistogramSummary", "ImageSummary"});
    kind = "summary";
  }
  if (candidates.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        graph_path, ": --summaries: the graph has ", candidates.size(), " ",
        kind, " ops (", absl::StrJoin(candidates, ", "),
        "); choose one with --summary NODE"));
  }
  return candidates.empty() ? std::string() : candidates[0];
}

absl::StatusOr<std::unique_ptr<SummaryLogger>> SummaryLogger::Create(
    const std::string& dir, const Graph& graph, std::string fetch) {
  ASSIGN_OR_RETURN(std::unique_ptr<EventWriter> writer,
                   EventWriter::Create(dir));
  RETURN_IF_ERROR(
      writer->WriteGraph(GraphToGraphDef(graph).SerializeAsString()));
  return std::unique_ptr<SummaryLogger>(
      new SummaryLogger(std::move(writer), std::move(fetch)));
}

absl::Status SummaryLogger::Write(int64_t step, const Tensor* summary,
                                  double loss) {
  tensorflow::Summary out;
  if (summary != nullptr) {
    if (summary->dtype() != DT_STRING || summary->num_elements() != 1 ||
        !out.ParseFromString(summary->data<std::string>()[0])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--summary '", fetch_, "' did not produce a serialized Summary"));
    }
  }
  bool has_loss = false;
  for (const auto& value : out.value()) has_loss |= value.tag() == "loss";
  if (!has_loss) {
    tensorflow::Summary::Value* v = out.add_value();
    v->set_tag("loss");
    v->set_simple_value(static_cast<float>(loss));
  }
  return writer_->WriteSummary(step, out);
}

}  // namespace graphflow::cli
