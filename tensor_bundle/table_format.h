// The leveldb table format TensorFlow uses for a checkpoint's .index file
// (tensorflow/core/lib/io/table_format.txt):
//   data blocks, a metaindex block, an index block, then a 48-byte footer.
// Block: entries {varint32 shared, varint32 non_shared, varint32 value_size,
//   key bytes after the shared prefix, value}, then fixed32 restart offsets
//   (entries with shared == 0), then fixed32 restart count. Each block is
//   followed by a trailer: 1 byte compression type (0 none, 1 Snappy) and the
//   masked CRC-32C of block + type byte. Index block: one entry per data
//   block, value = BlockHandle {varint64 offset, varint64 size}.
// Footer: metaindex handle, index handle, zero padding to 40 bytes, fixed64
//   magic 0xdb4775248b80fb57. All fixed-width integers little-endian.
#ifndef GRAPHFLOW_TENSOR_BUNDLE_TABLE_FORMAT_H_
#define GRAPHFLOW_TENSOR_BUNDLE_TABLE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace graphflow {
namespace table {

inline constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;
inline constexpr size_t kBlockTrailerSize = 5;
inline constexpr size_t kFooterSize = 48;
inline constexpr size_t kMaxBlockHandleSize = 20;  // Two varint64s.

enum class Compression : uint8_t { kNone = 0, kSnappy = 1 };

void PutFixed32(std::string* out, uint32_t v);
void PutFixed64(std::string* out, uint64_t v);
void PutVarint64(std::string* out, uint64_t v);
uint32_t DecodeFixed32(const char* p);
uint64_t DecodeFixed64(const char* p);
// Reads a varint from the front of `*in`, advancing it; false when `*in`
// ends first or the varint is longer than the type allows.
bool GetVarint64(absl::string_view* in, uint64_t* v);
bool GetVarint32(absl::string_view* in, uint32_t* v);

struct BlockHandle {
  uint64_t offset = 0;
  uint64_t size = 0;  // Excluding the trailer.
  void EncodeTo(std::string* out) const;
  bool DecodeFrom(absl::string_view* in);
};

// Snappy, behind these two so only table_format.cc sees its header.
void SnappyCompress(absl::string_view raw, std::string* out);
// False when `compressed` is not valid Snappy data or would expand beyond
// `max_size` bytes.
bool SnappyUncompress(absl::string_view compressed, size_t max_size,
                      std::string* out);

}  // namespace table
}  // namespace graphflow

#endif  // GRAPHFLOW_TENSOR_BUNDLE_TABLE_FORMAT_H_
