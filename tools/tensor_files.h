// Tensor files for the runner: .npy and IDX (plain or gzipped), detected by
// content; and the explicit conversions between a file and a placeholder.
#ifndef GRAPHFLOW_TOOLS_TENSOR_FILES_H_
#define GRAPHFLOW_TOOLS_TENSOR_FILES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "base/limits.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace graphflow::cli {

// NumPy .npy or IDX (.idx, *-ubyte, optionally .gz), by content.
// Files over max_bytes (or inflating past it) are ResourceExhausted.
absl::StatusOr<Tensor> ReadTensorFile(
    const std::string& path,
    int64_t max_bytes = ResourceLimits{}.max_file_bytes);

// How a file may be converted to fit a placeholder; nothing is converted
// unless asked for.
struct FeedConversion {
  std::optional<float> scale;  // Integer data to a float placeholder, times s.
  bool one_hot = false;        // Class ids [N] to a float [N, K] placeholder.
  // Bounds every file read and every converted feed (--max-tensor-bytes).
  int64_t max_tensor_bytes = ResourceLimits{}.max_tensor_bytes;
};

// Parses a positive byte count: "1048576", "512K", "512M", "4G" (powers of
// 1024); zero, negative or malformed text is InvalidArgument naming `flag`.
absl::StatusOr<int64_t> ParseByteSize(absl::string_view text,
                                      absl::string_view flag);

// Parses "1/255", "0.5", "2" into a number.
absl::StatusOr<float> ParseScale(absl::string_view text);

// Makes `data` fit output `output` of `placeholder` (usually a
// Placeholder; any node's output may be fed): explicit dtype conversions
// only, plus lossless integer widening (uint8 labels to int64), and a
// reshape of each row when the per-row element count matches (images
// [N,28,28] to [-1,784]). Errors say what the node expects and which flag
// would convert.
absl::StatusOr<Tensor> FitToPlaceholder(const Tensor& data,
                                        const Node& placeholder,
                                        const FeedConversion& conversion,
                                        absl::string_view feed_name,
                                        int output = 0);

// "Adam/update_var/ApplyAdam:0" -> "Adam_update_var_ApplyAdam_0".
std::string FetchFileStem(absl::string_view fetch);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_TENSOR_FILES_H_
