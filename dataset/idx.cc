#include "dataset/idx.h"

#include <zlib.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "graph/status.h"

namespace graphflow {
namespace {

uint32_t BigEndian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

absl::StatusOr<DataType> IdxType(unsigned char code) {
  switch (code) {
    case 0x08:
      return DT_UINT8;
    case 0x09:
      return DT_INT8;
    case 0x0B:
      return DT_INT16;
    case 0x0C:
      return DT_INT32;
    case 0x0D:
      return DT_FLOAT;
    case 0x0E:
      return DT_DOUBLE;
  }
  return absl::DataLossError(absl::StrCat("unknown IDX type code ", code));
}

}  // namespace

absl::StatusOr<std::string> MaybeGunzip(std::string bytes,
                                        absl::string_view source,
                                        int64_t max_bytes) {
  if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x1f ||
      static_cast<unsigned char>(bytes[1]) != 0x8b) {
    return bytes;
  }
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    return absl::InternalError("zlib initialization failed");
  }
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(bytes.data());
  z.avail_in = static_cast<uInt>(bytes.size());
  char buffer[1 << 16];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof(buffer);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    const size_t produced = sizeof(buffer) - z.avail_out;
    if (static_cast<int64_t>(out.size() + produced) > max_bytes) {
      inflateEnd(&z);
      return absl::ResourceExhaustedError(absl::StrCat(
          source, ": gzip data inflates past the decompressed size limit of ",
          max_bytes, " bytes"));
    }
    out.append(buffer, produced);
  } while (rc != Z_STREAM_END);
  inflateEnd(&z);
  if (rc != Z_STREAM_END) {
    return absl::DataLossError(
        absl::StrCat(source, ": corrupt or truncated gzip data"));
  }
  return out;
}

absl::StatusOr<Tensor> ParseIdx(absl::string_view bytes,
                                absl::string_view source) {
  auto fail = [&](absl::string_view what) {
    return absl::DataLossError(
        absl::StrCat(source, ": not a valid IDX file: ", what));
  };
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 4 || p[0] != 0 || p[1] != 0) return fail("bad magic");
  auto dtype = IdxType(p[2]);
  if (!dtype.ok()) return fail(dtype.status().message());
  int rank = p[3];
  if (bytes.size() < 4 + 4 * static_cast<size_t>(rank))
    return fail("truncated header");
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) dims.push_back(BigEndian32(p + 4 + 4 * i));
  auto shape = TensorShape::Make(dims);
  if (!shape.ok()) return fail(shape.status().message());
  size_t header = 4 + 4 * static_cast<size_t>(rank);
  size_t elem = DataTypeSize(*dtype);
  size_t expected = static_cast<size_t>(shape->num_elements()) * elem;
  if (bytes.size() - header != expected) {
    return fail(absl::StrCat("expected ", expected, " data bytes for shape ",
                             shape->DebugString(), ", found ",
                             bytes.size() - header));
  }
  ASSIGN_OR_RETURN(Tensor t, Tensor::Allocate(*dtype, *shape));
  auto* out = static_cast<unsigned char*>(t.raw_data());
  const unsigned char* in = p + header;
  // IDX is big-endian; swap multi-byte elements into host order.
  for (size_t i = 0; i < expected; i += elem) {
    for (size_t b = 0; b < elem; ++b) out[i + b] = in[i + elem - 1 - b];
  }
  return t;
}

absl::StatusOr<Tensor> ReadIdxFile(const std::string& path, int64_t max_bytes) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path, max_bytes));
  ASSIGN_OR_RETURN(bytes, MaybeGunzip(std::move(bytes), path, max_bytes));
  return ParseIdx(bytes, path);
}

}  // namespace graphflow
