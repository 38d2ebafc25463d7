// Fuzzes the IDX reader the way ReadIdxFile uses it: the first input byte
// picks raw (even) or through MaybeGunzip (odd, so gzip streams from the
// MNIST files are mutated too); the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dataset/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool gzip = data[0] & 1;
  std::string file(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (gzip) {
    auto inflated = graphflow::MaybeGunzip(std::move(file), "fuzz.idx.gz");
    if (!inflated.ok()) return 0;
    file = std::move(*inflated);
  }
  auto tensor = graphflow::ParseIdx(file, "fuzz.idx");
  return 0;
}
