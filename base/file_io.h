// Whole-file reads and crash-safe writes.
#ifndef GRAPHFLOW_BASE_FILE_IO_H_
#define GRAPHFLOW_BASE_FILE_IO_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/limits.h"

namespace graphflow {

// Reads a whole regular file. A FIFO, device or directory is InvalidArgument
// "<path>: not a regular file (a FIFO)" without blocking; a file larger than
// max_bytes is ResourceExhausted before anything is read.
absl::StatusOr<std::string> ReadFileToString(
    const std::string& path,
    int64_t max_bytes = ResourceLimits{}.max_file_bytes);

// Writes to "<path>.tmp.<pid>.<n>", fsyncs, then renames over `path`, so a
// crash leaves either the old file or the new one, never a torn mix.
// Temporaries of `path` left by killed writers are removed first.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// Removes "<path>.tmp.<pid>[.<n>]" files whose pid is not a running process
// (left by a writer killed before its rename); returns how many were removed.
int RemoveStaleTemporaries(const std::string& path);

}  // namespace graphflow

#endif  // GRAPHFLOW_BASE_FILE_IO_H_
