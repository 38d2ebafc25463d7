#include "kernels/all_kernels.h"

namespace graphflow {

absl::Status RegisterConvKernels(KernelRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
