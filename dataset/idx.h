// IDX files (the MNIST distribution format), plain or gzip-compressed.
#ifndef GRAPHFLOW_DATASET_IDX_H_
#define GRAPHFLOW_DATASET_IDX_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "base/limits.h"
#include "graph/tensor.h"

namespace graphflow {

// Returns a tensor of the file's element type (uint8 for MNIST) and shape.
// Truncated or malformed files are DataLoss naming the file.
absl::StatusOr<Tensor> ReadIdxFile(
    const std::string& path,
    int64_t max_bytes = ResourceLimits{}.max_file_bytes);
absl::StatusOr<Tensor> ParseIdx(absl::string_view bytes,
                                absl::string_view source);

// Gunzips `bytes` if they start with the gzip magic, else returns them.
// Inflating past max_bytes stops at once with ResourceExhausted naming
// `source`, so a small bomb never allocates gigabytes.
absl::StatusOr<std::string> MaybeGunzip(
    std::string bytes, absl::string_view source,
    int64_t max_bytes = ResourceLimits{}.max_file_bytes);

}  // namespace graphflow

#endif  // GRAPHFLOW_DATASET_IDX_H_
