#include "kernels/all_kernels.h"

namespace graphflow {

absl::Status RegisterMathKernels(KernelRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
