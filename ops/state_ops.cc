#include "ops/state_ops.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

absl::Status ConstShape(InferenceContext& c) {
  Tensor value;
  RETURN_IF_ERROR(c.GetAttr("value", &value));
  DataType dtype;
  RETURN_IF_ERROR(c.GetAttr("dtype", &dtype));
  if (value.dtype() != dtype) {
    return c.Error(absl::StrCat("value is ", DataTypeString(value.dtype()),
                                " but dtype is ", DataTypeString(dtype)));
  }
  c.set_output(0, value.shape());
  return absl::OkStatus();
}

absl::Status ShapeAttrShape(InferenceContext& c) {
  PartialShape shape;
  RETURN_IF_ERROR(c.GetAttr("shape", &shape));
  c.set_output(0, shape);
  return absl::OkStatus();
}

absl::Status PlaceholderWithDefaultShape(InferenceContext& c) {
  PartialShape shape;
  RETURN_IF_ERROR(c.GetAttr("shape", &shape));
  if (!shape.IsCompatibleWith(c.input_shape(0))) {
    return c.Error(absl::StrCat("default value of shape ",
                                c.input_shape(0).DebugString(),
                                " does not match shape ", shape.DebugString()));
  }
  c.set_output(0, shape);
  return absl::OkStatus();
}

absl::Status AssignShape(InferenceContext& c) {
  bool validate = true;
  if (c.node().FindAttr<bool>("validate_shape")) {
    RETURN_IF_ERROR(c.GetAttr("validate_shape", &validate));
  }
  if (!validate) {
    c.set_output(0, c.input_shape(1));
    return absl::OkStatus();
  }
  auto merged = c.input_shape(0).Merge(c.input_shape(1));
  if (!merged.ok()) {
    return c.Error(absl::StrCat(
        "cannot assign a value of shape ", c.input_shape(1).DebugString(),
        " to a variable of shape ", c.input_shape(0).DebugString()));
  }
  c.set_output(0, *merged);
  return absl::OkStatus();
}

// TF's ScatterUpdateShape: updates are indices.shape + ref.shape[1:] (or a
// scalar); the output is the ref.
absl::Status ScatterShape(InferenceContext& c) {
  const PartialShape& ref = c.input_shape(0);
  const PartialShape& indices = c.input_shape(1);
  const PartialShape& updates = c.input_shape(2);
  if (ref.rank() == 0) {
    return c.Error("ref must be at least 1-D, got a scalar");
  }
  if (ref.known_rank() && indices.known_rank() && updates.rank() > 0) {
    std::vector<int64_t> dims(indices.dims().begin(), indices.dims().end());
    dims.insert(dims.end(), ref.dims().begin() + 1, ref.dims().end());
    if (!updates.IsCompatibleWith(PartialShape(dims))) {
      return c.Error(absl::StrCat(
          "updates must have shape indices.shape + ref.shape[1:] = ",
          PartialShape(dims).DebugString(), " or be a scalar, got ",
          updates.DebugString()));
    }
  }
  c.set_output(0, ref);
  return absl::OkStatus();
}

// Gradients of the pass-through ops: the incoming gradient unchanged.
absl::Status IdentityGradient(const Scope&, const Node&, const OutputList& dy,
                              OutputList* dx) {
  dx->push_back(dy[0]);
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterStateOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Const")
                                 .Output("output: dtype")
                                 .Attr("value: tensor")
                                 .Attr("dtype: type")
                                 .SetShapeFn(ConstShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Placeholder")
                                 .Output("output: dtype")
                                 .Attr("dtype: type")
                                 .Attr("shape: shape = { unknown_rank: true }")
                                 .SetIsFeedOnly()
                                 .SetShapeFn(ShapeAttrShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("PlaceholderWithDefault")
                                 .Input("input: dtype")
                                 .Output("output: dtype")
                                 .Attr("dtype: type")
                                 .Attr("shape: shape")
                                 .SetShapeFn(PlaceholderWithDefaultShape)
                                 .SetGradient(IdentityGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Identity")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .SetShapeFn(UnchangedShape)
                                 .SetGradient(IdentityGradient)));
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("NoOp").SetShapeFn(NoOutputs).SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("VariableV2")
                                 .Output("ref: Ref(dtype)")
                                 .Attr("shape: shape")
                                 .Attr("dtype: type")
                                 .Attr("container: string = ''")
                                 .Attr("shared_name: string = ''")
                                 .SetIsStateful()
                                 .SetShapeFn(ShapeAttrShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Assign")
                                 .Input("ref: Ref(T)")
                                 .Input("value: T")
                                 .Output("output_ref: Ref(T)")
                                 .Attr("T: type")
                                 .Attr("validate_shape: bool = true")
                                 .Attr("use_locking: bool = true")
                                 .SetShapeFn(AssignShape)
                                 .SetNoGradient()));
  // Reads only whether the variable holds a value, so an uninitialized
  // variable is fine here (TF's SetAllowsUninitializedInput).
  RETURN_IF_ERROR(r.Register(OpDefBuilder("IsVariableInitialized")
                                 .Input("ref: Ref(dtype)")
                                 .Output("is_initialized: bool")
                                 .Attr("dtype: type")
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  for (const char* op : {"AssignAdd", "AssignSub"}) {
    RETURN_IF_ERROR(r.Register(
        OpDefBuilder(op)
            .Input("ref: Ref(T)")
            .Input("value: T")
            .Output("output_ref: Ref(T)")
            .Attr("T: {float, double, int32, int64, uint8, int16, int8}")
            .Attr("use_locking: bool = false")
            .SetShapeFn(AssignShape)
            .SetNoGradient()));
  }
  // TF registers no gradient for the state-changing scatters.
  for (const char* op : {"ScatterUpdate", "ScatterAdd", "ScatterSub",
                         "ScatterMul", "ScatterDiv"}) {
    const bool update = std::string(op) == "ScatterUpdate";
    RETURN_IF_ERROR(r.Register(OpDefBuilder(op)
                                   .Input("ref: Ref(T)")
                                   .Input("indices: Tindices")
                                   .Input("updates: T")
                                   .Output("output_ref: Ref(T)")
                                   .Attr(update ? "T: type" : "T: numbertype")
                                   .Attr("Tindices: {int32, int64}")
                                   .Attr(update ? "use_locking: bool = true"
                                                : "use_locking: bool = false")
                                   .SetShapeFn(ScatterShape)
                                   .SetNoGradient()));
  }
  return absl::OkStatus();
}

namespace ops {

Output Const(const Scope& s, const Tensor& value) { return s.Const(value); }

Output Const(const Scope& s, float value) {
  return s.Const(Tensor::Scalar(value));
}

Output Const(const Scope& s, std::initializer_list<float> values,
             const TensorShape& shape) {
  if (static_cast<int64_t>(values.size()) != shape.num_elements()) {
    s.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        "Const: ", values.size(), " values for shape ", shape.DebugString())));
    return Output();
  }
  return s.Const(Tensor::FromVector(values, shape));
}

Output Placeholder(const Scope& s, DataType dtype, const PartialShape& shape) {
  return s.AddOp1("Placeholder", {}, {{"dtype", dtype}, {"shape", shape}});
}

Output PlaceholderWithDefault(const Scope& s, Input value,
                              const PartialShape& shape) {
  return s.AddOp1("PlaceholderWithDefault", {value}, {{"shape", shape}});
}

Output Identity(const Scope& s, Input x) { return s.AddOp1("Identity", {x}); }

Output NoOp(const Scope& s) { return Output(s.AddNode("NoOp", {}), 0); }

Output Variable(const Scope& s, const PartialShape& shape, DataType dtype) {
  return s.AddOp1("VariableV2", {}, {{"shape", shape}, {"dtype", dtype}});
}

Output Assign(const Scope& s, Input ref, Input value, bool validate_shape) {
  return s.AddOp1("Assign", {ref, value}, {{"validate_shape", validate_shape}});
}

Output AssignAdd(const Scope& s, Input ref, Input value) {
  return s.AddOp1("AssignAdd", {ref, value});
}

Output AssignSub(const Scope& s, Input ref, Input value) {
  return s.AddOp1("AssignSub", {ref, value});
}

Output ScatterUpdate(const Scope& s, Input ref, Input indices, Input updates) {
  return s.AddOp1("ScatterUpdate", {ref, indices, updates});
}

Output ScatterAdd(const Scope& s, Input ref, Input indices, Input updates) {
  return s.AddOp1("ScatterAdd", {ref, indices, updates});
}

Output ScatterSub(const Scope& s, Input ref, Input indices, Input updates) {
  return s.AddOp1("ScatterSub", {ref, indices, updates});
}

Output ScatterMul(const Scope& s, Input ref, Input indices, Input updates) {
  return s.AddOp1("ScatterMul", {ref, indices, updates});
}

Output ScatterDiv(const Scope& s, Input ref, Input indices, Input updates) {
  return s.AddOp1("ScatterDiv", {ref, indices, updates});
}

Output IsVariableInitialized(const Scope& s, Input ref) {
  return s.AddOp1("IsVariableInitialized", {ref});
}

}  // namespace ops
}  // namespace graphflow
