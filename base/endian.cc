#include "base/endian.h"

#include <bit>
#include <cstring>

namespace graphflow {

void CopyLittleEndian(const char* src, char* dst, size_t bytes, size_t elem) {
  if constexpr (std::endian::native == std::endian::little) {
    if (bytes > 0) std::memcpy(dst, src, bytes);
  } else {
    for (size_t i = 0; i < bytes; i += elem) {
      for (size_t b = 0; b < elem; ++b) dst[i + b] = src[i + elem - 1 - b];
    }
  }
}

}  // namespace graphflow
