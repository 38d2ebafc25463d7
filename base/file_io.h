// Whole-file reads and crash-safe writes.
#ifndef GRAPHFLOW_BASE_FILE_IO_H_
#define GRAPHFLOW_BASE_FILE_IO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace graphflow {

absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Writes to "<path>.tmp.<pid>.<n>", fsyncs, then renames over `path`, so a crash
// leaves either the old file or the new one, never a torn mix. Temporaries
// of `path` left by killed writers are removed first.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// Removes "<path>.tmp.<pid>[.<n>]" files whose pid is not a running process (left
// by a writer killed before its rename); returns how many were removed.
int RemoveStaleTemporaries(const std::string& path);

}  // namespace graphflow

#endif  // GRAPHFLOW_BASE_FILE_IO_H_
