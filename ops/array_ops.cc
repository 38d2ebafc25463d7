// Array op schemas (TF 1.15 spelling) and builders; the shape functions are
// in array_ops_shapes*.cc.
#include "ops/array_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_grad.h"
#include "ops/array_ops_internal.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

using namespace array_internal;  // NOLINT: the shape functions.

constexpr char kIndexType[] = "{int32, int64} = DT_INT32";

std::string IndexAttr(absl::string_view name) {
  return absl::StrCat(name, ": ", kIndexType);
}

absl::Status RegisterShapeOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Reshape")
                                 .Input("tensor: T")
                                 .Input("shape: Tshape")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("Tshape"))
                                 .SetShapeFn(ReshapeShape)
                                 .SetGradient(ReshapeGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Shape")
                                 .Input("input: T")
                                 .Output("output: out_type")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("out_type"))
                                 .SetShapeFn(ShapeShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ShapeN")
                                 .Input("input: N * T")
                                 .Output("output: N * out_type")
                                 .Attr("N: int >= 1")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("out_type"))
                                 .SetShapeFn(ShapeNShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Size")
                                 .Input("input: T")
                                 .Output("output: out_type")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("out_type"))
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Rank")
                                 .Input("input: T")
                                 .Output("output: int32")
                                 .Attr("T: type")
                                 .SetShapeFn(ScalarShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ExpandDims")
                                 .Input("input: T")
                                 .Input("dim: Tdim")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("Tdim"))
                                 .SetShapeFn(ExpandDimsShape)
                                 .SetGradient(ReshapeGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Squeeze")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("squeeze_dims: list(int) = []")
                                 .SetShapeFn(SqueezeShape)
                                 .SetGradient(ReshapeGrad)));
  return absl::OkStatus();
}

absl::Status RegisterJoinSliceOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ConcatV2")
                                 .Input("values: N * T")
                                 .Input("axis: Tidx")
                                 .Output("output: T")
                                 .Attr("N: int >= 2")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("Tidx"))
                                 .SetShapeFn(ConcatV2Shape)
                                 .SetGradient(ConcatV2Grad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Concat")
                                 .Input("concat_dim: int32")
                                 .Input("values: N * T")
                                 .Output("output: T")
                                 .Attr("N: int >= 2")
                                 .Attr("T: type")
                                 .SetShapeFn(ConcatShape)
                                 .SetGradient(ConcatGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Pack")
                                 .Input("values: N * T")
                                 .Output("output: T")
                                 .Attr("N: int >= 1")
                                 .Attr("T: type")
                                 .Attr("axis: int = 0")
                                 .SetShapeFn(PackShape)
                                 .SetGradient(PackGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Unpack")
                                 .Input("value: T")
                                 .Output("output: num * T")
                                 .Attr("num: int >= 0")
                                 .Attr("T: type")
                                 .Attr("axis: int = 0")
                                 .SetShapeFn(UnpackShape)
                                 .SetGradient(UnpackGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Slice")
                                 .Input("input: T")
                                 .Input("begin: Index")
                                 .Input("size: Index")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Index: {int32, int64}")
                                 .SetShapeFn(SliceShape)
                                 .SetGradient(SliceGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("StridedSlice")
                                 .Input("input: T")
                                 .Input("begin: Index")
                                 .Input("end: Index")
                                 .Input("strides: Index")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("Index: {int32, int64}")
                                 .Attr("begin_mask: int = 0")
                                 .Attr("end_mask: int = 0")
                                 .Attr("ellipsis_mask: int = 0")
                                 .Attr("new_axis_mask: int = 0")
                                 .Attr("shrink_axis_mask: int = 0")
                                 .SetShapeFn(StridedSliceShape)
                                 .SetGradient(StridedSliceGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Tile")
                                 .Input("input: T")
                                 .Input("multiples: Tmultiples")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("Tmultiples"))
                                 .SetShapeFn(TileShape)
                                 .SetGradient(TileGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Transpose")
                                 .Input("x: T")
                                 .Input("perm: Tperm")
                                 .Output("y: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("Tperm"))
                                 .SetShapeFn(TransposeShape)
                                 .SetGradient(TransposeGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("DynamicStitch")
                                 .Input("indices: N * int32")
                                 .Input("data: N * T")
                                 .Output("merged: T")
                                 .Attr("N: int >= 1")
                                 .Attr("T: type")
                                 .SetShapeFn(DynamicStitchShape)
                                 .SetGradient(DynamicStitchGrad)));
  return absl::OkStatus();
}

absl::Status RegisterFillOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(OpDefBuilder("Fill")
                                 .Input("dims: index_type")
                                 .Input("value: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr(IndexAttr("index_type"))
                                 .SetShapeFn(FillShape)
                                 .SetGradient(FillGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("ZerosLike")
                                 .Input("x: T")
                                 .Output("y: T")
                                 .Attr("T: type")
                                 .SetShapeFn(UnchangedShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("OnesLike")
          .Input("x: T")
          .Output("y: T")
          .Attr("T: {bfloat16, half, float, double, int8, uint8, int16, "
                "uint16, int32, int64, complex64, complex128, bool}")
          .SetShapeFn(UnchangedShape)
          .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("OneHot")
                                 .Input("indices: TI")
                                 .Input("depth: int32")
                                 .Input("on_value: T")
                                 .Input("off_value: T")
                                 .Attr("axis: int = -1")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("TI: {uint8, int32, int64} = DT_INT64")
                                 .SetShapeFn(OneHotShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("StopGradient")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .SetShapeFn(UnchangedShape)
                                 .SetNoGradient()));
  // Its gradient function always fails, naming the node and the message.
  RETURN_IF_ERROR(r.Register(OpDefBuilder("PreventGradient")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: type")
                                 .Attr("message: string = ''")
                                 .SetShapeFn(UnchangedShape)
                                 .SetGradient(PreventGradientGrad)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("IdentityN")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Attr("T: list(type)")
                                 .SetShapeFn(IdentityNShape)
                                 .SetGradient(IdentityNGrad)));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("Range")
          .Input("start: Tidx")
          .Input("limit: Tidx")
          .Input("delta: Tidx")
          .Output("output: Tidx")
          .Attr("Tidx: {bfloat16, half, float, double, int32, int64} = "
                "DT_INT32")
          .SetShapeFn(RangeShape)
          .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("Where")
          .Input("input: T")
          .Output("index: int64")
          .Attr("T: {float, double, int32, uint8, int16, int8, complex64, "
                "int64, qint8, quint8, qint32, bfloat16, uint16, complex128, "
                "half, uint32, uint64, bool} = DT_BOOL")
          .SetShapeFn(WhereShape)
          .SetNoGradient()));
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterArrayOps(OpRegistry& r) {
  RETURN_IF_ERROR(RegisterShapeOps(r));
  RETURN_IF_ERROR(RegisterJoinSliceOps(r));
  RETURN_IF_ERROR(RegisterFillOps(r));
  return RegisterArrayGradOps(r);
}

namespace ops {
namespace {

std::vector<Input> Concatenated(const InputList& a, const InputList& b) {
  std::vector<Input> all = a.inputs();
  all.insert(all.end(), b.inputs().begin(), b.inputs().end());
  return all;
}

}  // namespace

Output Reshape(const Scope& s, Input tensor, Input shape) {
  return s.AddOp1("Reshape", {tensor, shape});
}

Output Shape(const Scope& s, Input input, DataType out_type) {
  return s.AddOp1("Shape", {input}, {{"out_type", out_type}});
}

OutputList ShapeN(const Scope& s, const InputList& inputs, DataType out_type) {
  return s.AddOp("ShapeN", inputs.inputs(), {{"out_type", out_type}});
}

Output Size(const Scope& s, Input input, DataType out_type) {
  return s.AddOp1("Size", {input}, {{"out_type", out_type}});
}

Output Rank(const Scope& s, Input input) { return s.AddOp1("Rank", {input}); }

Output ExpandDims(const Scope& s, Input input, Input axis) {
  return s.AddOp1("ExpandDims", {input, axis});
}

Output Squeeze(const Scope& s, Input input,
               const std::vector<int64_t>& squeeze_dims) {
  return s.AddOp1("Squeeze", {input}, {{"squeeze_dims", squeeze_dims}});
}

Output ConcatV2(const Scope& s, const InputList& values, Input axis) {
  return s.AddOp1("ConcatV2", Concatenated(values, {axis}));
}

Output Concat(const Scope& s, const InputList& values, Input axis) {
  return ConcatV2(s, values, axis);
}

Output ConcatV1(const Scope& s, Input concat_dim, const InputList& values) {
  return s.AddOp1("Concat", Concatenated({concat_dim}, values));
}

Output Pack(const Scope& s, const InputList& values, int64_t axis) {
  return s.AddOp1("Pack", values.inputs(), {{"axis", axis}});
}

OutputList Unpack(const Scope& s, Input value, int64_t num, int64_t axis) {
  return s.AddOp("Unpack", {value}, {{"num", num}, {"axis", axis}});
}

Output Slice(const Scope& s, Input input, Input begin, Input size) {
  return s.AddOp1("Slice", {input, begin, size});
}

Output StridedSlice(const Scope& s, Input input, Input begin, Input end,
                    Input strides, const StridedSliceAttrs& attrs) {
  return s.AddOp1("StridedSlice", {input, begin, end, strides},
                  {{"begin_mask", attrs.begin_mask},
                   {"end_mask", attrs.end_mask},
                   {"ellipsis_mask", attrs.ellipsis_mask},
                   {"new_axis_mask", attrs.new_axis_mask},
                   {"shrink_axis_mask", attrs.shrink_axis_mask}});
}

Output Fill(const Scope& s, Input dims, Input value) {
  return s.AddOp1("Fill", {dims, value});
}

Output ZerosLike(const Scope& s, Input x) { return s.AddOp1("ZerosLike", {x}); }

Output OnesLike(const Scope& s, Input x) { return s.AddOp1("OnesLike", {x}); }

Output OneHot(const Scope& s, Input indices, Input depth, Input on_value,
              Input off_value, int64_t axis) {
  return s.AddOp1("OneHot", {indices, depth, on_value, off_value},
                  {{"axis", axis}});
}

Output Tile(const Scope& s, Input input, Input multiples) {
  return s.AddOp1("Tile", {input, multiples});
}

Output Transpose(const Scope& s, Input x, Input perm) {
  return s.AddOp1("Transpose", {x, perm});
}

Output DynamicStitch(const Scope& s, const InputList& indices,
                     const InputList& data) {
  // Two lists of length N: N cannot be inferred from the input count alone.
  return s.AddOp1("DynamicStitch", Concatenated(indices, data),
                  {{"N", static_cast<int64_t>(indices.inputs().size())}});
}

Output StopGradient(const Scope& s, Input input) {
  return s.AddOp1("StopGradient", {input});
}

Output PreventGradient(const Scope& s, Input input,
                       const std::string& message) {
  return s.AddOp1("PreventGradient", {input}, {{"message", message}});
}

OutputList IdentityN(const Scope& s, const InputList& inputs) {
  return s.AddOp("IdentityN", inputs.inputs());
}

Output Range(const Scope& s, Input start, Input limit, Input delta) {
  return s.AddOp1("Range", {start, limit, delta});
}

Output Where(const Scope& s, Input condition) {
  return s.AddOp1("Where", {condition});
}

}  // namespace ops
}  // namespace graphflow
