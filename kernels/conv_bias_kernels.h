// Kernels of BiasAdd, BiasAddV1 and BiasAddGrad (ops/conv_ops.cc).
#ifndef GRAPHFLOW_KERNELS_CONV_BIAS_KERNELS_H_
#define GRAPHFLOW_KERNELS_CONV_BIAS_KERNELS_H_

#include "absl/status/status.h"
#include "kernels/kernel.h"

namespace graphflow {

// Called by RegisterConvKernels.
absl::Status RegisterConvBiasKernels(KernelRegistry& registry);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_CONV_BIAS_KERNELS_H_
