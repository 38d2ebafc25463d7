// Fuzzes the .npy reader (ParseNpy). An array it accepts must survive a
// round trip through SerializeNpy unchanged, as numpy.save/load would.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "dataset/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto tensor = graphflow::ParseNpy(bytes, "fuzz.npy");
  if (!tensor.ok()) return 0;
  auto again =
      graphflow::ParseNpy(graphflow::SerializeNpy(*tensor), "round trip");
  if (!again.ok() || !graphflow::TensorsEqual(*tensor, *again)) {
    std::fprintf(stderr, "npy round trip changed the array: %s\n",
                 again.ok() ? "different values"
                            : std::string(again.status().message()).c_str());
    std::abort();
  }
  return 0;
}
