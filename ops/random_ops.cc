#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterRandomOps(OpRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
