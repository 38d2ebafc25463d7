// Byte order of the file formats graphflow reads and writes (checkpoints,
// .npy), which store numbers little-endian.
#ifndef GRAPHFLOW_BASE_ENDIAN_H_
#define GRAPHFLOW_BASE_ENDIAN_H_

#include <cstddef>

namespace graphflow {

// Copies `bytes` bytes of little-endian elements of `elem` bytes each from
// `src` to `dst` (no overlap), swapping each element on big-endian hosts.
void CopyLittleEndian(const char* src, char* dst, size_t bytes, size_t elem);

}  // namespace graphflow

#endif  // GRAPHFLOW_BASE_ENDIAN_H_
