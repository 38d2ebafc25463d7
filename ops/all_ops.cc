#include "ops/all_ops.h"

#include <cstdio>
#include <cstdlib>

#include "ops/registration.h"

namespace graphflow {

const OpRegistry& GlobalOpRegistry() {
  static const OpRegistry* registry = [] {
    auto* r = new OpRegistry();
    for (absl::Status s :
         {RegisterStateOps(*r), RegisterArrayOps(*r), RegisterArraySliceOps(*r),
          RegisterArrayJoinOps(*r), RegisterMathOps(*r),
          RegisterMathUnaryOps(*r), RegisterMatMulOps(*r),
          RegisterReductionOps(*r), RegisterNnOps(*r), RegisterPoolingOps(*r),
          RegisterConvOps(*r), RegisterRandomOps(*r), RegisterTrainingOps(*r),
          RegisterIoOps(*r), RegisterLoggingOps(*r),
          RegisterControlFlowOps(*r)}) {
      if (!s.ok()) {  // A broken schema is a programmer error.
        std::fprintf(stderr, "graphflow: op registration failed: %s\n",
                     std::string(s.message()).c_str());
        std::abort();
      }
    }
    return r;
  }();
  return *registry;
}

Scope NewRootScope() { return Scope::NewRootScope(&GlobalOpRegistry()); }

}  // namespace graphflow
