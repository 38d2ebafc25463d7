// 2-D pooling (MaxPool, MaxPoolV2, AvgPool) and its gradient ops, with
// their gradients (TF 1.15's nn_grad.py); NHWC on CPU.
#include "ops/pooling_ops.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/padding.h"
#include "graph/status.h"
#include "ops/gradient_util.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

constexpr char kRealNumberTypes[] = "realnumbertype";
constexpr char kFloatTypes[] = "{half, bfloat16, float, double}";
constexpr char kPaddingAttr[] = "padding: {'SAME', 'VALID'}";
constexpr char kDataFormatAttr[] = "data_format: {'NHWC', 'NCHW'} = 'NHWC'";
constexpr char kKsizeAttr[] = "ksize: list(int) >= 4";
constexpr char kStridesAttr[] = "strides: list(int) >= 4";

const std::initializer_list<const char*> kPoolAttrs = {
    "ksize", "strides", "padding", "data_format"};

// Output shape of a 2-D pooling of `in` (rank 4, possibly unknown dims).
absl::StatusOr<PartialShape> PoolOutputShape(
    const InferenceContext& c, const PartialShape& in,
    const std::vector<int64_t>& ksize, const std::vector<int64_t>& strides,
    const std::string& data_format) {
  if (ksize.size() != 4 || strides.size() != 4) {
    return c.Error(absl::StrCat("ksize and strides must have 4 entries, got [",
                                absl::StrJoin(ksize, ","), "] and [",
                                absl::StrJoin(strides, ","), "]"));
  }
  int h = 1, w = 2, ch = 3;
  if (data_format == "NCHW") {
    ch = 1, h = 2, w = 3;
  } else if (data_format != "NHWC") {
    return c.Error(
        absl::StrCat("data_format '", data_format, "' is not supported"));
  }
  if (ksize[0] != 1 || strides[0] != 1 || ksize[ch] != 1 || strides[ch] != 1) {
    return c.Error(absl::StrCat(
        "pooling over the batch or depth dimension is not supported: ksize [",
        absl::StrJoin(ksize, ","), "], strides [", absl::StrJoin(strides, ","),
        "]"));
  }
  std::string padding_name;
  RETURN_IF_ERROR(c.GetAttr("padding", &padding_name));
  auto padding = ParsePadding(padding_name);
  if (!padding.ok()) return c.Error(padding.status().message());
  PartialShape out = in;
  for (int d : {h, w}) {
    auto dim = ComputeWindowDim(in.dim(d), ksize[d], strides[d], *padding);
    if (!dim.ok()) {
      return c.Error(
          absl::StrCat(d == h ? "rows: " : "columns: ", dim.status().message(),
                       " (input shape ", in.DebugString(), ")"));
    }
    out.set_dim(d, dim->output);
  }
  return out;
}

absl::Status PoolShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape in, c.WithRank(0, 4));
  std::vector<int64_t> ksize, strides;
  std::string data_format;
  RETURN_IF_ERROR(c.GetAttr("ksize", &ksize));
  RETURN_IF_ERROR(c.GetAttr("strides", &strides));
  RETURN_IF_ERROR(c.GetAttr("data_format", &data_format));
  ASSIGN_OR_RETURN(PartialShape out,
                   PoolOutputShape(c, in, ksize, strides, data_format));
  c.set_output(0, out);
  return absl::OkStatus();
}

// A graph-time int vector input of 4 entries, or nullopt when not constant.
absl::StatusOr<std::optional<std::vector<int64_t>>> ConstantVector4(
    const InferenceContext& c, int i, absl::string_view what) {
  const PartialShape& s = c.input_shape(i);
  if (s.known_rank() && (s.rank() != 1 || (s.dim(0) >= 0 && s.dim(0) != 4))) {
    return c.Error(absl::StrCat(what, " must be a vector of 4 entries, got ",
                                s.DebugString()));
  }
  const Tensor* t = c.input_tensor(i);
  if (t == nullptr) return std::nullopt;
  std::vector<int64_t> v;
  for (int64_t k = 0; k < t->num_elements(); ++k) {
    v.push_back(static_cast<int64_t>(t->ValueAsDouble(k)));
  }
  return v;
}

absl::Status MaxPoolV2Shape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape in, c.WithRank(0, 4));
  std::string data_format;
  RETURN_IF_ERROR(c.GetAttr("data_format", &data_format));
  ASSIGN_OR_RETURN(auto ksize, ConstantVector4(c, 1, "ksize"));
  ASSIGN_OR_RETURN(auto strides, ConstantVector4(c, 2, "strides"));
  if (!ksize || !strides) {
    // Spatial sizes are unknown until the window is.
    bool nchw = data_format == "NCHW";
    PartialShape out = PartialShape::UnknownOfRank(4);
    out.set_dim(0, in.dim(0));
    out.set_dim(nchw ? 1 : 3, in.dim(nchw ? 1 : 3));
    c.set_output(0, out);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(PartialShape out,
                   PoolOutputShape(c, in, *ksize, *strides, data_format));
  c.set_output(0, out);
  return absl::OkStatus();
}

absl::Status MaxPoolGradShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape in, c.WithRank(0, 4));
  c.set_output(0, in);
  return absl::OkStatus();
}

// _FusedMaxPoolGradReluGrad: the gradient, then the bias gradient (the
// channels) with emit_bias_grad, else [0].
absl::Status FusedMaxPoolGradReluGradShape(InferenceContext& c) {
  RETURN_IF_ERROR(MaxPoolGradShape(c));
  bool emit = false;
  RETURN_IF_ERROR(c.GetAttr("emit_bias_grad", &emit));
  c.set_output(1,
               emit ? PartialShape{c.input_shape(0).dim(3)} : PartialShape{0});
  return absl::OkStatus();
}

// The pooled shape of orig_input, merged with orig_output; grad must match
// orig_input.
absl::Status MaxPoolGradGradShape(InferenceContext& c) {
  RETURN_IF_ERROR(PoolShape(c));
  ASSIGN_OR_RETURN(PartialShape grad, c.WithRank(2, 4));
  ASSIGN_OR_RETURN(PartialShape orig_output, c.WithRank(1, 4));
  auto in = c.input_shape(0).Merge(grad);
  auto out = orig_output.Merge(c.output(0));
  if (!in.ok() || !out.ok()) {
    return c.Error(
        absl::StrCat("grad ", grad.DebugString(), " must match orig_input ",
                     c.input_shape(0).DebugString(), " and orig_output ",
                     orig_output.DebugString(), " its pooled shape"));
  }
  c.set_output(0, *out);
  return absl::OkStatus();
}

absl::Status AvgPoolGradShape(InferenceContext& c) {
  RETURN_IF_ERROR(ConstantVector4(c, 0, "orig_input_shape").status());
  RETURN_IF_ERROR(c.WithRank(1, 4).status());
  PartialShape s = c.ShapeFromInputTensor(0);
  if (s.unknown_rank()) s = PartialShape::UnknownOfRank(4);
  for (int64_t d : s.dims()) {
    if (d < -1) {
      return c.Error(absl::StrCat("orig_input_shape has a negative entry: ",
                                  s.DebugString()));
    }
  }
  c.set_output(0, s);
  return absl::OkStatus();
}

// MaxPoolWithArgmax: the pooled shape (NHWC, no data_format) twice.
absl::Status MaxPoolWithArgmaxShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape in, c.WithRank(0, 4));
  std::vector<int64_t> ksize, strides;
  RETURN_IF_ERROR(c.GetAttr("ksize", &ksize));
  RETURN_IF_ERROR(c.GetAttr("strides", &strides));
  ASSIGN_OR_RETURN(PartialShape out,
                   PoolOutputShape(c, in, ksize, strides, "NHWC"));
  c.set_output(0, out);
  c.set_output(1, out);
  return absl::OkStatus();
}

// TF 1.15's _MaxPoolGradWithArgmax: the argmax output has no gradient.
absl::Status MaxPoolWithArgmaxGradient(const Scope& s, const Node& node,
                                       const OutputList& dy, OutputList* dx) {
  dx->push_back(s.AddOp1(
      "MaxPoolGradWithArgmax", {NodeInput(node, 0), dy[0], NodeOutput(node, 1)},
      CopyAttrs(node,
                {"ksize", "strides", "padding", "include_batch_in_index"})));
  return absl::OkStatus();
}

// MaxPoolGrad(x, y, dy), MaxPoolGradV2(x, y, dy, ksize, strides) and
// AvgPoolGrad(Shape(x), dy), with the forward op's attrs.
absl::Status MaxPoolGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  dx->push_back(s.AddOp1("MaxPoolGrad",
                         {NodeInput(node, 0), NodeOutput(node, 0), dy[0]},
                         CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

absl::Status MaxPoolV2Gradient(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  dx->push_back(s.AddOp1("MaxPoolGradV2",
                         {NodeInput(node, 0), NodeOutput(node, 0), dy[0],
                          NodeInput(node, 1), NodeInput(node, 2)},
                         CopyAttrs(node, {"padding", "data_format"})));
  dx->push_back(Output());  // ksize
  dx->push_back(Output());  // strides
  return absl::OkStatus();
}

absl::Status AvgPoolGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  dx->push_back(s.AddOp1("AvgPoolGrad", {ShapeOf(s, NodeInput(node, 0)), dy[0]},
                         CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

// Second order of the max-pool gradient ops: zeros for x and y, and `op`
// (MaxPoolGradGrad, resp. MaxPoolGrad) for the incoming gradient.
absl::Status MaxPoolSecondOrder(const Scope& s, const Node& node,
                                const OutputList& dy, OutputList* dx,
                                absl::string_view op) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  dx->push_back(ZerosOf(s, x));
  dx->push_back(ZerosOf(s, y));
  dx->push_back(s.AddOp1(op, {x, y, dy[0]}, CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

absl::Status MaxPoolGradGradient(const Scope& s, const Node& node,
                                 const OutputList& dy, OutputList* dx) {
  return MaxPoolSecondOrder(s, node, dy, dx, "MaxPoolGradGrad");
}

absl::Status MaxPoolGradGradGradient(const Scope& s, const Node& node,
                                     const OutputList& dy, OutputList* dx) {
  return MaxPoolSecondOrder(s, node, dy, dx, "MaxPoolGrad");
}

// AvgPool of the gradient.
absl::Status AvgPoolGradGradient(const Scope& s, const Node& node,
                                 const OutputList& dy, OutputList* dx) {
  // TF returns stop_gradient(shape) for the int32 shape: no gradient.
  dx->push_back(Output());
  dx->push_back(s.AddOp1("AvgPool", {dy[0]}, CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

absl::Status RegisterPoolOp(OpRegistry& r, const char* op, const char* input,
                            const char* types, const char* data_format,
                            GradFn grad) {
  return r.Register(OpDefBuilder(op)
                        .Input(absl::StrCat(input, ": T"))
                        .Output("output: T")
                        .Attr(kKsizeAttr)
                        .Attr(kStridesAttr)
                        .Attr(kPaddingAttr)
                        .Attr(data_format)
                        .Attr(absl::StrCat("T: ", types))
                        .SetShapeFn(PoolShape)
                        .SetGradient(std::move(grad)));
}

// MaxPoolGrad and MaxPoolGradGrad: (orig_input, orig_output, grad) with the
// pooling attrs.
OpDefBuilder MaxPoolGradOp(const char* op, const std::string& type_attr) {
  OpDefBuilder b(op);
  b.Input("orig_input: T")
      .Input("orig_output: T")
      .Input("grad: T")
      .Output("output: T")
      .Attr(kKsizeAttr)
      .Attr(kStridesAttr)
      .Attr(kPaddingAttr)
      .Attr(kDataFormatAttr)
      .Attr(type_attr);
  return b;
}

// MaxPoolGradWithArgmax's schema: (input, grad, argmax), shaped like input.
OpDefBuilder MaxPoolGradWithArgmaxOp(const char* op) {
  OpDefBuilder b(op);
  b.Input("input: T")
      .Input("grad: T")
      .Input("argmax: Targmax")
      .Output("output: T")
      .Attr(kKsizeAttr)
      .Attr(kStridesAttr)
      .Attr(kPaddingAttr)
      .Attr("include_batch_in_index: bool = false")
      .Attr("Targmax: {int32, int64}")
      .Attr(absl::StrCat("T: ", kRealNumberTypes))
      .SetShapeFn(MaxPoolGradShape);
  return b;
}

}  // namespace

absl::Status RegisterPoolingOps(OpRegistry& r) {
  constexpr char kMaxPoolTypes[] =
      "{half, bfloat16, float, double, int32, int64, uint8, int16, int8, "
      "uint16, qint8} = DT_FLOAT";
  constexpr char kMaxPoolFormat[] =
      "data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'";
  RETURN_IF_ERROR(RegisterPoolOp(r, "MaxPool", "input", kMaxPoolTypes,
                                 kMaxPoolFormat, MaxPoolGradient));
  RETURN_IF_ERROR(RegisterPoolOp(r, "AvgPool", "value", kFloatTypes,
                                 kDataFormatAttr, AvgPoolGradient));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("MaxPoolV2")
                                 .Input("input: T")
                                 .Input("ksize: int32")
                                 .Input("strides: int32")
                                 .Output("output: T")
                                 .Attr(absl::StrCat("T: ", kMaxPoolTypes))
                                 .Attr(kPaddingAttr)
                                 .Attr(kMaxPoolFormat)
                                 .SetShapeFn(MaxPoolV2Shape)
                                 .SetGradient(MaxPoolV2Gradient)));
  RETURN_IF_ERROR(r.Register(
      MaxPoolGradOp("MaxPoolGrad",
                    absl::StrCat("T: ", kRealNumberTypes, " = DT_FLOAT"))
          .SetShapeFn(MaxPoolGradShape)
          .SetGradient(MaxPoolGradGradient)));
  // MaxPoolGrad's gradient: the incoming gradient gathered at each window's
  // argmax, shaped like orig_output.
  RETURN_IF_ERROR(r.Register(
      MaxPoolGradOp("MaxPoolGradGrad", absl::StrCat("T: ", kRealNumberTypes))
          .SetShapeFn(MaxPoolGradGradShape)
          .SetGradient(MaxPoolGradGradGradient)));
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("MaxPoolGradV2")
                     .Input("orig_input: T")
                     .Input("orig_output: T")
                     .Input("grad: T")
                     .Input("ksize: int32")
                     .Input("strides: int32")
                     .Output("output: T")
                     .Attr(kPaddingAttr)
                     .Attr(kDataFormatAttr)
                     .Attr(absl::StrCat("T: ", kRealNumberTypes, " = DT_FLOAT"))
                     .SetShapeFn(MaxPoolGradShape)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("MaxPoolWithArgmax")
                                 .Input("input: T")
                                 .Output("output: T")
                                 .Output("argmax: Targmax")
                                 .Attr(kKsizeAttr)
                                 .Attr(kStridesAttr)
                                 .Attr("Targmax: {int32, int64} = DT_INT64")
                                 .Attr(kPaddingAttr)
                                 .Attr("include_batch_in_index: bool = false")
                                 .Attr(absl::StrCat("T: ", kRealNumberTypes))
                                 .SetShapeFn(MaxPoolWithArgmaxShape)
                                 .SetGradient(MaxPoolWithArgmaxGradient)));
  RETURN_IF_ERROR(r.Register(MaxPoolGradWithArgmaxOp("MaxPoolGradWithArgmax")));
  // Internal, put in by the graph optimizer (session/graph_optimizer.h):
  // ReluGrad(MaxPoolGradWithArgmax(input, grad, argmax), input), which needs
  // only each window's maximum (orig_output) for ReluGrad's mask; with
  // emit_bias_grad also the BiasAddGrad of that gradient (conv -> BiasAdd
  // -> relu -> pool), summed over the pooled cells.
  RETURN_IF_ERROR(
      r.Register(MaxPoolGradWithArgmaxOp("_FusedMaxPoolGradReluGrad")
                     .Input("orig_output: T")
                     .Output("bias_grad: T")
                     .Attr("emit_bias_grad: bool = false")
                     .SetShapeFn(FusedMaxPoolGradReluGradShape)
                     .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("AvgPoolGrad")
                                 .Input("orig_input_shape: int32")
                                 .Input("grad: T")
                                 .Output("output: T")
                                 .Attr(kKsizeAttr)
                                 .Attr(kStridesAttr)
                                 .Attr(kPaddingAttr)
                                 .Attr(kDataFormatAttr)
                                 .Attr(absl::StrCat("T: ", kFloatTypes))
                                 .SetShapeFn(AvgPoolGradShape)
                                 .SetGradient(AvgPoolGradGradient)));
  return absl::OkStatus();
}

namespace ops {
namespace {

AttrMap PoolAttrs(const std::vector<int64_t>& ksize,
                  const std::vector<int64_t>& strides,
                  absl::string_view padding, absl::string_view data_format) {
  return {{"ksize", ksize},
          {"strides", strides},
          {"padding", std::string(padding)},
          {"data_format", std::string(data_format)}};
}

}  // namespace

Output MaxPool(const Scope& s, Input input, const std::vector<int64_t>& ksize,
               const std::vector<int64_t>& strides, absl::string_view padding,
               absl::string_view data_format) {
  return s.AddOp1("MaxPool", {input},
                  PoolAttrs(ksize, strides, padding, data_format));
}
MaxPoolWithArgmaxOutput MaxPoolWithArgmax(const Scope& s, Input input,
                                          const std::vector<int64_t>& ksize,
                                          const std::vector<int64_t>& strides,
                                          absl::string_view padding,
                                          DataType argmax_type,
                                          bool include_batch_in_index) {
  OutputList out =
      s.AddOp("MaxPoolWithArgmax", {input},
              {{"ksize", ksize},
               {"strides", strides},
               {"padding", std::string(padding)},
               {"Targmax", argmax_type},
               {"include_batch_in_index", include_batch_in_index}});
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}
Output MaxPoolV2(const Scope& s, Input input, Input ksize, Input strides,
                 absl::string_view padding, absl::string_view data_format) {
  return s.AddOp1("MaxPoolV2", {input, ksize, strides},
                  {{"padding", std::string(padding)},
                   {"data_format", std::string(data_format)}});
}
Output AvgPool(const Scope& s, Input value, const std::vector<int64_t>& ksize,
               const std::vector<int64_t>& strides, absl::string_view padding,
               absl::string_view data_format) {
  return s.AddOp1("AvgPool", {value},
                  PoolAttrs(ksize, strides, padding, data_format));
}
Output MaxPoolGrad(const Scope& s, Input orig_input, Input orig_output,
                   Input grad, const std::vector<int64_t>& ksize,
                   const std::vector<int64_t>& strides,
                   absl::string_view padding, absl::string_view data_format) {
  return s.AddOp1("MaxPoolGrad", {orig_input, orig_output, grad},
                  PoolAttrs(ksize, strides, padding, data_format));
}
Output MaxPoolGradGrad(const Scope& s, Input orig_input, Input orig_output,
                       Input grad, const std::vector<int64_t>& ksize,
                       const std::vector<int64_t>& strides,
                       absl::string_view padding,
                       absl::string_view data_format) {
  return s.AddOp1("MaxPoolGradGrad", {orig_input, orig_output, grad},
                  PoolAttrs(ksize, strides, padding, data_format));
}
Output MaxPoolGradV2(const Scope& s, Input orig_input, Input orig_output,
                     Input grad, Input ksize, Input strides,
                     absl::string_view padding, absl::string_view data_format) {
  return s.AddOp1("MaxPoolGradV2",
                  {orig_input, orig_output, grad, ksize, strides},
                  {{"padding", std::string(padding)},
                   {"data_format", std::string(data_format)}});
}
Output AvgPoolGrad(const Scope& s, Input orig_input_shape, Input grad,
                   const std::vector<int64_t>& ksize,
                   const std::vector<int64_t>& strides,
                   absl::string_view padding, absl::string_view data_format) {
  return s.AddOp1("AvgPoolGrad", {orig_input_shape, grad},
                  PoolAttrs(ksize, strides, padding, data_format));
}

}  // namespace ops
}  // namespace graphflow
