#include "kernels/all_kernels.h"

namespace graphflow {

absl::Status RegisterTrainingKernels(KernelRegistry&) {
  return absl::OkStatus();
}

}  // namespace graphflow
