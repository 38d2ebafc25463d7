#include "summary/event_writer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "summary/record_io.h"

namespace graphflow {
namespace {

absl::Status IoError(const std::string& path, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat(path, ": ", what, ": ", std::strerror(errno)));
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') {
    return "localhost";
  }
  return name;
}

}  // namespace

double WallTimeSeconds() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return static_cast<double>(us.count()) / 1e6;
}

absl::StatusOr<std::unique_ptr<EventWriter>> EventWriter::Create(
    const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, ": cannot create the summary directory",
                     ec ? absl::StrCat(": ", ec.message())
                        : std::string(" (not a directory)")));
  }
  const double now = WallTimeSeconds();
  std::string path = (std::filesystem::path(dir) /
                      absl::StrCat("events.out.tfevents.",
                                   static_cast<int64_t>(now), ".", HostName()))
                         .string();
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return IoError(path, "cannot create the event file");
  std::unique_ptr<EventWriter> writer(new EventWriter(path, file));
  tensorflow::Event version;
  version.set_wall_time(now);
  version.set_file_version("brain.Event:2");
  absl::Status status = writer->WriteEvent(std::move(version));
  if (!status.ok()) return status;
  return writer;
}

EventWriter::~EventWriter() { std::fclose(file_); }

absl::Status EventWriter::WriteGraph(absl::string_view serialized_graph_def) {
  tensorflow::Event event;
  event.set_graph_def(std::string(serialized_graph_def));
  return WriteEvent(std::move(event));
}

absl::Status EventWriter::WriteSummary(int64_t step,
                                       const tensorflow::Summary& summary) {
  tensorflow::Event event;
  event.set_step(step);
  *event.mutable_summary() = summary;
  return WriteEvent(std::move(event));
}

absl::Status EventWriter::WriteEvent(tensorflow::Event event) {
  if (event.wall_time() == 0) event.set_wall_time(WallTimeSeconds());
  std::string data;
  if (!event.SerializeToString(&data)) {
    return absl::InternalError(absl::StrCat(path_, ": cannot serialize event"));
  }
  std::string record = EncodeRecord(data);
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size()) {
    return IoError(path_, "write failed");
  }
  if (std::fflush(file_) != 0) return IoError(path_, "flush failed");
  return absl::OkStatus();
}

}  // namespace graphflow
