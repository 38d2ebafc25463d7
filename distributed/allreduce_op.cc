#include "distributed/allreduce_op.h"

#include <cstdio>
#include <cstdlib>

#include "graph/graph.h"
#include "graph/status.h"
#include "ops/register_all_ops.h"

namespace graphflow::distributed {

absl::Status RegisterDistributedOps(OpRegistry& registry) {
  return registry.Register(
      OpDefBuilder(kAllreduceOp)
          .Input("tensors: N * T")
          .Output("averaged: N * T")
          .Attr("N: int >= 1")
          .Attr("T: {float, double}")
          // A collective: never pruned, folded or run twice for one step.
          .SetIsStateful()
          .SetShapeFn([](InferenceContext& c) {
            for (int i = 0; i < c.num_inputs(); ++i) {
              c.set_output(i, c.input_shape(i));
            }
            return absl::OkStatus();
          })
          .SetNoGradient());
}

const OpRegistry& DistributedOpRegistry() {
  static const OpRegistry* registry = [] {
    auto* r = new OpRegistry();
    absl::Status s = RegisterAllOps(*r);
    if (s.ok()) s = RegisterDistributedOps(*r);
    if (!s.ok()) {  // A broken schema is a programmer error.
      std::fprintf(stderr, "graphflow: op registration failed: %s\n",
                   std::string(s.message()).c_str());
      std::abort();
    }
    return r;
  }();
  return *registry;
}

}  // namespace graphflow::distributed
