#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterConvOps(OpRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
