// The logging family: TF 1.x's summary ops. graphflow only parses them
// (schemas so TF graphs import, no kernels).
#include "graph/graph.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {

absl::Status RegisterLoggingOps(OpRegistry& r) {
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
