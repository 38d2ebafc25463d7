// The logging family: TF 1.x's summary ops. Each outputs a serialized
// tensorflow.Summary (proto/summary.proto) as a string scalar, which
// `graphflow train --summaries` writes into TensorBoard event files.
#include "ops/logging_ops.h"

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
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("ImageSummary")
                     .Input("tag: string")
                     .Input("tensor: T")
                     .Output("summary: string")
                     .Attr("max_images: int >= 1 = 3")
                     // TF spells double "float64" here.
                     .Attr("T: {uint8, float, half, double} = DT_FLOAT")
                     .Attr("bad_color: tensor = { dtype: DT_UINT8 "
                           "tensor_shape: { dim { size: 4 } } "
                           "int_val: 255 int_val: 0 int_val: 0 int_val: 255 }")
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

namespace ops {

Output ScalarSummary(const Scope& s, Input tags, Input values) {
  return s.AddOp1("ScalarSummary", {tags, values});
}

Output HistogramSummary(const Scope& s, Input tag, Input values) {
  return s.AddOp1("HistogramSummary", {tag, values});
}

Output ImageSummary(const Scope& s, Input tag, Input tensor,
                    int64_t max_images) {
  return s.AddOp1("ImageSummary", {tag, tensor}, {{"max_images", max_images}});
}

Output MergeSummary(const Scope& s, const InputList& inputs) {
  return s.AddOp1("MergeSummary", inputs.inputs());
}

}  // namespace ops
}  // namespace graphflow
