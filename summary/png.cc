#include "summary/png.h"

#include <zlib.h>

#include "absl/strings/str_cat.h"

namespace graphflow {
namespace {

void AppendBigEndian32(uint32_t v, std::string* out) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
               static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 4);
}

// A chunk is length, type, data and the CRC-32 of type and data.
void AppendChunk(const char type[5], const std::string& data,
                 std::string* out) {
  AppendBigEndian32(static_cast<uint32_t>(data.size()), out);
  std::string body = absl::StrCat(absl::string_view(type, 4), data);
  out->append(body);
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(body.data()),
                    static_cast<uInt>(body.size()));
  AppendBigEndian32(static_cast<uint32_t>(crc), out);
}

}  // namespace

absl::StatusOr<std::string> EncodePng(absl::Span<const uint8_t> pixels,
                                      int width, int height, int channels) {
  // PNG color types: 0 gray, 4 gray+alpha, 2 RGB, 6 RGBA.
  static constexpr uint8_t kColorType[] = {0, 0, 4, 2, 6};
  if (width <= 0 || height <= 0 || channels < 1 || channels > 4 ||
      pixels.size() != static_cast<size_t>(width) * height * channels) {
    return absl::InvalidArgumentError(
        absl::StrCat("PNG: bad image ", width, "x", height, "x", channels,
                     " with ", pixels.size(), " bytes"));
  }
  const size_t row_bytes = static_cast<size_t>(width) * channels;
  // Each row starts with its filter type (0: none).
  std::string raw;
  raw.reserve((row_bytes + 1) * height);
  for (int y = 0; y < height; ++y) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(pixels.data()) + y * row_bytes,
               row_bytes);
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string idat(compressed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(idat.data()), &compressed_size,
                reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK) {
    return absl::InternalError("PNG encoding failed (zlib)");
  }
  idat.resize(compressed_size);

  std::string ihdr;
  AppendBigEndian32(static_cast<uint32_t>(width), &ihdr);
  AppendBigEndian32(static_cast<uint32_t>(height), &ihdr);
  ihdr.push_back(8);  // Bits per channel.
  ihdr.push_back(static_cast<char>(kColorType[channels]));
  ihdr.append(3, '\0');  // Deflate, adaptive filtering, no interlace.

  std::string png("\x89PNG\r\n\x1a\n", 8);
  AppendChunk("IHDR", ihdr, &png);
  AppendChunk("IDAT", idat, &png);
  AppendChunk("IEND", "", &png);
  return png;
}

}  // namespace graphflow
