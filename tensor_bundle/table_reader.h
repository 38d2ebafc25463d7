// Reads a whole leveldb-format table (see table_format.h) held in memory.
// Every CRC is verified and every size and offset is bounded by the bytes
// present, so a hostile file gives DataLoss naming it, never a crash or an
// allocation larger than the file allows.
#ifndef GRAPHFLOW_TENSOR_BUNDLE_TABLE_READER_H_
#define GRAPHFLOW_TENSOR_BUNDLE_TABLE_READER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace graphflow {
namespace table {

using TableEntries = std::vector<std::pair<std::string, std::string>>;

// All entries in key order. `source` names the file in errors.
absl::StatusOr<TableEntries> ReadTable(absl::string_view contents,
                                       absl::string_view source);

// True when `contents` ends with the table footer magic.
bool HasTableMagic(absl::string_view contents);

}  // namespace table
}  // namespace graphflow

#endif  // GRAPHFLOW_TENSOR_BUNDLE_TABLE_READER_H_
