#include "tensor_bundle/bundle_reader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/crc32c.h"
#include "base/endian.h"
#include "base/file_io.h"
#include "graph/status.h"
#include "tensor_bundle/table_format.h"
#include "tensor_bundle/table_reader.h"

namespace graphflow {
namespace {

// Shard names print the shard number with %05d; more is not a TF bundle.
constexpr int kMaxShards = 99999;

bool IsReadableType(DataType t) {
  switch (t) {
    case DT_FLOAT:
    case DT_DOUBLE:
    case DT_INT8:
    case DT_INT16:
    case DT_INT32:
    case DT_INT64:
    case DT_UINT8:
    case DT_UINT16:
    case DT_BOOL:
    case DT_STRING:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<std::vector<int64_t>> ShapeOf(
    const tensorflow::BundleEntryProto& entry, absl::string_view name,
    absl::string_view index) {
  std::vector<int64_t> dims;
  for (const auto& dim : entry.shape().dim()) {
    if (dim.size() < 0) {
      return absl::DataLossError(absl::StrCat(index, ": tensor '", name,
                                              "' has a negative dimension ",
                                              dim.size()));
    }
    dims.push_back(dim.size());
  }
  if (entry.shape().unknown_rank()) {
    return absl::DataLossError(
        absl::StrCat(index, ": tensor '", name, "' has an unknown rank"));
  }
  return dims;
}

// Reads bytes [offset, offset + size) of `path`, bounded by its real size.
absl::StatusOr<std::string> ReadRange(const std::string& path, int64_t offset,
                                      int64_t size, absl::string_view name) {
  std::error_code error;
  const auto file_size = std::filesystem::file_size(path, error);
  if (error) {
    return absl::DataLossError(
        absl::StrCat("checkpoint data file ", path,
                     " is missing or unreadable (needed for "
                     "tensor '",
                     name, "'): ", error.message()));
  }
  if (offset < 0 || size < 0 || static_cast<uint64_t>(offset) > file_size ||
      static_cast<uint64_t>(size) > file_size - offset) {
    return absl::DataLossError(
        absl::StrCat("checkpoint data file ", path, " is truncated: tensor '",
                     name, "' needs bytes [", offset, ", ", offset + size,
                     ") of a ", file_size, "-byte file"));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!in.seekg(offset) || !in.read(bytes.data(), size)) {
    return absl::DataLossError(
        absl::StrCat("cannot read tensor '", name, "' from ", path));
  }
  return bytes;
}

}  // namespace

std::string BundleIndexFilename(absl::string_view prefix) {
  return absl::StrCat(prefix, ".index");
}

std::string BundleDataFilename(absl::string_view prefix, int shard,
                               int num_shards) {
  return absl::StrFormat("%s.data-%05d-of-%05d", prefix, shard, num_shards);
}

std::string EncodeBundleStrings(const std::string* strings, int64_t count,
                                uint32_t* crc) {
  std::string out;
  uint32_t c = 0;
  for (int64_t i = 0; i < count; ++i) {
    const uint64_t length = strings[i].size();
    table::PutVarint64(&out, length);
    std::string fixed;  // The length as TF checksums it.
    if (length <= UINT32_MAX) {
      table::PutFixed32(&fixed, static_cast<uint32_t>(length));
    } else {
      table::PutFixed64(&fixed, length);
    }
    c = crc32c::Extend(c, fixed);
  }
  std::string masked;
  table::PutFixed32(&masked, crc32c::Mask(c));
  out += masked;
  c = crc32c::Extend(c, masked);
  for (int64_t i = 0; i < count; ++i) {
    out += strings[i];
    c = crc32c::Extend(c, strings[i]);
  }
  *crc = c;
  return out;
}

bool DecodeBundleStrings(absl::string_view bytes, int64_t count,
                         std::string* strings, uint32_t* crc) {
  uint32_t c = 0;
  std::vector<uint64_t> lengths;
  uint64_t total = 0;
  // Each length takes at least one byte, so `count` is bounded by the data.
  if (count < 0 || static_cast<uint64_t>(count) > bytes.size()) return false;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t length = 0;
    if (!table::GetVarint64(&bytes, &length) || length > bytes.size()) {
      return false;
    }
    std::string fixed;
    if (length <= UINT32_MAX) {
      table::PutFixed32(&fixed, static_cast<uint32_t>(length));
    } else {
      table::PutFixed64(&fixed, length);
    }
    c = crc32c::Extend(c, fixed);
    lengths.push_back(length);
    total += length;
  }
  if (bytes.size() < 4 ||
      crc32c::Unmask(table::DecodeFixed32(bytes.data())) != c ||
      bytes.size() - 4 != total) {
    return false;
  }
  c = crc32c::Extend(c, bytes.substr(0, 4));
  bytes.remove_prefix(4);
  for (int64_t i = 0; i < count; ++i) {
    strings[i].assign(bytes.data(), lengths[i]);
    c = crc32c::Extend(c, strings[i]);
    bytes.remove_prefix(lengths[i]);
  }
  *crc = c;
  return true;
}

absl::StatusOr<BundleReader> BundleReader::Open(const std::string& prefix) {
  const std::string index = BundleIndexFilename(prefix);
  if (!std::filesystem::exists(index)) {
    return absl::NotFoundError(
        absl::StrCat("no TensorFlow checkpoint at prefix ", prefix, ": ", index,
                     " does not exist"));
  }
  ASSIGN_OR_RETURN(std::string contents, ReadFileToString(index));
  ASSIGN_OR_RETURN(table::TableEntries table,
                   table::ReadTable(contents, index));
  BundleReader reader;
  reader.prefix_ = prefix;
  if (table.empty() || !table[0].first.empty() ||
      !reader.header_.ParseFromString(table[0].second)) {
    return absl::DataLossError(
        absl::StrCat(index, ": missing or unparsable bundle header entry"));
  }
  const auto& header = reader.header_;
  if (header.num_shards() < 1 || header.num_shards() > kMaxShards) {
    return absl::DataLossError(absl::StrCat(
        index, ": header claims ", header.num_shards(), " data shards"));
  }
  if (header.endianness() != tensorflow::BundleHeaderProto::LITTLE) {
    return absl::UnimplementedError(
        absl::StrCat(index, ": big-endian checkpoints are not supported"));
  }
  const auto& version = header.version();
  bool bad_consumer = false;
  for (int v : version.bad_consumers())
    bad_consumer |= v == kTensorBundleVersion;
  if (version.min_consumer() > kTensorBundleVersion || bad_consumer) {
    return absl::UnimplementedError(absl::StrCat(
        index, ": checkpoint format version (producer ", version.producer(),
        ", min_consumer ", version.min_consumer(),
        ") is newer than this "
        "reader (version ",
        kTensorBundleVersion, ")"));
  }
  for (size_t i = 1; i < table.size(); ++i) {
    const std::string& name = table[i].first;
    tensorflow::BundleEntryProto entry;
    if (!entry.ParseFromString(table[i].second)) {
      return absl::DataLossError(
          absl::StrCat(index, ": entry for tensor '", name, "' is unparsable"));
    }
    RETURN_IF_ERROR(ShapeOf(entry, name, index).status());
    if (entry.slices_size() == 0 &&
        (entry.shard_id() < 0 || entry.shard_id() >= header.num_shards())) {
      return absl::DataLossError(
          absl::StrCat(index, ": tensor '", name, "' is in shard ",
                       entry.shard_id(), " of ", header.num_shards()));
    }
    reader.entries_.emplace(name, std::move(entry));
  }
  return reader;
}

std::vector<BundleTensorInfo> BundleReader::ListTensors() const {
  std::vector<BundleTensorInfo> out;
  for (const auto& [name, entry] : entries_) {
    BundleTensorInfo info{name, static_cast<DataType>(entry.dtype()), {}};
    for (const auto& dim : entry.shape().dim())
      info.shape.push_back(dim.size());
    out.push_back(std::move(info));
  }
  return out;
}

bool BundleReader::Contains(absl::string_view name) const {
  return entries_.find(name) != entries_.end();
}

const tensorflow::BundleEntryProto* BundleReader::FindEntry(
    absl::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

absl::StatusOr<Tensor> BundleReader::Read(absl::string_view name) const {
  const tensorflow::BundleEntryProto* entry = FindEntry(name);
  if (entry == nullptr) {
    return absl::NotFoundError(absl::StrCat("TensorFlow checkpoint ", prefix_,
                                            " has no tensor '", name, "'"));
  }
  const auto dtype = static_cast<DataType>(entry->dtype());
  if (!IsReadableType(dtype)) {
    return absl::UnimplementedError(absl::StrCat(
        "tensor '", name, "' in checkpoint ", prefix_, " has dtype ",
        DataTypeString(dtype), ", which graphflow cannot hold"));
  }
  if (entry->slices_size() > 0) {
    return absl::UnimplementedError(
        absl::StrCat("tensor '", name, "' in checkpoint ", prefix_,
                     " is partitioned into ", entry->slices_size(),
                     " slices; partitioned variables are not supported"));
  }
  const std::string index = BundleIndexFilename(prefix_);
  ASSIGN_OR_RETURN(std::vector<int64_t> dims, ShapeOf(*entry, name, index));
  auto shape = TensorShape::Make(dims);
  if (!shape.ok()) {
    return absl::DataLossError(absl::StrCat(index, ": tensor '", name,
                                            "': ", shape.status().message()));
  }
  const std::string data =
      BundleDataFilename(prefix_, entry->shard_id(), num_shards());
  // Sizes are checked against the entry and the shard's real size before
  // anything is allocated, so a hostile index cannot ask for memory the
  // file does not back.
  const int64_t elements = shape->num_elements();
  const uint64_t needed =
      static_cast<uint64_t>(elements) * std::max(DataTypeSize(dtype), 1);
  if ((dtype != DT_STRING && static_cast<uint64_t>(entry->size()) != needed) ||
      (dtype == DT_STRING && static_cast<uint64_t>(entry->size()) < needed)) {
    return absl::DataLossError(absl::StrCat(
        index, ": tensor '", name, "' of shape ", shape->DebugString(),
        " needs ", dtype == DT_STRING ? "at least " : "", needed,
        " bytes, its entry says ", entry->size()));
  }
  ASSIGN_OR_RETURN(std::string bytes,
                   ReadRange(data, entry->offset(), entry->size(), name));
  ASSIGN_OR_RETURN(Tensor tensor, Tensor::Allocate(dtype, *shape));
  uint32_t crc = 0;
  if (dtype == DT_STRING) {
    if (!DecodeBundleStrings(bytes, tensor.num_elements(),
                             tensor.data<std::string>(), &crc)) {
      return absl::DataLossError(
          absl::StrCat(data, ": string tensor '", name, "' is malformed"));
    }
  } else {
    crc = crc32c::Value(bytes);
  }
  if (crc32c::Mask(crc) != entry->crc32c()) {
    return absl::DataLossError(absl::StrCat(
        data, ": tensor '", name, "' fails its CRC-32C (corrupt data)"));
  }
  if (dtype == DT_BOOL) {
    bool* out = tensor.data<bool>();
    for (size_t i = 0; i < bytes.size(); ++i) out[i] = bytes[i] != 0;
  } else if (dtype != DT_STRING) {
    CopyLittleEndian(bytes.data(), static_cast<char*>(tensor.raw_data()),
                     bytes.size(), DataTypeSize(dtype));
  }
  return tensor;
}

absl::StatusOr<std::map<std::string, Tensor>> BundleReader::ReadAll() const {
  std::map<std::string, Tensor> out;
  for (const auto& [name, entry] : entries_) {
    ASSIGN_OR_RETURN(out[name], Read(name));
  }
  return out;
}

}  // namespace graphflow
