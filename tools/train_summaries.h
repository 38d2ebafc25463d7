// `graphflow train --summaries DIR`: TensorBoard event files written while
// training, with the graph's merged summary and a scalar "loss".
#ifndef GRAPHFLOW_TOOLS_TRAIN_SUMMARIES_H_
#define GRAPHFLOW_TOOLS_TRAIN_SUMMARIES_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "graph/tensor.h"
#include "summary/event_writer.h"

namespace graphflow::cli {

// Checks before any work that --summaries DIR is a writable directory or
// can be created (its nearest existing ancestor is a writable directory).
absl::Status CheckSummaryDir(const std::string& dir);

// The summary tensor to fetch: `requested` (--summary, a string tensor), or
// the graph's single MergeSummary, or without one its single summary op; ""
// when the graph has no summary ops (only "loss" is written). Several
// candidates are InvalidArgument listing them. Errors start with
// `graph_path`.
absl::StatusOr<std::string> ResolveSummaryTensor(const Graph& graph,
                                                 const std::string& requested,
                                                 const std::string& graph_path);

class SummaryLogger {
 public:
  // Creates the event file in `dir` and writes the graph event.
  static absl::StatusOr<std::unique_ptr<SummaryLogger>> Create(
      const std::string& dir, const Graph& graph, std::string fetch);

  // The tensor to fetch on summary steps ("" for none).
  const std::string& fetch() const { return fetch_; }
  const std::string& path() const { return writer_->path(); }

  // Writes one summary event at `step`: the fetched Summary (nullptr when
  // fetch() is empty) plus a "loss" value, unless the graph logs its own.
  absl::Status Write(int64_t step, const Tensor* summary, double loss);

 private:
  SummaryLogger(std::unique_ptr<EventWriter> writer, std::string fetch)
      : writer_(std::move(writer)), fetch_(std::move(fetch)) {}

  std::unique_ptr<EventWriter> writer_;
  std::string fetch_;
};

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_TRAIN_SUMMARIES_H_
