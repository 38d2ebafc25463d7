// FusedBatchNorm{,V2,V3} and FusedBatchNormGrad{,V2,V3}: TF 1.15's schemas,
// shape functions and nn_grad.py's gradient.
#include "ops/batch_norm_ops.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/array_ops.h"
#include "ops/gradient_util.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

constexpr char kDataFormat[] = "data_format: {'NHWC', 'NCHW'} = 'NHWC'";
constexpr char kEpsilon[] = "epsilon: float = 0.0001";
constexpr char kIsTraining[] = "is_training: bool = true";

// The channel axis of a 4-D tensor in the node's data_format.
absl::StatusOr<int> ChannelAxis(const InferenceContext& c) {
  std::string format;
  RETURN_IF_ERROR(c.GetAttr("data_format", &format));
  return format == "NCHW" ? 1 : 3;
}

// Merges channels with dim 0 of the vector inputs in [first, last).
absl::Status MergeChannels(const InferenceContext& c, int first, int last,
                           int64_t* channels) {
  for (int i = first; i < last; ++i) {
    ASSIGN_OR_RETURN(PartialShape v, c.WithRank(i, 1));
    const int64_t d = v.dim(0);
    if (d >= 0 && *channels >= 0 && d != *channels) {
      return c.Error(absl::StrCat(
          c.node().op_def().inputs[i].name, " must have ", *channels,
          " entries (the channels of x), got ", v.DebugString()));
    }
    if (*channels < 0) *channels = d;
  }
  return absl::OkStatus();
}

// TF's FusedBatchNormShape (+ V3's unknown reserve_space_3): scale and
// offset, and in inference mean and variance, are [channels].
absl::Status FusedBatchNormShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape x, c.WithRank(0, 4));
  ASSIGN_OR_RETURN(int axis, ChannelAxis(c));
  bool is_training = true;
  RETURN_IF_ERROR(c.GetAttr("is_training", &is_training));
  int64_t channels = x.known_rank() ? x.dim(axis) : -1;
  RETURN_IF_ERROR(MergeChannels(c, 1, is_training ? 3 : 5, &channels));
  if (!x.known_rank()) x = PartialShape::UnknownOfRank(4);
  x.set_dim(axis, channels);
  c.set_output(0, x);
  for (int i = 1; i < 5; ++i) c.set_output(i, PartialShape({channels}));
  if (c.num_outputs() > 5) c.set_output(5, PartialShape());
  return absl::OkStatus();
}

// TF's FusedBatchNormGradShape: y_backprop and x 4-D with one channel
// count, which scale and both reserve spaces share.
absl::Status FusedBatchNormGradShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape dy, c.WithRank(0, 4));
  ASSIGN_OR_RETURN(PartialShape x, c.WithRank(1, 4));
  ASSIGN_OR_RETURN(int axis, ChannelAxis(c));
  auto merged = dy.Merge(x);
  if (!merged.ok()) {
    return c.Error(absl::StrCat("y_backprop ", dy.DebugString(), " and x ",
                                x.DebugString(), " must have the same shape"));
  }
  PartialShape out =
      merged->known_rank() ? *merged : PartialShape::UnknownOfRank(4);
  int64_t channels = out.dim(axis);
  RETURN_IF_ERROR(MergeChannels(c, 2, 5, &channels));
  out.set_dim(axis, channels);
  c.set_output(0, out);
  c.set_output(1, PartialShape({channels}));
  c.set_output(2, PartialShape({channels}));
  c.set_output(3, PartialShape({0}));
  c.set_output(4, PartialShape({0}));
  return absl::OkStatus();
}

// TF 1.15's _BaseFusedBatchNormGrad. Training: the grad op of the same
// version takes the forward op's reserve spaces. Inference: it takes the
// moving mean and variance, in NHWC (the CPU kernel's only frozen layout in
// TF, so NCHW is transposed around it as TF's Python does).
absl::Status FusedBatchNormGradient(const Scope& s, const Node& node,
                                    const OutputList& dy, OutputList* dx,
                                    int version) {
  if (!dy[0].valid()) {  // Only the statistics are used: nothing flows.
    dx->assign(5, Output());
    return absl::OkStatus();
  }
  ops::FusedBatchNormAttrs attrs;
  RETURN_IF_ERROR(node.GetAttr("epsilon", &attrs.epsilon));
  RETURN_IF_ERROR(node.GetAttr("data_format", &attrs.data_format));
  RETURN_IF_ERROR(node.GetAttr("is_training", &attrs.is_training));
  Output x = NodeInput(node, 0), grad_y = dy[0], scale = NodeInput(node, 1);
  Output rs1 = NodeOutput(node, 3), rs2 = NodeOutput(node, 4);
  const bool nchw_frozen = !attrs.is_training && attrs.data_format == "NCHW";
  if (!attrs.is_training) {
    rs1 = NodeInput(node, 3);
    rs2 = NodeInput(node, 4);
    if (nchw_frozen) {
      const Tensor to_nhwc = Tensor::Vector<int32_t>({0, 2, 3, 1});
      x = ops::Transpose(s, x, to_nhwc);
      grad_y = ops::Transpose(s, grad_y, to_nhwc);
      attrs.data_format = "NHWC";
    }
  }
  ops::FusedBatchNormGradOutputs g;
  if (version == 3) {
    g = ops::FusedBatchNormGradV3(s, grad_y, x, scale, rs1, rs2,
                                  NodeOutput(node, 5), attrs);
  } else if (version == 2) {
    g = ops::FusedBatchNormGradV2(s, grad_y, x, scale, rs1, rs2, attrs);
  } else {
    g = ops::FusedBatchNormGrad(s, grad_y, x, scale, rs1, rs2, attrs);
  }
  if (nchw_frozen && g.x_backprop.valid()) {
    g.x_backprop =
        ops::Transpose(s, g.x_backprop, Tensor::Vector<int32_t>({0, 3, 1, 2}));
  }
  *dx = {g.x_backprop, g.scale_backprop, g.offset_backprop, Output(), Output()};
  return absl::OkStatus();
}

// One forward op: T only for V1, T and U (the statistics' type) after.
OpDefBuilder ForwardOp(const std::string& name, int version) {
  const bool v1 = version == 1;
  const char* u = v1 ? "T" : "U";
  OpDefBuilder b(name);
  b.Input("x: T")
      .Input(absl::StrCat("scale: ", u))
      .Input(absl::StrCat("offset: ", u))
      .Input(absl::StrCat("mean: ", u))
      .Input(absl::StrCat("variance: ", u))
      .Output("y: T");
  for (const char* out :
       {"batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"}) {
    b.Output(absl::StrCat(out, ": ", u));
  }
  if (version == 3) b.Output("reserve_space_3: U");
  b.Attr(v1 ? "T: {float}" : "T: {half, bfloat16, float}");
  if (!v1) b.Attr("U: {float}");
  b.Attr(kEpsilon).Attr(kDataFormat).Attr(kIsTraining);
  b.SetShapeFn(FusedBatchNormShape);
  b.SetGradient([version](const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
    return FusedBatchNormGradient(s, node, dy, dx, version);
  });
  return b;
}

// One gradient op. V2 and V3 take scale as float (TF's spelling).
OpDefBuilder GradOp(const std::string& name, int version) {
  const bool v1 = version == 1;
  const char* u = v1 ? "T" : "U";
  OpDefBuilder b(name);
  b.Input("y_backprop: T")
      .Input("x: T")
      .Input(v1 ? "scale: T" : "scale: float")
      .Input(absl::StrCat("reserve_space_1: ", u))
      .Input(absl::StrCat("reserve_space_2: ", u));
  if (version == 3) b.Input("reserve_space_3: U");
  b.Output("x_backprop: T")
      .Output(absl::StrCat("scale_backprop: ", u))
      .Output(absl::StrCat("offset_backprop: ", u));
  const int first = version == 3 ? 4 : 3;
  b.Output(absl::StrCat("reserve_space_", first, ": ", u))
      .Output(absl::StrCat("reserve_space_", first + 1, ": ", u));
  b.Attr(v1 ? "T: {float}" : "T: {half, bfloat16, float}");
  if (!v1) b.Attr("U: {float}");
  b.Attr(kEpsilon).Attr(kDataFormat).Attr(kIsTraining);
  // TF 1.15's _FusedBatchNormGradGrad (second order) is not provided.
  b.SetShapeFn(FusedBatchNormGradShape).SetNoGradient();
  return b;
}

}  // namespace

absl::Status RegisterBatchNormOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(ForwardOp("FusedBatchNorm", 1)));
  RETURN_IF_ERROR(r.Register(ForwardOp("FusedBatchNormV2", 2)));
  RETURN_IF_ERROR(r.Register(ForwardOp("FusedBatchNormV3", 3)));
  RETURN_IF_ERROR(r.Register(GradOp("FusedBatchNormGrad", 1)));
  RETURN_IF_ERROR(r.Register(GradOp("FusedBatchNormGradV2", 2)));
  return r.Register(GradOp("FusedBatchNormGradV3", 3));
}

namespace ops {
namespace {

AttrMap BatchNormAttrMap(const FusedBatchNormAttrs& attrs) {
  return {{"epsilon", attrs.epsilon},
          {"data_format", attrs.data_format},
          {"is_training", attrs.is_training}};
}

FusedBatchNormOutputs Forward(const Scope& s, absl::string_view op,
                              const std::vector<Input>& inputs,
                              const FusedBatchNormAttrs& attrs) {
  OutputList out = s.AddOp(op, inputs, BatchNormAttrMap(attrs));
  if (out.size() < 5) return {};
  return {out[0], out[1], out[2],
          out[3], out[4], out.size() > 5 ? out[5] : Output()};
}

FusedBatchNormGradOutputs Backward(const Scope& s, absl::string_view op,
                                   const std::vector<Input>& inputs,
                                   const FusedBatchNormAttrs& attrs) {
  OutputList out = s.AddOp(op, inputs, BatchNormAttrMap(attrs));
  if (out.size() < 3) return {};
  return {out[0], out[1], out[2]};
}

}  // namespace

FusedBatchNormOutputs FusedBatchNorm(const Scope& s, Input x, Input scale,
                                     Input offset, Input mean, Input variance,
                                     const FusedBatchNormAttrs& attrs) {
  return Forward(s, "FusedBatchNorm", {x, scale, offset, mean, variance},
                 attrs);
}
FusedBatchNormOutputs FusedBatchNormV2(const Scope& s, Input x, Input scale,
                                       Input offset, Input mean, Input variance,
                                       const FusedBatchNormAttrs& attrs) {
  return Forward(s, "FusedBatchNormV2", {x, scale, offset, mean, variance},
                 attrs);
}
FusedBatchNormOutputs FusedBatchNormV3(const Scope& s, Input x, Input scale,
                                       Input offset, Input mean, Input variance,
                                       const FusedBatchNormAttrs& attrs) {
  return Forward(s, "FusedBatchNormV3", {x, scale, offset, mean, variance},
                 attrs);
}

FusedBatchNormGradOutputs FusedBatchNormGrad(const Scope& s, Input y_backprop,
                                             Input x, Input scale,
                                             Input reserve_space_1,
                                             Input reserve_space_2,
                                             const FusedBatchNormAttrs& attrs) {
  return Backward(s, "FusedBatchNormGrad",
                  {y_backprop, x, scale, reserve_space_1, reserve_space_2},
                  attrs);
}
FusedBatchNormGradOutputs FusedBatchNormGradV2(
    const Scope& s, Input y_backprop, Input x, Input scale,
    Input reserve_space_1, Input reserve_space_2,
    const FusedBatchNormAttrs& attrs) {
  return Backward(s, "FusedBatchNormGradV2",
                  {y_backprop, x, scale, reserve_space_1, reserve_space_2},
                  attrs);
}
FusedBatchNormGradOutputs FusedBatchNormGradV3(
    const Scope& s, Input y_backprop, Input x, Input scale,
    Input reserve_space_1, Input reserve_space_2, Input reserve_space_3,
    const FusedBatchNormAttrs& attrs) {
  return Backward(
      s, "FusedBatchNormGradV3",
      {y_backprop, x, scale, reserve_space_1, reserve_space_2, reserve_space_3},
      attrs);
}

}  // namespace ops
}  // namespace graphflow
