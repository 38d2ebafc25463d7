// Ops that TF 1.x graph files carry but graphflow only parses: checkpoint
// save/restore (graphflow has its own checkpoints) and summaries. They have
// schemas so such graphs import; they have no kernels.
#include "graph/graph.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterMiscOps(OpRegistry& r) {
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
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ScalarSummary")
                                 .Input("tags: string")
                                 .Input("values: T")
                                 .Output("summary: string")
                                 .Attr("T: realnumbertype")
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("HistogramSummary")
                                 .Input("tag: string")
                                 .Input("values: T")
                                 .Output("summary: string")
                                 .Attr("T: realnumbertype = DT_FLOAT")
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("MergeSummary")
                                 .Input("inputs: N * string")
                                 .Output("summary: string")
                                 .Attr("N: int >= 1")
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

}  // namespace graphflow
