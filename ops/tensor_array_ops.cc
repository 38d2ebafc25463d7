// The tensor_array family (TF 1.15's data_flow_ops.cc TensorArray*V3 ops and
// tensor_array_grad.py): schemas, shape functions, gradients and builders.
// A gradient array ("<forward>@<source>") sums multiple writes to an index.
#include "ops/tensor_array_ops.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

absl::Status ScalarInput(InferenceContext& c, int i, absl::string_view what) {
  if (c.input_shape(i).rank() > 0) {
    return c.Error(absl::StrCat(what, " must be a scalar, got shape ",
                                c.input_shape(i).DebugString()));
  }
  return absl::OkStatus();
}

absl::Status VectorInput(InferenceContext& c, int i, absl::string_view what) {
  const PartialShape& shape = c.input_shape(i);
  if (shape.known_rank() && shape.rank() != 1) {
    return c.Error(absl::StrCat(what, " must be a vector, got shape ",
                                shape.DebugString()));
  }
  return absl::OkStatus();
}

PartialShape Scalar() { return PartialShape(std::vector<int64_t>{}); }

// The element shape declared by the TensorArrayV3 behind input 0, when the
// handle comes straight from one (TF keeps it as handle shape metadata).
PartialShape ElementShape(const InferenceContext& c) {
  const Node* producer = c.node().input(0).node;
  if (producer->op() != "TensorArrayV3") return PartialShape();
  const PartialShape* shape = producer->FindAttr<PartialShape>("element_shape");
  return shape ? *shape : PartialShape();
}

// [n] + element_shape (unknown rank stays unknown).
PartialShape Prepend(int64_t n, const PartialShape& element) {
  if (element.unknown_rank()) return PartialShape();
  std::vector<int64_t> dims = {n};
  dims.insert(dims.end(), element.dims().begin(), element.dims().end());
  return PartialShape(dims);
}

absl::Status TensorArrayShape(InferenceContext& c) {
  RETURN_IF_ERROR(ScalarInput(c, 0, "size"));
  c.set_output(0, Scalar());
  c.set_output(1, Scalar());
  return absl::OkStatus();
}

absl::Status GradShape(InferenceContext& c) {
  c.set_output(0, Scalar());
  c.set_output(1, Scalar());
  return absl::OkStatus();
}

absl::Status WriteShape(InferenceContext& c) {
  RETURN_IF_ERROR(ScalarInput(c, 1, "index"));
  RETURN_IF_ERROR(ScalarInput(c, 3, "flow_in"));
  c.set_output(0, Scalar());
  return absl::OkStatus();
}

absl::Status ReadShape(InferenceContext& c) {
  RETURN_IF_ERROR(ScalarInput(c, 1, "index"));
  RETURN_IF_ERROR(ScalarInput(c, 2, "flow_in"));
  c.set_output(0, ElementShape(c));
  return absl::OkStatus();
}

absl::Status GatherShape(InferenceContext& c) {
  RETURN_IF_ERROR(VectorInput(c, 1, "indices"));
  PartialShape element;
  RETURN_IF_ERROR(c.GetAttr("element_shape", &element));
  const PartialShape& indices = c.input_shape(1);
  c.set_output(0, Prepend(indices.known_rank() ? indices.dim(0) : -1,
                          element.known_rank() ? element : ElementShape(c)));
  return absl::OkStatus();
}

absl::Status ScatterShape(InferenceContext& c) {
  RETURN_IF_ERROR(VectorInput(c, 1, "indices"));
  c.set_output(0, Scalar());
  return absl::OkStatus();
}

absl::Status ConcatShape(InferenceContext& c) {
  PartialShape except0;
  RETURN_IF_ERROR(c.GetAttr("element_shape_except0", &except0));
  c.set_output(0, Prepend(-1, except0));
  c.set_output(1, PartialShape({-1}));
  return absl::OkStatus();
}

absl::Status SplitShape(InferenceContext& c) {
  RETURN_IF_ERROR(VectorInput(c, 2, "lengths"));
  c.set_output(0, Scalar());
  return absl::OkStatus();
}

absl::Status SizeShape(InferenceContext& c) {
  c.set_output(0, Scalar());
  return absl::OkStatus();
}

// TF's _GetGradSource: the name scope up to the last "gradients*" part, so
// each tf.gradients call gets its own gradient arrays.
absl::StatusOr<std::string> GradSource(const Scope& s) {
  std::vector<std::string> parts = absl::StrSplit(s.name_prefix(), '/');
  for (int i = static_cast<int>(parts.size()) - 1; i >= 0; --i) {
    if (absl::StartsWith(parts[i], "gradients")) {
      parts.resize(i + 1);
      return absl::StrJoin(parts, "/");
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "expected a TensorArray gradient under a 'gradients' name scope, got '",
      s.name_prefix(), "'"));
}

// The gradient array of the node's array for this gradient's source.
absl::StatusOr<ops::TensorArrayHandle> GradArray(const Scope& s,
                                                 const Node& node,
                                                 const Output& flow) {
  ASSIGN_OR_RETURN(std::string source, GradSource(s));
  return ops::TensorArrayGradV3(s, NodeInput(node, 0), flow, source);
}

DataType Attr(const Node& node, const char* name) {
  const DataType* t = node.FindAttr<DataType>(name);
  return t ? *t : DT_FLOAT;
}

// Read -> write the gradient; Write -> read it (and so on for the pairs
// Gather/Scatter and Concat/Split), as tensor_array_grad.py. `write` is
// TensorArrayWriteV3 for a read, TensorArrayScatterV3 for a gather.
using WriteFn = Output (*)(const Scope&, Input, Input, Input, Input);
absl::Status ReadLikeGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx,
                              WriteFn write) {
  ASSIGN_OR_RETURN(auto g, GradArray(s, node, NodeInput(node, 2)));
  *dx = {Output(), Output(),
         write(s, g.handle, NodeInput(node, 1), dy[0], g.flow)};
  return absl::OkStatus();
}

absl::Status ReadGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  return ReadLikeGradient(s, node, dy, dx, ops::TensorArrayWriteV3);
}

absl::Status GatherGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  return ReadLikeGradient(s, node, dy, dx, ops::TensorArrayScatterV3);
}

absl::Status ConcatGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  ASSIGN_OR_RETURN(auto g, GradArray(s, node, NodeInput(node, 1)));
  *dx = {Output(),
         ops::TensorArraySplitV3(s, g.handle, dy[0],
                                 Output(const_cast<Node*>(&node), 1), g.flow)};
  return absl::OkStatus();
}

// The flow's gradient, ordered after this op's own output (TF's
// "write_barrier"), so the gradient array is read after its writes.
Output WriteBarrier(const Scope& s, const Node& node, const Output& dflow) {
  Output flow_out =
      s.WithOpName("flow_out")
          .AddOp1("Identity", {Output(const_cast<Node*>(&node), 0)});
  return s.WithOpName("write_barrier")
      .WithControlDependencies({flow_out})
      .AddOp1("Identity", {dflow});
}

absl::Status WriteGradient(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
  ASSIGN_OR_RETURN(auto g, GradArray(s, node, WriteBarrier(s, node, dy[0])));
  *dx = {Output(), Output(),
         ops::TensorArrayReadV3(s, g.handle, NodeInput(node, 1), g.flow,
                                Attr(node, "T")),
         dy[0]};
  return absl::OkStatus();
}

absl::Status ScatterGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  ASSIGN_OR_RETURN(auto g, GradArray(s, node, WriteBarrier(s, node, dy[0])));
  *dx = {Output(), Output(),
         ops::TensorArrayGatherV3(s, g.handle, NodeInput(node, 1), g.flow,
                                  Attr(node, "T")),
         dy[0]};
  return absl::OkStatus();
}

absl::Status SplitGradient(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
  ASSIGN_OR_RETURN(auto g, GradArray(s, node, WriteBarrier(s, node, dy[0])));
  OutputList concat =
      ops::TensorArrayConcatV3(s, g.handle, g.flow, Attr(node, "T"));
  *dx = {Output(), concat.empty() ? Output() : concat[0], Output(), dy[0]};
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterTensorArrayOps(OpRegistry& r) {
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("TensorArrayV3")
                     .Input("size: int32")
                     .Attr("dtype: type")
                     .Attr("element_shape: shape = { unknown_rank: true }")
                     .Attr("dynamic_size: bool = false")
                     .Attr("clear_after_read: bool = true")
                     .Attr("identical_element_shapes: bool = false")
                     .Attr("tensor_array_name: string = ''")
                     .Output("handle: resource")
                     .Output("flow: float")
                     .SetIsStateful()
                     .SetShapeFn(TensorArrayShape)
                     .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("TensorArrayGradV3")
                                 .Input("handle: resource")
                                 .Input("flow_in: float")
                                 .Output("grad_handle: resource")
                                 .Output("flow_out: float")
                                 .Attr("source: string")
                                 .SetIsStateful()
                                 .SetShapeFn(GradShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("TensorArrayWriteV3")
                                 .Input("handle: resource")
                                 .Input("index: int32")
                                 .Input("value: T")
                                 .Input("flow_in: float")
                                 .Output("flow_out: float")
                                 .Attr("T: type")
                                 .SetShapeFn(WriteShape)
                                 .SetGradient(WriteGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("TensorArrayReadV3")
                                 .Input("handle: resource")
                                 .Input("index: int32")
                                 .Input("flow_in: float")
                                 .Output("value: dtype")
                                 .Attr("dtype: type")
                                 .SetShapeFn(ReadShape)
                                 .SetGradient(ReadGradient)));
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("TensorArrayGatherV3")
                     .Input("handle: resource")
                     .Input("indices: int32")
                     .Input("flow_in: float")
                     .Output("value: dtype")
                     .Attr("dtype: type")
                     .Attr("element_shape: shape = { unknown_rank: true }")
                     .SetShapeFn(GatherShape)
                     .SetGradient(GatherGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("TensorArrayScatterV3")
                                 .Input("handle: resource")
                                 .Input("indices: int32")
                                 .Input("value: T")
                                 .Input("flow_in: float")
                                 .Output("flow_out: float")
                                 .Attr("T: type")
                                 .SetShapeFn(ScatterShape)
                                 .SetGradient(ScatterGradient)));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("TensorArrayConcatV3")
          .Input("handle: resource")
          .Input("flow_in: float")
          .Output("value: dtype")
          .Output("lengths: int64")
          .Attr("dtype: type")
          .Attr("element_shape_except0: shape = { unknown_rank: true }")
          .SetShapeFn(ConcatShape)
          .SetGradient(ConcatGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("TensorArraySplitV3")
                                 .Input("handle: resource")
                                 .Input("value: T")
                                 .Input("lengths: int64")
                                 .Input("flow_in: float")
                                 .Output("flow_out: float")
                                 .Attr("T: type")
                                 .SetShapeFn(SplitShape)
                                 .SetGradient(SplitGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("TensorArraySizeV3")
                                 .Input("handle: resource")
                                 .Input("flow_in: float")
                                 .Output("size: int32")
                                 .SetShapeFn(SizeShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("TensorArrayCloseV3")
                                 .Input("handle: resource")
                                 .SetShapeFn(NoOutputs)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

namespace ops {

TensorArrayHandle TensorArrayV3(const Scope& s, Input size, DataType dtype,
                                const TensorArrayOptions& o) {
  OutputList out =
      s.AddOp("TensorArrayV3", {size},
              {{"dtype", dtype},
               {"element_shape", o.element_shape},
               {"dynamic_size", o.dynamic_size},
               {"clear_after_read", o.clear_after_read},
               {"identical_element_shapes", o.identical_element_shapes},
               {"tensor_array_name", o.tensor_array_name}});
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}

TensorArrayHandle TensorArrayGradV3(const Scope& s, Input handle, Input flow_in,
                                    const std::string& source) {
  OutputList out =
      s.AddOp("TensorArrayGradV3", {handle, flow_in}, {{"source", source}});
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}

Output TensorArrayWriteV3(const Scope& s, Input handle, Input index,
                          Input value, Input flow_in) {
  return s.AddOp1("TensorArrayWriteV3", {handle, index, value, flow_in});
}

Output TensorArrayScatterV3(const Scope& s, Input handle, Input indices,
                            Input value, Input flow_in) {
  return s.AddOp1("TensorArrayScatterV3", {handle, indices, value, flow_in});
}

Output TensorArraySplitV3(const Scope& s, Input handle, Input value,
                          Input lengths, Input flow_in) {
  return s.AddOp1("TensorArraySplitV3", {handle, value, lengths, flow_in});
}

Output TensorArrayReadV3(const Scope& s, Input handle, Input index,
                         Input flow_in, DataType dtype) {
  return s.AddOp1("TensorArrayReadV3", {handle, index, flow_in},
                  {{"dtype", dtype}});
}

Output TensorArrayGatherV3(const Scope& s, Input handle, Input indices,
                           Input flow_in, DataType dtype,
                           const PartialShape& element_shape) {
  return s.AddOp1("TensorArrayGatherV3", {handle, indices, flow_in},
                  {{"dtype", dtype}, {"element_shape", element_shape}});
}

OutputList TensorArrayConcatV3(const Scope& s, Input handle, Input flow_in,
                               DataType dtype,
                               const PartialShape& element_shape_except0) {
  return s.AddOp(
      "TensorArrayConcatV3", {handle, flow_in},
      {{"dtype", dtype}, {"element_shape_except0", element_shape_except0}});
}

Output TensorArraySizeV3(const Scope& s, Input handle, Input flow_in) {
  return s.AddOp1("TensorArraySizeV3", {handle, flow_in});
}

Output TensorArrayCloseV3(const Scope& s, Input handle) {
  return Output(s.AddNode("TensorArrayCloseV3", {handle}), 0);
}

}  // namespace ops
}  // namespace graphflow
