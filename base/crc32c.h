// CRC-32C (Castagnoli polynomial, reflected 0x82f63b78), as used by
// TensorFlow's tensor bundles, leveldb tables, TFRecords and event files.
#ifndef GRAPHFLOW_BASE_CRC32C_H_
#define GRAPHFLOW_BASE_CRC32C_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace graphflow {
namespace crc32c {

// The CRC-32C of `data` appended to data whose CRC-32C is `crc` (so
// Extend(Extend(0, a), b) == Value(a + b)).
uint32_t Extend(uint32_t crc, absl::string_view data);
inline uint32_t Value(absl::string_view data) { return Extend(0, data); }

// TF/leveldb store masked CRCs, because a CRC of data that itself holds
// embedded CRCs is weak: rotate right by 15 bits and add a constant.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace crc32c
}  // namespace graphflow

#endif  // GRAPHFLOW_BASE_CRC32C_H_
