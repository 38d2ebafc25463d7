// RegisterAllOps: every standard op family (GlobalOpRegistry's contents),
// for registries that add ops of their own (distributed/).
#ifndef GRAPHFLOW_OPS_REGISTER_ALL_OPS_H_
#define GRAPHFLOW_OPS_REGISTER_ALL_OPS_H_

#include "absl/status/status.h"
#include "graph/op_registry.h"

namespace graphflow {

absl::Status RegisterAllOps(OpRegistry& registry);  // all_ops.cc

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_REGISTER_ALL_OPS_H_
