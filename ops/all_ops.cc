#include "ops/all_ops.h"

#include <cstdio>
#include <cstdlib>

#include "graph/status.h"
#include "ops/register_all_ops.h"
#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterAllOps(OpRegistry& r) {
  for (absl::Status s :
       {RegisterStateOps(r),      RegisterArrayOps(r),
        RegisterArraySliceOps(r), RegisterArrayJoinOps(r),
        RegisterMathOps(r),       RegisterMathUnaryOps(r),
        RegisterMatMulOps(r),     RegisterReductionOps(r),
        RegisterNnOps(r),         RegisterPoolingOps(r),
        RegisterConvOps(r),       RegisterFusedOps(r),
        RegisterBatchNormOps(r),  RegisterRandomOps(r),
        RegisterTrainingOps(r),   RegisterIoOps(r),
        RegisterLoggingOps(r),    RegisterResourceVariableOps(r),
        RegisterStackOps(r),      RegisterTensorArrayOps(r),
        RegisterLookupOps(r),     RegisterSegmentOps(r),
        RegisterControlFlowOps(r)}) {
    RETURN_IF_ERROR(s);
  }
  return absl::OkStatus();
}

const OpRegistry& GlobalOpRegistry() {
  static const OpRegistry* registry = [] {
    auto* r = new OpRegistry();
    if (absl::Status s = RegisterAllOps(*r); !s.ok()) {
      // A broken schema is a programmer error.
      std::fprintf(stderr, "graphflow: op registration failed: %s\n",
                   std::string(s.message()).c_str());
      std::abort();
    }
    return r;
  }();
  return *registry;
}

Scope NewRootScope() { return Scope::NewRootScope(&GlobalOpRegistry()); }

}  // namespace graphflow
