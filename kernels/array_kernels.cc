#include "kernels/all_kernels.h"

namespace graphflow {

absl::Status RegisterArrayKernels(KernelRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
