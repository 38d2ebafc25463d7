#include "summary/record_io.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/file_io.h"

namespace graphflow {
namespace {

void AppendLittleEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> 8 * i));
}

uint64_t LoadLittleEndian(absl::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(s[i])) << 8 * i;
  }
  return v;
}

}  // namespace

std::string EncodeRecord(absl::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  AppendLittleEndian(data.size(), 8, &out);
  AppendLittleEndian(crc32c::Mask(crc32c::Value(out)), 4, &out);
  out.append(data.data(), data.size());
  AppendLittleEndian(crc32c::Mask(crc32c::Value(data)), 4, &out);
  return out;
}

absl::StatusOr<std::vector<std::string>> DecodeRecords(
    absl::string_view contents) {
  std::vector<std::string> records;
  while (!contents.empty()) {
    const std::string which = absl::StrCat("record ", records.size());
    if (contents.size() < 12) {
      return absl::DataLossError(absl::StrCat(which, ": truncated header"));
    }
    absl::string_view header = contents.substr(0, 8);
    if (crc32c::Mask(crc32c::Value(header)) !=
        LoadLittleEndian(contents.substr(8, 4))) {
      return absl::DataLossError(absl::StrCat(which, ": bad length CRC"));
    }
    const uint64_t length = LoadLittleEndian(header);
    contents.remove_prefix(12);
    if (length > contents.size() || contents.size() - length < 4) {
      return absl::DataLossError(
          absl::StrCat(which, ": truncated (", length, " bytes declared)"));
    }
    absl::string_view data = contents.substr(0, length);
    if (crc32c::Mask(crc32c::Value(data)) !=
        LoadLittleEndian(contents.substr(length, 4))) {
      return absl::DataLossError(absl::StrCat(which, ": bad data CRC"));
    }
    records.emplace_back(data);
    contents.remove_prefix(length + 4);
  }
  return records;
}

absl::StatusOr<std::vector<std::string>> ReadRecordFile(
    const std::string& path) {
  absl::StatusOr<std::string> contents = ReadFileToString(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<std::vector<std::string>> records = DecodeRecords(*contents);
  if (!records.ok()) {
    return absl::Status(records.status().code(),
                        absl::StrCat(path, ": ", records.status().message()));
  }
  return records;
}

}  // namespace graphflow
