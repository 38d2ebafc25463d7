// The standard CPU kernel registry, one registration call per family.
#ifndef GRAPHFLOW_KERNELS_ALL_KERNELS_H_
#define GRAPHFLOW_KERNELS_ALL_KERNELS_H_

#include "absl/status/status.h"
#include "kernels/kernel.h"

namespace graphflow {

const KernelRegistry& GlobalKernelRegistry();

absl::Status RegisterStateKernels(KernelRegistry& registry);
absl::Status RegisterArrayKernels(KernelRegistry& registry);
// Part of the array family, called by RegisterArrayKernels.
absl::Status RegisterArrayReverseKernels(KernelRegistry& registry);
absl::Status RegisterArraySliceKernels(KernelRegistry& registry);
// Part of the array_slice family, called by RegisterArraySliceKernels.
absl::Status RegisterArrayNdKernels(KernelRegistry& registry);
absl::Status RegisterArrayJoinKernels(KernelRegistry& registry);
absl::Status RegisterMathKernels(KernelRegistry& registry);
absl::Status RegisterMathUnaryKernels(KernelRegistry& registry);
absl::Status RegisterMatMulKernels(KernelRegistry& registry);
absl::Status RegisterReductionKernels(KernelRegistry& registry);
// Part of the reduction family (ArgMax, Cumsum, ...), called by
// RegisterReductionKernels.
absl::Status RegisterReductionIndexKernels(KernelRegistry& registry);
absl::Status RegisterNnKernels(KernelRegistry& registry);
absl::Status RegisterPoolingKernels(KernelRegistry& registry);
// Part of the pooling family (MaxPoolWithArgmax, ...), called by
// RegisterPoolingKernels.
absl::Status RegisterPoolingArgmaxKernels(KernelRegistry& registry);
// The graph optimizer's fused ops (ops/fused_ops.cc).
absl::Status RegisterFusedKernels(KernelRegistry& registry);
// Part of the fused family, called by RegisterFusedKernels.
absl::Status RegisterFusedAdamKernels(KernelRegistry& registry);
absl::Status RegisterFusedConvGradKernels(KernelRegistry& registry);
absl::Status RegisterFusedConvPoolKernels(KernelRegistry& registry);
absl::Status RegisterConvKernels(KernelRegistry& registry);
absl::Status RegisterBatchNormKernels(KernelRegistry& registry);
absl::Status RegisterRandomKernels(KernelRegistry& registry);
absl::Status RegisterTrainingKernels(KernelRegistry& registry);
absl::Status RegisterIoKernels(KernelRegistry& registry);
absl::Status RegisterLoggingKernels(KernelRegistry& registry);
absl::Status RegisterLookupKernels(KernelRegistry& registry);
// Part of the logging family (CheckNumerics, Assert), called by
// RegisterLoggingKernels.
absl::Status RegisterLoggingCheckKernels(KernelRegistry& registry);
absl::Status RegisterResourceVariableKernels(KernelRegistry& registry);
absl::Status RegisterStackKernels(KernelRegistry& registry);
absl::Status RegisterTensorArrayKernels(KernelRegistry& registry);
absl::Status RegisterSegmentKernels(KernelRegistry& registry);
absl::Status RegisterControlFlowKernels(KernelRegistry& registry);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_ALL_KERNELS_H_
