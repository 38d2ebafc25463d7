// Helpers shared by the array, array_slice and array_join kernels: reading
// index inputs and moving bytes between strided layouts without per-dtype
// templates.
#ifndef GRAPHFLOW_KERNELS_ARRAY_UTIL_H_
#define GRAPHFLOW_KERNELS_ARRAY_UTIL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kernels/eigen.h"
#include "kernels/kernel.h"

namespace graphflow {

// Input i as a 1-D int32/int64 vector; InvalidArgument naming `what`.
absl::StatusOr<DimVector> ReadIndexVector(const KernelContext& ctx, int i,
                                          absl::string_view what);
// Input i as one int32/int64 value (a scalar or a 1-element tensor).
absl::StatusOr<int64_t> ReadIndexScalar(const KernelContext& ctx, int i,
                                        absl::string_view what);

// TF's SliceDebugString: the multi-index of flat element `flat` of `shape`,
// as "[1,2]" (error messages name an index of a many-dimensional input so).
std::string SliceDebugString(const TensorShape& shape, int64_t flat);
// TF's gather of `params` (ctx's input 1 holds the indices) along `axis`
// into output 0; shared by GatherV2 and ResourceGather.
absl::Status GatherImpl(KernelContext& ctx, const Tensor& params, int64_t axis,
                        int64_t batch_dims);

// Row-major byte strides of `shape` for elements of `element_size` bytes.
DimVector ByteStrides(const TensorShape& shape, int element_size);

// Copies the box `dims` element by element: element idx goes from
// in + sum(idx[j] * in_steps[j]) to out + sum(idx[j] * out_steps[j]) (byte
// steps; in_steps may be 0 or negative). Contiguous runs become memcpy,
// transposed ones are tiled, and rows are spread over the device.
void StridedCopy(Eigen::ThreadPoolDevice& device, const char* in,
                 absl::Span<const int64_t> in_steps, char* out,
                 absl::Span<const int64_t> out_steps,
                 absl::Span<const int64_t> dims, int element_size);

// Writes `n` copies of the element at `value` to out.
void FillElements(Eigen::ThreadPoolDevice& device, char* out, int64_t n,
                  const void* value, int element_size);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_ARRAY_UTIL_H_
