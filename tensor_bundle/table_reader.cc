#include "tensor_bundle/table_reader.h"

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "graph/status.h"
#include "tensor_bundle/table_format.h"

namespace graphflow {
namespace table {
namespace {

// Snappy expands at most ~21x (a 3-byte copy op yields 64 bytes); anything
// claiming more is corrupt.
constexpr size_t kMaxSnappyExpansion = 32;

absl::Status Corrupt(absl::string_view source, absl::string_view what) {
  return absl::DataLossError(absl::StrCat(
      source, ": corrupt checkpoint index (leveldb table): ", what));
}

// The block's contents (uncompressed), after checking its trailer's CRC.
absl::StatusOr<std::string> ReadBlock(absl::string_view file,
                                      const BlockHandle& handle,
                                      absl::string_view source,
                                      absl::string_view what) {
  if (handle.offset > file.size() ||
      handle.size > file.size() - handle.offset ||
      kBlockTrailerSize > file.size() - handle.offset - handle.size) {
    return Corrupt(source, absl::StrCat(what, " block [", handle.offset, ", +",
                                        handle.size, ") lies outside the ",
                                        file.size(), "-byte file"));
  }
  const absl::string_view contents = file.substr(handle.offset, handle.size);
  const absl::string_view type_byte =
      file.substr(handle.offset + handle.size, 1);
  const uint32_t stored = crc32c::Unmask(
      DecodeFixed32(file.data() + handle.offset + handle.size + 1));
  if (crc32c::Extend(crc32c::Value(contents), type_byte) != stored) {
    return Corrupt(source, absl::StrCat(what, " block at offset ",
                                        handle.offset, " fails its CRC-32C"));
  }
  switch (static_cast<uint8_t>(type_byte[0])) {
    case static_cast<uint8_t>(Compression::kNone):
      return std::string(contents);
    case static_cast<uint8_t>(Compression::kSnappy): {
      std::string out;
      if (!SnappyUncompress(contents, contents.size() * kMaxSnappyExpansion,
                            &out)) {
        return Corrupt(source, absl::StrCat(what, " block at offset ",
                                            handle.offset, " is bad Snappy"));
      }
      return out;
    }
    default:
      return Corrupt(source,
                     absl::StrCat(what, " block at offset ", handle.offset,
                                  " has unknown compression type ",
                                  static_cast<int>(type_byte[0])));
  }
}

// Appends the block's entries to `out`, checking prefix lengths and bounds.
absl::Status ParseBlock(absl::string_view block, absl::string_view source,
                        TableEntries* out) {
  if (block.size() < 4) return Corrupt(source, "block shorter than 4 bytes");
  const uint32_t num_restarts = DecodeFixed32(block.data() + block.size() - 4);
  if (num_restarts == 0 || num_restarts > (block.size() - 4) / 4) {
    return Corrupt(source,
                   absl::StrCat("block claims ", num_restarts,
                                " restart points in ", block.size(), " bytes"));
  }
  absl::string_view rest = block.substr(0, block.size() - 4 - 4 * num_restarts);
  std::string key;
  while (!rest.empty()) {
    uint32_t shared = 0, non_shared = 0, value_size = 0;
    if (!GetVarint32(&rest, &shared) || !GetVarint32(&rest, &non_shared) ||
        !GetVarint32(&rest, &value_size)) {
      return Corrupt(source, "truncated block entry header");
    }
    if (shared > key.size() || non_shared > rest.size() ||
        value_size > rest.size() - non_shared) {
      return Corrupt(source, absl::StrCat("block entry (shared ", shared,
                                          ", key ", non_shared, ", value ",
                                          value_size, ") overruns its block"));
    }
    key.resize(shared);
    key.append(rest.data(), non_shared);
    out->emplace_back(key, std::string(rest.substr(non_shared, value_size)));
    rest.remove_prefix(non_shared + value_size);
  }
  return absl::OkStatus();
}

}  // namespace

bool HasTableMagic(absl::string_view contents) {
  return contents.size() >= kFooterSize &&
         DecodeFixed64(contents.data() + contents.size() - 8) == kTableMagic;
}

absl::StatusOr<TableEntries> ReadTable(absl::string_view contents,
                                       absl::string_view source) {
  if (contents.size() < kFooterSize) {
    return Corrupt(source, absl::StrCat("file is ", contents.size(),
                                        " bytes, shorter than the footer"));
  }
  if (!HasTableMagic(contents)) return Corrupt(source, "bad footer magic");
  absl::string_view footer = contents.substr(contents.size() - kFooterSize);
  BlockHandle metaindex_handle, index_handle;
  if (!metaindex_handle.DecodeFrom(&footer) ||
      !index_handle.DecodeFrom(&footer)) {
    return Corrupt(source, "bad block handles in the footer");
  }
  const absl::string_view body =
      contents.substr(0, contents.size() - kFooterSize);
  ASSIGN_OR_RETURN(std::string index,
                   ReadBlock(body, index_handle, source, "index"));
  TableEntries index_entries;
  RETURN_IF_ERROR(ParseBlock(index, source, &index_entries));
  TableEntries entries;
  for (const auto& [separator, encoded_handle] : index_entries) {
    absl::string_view handle_bytes = encoded_handle;
    BlockHandle handle;
    if (!handle.DecodeFrom(&handle_bytes)) {
      return Corrupt(source, "bad block handle in the index");
    }
    ASSIGN_OR_RETURN(std::string block,
                     ReadBlock(body, handle, source, "data"));
    const size_t first = entries.size();
    RETURN_IF_ERROR(ParseBlock(block, source, &entries));
    for (size_t i = first; i < entries.size(); ++i) {
      if (i > 0 && entries[i].first <= entries[i - 1].first) {
        return Corrupt(source, absl::StrCat("key '", entries[i].first,
                                            "' is out of order"));
      }
      if (entries[i].first > separator) {
        return Corrupt(source, absl::StrCat("key '", entries[i].first,
                                            "' is past its index entry"));
      }
    }
  }
  return entries;
}

}  // namespace table
}  // namespace graphflow
