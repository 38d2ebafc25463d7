// Writes TensorBoard event files as TF 1.x's tf.summary.FileWriter does:
// DIR/events.out.tfevents.<unix seconds, 10 digits>.<hostname>, TFRecord-framed
// Event protos, "brain.Event:2" first, flushed after every event.
#ifndef GRAPHFLOW_SUMMARY_EVENT_WRITER_H_
#define GRAPHFLOW_SUMMARY_EVENT_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/event.pb.h"

namespace graphflow {

class EventWriter {
 public:
  // Creates `dir` (and its parents) if needed and a new event file in it,
  // and writes the file-version event. Errors name the path.
  static absl::StatusOr<std::unique_ptr<EventWriter>> Create(
      const std::string& dir);
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  const std::string& path() const { return path_; }

  // A serialized GraphDef, as the graph event TensorBoard draws.
  absl::Status WriteGraph(absl::string_view serialized_graph_def);
  absl::Status WriteSummary(int64_t step, const tensorflow::Summary& summary);
  // Stamps wall_time when the event has none, then appends and flushes.
  absl::Status WriteEvent(tensorflow::Event event);

 private:
  EventWriter(std::string path, FILE* file)
      : path_(std::move(path)), file_(file) {}

  std::string path_;
  FILE* file_;
};

// Seconds since the Unix epoch, with microseconds, as Event.wall_time.
double WallTimeSeconds();

}  // namespace graphflow

#endif  // GRAPHFLOW_SUMMARY_EVENT_WRITER_H_
