// Shared pieces of the nn kernel family (nn_kernels.cc, softmax_kernels.cc,
// pooling_kernels.cc). RegisterNnKernels calls the per-file registrations.
#ifndef GRAPHFLOW_KERNELS_NN_KERNELS_INTERNAL_H_
#define GRAPHFLOW_KERNELS_NN_KERNELS_INTERNAL_H_

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "kernels/kernel.h"

namespace graphflow::nn_internal {

absl::Status RegisterSoftmaxKernels(KernelRegistry& r);  // softmax_kernels.cc
absl::Status RegisterPoolingKernels(KernelRegistry& r);  // pooling_kernels.cc

inline absl::Status UnsupportedType(const KernelContext& ctx, DataType dtype) {
  return ctx.Error(
      absl::StatusCode::kUnimplemented,
      absl::StrCat("no CPU kernel for dtype ", DataTypeString(dtype)));
}

// Calls fn.template operator()<T>() for float and double.
template <typename Fn>
absl::Status DispatchFloat(const KernelContext& ctx, DataType dtype, Fn&& fn) {
  switch (BaseType(dtype)) {
    case DT_FLOAT:
      return fn.template operator()<float>();
    case DT_DOUBLE:
      return fn.template operator()<double>();
    default:
      return UnsupportedType(ctx, dtype);
  }
}

// As DispatchFloat, plus the integer types graphflow tensors can hold.
template <typename Fn>
absl::Status DispatchReal(const KernelContext& ctx, DataType dtype, Fn&& fn) {
  switch (BaseType(dtype)) {
    case DT_INT32:
      return fn.template operator()<int32_t>();
    case DT_INT64:
      return fn.template operator()<int64_t>();
    case DT_UINT8:
      return fn.template operator()<uint8_t>();
    case DT_INT8:
      return fn.template operator()<int8_t>();
    case DT_INT16:
      return fn.template operator()<int16_t>();
    case DT_UINT16:
      return fn.template operator()<uint16_t>();
    default:
      return DispatchFloat(ctx, dtype, fn);
  }
}

}  // namespace graphflow::nn_internal

#endif  // GRAPHFLOW_KERNELS_NN_KERNELS_INTERNAL_H_
