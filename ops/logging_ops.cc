// The logging family: CheckNumerics and Assert (with kernels), and TF 1.x's
// summary ops, which graphflow only parses (schemas so TF graphs import, no
// kernels).
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
  RETURN_IF_ERROR(r.Register(OpDefBuilder("MergeSummary")
                                 .Input("inputs: N * string")
                                 .Output("summary: string")
                                 .Attr("N: int >= 1")
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

namespace ops {

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
