#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterNnOps(OpRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
