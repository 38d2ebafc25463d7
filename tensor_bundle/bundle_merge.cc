#include "tensor_bundle/bundle_merge.h"

#include <filesystem>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "graph/status.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/table_builder.h"

namespace graphflow {
namespace {

struct MergeState {
  bool seen_first_bundle = false;
  int64_t num_shards = 0;  // Summed from the headers, as TF does.
  tensorflow::BundleHeaderProto first_header;
  std::map<std::string, tensorflow::BundleEntryProto> entries;
  // Data files in order of first use: their index is the merged shard id.
  std::vector<std::string> data_files;
  std::map<std::string, int> shard_of_file;
};

absl::Status MergeOne(const std::string& prefix, MergeState& merge) {
  ASSIGN_OR_RETURN(BundleReader reader, BundleReader::Open(prefix));
  const tensorflow::BundleHeaderProto& header = reader.header();
  merge.num_shards += header.num_shards();
  if (!merge.seen_first_bundle) {
    merge.seen_first_bundle = true;
    merge.first_header = header;
  } else if (header.endianness() != merge.first_header.endianness()) {
    return absl::InvalidArgumentError(
        "Merging bundles with conflicting endianness; inputs corrupted?");
  } else if (header.version().SerializeAsString() !=
             merge.first_header.version().SerializeAsString()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Merging bundles with different format versions: merged ",
                     merge.first_header.version().ShortDebugString(),
                     " vs. curr ", header.version().ShortDebugString()));
  }
  for (const BundleTensorInfo& info : reader.ListTensors()) {
    tensorflow::BundleEntryProto entry = *reader.FindEntry(info.name);
    auto existing = merge.entries.find(info.name);
    if (existing != merge.entries.end()) {
      // TF merges the slice lists of a partitioned tensor saved in pieces.
      if (existing->second.slices().empty() || entry.slices().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Duplicate tensor keyed by ", info.name,
                         " encountered, when merging prefix: ", prefix));
      }
      for (const auto& slice : entry.slices()) {
        *existing->second.add_slices() = slice;
      }
      continue;
    }
    const std::string file = BundleDataFilename(
        prefix, entry.shard_id(), static_cast<int>(header.num_shards()));
    auto [it, inserted] = merge.shard_of_file.emplace(
        file, static_cast<int>(merge.data_files.size()));
    if (inserted) merge.data_files.push_back(file);
    entry.set_shard_id(it->second);
    merge.entries.emplace(info.name, std::move(entry));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status MergeBundles(absl::Span<const std::string> prefixes,
                          const std::string& merged_prefix) {
  const std::filesystem::path dir =
      std::filesystem::path(merged_prefix).parent_path();
  std::error_code error;
  if (!dir.empty()) std::filesystem::create_directories(dir, error);

  MergeState merge;
  for (const std::string& prefix : prefixes) {
    RETURN_IF_ERROR(MergeOne(prefix, merge));
  }
  const int num_files = static_cast<int>(merge.data_files.size());
  for (int i = 0; i < num_files; ++i) {
    const std::string target = BundleDataFilename(merged_prefix, i, num_files);
    std::filesystem::rename(merge.data_files[i], target, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("cannot rename ", merge.data_files[i], " to ", target,
                       ": ", error.message()));
    }
  }

  tensorflow::BundleHeaderProto header;
  header.set_num_shards(static_cast<int>(merge.num_shards));
  header.set_endianness(merge.first_header.endianness());
  *header.mutable_version() = merge.first_header.version();
  table::TableBuilder builder;  // Uncompressed, as TF's TableBuilderOptions.
  RETURN_IF_ERROR(builder.Add("", header.SerializeAsString()));
  for (const auto& [name, entry] : merge.entries) {
    RETURN_IF_ERROR(builder.Add(name, entry.SerializeAsString()));
  }
  RETURN_IF_ERROR(WriteFileAtomically(BundleIndexFilename(merged_prefix),
                                      builder.Finish()));
  for (const std::string& prefix : prefixes) {  // Best effort, as TF.
    std::filesystem::remove(BundleIndexFilename(prefix), error);
  }
  return absl::OkStatus();
}

}  // namespace graphflow
