// Fuzzes graphflow's checkpoint reader (ParseCheckpoint). Random bytes
// rarely carry a valid size and CRC-32, so both are patched in first (the
// checks themselves are covered by the unit tests) and the mutations reach
// the record parser. Accepted checkpoints must serialize and parse again.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "session/checkpoint.h"

namespace {

constexpr size_t kSizeOffset = 16;  // After magic, version, record count.
constexpr size_t kHeaderBytes = 24;

void PutLittleEndian(std::string& bytes, size_t offset, uint64_t value,
                     int width) {
  for (int i = 0; i < width; ++i) bytes[offset + i] = char(value >> (8 * i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= kHeaderBytes + 4) {
    PutLittleEndian(bytes, kSizeOffset, bytes.size(), 8);
    const size_t body = bytes.size() - 4;
    uint32_t crc =
        graphflow::Crc32(0, absl::string_view(bytes).substr(0, body));
    PutLittleEndian(bytes, body, crc, 4);
  }
  auto tensors = graphflow::ParseCheckpoint(bytes, "fuzz.ckpt");
  if (!tensors.ok()) return 0;
  auto serialized = graphflow::SerializeCheckpoint(*tensors);
  if (!serialized.ok() ||
      !graphflow::ParseCheckpoint(*serialized, "round trip").ok()) {
    std::fprintf(stderr, "checkpoint round trip failed\n");
    std::abort();
  }
  return 0;
}
