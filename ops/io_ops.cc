// The io family: TF 1.x's checkpoint save/restore ops, the Saver subgraph of
// a TF graph. Kernels in kernels/io_kernels.cc write and read TF V2
// checkpoints (tensor bundles).
#include "graph/graph.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterIoOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("SaveV2")
                                 .Input("prefix: string")
                                 .Input("tensor_names: string")
                                 .Input("shape_and_slices: string")
                                 .Input("tensors: dtypes")
                                 .Attr("dtypes: list(type)")
                                 .SetIsStateful()
                                 .SetShapeFn(NoOutputs)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("RestoreV2")
                                 .Input("prefix: string")
                                 .Input("tensor_names: string")
                                 .Input("shape_and_slices: string")
                                 .Output("tensors: dtypes")
                                 .Attr("dtypes: list(type) >= 1")
                                 .SetIsStateful()
                                 .SetShapeFn(UnknownShape)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

}  // namespace graphflow
