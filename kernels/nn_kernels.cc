#include "kernels/all_kernels.h"

namespace graphflow {

absl::Status RegisterNnKernels(KernelRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
