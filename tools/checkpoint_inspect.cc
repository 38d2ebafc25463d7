#include "tools/checkpoint_inspect.h"

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "graph/tensor_shape.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/checkpoint_state.h"

namespace graphflow {

bool IsTfCheckpointPath(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return std::filesystem::exists(std::filesystem::path(path) / "checkpoint",
                                   error);
  }
  auto prefix = ResolveBundlePrefix(path);
  return prefix.ok() && IsTensorBundle(*prefix);
}

absl::StatusOr<std::string> FormatTfCheckpointListing(const std::string& path) {
  ASSIGN_OR_RETURN(std::string prefix, ResolveBundlePrefix(path));
  ASSIGN_OR_RETURN(BundleReader reader, BundleReader::Open(prefix));
  const auto tensors = reader.ListTensors();
  std::string out =
      absl::StrCat("TensorFlow checkpoint ", prefix, ": ", tensors.size(),
                   " tensors in ", reader.num_shards(), " shard(s)\n");
  for (const BundleTensorInfo& info : tensors) {
    absl::StrAppend(&out, info.name, " (DT_",
                    absl::AsciiStrToUpper(DataTypeString(info.dtype)), ") ",
                    TensorShape(info.shape).DebugString(), "\n");
  }
  return out;
}

}  // namespace graphflow
