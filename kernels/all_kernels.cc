#include "kernels/all_kernels.h"

#include <cstdio>
#include <cstdlib>

namespace graphflow {

const KernelRegistry& GlobalKernelRegistry() {
  static const KernelRegistry* registry = [] {
    auto* r = new KernelRegistry();
    for (absl::Status s :
         {RegisterStateKernels(*r),      RegisterArrayKernels(*r),
          RegisterArraySliceKernels(*r), RegisterArrayJoinKernels(*r),
          RegisterMathKernels(*r),       RegisterMathUnaryKernels(*r),
          RegisterMatMulKernels(*r),     RegisterReductionKernels(*r),
          RegisterNnKernels(*r),         RegisterPoolingKernels(*r),
          RegisterFusedKernels(*r),      RegisterConvKernels(*r),
          RegisterBatchNormKernels(*r),  RegisterRandomKernels(*r),
          RegisterTrainingKernels(*r),   RegisterIoKernels(*r),
          RegisterLoggingKernels(*r),    RegisterResourceVariableKernels(*r),
          RegisterStackKernels(*r),      RegisterTensorArrayKernels(*r),
          RegisterLookupKernels(*r),     RegisterSegmentKernels(*r),
          RegisterControlFlowKernels(*r)}) {
      if (!s.ok()) {  // A duplicate kernel is a programmer error.
        std::fprintf(stderr, "graphflow: kernel registration failed: %s\n",
                     std::string(s.message()).c_str());
        std::abort();
      }
    }
    return r;
  }();
  return *registry;
}

}  // namespace graphflow
