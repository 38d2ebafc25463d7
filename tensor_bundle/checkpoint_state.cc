#include "tensor_bundle/checkpoint_state.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "google/protobuf/text_format.h"
#include "graph/status.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/table_format.h"
#include "tensor_bundle/table_reader.h"

namespace graphflow {
namespace {

namespace fs = std::filesystem;

bool IndexExists(const std::string& prefix) {
  std::error_code error;
  return fs::is_regular_file(BundleIndexFilename(prefix), error);
}

// A state file's path resolved against its directory.
std::string ResolveListed(const fs::path& dir, const std::string& listed) {
  fs::path path(listed);
  if (path.is_relative()) return (dir / path).string();
  if (IndexExists(listed)) return listed;
  const std::string moved = (dir / path.filename()).string();
  return IndexExists(moved) ? moved : listed;
}

}  // namespace

absl::StatusOr<tensorflow::CheckpointState> ReadCheckpointState(
    const std::string& dir) {
  const std::string file = (fs::path(dir) / "checkpoint").string();
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    return absl::NotFoundError(absl::StrCat("no checkpoint state file ", file));
  }
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(file));
  tensorflow::CheckpointState state;
  if (!google::protobuf::TextFormat::ParseFromString(text, &state)) {
    return absl::DataLossError(absl::StrCat(
        file, ": not a text CheckpointState (model_checkpoint_path: ...)"));
  }
  if (state.model_checkpoint_path().empty()) {
    return absl::DataLossError(
        absl::StrCat(file, ": model_checkpoint_path is empty"));
  }
  return state;
}

absl::StatusOr<std::string> ResolveBundlePrefix(const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    ASSIGN_OR_RETURN(tensorflow::CheckpointState state,
                     ReadCheckpointState(path));
    const std::string prefix =
        ResolveListed(fs::path(path), state.model_checkpoint_path());
    if (!IndexExists(prefix)) {
      return absl::NotFoundError(absl::StrCat(
          (fs::path(path) / "checkpoint").string(), " lists checkpoint ",
          state.model_checkpoint_path(), ", but ", BundleIndexFilename(prefix),
          " does not exist"));
    }
    return prefix;
  }
  if (IndexExists(path)) return path;
  // A file of the bundle given instead of its prefix.
  if (absl::EndsWith(path, ".index")) {
    const std::string prefix = path.substr(0, path.size() - 6);
    if (IndexExists(prefix)) return prefix;
  }
  const size_t data = path.rfind(".data-");
  if (data != std::string::npos && IndexExists(path.substr(0, data))) {
    return path.substr(0, data);
  }
  return absl::NotFoundError(
      absl::StrCat("no TensorFlow checkpoint at ", path, ": ",
                   BundleIndexFilename(path), " does not exist and ", path,
                   " is not a directory with a checkpoint "
                   "state file"));
}

bool IsTensorBundle(const std::string& prefix) {
  const std::string index = BundleIndexFilename(prefix);
  std::ifstream in(index, std::ios::binary | std::ios::ate);
  if (!in) return false;
  const std::streamoff size = in.tellg();
  if (size < static_cast<std::streamoff>(table::kFooterSize)) return false;
  std::string footer(table::kFooterSize, '\0');
  in.seekg(size - static_cast<std::streamoff>(table::kFooterSize));
  if (!in.read(footer.data(), footer.size())) return false;
  return table::HasTableMagic(footer);
}

}  // namespace graphflow
