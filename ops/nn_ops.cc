#include "ops/nn_ops.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/padding.h"
#include "graph/status.h"
#include "ops/nn_grad.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

constexpr char kRealNumberTypes[] = "realnumbertype";
constexpr char kFloatTypes[] = "{half, bfloat16, float, double}";
constexpr char kPaddingAttr[] = "padding: {'SAME', 'VALID'}";
constexpr char kDataFormatAttr[] = "data_format: {'NHWC', 'NCHW'} = 'NHWC'";
constexpr char kKsizeAttr[] = "ksize: list(int) >= 4";
constexpr char kStridesAttr[] = "strides: list(int) >= 4";

// The gradient ops: both inputs must have compatible shapes.
absl::Status MergeBothInputsShape(InferenceContext& c) {
  auto merged = c.input_shape(0).Merge(c.input_shape(1));
  if (!merged.ok()) {
    return c.Error(absl::StrCat("inputs must have the same shape, got ",
                                c.input_shape(0).DebugString(), " and ",
                                c.input_shape(1).DebugString()));
  }
  c.set_output(0, *merged);
  return absl::OkStatus();
}

absl::Status RankAtLeastOneShape(InferenceContext& c) {
  if (c.input_shape(0).known_rank() && c.input_shape(0).rank() < 1) {
    return c.Error(absl::StrCat("logits must have rank >= 1, got shape ",
                                c.input_shape(0).DebugString()));
  }
  c.set_output(0, c.input_shape(0));
  return absl::OkStatus();
}

// NumPy broadcasting of two graph-time shapes (unknown dims stay unknown
// unless the other side fixes them).
absl::StatusOr<PartialShape> BroadcastShapes(const InferenceContext& c,
                                             const PartialShape& a,
                                             const PartialShape& b) {
  if (a.unknown_rank() || b.unknown_rank()) return PartialShape();
  int rank = std::max(a.rank(), b.rank());
  std::vector<int64_t> dims(rank);
  for (int i = 0; i < rank; ++i) {
    int ia = a.rank() - rank + i, ib = b.rank() - rank + i;
    int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
    if (da == 1) {
      dims[i] = db;
    } else if (db == 1) {
      dims[i] = da;
    } else if (da < 0 || db < 0) {
      dims[i] = da < 0 ? db : da;
    } else if (da == db) {
      dims[i] = da;
    } else {
      return c.Error(absl::StrCat("features ", a.DebugString(), " and labels ",
                                  b.DebugString(), " are not broadcastable"));
    }
  }
  return PartialShape(dims);
}

// Features and labels broadcast to one [batch, classes] shape. TF merges
// equal-rank shapes first, which turns [?,C] with [1,C] into batch 1;
// broadcasting keeps the batch unknown there and agrees everywhere else.
absl::Status XentShape(InferenceContext& c) {
  auto rank2 = [](const PartialShape& s) {
    return s.known_rank() ? s : PartialShape::UnknownOfRank(2);
  };
  const PartialShape& f = c.input_shape(0);
  const PartialShape& l = c.input_shape(1);
  ASSIGN_OR_RETURN(PartialShape both, BroadcastShapes(c, rank2(f), rank2(l)));
  if (both.rank() != 2) {
    return c.Error(absl::StrCat(
        "features and labels must be or broadcast to rank 2, got features ",
        f.DebugString(), " and labels ", l.DebugString()));
  }
  c.set_output(0, PartialShape({both.dim(0)}));
  c.set_output(1, both);
  return absl::OkStatus();
}

absl::Status SparseXentShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape features, c.WithRank(0, 2));
  ASSIGN_OR_RETURN(PartialShape labels, c.WithRank(1, 1));
  int64_t fb = features.dim(0), lb = labels.dim(0);
  if (fb >= 0 && lb >= 0 && fb != lb) {
    return c.Error(absl::StrCat("features ", features.DebugString(),
                                " and labels ", labels.DebugString(),
                                " must have the same batch size"));
  }
  int64_t batch = fb >= 0 ? fb : lb;
  features.set_dim(0, batch);
  c.set_output(0, PartialShape({batch}));
  c.set_output(1, features);
  return absl::OkStatus();
}

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

// Registers an activation (features -> activations) and its gradient op
// (gradients, <second> -> backprops), with their gradient functions.
absl::Status RegisterActivation(OpRegistry& r, const char* op,
                                const char* types, const char* second,
                                GradFn fwd_grad, GradFn grad_grad,
                                const char* extra_attr = nullptr) {
  OpDefBuilder fwd(op);
  fwd.Input("features: T").Output("activations: T").SetGradient(fwd_grad);
  OpDefBuilder grad(absl::StrCat(op, "Grad"));
  grad.SetGradient(grad_grad);
  grad.Input("gradients: T")
      .Input(absl::StrCat(second, ": T"))
      .Output("backprops: T");
  if (extra_attr) {
    fwd.Attr(extra_attr);
    grad.Attr(extra_attr);
  }
  fwd.Attr(absl::StrCat("T: ", types)).SetShapeFn(UnchangedShape);
  grad.Attr(absl::StrCat("T: ", types)).SetShapeFn(MergeBothInputsShape);
  RETURN_IF_ERROR(r.Register(fwd));
  return r.Register(grad);
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

}  // namespace

absl::Status RegisterNnOps(OpRegistry& r) {
  // Relu also takes qint8 in TF; graphflow has no quantized tensors.
  RETURN_IF_ERROR(RegisterActivation(r, "Relu", kRealNumberTypes, "features",
                                     nn_grad::Relu, nn_grad::ReluGrad));
  RETURN_IF_ERROR(RegisterActivation(r, "Relu6", kRealNumberTypes, "features",
                                     nn_grad::Relu6, nn_grad::Relu6Grad));
  RETURN_IF_ERROR(RegisterActivation(r, "Elu", kFloatTypes, "outputs",
                                     nn_grad::Elu, nn_grad::EluGrad));
  RETURN_IF_ERROR(RegisterActivation(r, "Selu", kFloatTypes, "outputs",
                                     nn_grad::Selu, nn_grad::SeluGrad));
  RETURN_IF_ERROR(RegisterActivation(
      r, "LeakyRelu", "{half, bfloat16, float, double} = DT_FLOAT", "features",
      nn_grad::LeakyRelu, nn_grad::LeakyReluGrad, "alpha: float = 0.2"));

  RETURN_IF_ERROR(r.Register(OpDefBuilder("Softmax")
                                 .Input("logits: T")
                                 .Output("softmax: T")
                                 .Attr(absl::StrCat("T: ", kFloatTypes))
                                 .SetShapeFn(RankAtLeastOneShape)
                                 .SetGradient(nn_grad::Softmax)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("LogSoftmax")
                                 .Input("logits: T")
                                 .Output("logsoftmax: T")
                                 .Attr(absl::StrCat("T: ", kFloatTypes))
                                 .SetShapeFn(RankAtLeastOneShape)
                                 .SetGradient(nn_grad::LogSoftmax)));
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("SoftmaxCrossEntropyWithLogits")
                     .Input("features: T")
                     .Input("labels: T")
                     .Output("loss: T")
                     .Output("backprop: T")
                     .Attr(absl::StrCat("T: ", kFloatTypes))
                     .SetShapeFn(XentShape)
                     .SetGradient(nn_grad::SoftmaxCrossEntropyWithLogits)));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("SparseSoftmaxCrossEntropyWithLogits")
          .Input("features: T")
          .Input("labels: Tlabels")
          .Output("loss: T")
          .Output("backprop: T")
          .Attr(absl::StrCat("T: ", kFloatTypes))
          .Attr("Tlabels: {int32, int64} = DT_INT64")
          .SetShapeFn(SparseXentShape)
          .SetGradient(nn_grad::SparseSoftmaxCrossEntropyWithLogits)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("L2Loss")
                                 .Input("t: T")
                                 .Output("output: T")
                                 .Attr(absl::StrCat("T: ", kFloatTypes))
                                 .SetShapeFn(ScalarShape)
                                 .SetGradient(nn_grad::L2Loss)));

  constexpr char kMaxPoolTypes[] =
      "{half, bfloat16, float, double, int32, int64, uint8, int16, int8, "
      "uint16, qint8} = DT_FLOAT";
  constexpr char kMaxPoolFormat[] =
      "data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'";
  RETURN_IF_ERROR(RegisterPoolOp(r, "MaxPool", "input", kMaxPoolTypes,
                                 kMaxPoolFormat, nn_grad::MaxPool));
  RETURN_IF_ERROR(RegisterPoolOp(r, "AvgPool", "value", kFloatTypes,
                                 kDataFormatAttr, nn_grad::AvgPool));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("MaxPoolV2")
                                 .Input("input: T")
                                 .Input("ksize: int32")
                                 .Input("strides: int32")
                                 .Output("output: T")
                                 .Attr(absl::StrCat("T: ", kMaxPoolTypes))
                                 .Attr(kPaddingAttr)
                                 .Attr(kMaxPoolFormat)
                                 .SetShapeFn(MaxPoolV2Shape)
                                 .SetGradient(nn_grad::MaxPoolV2)));
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("MaxPoolGrad")
                     .Input("orig_input: T")
                     .Input("orig_output: T")
                     .Input("grad: T")
                     .Output("output: T")
                     .Attr(kKsizeAttr)
                     .Attr(kStridesAttr)
                     .Attr(kPaddingAttr)
                     .Attr(kDataFormatAttr)
                     .Attr(absl::StrCat("T: ", kRealNumberTypes, " = DT_FLOAT"))
                     .SetShapeFn(MaxPoolGradShape)
                     .SetGradient(nn_grad::MaxPoolGrad)));
  // MaxPoolGrad's gradient: the incoming gradient gathered at each window's
  // argmax, shaped like orig_output.
  RETURN_IF_ERROR(r.Register(OpDefBuilder("MaxPoolGradGrad")
                                 .Input("orig_input: T")
                                 .Input("orig_output: T")
                                 .Input("grad: T")
                                 .Output("output: T")
                                 .Attr(kKsizeAttr)
                                 .Attr(kStridesAttr)
                                 .Attr(kPaddingAttr)
                                 .Attr(kDataFormatAttr)
                                 .Attr(absl::StrCat("T: ", kRealNumberTypes))
                                 .SetShapeFn(MaxPoolGradGradShape)
                                 .SetGradient(nn_grad::MaxPoolGradGrad)));
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
                                 .SetGradient(nn_grad::AvgPoolGrad)));
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

XentOutputs TwoOutputs(const OutputList& out) {
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}

}  // namespace

Output Relu(const Scope& s, Input features) {
  return s.AddOp1("Relu", {features});
}
Output Relu6(const Scope& s, Input features) {
  return s.AddOp1("Relu6", {features});
}
Output Elu(const Scope& s, Input features) {
  return s.AddOp1("Elu", {features});
}
Output Selu(const Scope& s, Input features) {
  return s.AddOp1("Selu", {features});
}
Output LeakyRelu(const Scope& s, Input features, float alpha) {
  return s.AddOp1("LeakyRelu", {features}, {{"alpha", alpha}});
}
Output ReluGrad(const Scope& s, Input gradients, Input features) {
  return s.AddOp1("ReluGrad", {gradients, features});
}
Output Relu6Grad(const Scope& s, Input gradients, Input features) {
  return s.AddOp1("Relu6Grad", {gradients, features});
}
Output EluGrad(const Scope& s, Input gradients, Input outputs) {
  return s.AddOp1("EluGrad", {gradients, outputs});
}
Output SeluGrad(const Scope& s, Input gradients, Input outputs) {
  return s.AddOp1("SeluGrad", {gradients, outputs});
}
Output LeakyReluGrad(const Scope& s, Input gradients, Input features,
                     float alpha) {
  return s.AddOp1("LeakyReluGrad", {gradients, features}, {{"alpha", alpha}});
}

Output Softmax(const Scope& s, Input logits) {
  return s.AddOp1("Softmax", {logits});
}
Output LogSoftmax(const Scope& s, Input logits) {
  return s.AddOp1("LogSoftmax", {logits});
}

XentOutputs SoftmaxCrossEntropyWithLogits(const Scope& s, Input features,
                                          Input labels) {
  return TwoOutputs(
      s.AddOp("SoftmaxCrossEntropyWithLogits", {features, labels}));
}
XentOutputs SparseSoftmaxCrossEntropyWithLogits(const Scope& s, Input features,
                                                Input labels) {
  return TwoOutputs(
      s.AddOp("SparseSoftmaxCrossEntropyWithLogits", {features, labels}));
}

Output L2Loss(const Scope& s, Input t) { return s.AddOp1("L2Loss", {t}); }

Output MaxPool(const Scope& s, Input input, const std::vector<int64_t>& ksize,
               const std::vector<int64_t>& strides, absl::string_view padding,
               absl::string_view data_format) {
  return s.AddOp1("MaxPool", {input},
                  PoolAttrs(ksize, strides, padding, data_format));
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
