#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterArrayOps(OpRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
