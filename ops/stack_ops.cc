// The stack family (TF 1.15's data_flow_ops.cc): StackV2, StackPushV2,
// StackPopV2, StackCloseV2 and their pre-1.4 Ref(string)-handle forms. TF
// marks them all not differentiable (data_flow_grad.py).
#include "ops/stack_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

absl::Status StackV2Shape(InferenceContext& c) {
  if (c.input_shape(0).rank() > 0) {
    return c.Error(absl::StrCat("max_size must be a scalar, got shape ",
                                c.input_shape(0).DebugString()));
  }
  c.set_output(0, PartialShape(std::vector<int64_t>{}));
  return absl::OkStatus();
}

// TF's old handle: a 2-element string vector (container, name).
absl::Status TwoElementOutput(InferenceContext& c) {
  c.set_output(0, PartialShape({2}));
  return absl::OkStatus();
}

absl::Status PushShape(InferenceContext& c) {
  c.set_output(0, c.input_shape(1));
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterStackOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("StackV2")
                                 .Input("max_size: int32")
                                 .Output("handle: resource")
                                 .Attr("elem_type: type")
                                 .Attr("stack_name: string = ''")
                                 .SetIsStateful()
                                 .SetShapeFn(StackV2Shape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Stack")
                                 .Output("handle: Ref(string)")
                                 .Attr("elem_type: type")
                                 .Attr("stack_name: string = ''")
                                 .SetIsStateful()
                                 .SetShapeFn(TwoElementOutput)
                                 .SetNoGradient()));
  for (bool v2 : {true, false}) {
    const char* handle = v2 ? "handle: resource" : "handle: Ref(string)";
    RETURN_IF_ERROR(r.Register(OpDefBuilder(v2 ? "StackPushV2" : "StackPush")
                                   .Input(handle)
                                   .Input("elem: T")
                                   .Output("output: T")
                                   .Attr("T: type")
                                   .Attr("swap_memory: bool = false")
                                   .SetIsStateful()
                                   .SetShapeFn(PushShape)
                                   .SetNoGradient()));
    RETURN_IF_ERROR(r.Register(OpDefBuilder(v2 ? "StackPopV2" : "StackPop")
                                   .Input(handle)
                                   .Output("elem: elem_type")
                                   .Attr("elem_type: type")
                                   .SetIsStateful()
                                   .SetShapeFn(UnknownShape)
                                   .SetNoGradient()));
    RETURN_IF_ERROR(r.Register(OpDefBuilder(v2 ? "StackCloseV2" : "StackClose")
                                   .Input(handle)
                                   .SetIsStateful()
                                   .SetShapeFn(NoOutputs)
                                   .SetNoGradient()));
  }
  return absl::OkStatus();
}

namespace ops {

Output StackV2(const Scope& s, Input max_size, DataType elem_type,
               const std::string& stack_name) {
  return s.AddOp1("StackV2", {max_size},
                  {{"elem_type", elem_type}, {"stack_name", stack_name}});
}

Output StackPushV2(const Scope& s, Input handle, Input elem, bool swap_memory) {
  return s.AddOp1("StackPushV2", {handle, elem},
                  {{"swap_memory", swap_memory}});
}

Output StackPopV2(const Scope& s, Input handle, DataType elem_type) {
  return s.AddOp1("StackPopV2", {handle}, {{"elem_type", elem_type}});
}

Output StackCloseV2(const Scope& s, Input handle) {
  return Output(s.AddNode("StackCloseV2", {handle}), 0);
}

Output Stack(const Scope& s, DataType elem_type,
             const std::string& stack_name) {
  return s.AddOp1("Stack", {},
                  {{"elem_type", elem_type}, {"stack_name", stack_name}});
}

Output StackPush(const Scope& s, Input handle, Input elem, bool swap_memory) {
  return s.AddOp1("StackPush", {handle, elem}, {{"swap_memory", swap_memory}});
}

Output StackPop(const Scope& s, Input handle, DataType elem_type) {
  return s.AddOp1("StackPop", {handle}, {{"elem_type", elem_type}});
}

Output StackClose(const Scope& s, Input handle) {
  return Output(s.AddNode("StackClose", {handle}), 0);
}

}  // namespace ops
}  // namespace graphflow
