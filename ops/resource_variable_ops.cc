// The resource_variable family (TF 1.15's resource_variable_ops.cc and
// resource_variable_ops.py): handles, reads, assignments, gather and
// scatter. The ResourceApply* updates live in the training family.
#include "ops/resource_variable_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/registration.h"

namespace graphflow {

PartialShape ResourceHandleShape(const InferenceContext& c, int i) {
  const Node* producer = c.node().input(i).node;
  if (producer->op() != "VarHandleOp") return PartialShape();
  const PartialShape* shape = producer->FindAttr<PartialShape>("shape");
  return shape ? *shape : PartialShape();
}

namespace {

absl::Status VarHandleShape(InferenceContext& c) {
  c.set_output(0, PartialShape(std::vector<int64_t>{}));
  return absl::OkStatus();
}

absl::Status ReadVariableShape(InferenceContext& c) {
  c.set_output(0, ResourceHandleShape(c, 0));
  return absl::OkStatus();
}

absl::Status AssignVariableShape(InferenceContext& c) {
  PartialShape var = ResourceHandleShape(c, 0);
  if (!var.IsCompatibleWith(c.input_shape(1))) {
    return c.Error(absl::StrCat("cannot assign a value of shape ",
                                c.input_shape(1).DebugString(),
                                " to a variable of shape ", var.DebugString()));
  }
  return absl::OkStatus();
}

absl::Status VariableShapeShape(InferenceContext& c) {
  PartialShape var = ResourceHandleShape(c, 0);
  c.set_output(0, PartialShape({var.known_rank() ? var.rank() : -1}));
  return absl::OkStatus();
}

// indices.shape + params.shape[1:].
absl::Status ResourceGatherShape(InferenceContext& c) {
  int64_t batch_dims = 0;
  RETURN_IF_ERROR(c.GetAttr("batch_dims", &batch_dims));
  if (batch_dims != 0) {
    return c.Error(absl::StrCat("batch_dims must be 0, got ", batch_dims));
  }
  PartialShape params = ResourceHandleShape(c, 0);
  const PartialShape& indices = c.input_shape(1);
  if (params.known_rank() && params.rank() < 1) {
    return c.Error("the variable must be at least 1-D, got a scalar");
  }
  if (!params.known_rank() || !indices.known_rank()) {
    c.set_output(0, PartialShape());
    return absl::OkStatus();
  }
  std::vector<int64_t> dims(indices.dims().begin(), indices.dims().end());
  dims.insert(dims.end(), params.dims().begin() + 1, params.dims().end());
  c.set_output(0, PartialShape(dims));
  return absl::OkStatus();
}

// TF's _ReadGrad: the gradient flows to the handle, which is how gradients
// and optimizers find the variable behind a read.
absl::Status ReadVariableGradient(const Scope&, const Node&,
                                  const OutputList& dy, OutputList* dx) {
  dx->push_back(dy[0]);
  return absl::OkStatus();
}

// TF's _GatherGrad builds IndexedSlices(values, indices, params_shape);
// graphflow has none, so it is made dense here the way TF densifies it
// (summing rows of repeated indices), with ScatterNd.
absl::Status ResourceGatherGradient(const Scope& s, const Node& node,
                                    const OutputList& dy, OutputList* dx) {
  Output handle = NodeInput(node, 0), indices = NodeInput(node, 1);
  Output params_shape = ops::VariableShape(s, handle);
  Output size = ops::ExpandDims(s, ops::Size(s, indices), 0);
  Output values_shape =
      ops::ConcatV2(s, {size, ops::Slice(s, params_shape, {1}, {-1})}, 0);
  Output values = ops::Reshape(s, dy[0], values_shape);
  Output flat = ops::Reshape(s, indices, {-1, 1});
  dx->push_back(ops::ScatterNd(s, flat, values, params_shape));
  dx->push_back(Output());
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterResourceVariableOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("VarHandleOp")
                                 .Output("resource: resource")
                                 .Attr("container: string = ''")
                                 .Attr("shared_name: string = ''")
                                 .Attr("dtype: type")
                                 .Attr("shape: shape")
                                 .SetIsStateful()
                                 .SetShapeFn(VarHandleShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ReadVariableOp")
                                 .Input("resource: resource")
                                 .Output("value: dtype")
                                 .Attr("dtype: type")
                                 .SetIsStateful()
                                 .SetShapeFn(ReadVariableShape)
                                 .SetGradient(ReadVariableGradient)));
  for (const char* op :
       {"AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp"}) {
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("resource: resource")
                                   .Input("value: dtype")
                                   .Attr("dtype: type")
                                   .SetIsStateful()
                                   .SetShapeFn(AssignVariableShape)
                                   .SetNoGradient()));
  }
  RETURN_IF_ERROR(r.Register(OpDefBuilder("VarIsInitializedOp")
                                 .Input("resource: resource")
                                 .Output("is_initialized: bool")
                                 .SetIsStateful()
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("VariableShape")
                                 .Input("input: resource")
                                 .Output("output: out_type")
                                 .Attr("out_type: {int32, int64} = DT_INT32")
                                 .SetShapeFn(VariableShapeShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ResourceGather")
                                 .Input("resource: resource")
                                 .Input("indices: Tindices")
                                 .Attr("batch_dims: int = 0")
                                 .Attr("validate_indices: bool = true")
                                 .Output("output: dtype")
                                 .Attr("dtype: type")
                                 .Attr("Tindices: {int32,int64}")
                                 .SetIsStateful()
                                 .SetShapeFn(ResourceGatherShape)
                                 .SetGradient(ResourceGatherGradient)));
  for (const char* op : {"ResourceScatterAdd", "ResourceScatterUpdate"}) {
    bool add = std::string(op) == "ResourceScatterAdd";
    RETURN_IF_ERROR(
        r.Register(OpDefBuilder(op)
                       .Input("resource: resource")
                       .Input("indices: Tindices")
                       .Input("updates: dtype")
                       .Attr(add ? "dtype: numbertype" : "dtype: type")
                       .Attr("Tindices: {int32, int64}")
                       .SetIsStateful()
                       .SetShapeFn(NoOutputs)
                       .SetNoGradient()));
  }
  return absl::OkStatus();
}

namespace ops {

Output VarHandleOp(const Scope& s, DataType dtype, const PartialShape& shape,
                   const std::string& shared_name) {
  return s.AddOp1(
      "VarHandleOp", {},
      {{"dtype", dtype}, {"shape", shape}, {"shared_name", shared_name}});
}

Output ReadVariableOp(const Scope& s, Input resource, DataType dtype) {
  return s.AddOp1("ReadVariableOp", {resource}, {{"dtype", dtype}});
}

Output AssignVariableOp(const Scope& s, Input resource, Input value) {
  return Output(s.AddNode("AssignVariableOp", {resource, value}), 0);
}

Output AssignAddVariableOp(const Scope& s, Input resource, Input value) {
  return Output(s.AddNode("AssignAddVariableOp", {resource, value}), 0);
}

Output AssignSubVariableOp(const Scope& s, Input resource, Input value) {
  return Output(s.AddNode("AssignSubVariableOp", {resource, value}), 0);
}

Output VarIsInitializedOp(const Scope& s, Input resource) {
  return s.AddOp1("VarIsInitializedOp", {resource});
}

Output VariableShape(const Scope& s, Input resource) {
  return s.AddOp1("VariableShape", {resource});
}

Output ResourceGather(const Scope& s, Input resource, Input indices,
                      DataType dtype, bool validate_indices) {
  return s.AddOp1("ResourceGather", {resource, indices},
                  {{"dtype", dtype}, {"validate_indices", validate_indices}});
}

Output ResourceScatterAdd(const Scope& s, Input resource, Input indices,
                          Input updates) {
  return Output(s.AddNode("ResourceScatterAdd", {resource, indices, updates}),
                0);
}

Output ResourceScatterUpdate(const Scope& s, Input resource, Input indices,
                             Input updates) {
  return Output(
      s.AddNode("ResourceScatterUpdate", {resource, indices, updates}), 0);
}

}  // namespace ops
}  // namespace graphflow
