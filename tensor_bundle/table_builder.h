// Writes a leveldb-format table (see table_format.h) the way TensorFlow's
// table::TableBuilder does, byte for byte: same block cut points, restart
// points, shortened index keys, Snappy rule and footer.
#ifndef GRAPHFLOW_TENSOR_BUNDLE_TABLE_BUILDER_H_
#define GRAPHFLOW_TENSOR_BUNDLE_TABLE_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tensor_bundle/table_format.h"

namespace graphflow {
namespace table {

// TF's defaults (table_options.h), except compression: TF's BundleWriter
// writes uncompressed indexes; older MergeBundles used Snappy.
struct TableOptions {
  size_t block_size = 262144;  // Uncompressed bytes per data block.
  int restart_interval = 16;   // Keys between restart points.
  Compression compression = Compression::kNone;
};

// Accumulates one block's entries with shared-prefix keys.
class BlockBuilder {
 public:
  explicit BlockBuilder(int restart_interval);
  void Add(absl::string_view key, absl::string_view value);
  // The finished block (entries, restart array, restart count).
  absl::string_view Finish();
  void Reset();
  size_t CurrentSizeEstimate() const;
  bool empty() const { return buffer_.empty(); }

 private:
  int restart_interval_;
  std::string buffer_;
  std::vector<uint32_t> restarts_{0};
  int counter_ = 0;  // Entries since the last restart.
  std::string last_key_;
};

// Builds the whole table in memory (checkpoint indexes are small: one entry
// per tensor).
class TableBuilder {
 public:
  explicit TableBuilder(TableOptions options = {});
  // Keys must be strictly increasing (bytewise); InvalidArgument otherwise.
  absl::Status Add(absl::string_view key, absl::string_view value);
  // Writes the pending block, metaindex, index and footer; returns the file.
  std::string Finish();

 private:
  void Flush();
  void WriteBlock(BlockBuilder* block, BlockHandle* handle);
  // `next_key` is null after the last block.
  void AddPendingIndexEntry(const absl::string_view* next_key);

  TableOptions options_;
  std::string file_;
  BlockBuilder data_block_;
  BlockBuilder index_block_;
  std::string last_key_;
  int64_t num_entries_ = 0;
  // A data block's index entry is added once the next key is known, so its
  // key can be a short separator between the two blocks.
  bool pending_index_entry_ = false;
  BlockHandle pending_handle_;
};

}  // namespace table
}  // namespace graphflow

#endif  // GRAPHFLOW_TENSOR_BUNDLE_TABLE_BUILDER_H_
