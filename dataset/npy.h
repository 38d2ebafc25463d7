// NumPy .npy files (format versions 1.0, 2.0 and 3.0): C order,
// little-endian, for every dtype graphflow tensors hold:
//   float32 '<f4', float64 '<f8', int32 '<i4', int64 '<i8', uint8 '|u1',
//   int8 '|i1', int16 '<i2', uint16 '<u2', bool '|b1',
// plus fixed-width byte strings '|S<n>' for string tensors (NumPy strips
// trailing NUL bytes from each element, and so do we).
#ifndef GRAPHFLOW_DATASET_NPY_H_
#define GRAPHFLOW_DATASET_NPY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "graph/tensor.h"

namespace graphflow {

// Corrupt or truncated files are DataLoss; well-formed files graphflow cannot
// represent (Fortran order, big-endian, complex/object/unicode/half dtypes,
// shapes over kMaxTensorElements) are InvalidArgument. Messages start with
// `source` (the file name). Never allocates more than the bytes can fill.
absl::StatusOr<Tensor> ReadNpyFile(const std::string& path);
absl::StatusOr<Tensor> ParseNpy(absl::string_view bytes,
                                absl::string_view source);

// The bytes numpy.save writes for the same array (NumPy >= 1.24 header
// layout: keys sorted, spare space after the shape, padded with spaces and
// a newline to a multiple of 64 bytes). Version 1.0 unless the header
// exceeds 65535 bytes, then 2.0. Returns "" for an invalid (default) Tensor.
std::string SerializeNpy(const Tensor& t);

// Writes SerializeNpy(t) via a temp file + fsync + rename, so readers see
// either the old file or the complete new one.
absl::Status WriteNpyFile(const std::string& path, const Tensor& t);

}  // namespace graphflow

#endif  // GRAPHFLOW_DATASET_NPY_H_
