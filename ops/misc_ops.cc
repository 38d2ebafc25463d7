#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterMiscOps(OpRegistry&) { return absl::OkStatus(); }

}  // namespace graphflow
