#include "tensor_bundle/table_builder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"

namespace graphflow {
namespace table {
namespace {

// leveldb's bytewise comparator helpers: shorten `start` to a key in
// [start, limit), and `key` to a short key >= it.
void ShortenToSeparator(std::string* start, absl::string_view limit) {
  const size_t min_length = std::min(start->size(), limit.size());
  size_t diff = 0;
  while (diff < min_length && (*start)[diff] == limit[diff]) ++diff;
  if (diff >= min_length) return;  // One is a prefix of the other.
  const auto byte = static_cast<uint8_t>((*start)[diff]);
  if (byte < 0xff && byte + 1 < static_cast<uint8_t>(limit[diff])) {
    (*start)[diff] = static_cast<char>(byte + 1);
    start->resize(diff + 1);
  }
}

void ShortenToSuccessor(std::string* key) {
  for (size_t i = 0; i < key->size(); ++i) {
    const auto byte = static_cast<uint8_t>((*key)[i]);
    if (byte != 0xff) {
      (*key)[i] = static_cast<char>(byte + 1);
      key->resize(i + 1);
      return;
    }
  }
}

}  // namespace

BlockBuilder::BlockBuilder(int restart_interval)
    : restart_interval_(std::max(restart_interval, 1)) {}

void BlockBuilder::Add(absl::string_view key, absl::string_view value) {
  size_t shared = 0;
  if (counter_ < restart_interval_) {
    const size_t min_length = std::min(last_key_.size(), key.size());
    while (shared < min_length && last_key_[shared] == key[shared]) ++shared;
  } else {
    restarts_.push_back(static_cast<uint32_t>(buffer_.size()));
    counter_ = 0;
  }
  PutVarint64(&buffer_, shared);
  PutVarint64(&buffer_, key.size() - shared);
  PutVarint64(&buffer_, value.size());
  buffer_.append(key.data() + shared, key.size() - shared);
  buffer_.append(value.data(), value.size());
  last_key_.assign(key.data(), key.size());
  ++counter_;
}

absl::string_view BlockBuilder::Finish() {
  for (uint32_t restart : restarts_) PutFixed32(&buffer_, restart);
  PutFixed32(&buffer_, static_cast<uint32_t>(restarts_.size()));
  return buffer_;
}

void BlockBuilder::Reset() {
  buffer_.clear();
  restarts_.assign(1, 0);
  counter_ = 0;
  last_key_.clear();
}

size_t BlockBuilder::CurrentSizeEstimate() const {
  return buffer_.size() + restarts_.size() * 4 + 4;
}

TableBuilder::TableBuilder(TableOptions options)
    : options_(options),
      data_block_(options.restart_interval),
      index_block_(1) {}

absl::Status TableBuilder::Add(absl::string_view key, absl::string_view value) {
  if (num_entries_ > 0) {
    if (key <= absl::string_view(last_key_)) {
      return absl::InvalidArgumentError(
          absl::StrCat("table keys must be strictly increasing: '", key,
                       "' after '", last_key_, "'"));
    }
    // An entry far larger than a block gets a block of its own.
    if (key.size() + value.size() >= 2 * options_.block_size) Flush();
  }
  if (pending_index_entry_) AddPendingIndexEntry(&key);
  last_key_.assign(key.data(), key.size());
  ++num_entries_;
  data_block_.Add(key, value);
  if (data_block_.CurrentSizeEstimate() >= options_.block_size) Flush();
  return absl::OkStatus();
}

void TableBuilder::AddPendingIndexEntry(const absl::string_view* next_key) {
  std::string separator = last_key_;
  if (next_key != nullptr) {
    ShortenToSeparator(&separator, *next_key);
  } else {
    ShortenToSuccessor(&separator);
  }
  std::string handle;
  pending_handle_.EncodeTo(&handle);
  index_block_.Add(separator, handle);
  pending_index_entry_ = false;
}

void TableBuilder::Flush() {
  if (data_block_.empty()) return;
  WriteBlock(&data_block_, &pending_handle_);
  pending_index_entry_ = true;
}

void TableBuilder::WriteBlock(BlockBuilder* block, BlockHandle* handle) {
  const absl::string_view raw = block->Finish();
  absl::string_view contents = raw;
  Compression type = Compression::kNone;
  std::string compressed;
  if (options_.compression == Compression::kSnappy) {
    SnappyCompress(raw, &compressed);
    // As leveldb: keep Snappy only when it saves at least 12.5%.
    if (compressed.size() < raw.size() - raw.size() / 8) {
      contents = compressed;
      type = Compression::kSnappy;
    }
  }
  handle->offset = file_.size();
  handle->size = contents.size();
  file_.append(contents.data(), contents.size());
  const char type_byte = static_cast<char>(type);
  file_.push_back(type_byte);
  uint32_t crc =
      crc32c::Extend(crc32c::Value(contents), absl::string_view(&type_byte, 1));
  PutFixed32(&file_, crc32c::Mask(crc));
  block->Reset();
}

std::string TableBuilder::Finish() {
  Flush();
  BlockHandle metaindex_handle, index_handle;
  BlockBuilder metaindex_block(options_.restart_interval);
  WriteBlock(&metaindex_block, &metaindex_handle);
  if (pending_index_entry_) AddPendingIndexEntry(nullptr);
  WriteBlock(&index_block_, &index_handle);
  std::string footer;
  metaindex_handle.EncodeTo(&footer);
  index_handle.EncodeTo(&footer);
  footer.resize(2 * kMaxBlockHandleSize, '\0');
  PutFixed64(&footer, kTableMagic);
  file_ += footer;
  return std::move(file_);
}

}  // namespace table
}  // namespace graphflow
