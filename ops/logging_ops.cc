// The logging family: TF 1.x's summary ops, each outputting a serialized
// tensorflow.Summary (proto/summary.proto) as a string scalar that
// `graphflow train --summaries` writes into TensorBoard event files, and the
// run-time checks CheckNumerics and Assert.
#include "ops/logging_ops.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/graph.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// TF's _CheckNumericsGrad: the gradient is checked too, with a message
// saying it is the gradient.
absl::Status CheckNumericsGradient(const Scope& s, const Node& node,
                                   const OutputList& dy, OutputList* dx) {
  std::string message;
  RETURN_IF_ERROR(node.GetAttr("message", &message));
  dx->push_back(ops::CheckNumerics(
      s, dy[0],
      absl::StrCat("Not a number (NaN) or infinity (Inf) values detected in "
                   "gradient. ",
                   message)));
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterLoggingOps(OpRegistry& r) {
  // TF registers CheckNumerics in array_ops.cc; graphflow keeps it with
  // Assert, the other run-time check.
  RETURN_IF_ERROR(r.Register(OpDefBuilder("CheckNumerics")
                                 .Input("tensor: T")
                                 .Output("output: T")
                                 .Attr("T: {bfloat16, half, float, double}")
                                 .Attr("message: string")
                                 .SetShapeFn(UnchangedShape)
                                 .SetGradient(CheckNumericsGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Assert")
                                 .Input("condition: bool")
                                 .Input("data: T")
                                 .Attr("T: list(type) >= 1")
                                 .Attr("summarize: int = 3")
                                 .SetIsStateful()
                                 .SetShapeFn(NoOutputs)
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

Output CheckNumerics(const Scope& s, Input tensor, const std::string& message) {
  return s.AddOp1("CheckNumerics", {std::move(tensor)}, {{"message", message}});
}

Output Assert(const Scope& s, Input condition, const InputList& data,
              int summarize) {
  std::vector<Input> inputs = {std::move(condition)};
  // One list input: the data tensors follow the condition.
  for (const Input& in : data.inputs()) inputs.push_back(in);
  return Output(s.AddNode("Assert", inputs, {{"summarize", summarize}}), 0);
}

}  // namespace ops
}  // namespace graphflow
