// Kernels of ops/reduction_ops.cc split over several files; registered in
// reduction_kernels.cc.
#ifndef GRAPHFLOW_KERNELS_REDUCTION_INTERNAL_H_
#define GRAPHFLOW_KERNELS_REDUCTION_INTERNAL_H_

#include "absl/status/status.h"
#include "kernels/kernel.h"

namespace graphflow::reduction {

// reduction_argmax.cc
absl::Status ArgMaxKernel(KernelContext& ctx);
absl::Status ArgMinKernel(KernelContext& ctx);
// reduction_matmul.cc
absl::Status MatMulKernel(KernelContext& ctx);

// Reads element i of an int32/int64 tensor.
inline int64_t IndexValue(const Tensor& t, int64_t i) {
  return t.dtype() == DT_INT32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
}

}  // namespace graphflow::reduction

#endif  // GRAPHFLOW_KERNELS_REDUCTION_INTERNAL_H_
