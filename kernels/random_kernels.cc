#include "kernels/all_kernels.h"

namespace graphflow {

absl::Status RegisterRandomKernels(KernelRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
