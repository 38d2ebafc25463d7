#include "tensor_bundle/table_format.h"

#include <snappy.h>

namespace graphflow {
namespace table {

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

void PutVarint64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

uint32_t DecodeFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | (static_cast<uint32_t>(u[1]) << 8) |
         (static_cast<uint32_t>(u[2]) << 16) |
         (static_cast<uint32_t>(u[3]) << 24);
}

uint64_t DecodeFixed64(const char* p) {
  return static_cast<uint64_t>(DecodeFixed32(p)) |
         (static_cast<uint64_t>(DecodeFixed32(p + 4)) << 32);
}

bool GetVarint64(absl::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetVarint32(absl::string_view* in, uint32_t* v) {
  uint64_t wide = 0;
  absl::string_view rest = *in;
  if (!GetVarint64(&rest, &wide) || wide > UINT32_MAX ||
      in->size() - rest.size() > 5) {
    return false;
  }
  *in = rest;
  *v = static_cast<uint32_t>(wide);
  return true;
}

void BlockHandle::EncodeTo(std::string* out) const {
  PutVarint64(out, offset);
  PutVarint64(out, size);
}

bool BlockHandle::DecodeFrom(absl::string_view* in) {
  return GetVarint64(in, &offset) && GetVarint64(in, &size);
}

void SnappyCompress(absl::string_view raw, std::string* out) {
  out->clear();
  snappy::Compress(raw.data(), raw.size(), out);
}

bool SnappyUncompress(absl::string_view compressed, size_t max_size,
                      std::string* out) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(compressed.data(), compressed.size(),
                                     &length) ||
      length > max_size ||
      !snappy::IsValidCompressedBuffer(compressed.data(), compressed.size())) {
    return false;
  }
  out->resize(length);
  return snappy::RawUncompress(compressed.data(), compressed.size(),
                               out->data());
}

}  // namespace table
}  // namespace graphflow
