// Activations and their gradient ops, softmax, the cross-entropy losses and
// L2Loss, with their gradients.
#include "ops/nn_ops.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/partial_value.h"
#include "graph/status.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/gradient_util.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/reduction_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

constexpr char kRealNumberTypes[] = "realnumbertype";
constexpr char kFloatTypes[] = "{half, bfloat16, float, double}";

absl::Status RankAtLeastOneShape(InferenceContext& c) {
  if (c.input_shape(0).known_rank() && c.input_shape(0).rank() < 1) {
    return c.Error(absl::StrCat("logits must have rank >= 1, got shape ",
                                c.input_shape(0).DebugString()));
  }
  c.set_output(0, c.input_shape(0));
  return absl::OkStatus();
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
  auto broadcast = BroadcastShapes(rank2(f), rank2(l));
  if (!broadcast.ok()) {
    return c.Error(absl::StrCat("features ", f.DebugString(), " and labels ",
                                l.DebugString(), " are not broadcastable"));
  }
  const PartialShape& both = *broadcast;
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

// ---- Gradients (TF 1.15's nn_grad.py, emitting the same ops; Python's
// operator overloads name their nodes "mul", "sub", "add"; so do we). ----

// TF's _BroadcastMul: vec [D0] times mat [D0, D1] via ExpandDims(vec, -1).
Output BroadcastMul(const Scope& s, const Output& vec, const Output& mat) {
  return ops::Mul(s.WithOpName("mul"), ops::ExpandDims(s, vec, -1), mat);
}

// The piecewise-linear activations' second order: Op(ddx, x) for the
// incoming gradient and zeros for the features (TF 1.15's array_ops.zeros).
absl::Status LinearGradGrad(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx,
                            absl::string_view op, AttrMap attrs = {}) {
  Output x = NodeInput(node, 1);
  dx->push_back(s.AddOp1(op, {dy[0], x}, std::move(attrs)));
  dx->push_back(ZerosOf(s, x));
  return absl::OkStatus();
}

// Elu/Selu second order: Op(ddx, y), and where(y < 0, ddx * dy, 0).
absl::Status SaturatingGradGrad(const Scope& s, const Node& node,
                                const OutputList& dy, OutputList* dx,
                                absl::string_view op) {
  Output y = NodeInput(node, 1);
  dx->push_back(s.AddOp1(op, {dy[0], y}));
  Output negative = ops::Less(s, y, ScalarOfType(s, 0, y.dtype()));
  Output term = ops::Mul(s.WithOpName("mul"), dy[0], NodeInput(node, 0));
  dx->push_back(ops::Select(s, negative, term, ops::ZerosLike(s, y)));
  return absl::OkStatus();
}

absl::Status ReluGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::ReluGrad(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

absl::Status Relu6Gradient(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::Relu6Grad(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

absl::Status EluGradient(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  dx->push_back(ops::EluGrad(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

absl::Status SeluGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::SeluGrad(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

absl::Status LeakyReluGradient(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  dx->push_back(s.AddOp1("LeakyReluGrad", {dy[0], NodeInput(node, 0)},
                         CopyAttrs(node, {"alpha"})));
  return absl::OkStatus();
}

absl::Status SoftplusGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::SoftplusGrad(s, dy[0], NodeInput(node, 0)));
  return absl::OkStatus();
}

// TF 1.15's _SoftplusGradGrad: for dx = SoftplusGrad(dy, x) and incoming ddx,
// ddy = SoftplusGrad(ddx, x) and d2x = ddx * dy / (exp(-x) + 2 + exp(x)).
absl::Status SoftplusGradGradient(const Scope& s, const Node& node,
                                  const OutputList& dy, OutputList* dx) {
  Output grad = NodeInput(node, 0), x = NodeInput(node, 1);
  dx->push_back(ops::SoftplusGrad(s, dy[0], x));
  Output exp_neg = ops::Exp(s, ops::Neg(s, x));
  Output sum =
      ops::Add(s.WithOpName("add"), exp_neg, ScalarOfType(s, 2, x.dtype()));
  Output denominator = ops::Add(s.WithOpName("add"), sum, ops::Exp(s, x));
  Output numerator = ops::Mul(s.WithOpName("mul"), dy[0], grad);
  dx->push_back(ops::RealDiv(s.WithOpName("truediv"), numerator, denominator));
  return absl::OkStatus();
}

absl::Status ReluGradGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  return LinearGradGrad(s, node, dy, dx, "ReluGrad");
}

absl::Status Relu6GradGradient(const Scope& s, const Node& node,
                               const OutputList& dy, OutputList* dx) {
  return LinearGradGrad(s, node, dy, dx, "Relu6Grad");
}

absl::Status LeakyReluGradGradient(const Scope& s, const Node& node,
                                   const OutputList& dy, OutputList* dx) {
  return LinearGradGrad(s, node, dy, dx, "LeakyReluGrad",
                        CopyAttrs(node, {"alpha"}));
}

absl::Status EluGradGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  return SaturatingGradGrad(s, node, dy, dx, "EluGrad");
}

absl::Status SeluGradGradient(const Scope& s, const Node& node,
                              const OutputList& dy, OutputList* dx) {
  return SaturatingGradGrad(s, node, dy, dx, "SeluGrad");
}

absl::Status SoftmaxGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  Output y = NodeOutput(node, 0);
  Output sum_channels =
      ops::Sum(s, ops::Mul(s.WithOpName("mul"), dy[0], y), -1, true);
  dx->push_back(ops::Mul(s.WithOpName("mul"),
                         ops::Sub(s.WithOpName("sub"), dy[0], sum_channels),
                         y));
  return absl::OkStatus();
}

absl::Status LogSoftmaxGradient(const Scope& s, const Node& node,
                                const OutputList& dy, OutputList* dx) {
  Output softmax = ops::Exp(s, NodeOutput(node, 0));
  Output sum = ops::Sum(s, dy[0], -1, true);
  dx->push_back(ops::Sub(s.WithOpName("sub"), dy[0],
                         ops::Mul(s.WithOpName("mul"), sum, softmax)));
  return absl::OkStatus();
}

absl::Status SoftmaxCrossEntropyWithLogitsGradient(const Scope& s,
                                                   const Node& node,
                                                   const OutputList& dy,
                                                   OutputList* dx) {
  const Output& grad_loss = dy[0];
  const Output& grad_grad = dy[1];
  Output logits = NodeInput(node, 0);
  Output grad = BroadcastMul(s, grad_loss, NodeOutput(node, 1));
  Output neg_log_softmax = ops::Neg(s, ops::LogSoftmax(s, logits));
  Output labels_grad = BroadcastMul(s, grad_loss, neg_log_softmax);
  if (grad_grad.valid() && !IsZero(grad_grad)) {
    // backprop = softmax - labels, so d(backprop) applies the softmax
    // Jacobian: (gg - <gg, softmax>) * softmax per row. TF takes the row
    // dot products with a batched MatMul of [B,1,C] x [B,C,1] and Squeeze;
    // graphflow has no BatchMatMul, so this is Sum(gg * softmax, -1).
    Output softmax = ops::Softmax(s, logits);
    Output dot = ops::Sum(s, ops::Mul(s.WithOpName("mul"), grad_grad, softmax),
                          -1, true);
    Output term =
        ops::Mul(s.WithOpName("mul"),
                 ops::Sub(s.WithOpName("sub"), grad_grad, dot), softmax);
    grad = ops::AddV2(s.WithOpName("add"), grad, term);
    // TF 1.15 drops backprop's -grad_grad for the labels; it is added here
    // so both inputs' gradients are right when backprop is used.
    labels_grad = ops::Sub(s.WithOpName("sub"), labels_grad, grad_grad);
  }
  dx->push_back(grad);
  dx->push_back(labels_grad);
  return absl::OkStatus();
}

absl::Status SparseSoftmaxCrossEntropyWithLogitsGradient(const Scope& s,
                                                         const Node& node,
                                                         const OutputList& dy,
                                                         OutputList* dx) {
  // The fused backprop output has no gradient of its own: differentiating
  // this gradient again must fail rather than be silently wrong.
  Output backprop = ops::PreventGradient(
      s, NodeOutput(node, 1),
      "Currently there is no way to take the second derivative of "
      "sparse_softmax_cross_entropy_with_logits due to the fused "
      "implementation's interaction with tf.gradients()");
  dx->push_back(BroadcastMul(s, dy[0], backprop));
  dx->push_back(Output());  // Integer labels.
  return absl::OkStatus();
}

absl::Status L2LossGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  dx->push_back(ops::Mul(s.WithOpName("mul"), NodeInput(node, 0), dy[0]));
  return absl::OkStatus();
}

// input[:-1] + [k] for both outputs; k from its graph-time value if known.
absl::Status TopKShape(InferenceContext& c) {
  const PartialShape& input = c.input_shape(0);
  RETURN_IF_ERROR(c.WithRank(1, 0).status());
  if (input.known_rank() && input.rank() < 1) {
    return c.Error(absl::StrCat("input must be at least a vector, got shape ",
                                input.DebugString()));
  }
  PartialValue k_value = InputValue(c, 1);
  int64_t k = k_value.known && !k_value.values.empty() ? k_value.values[0]
                                                       : kUnknownValue;
  if (k == kUnknownValue) k = -1;
  if (!input.known_rank()) {
    c.set_output(0, PartialShape());
    c.set_output(1, PartialShape());
    return absl::OkStatus();
  }
  std::vector<int64_t> dims(input.dims().begin(), input.dims().end());
  if (k >= 0 && dims.back() >= 0 && dims.back() < k) {
    return c.Error(absl::StrCat("input must have last dimension >= k = ", k,
                                " but is ", dims.back()));
  }
  dims.back() = k;
  c.set_output(0, PartialShape(absl::Span<const int64_t>(dims)));
  c.set_output(1, PartialShape(absl::Span<const int64_t>(dims)));
  return absl::OkStatus();
}

absl::Status InTopKShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape predictions, c.WithRank(0, 2));
  ASSIGN_OR_RETURN(PartialShape targets, c.WithRank(1, 1));
  const int64_t a = predictions.dim(0), b = targets.dim(0);
  if (a >= 0 && b >= 0 && a != b) {
    return c.Error(absl::StrCat("First dimension of predictions ", a,
                                " must match length of targets ", b));
  }
  c.set_output(0, PartialShape({a >= 0 ? a : b}));
  return absl::OkStatus();
}

// TF's _TopKGrad: the values' gradient goes to the input positions the
// indices name, zeros elsewhere, through flat indices into the flattened
// input. TF 1.15 scatters with SparseToDense (validate_indices=False);
// graphflow has no sparse ops and uses ScatterNd, as later TF does.
absl::Status TopKGradient(const Scope& s, const Node& node,
                          const OutputList& dy, OutputList* dx) {
  if (!dy[0].valid()) {
    dx->assign(2, Output());
    return absl::OkStatus();
  }
  Output in_shape = ops::Shape(s, NodeInput(node, 0));
  Output ind_shape = ops::Shape(s, NodeOutput(node, 1));
  Output one = s.Const(Tensor::Scalar<int32_t>(1));
  Output ind_lastdim =
      ops::Gather(s, ind_shape, ops::Sub(s, ops::Size(s, ind_shape), one));
  Output ind_2d = ops::Reshape(s, NodeOutput(node, 1),
                               ops::Pack(s, {Input(-1), ind_lastdim}));
  Output in_lastdim =
      ops::Gather(s, in_shape, ops::Sub(s, ops::Size(s, in_shape), one));
  ops::StridedSliceAttrs first;
  first.shrink_axis_mask = 1;
  Output outerdim =
      ops::StridedSlice(s, ops::Shape(s, ind_2d), {0}, {1}, {1}, first);
  Output offsets = ops::ExpandDims(
      s, ops::Range(s, 0, ops::Mul(s, outerdim, in_lastdim), in_lastdim), -1);
  Output ind = ops::Reshape(s, ops::AddV2(s, ind_2d, offsets), {-1});
  Output dense = ops::ScatterNd(
      s, ops::ExpandDims(s, ind, -1), ops::Reshape(s, dy[0], {-1}),
      ops::Reshape(s, ops::Prod(s, in_shape, 0), {1}));
  dx->push_back(ops::Reshape(s, dense, in_shape));
  dx->push_back(Output());  // k is an integer.
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

}  // namespace

absl::Status RegisterNnOps(OpRegistry& r) {
  // Relu also takes qint8 in TF; graphflow has no quantized tensors.
  RETURN_IF_ERROR(RegisterActivation(r, "Relu", kRealNumberTypes, "features",
                                     ReluGradient, ReluGradGradient));
  RETURN_IF_ERROR(RegisterActivation(r, "Relu6", kRealNumberTypes, "features",
                                     Relu6Gradient, Relu6GradGradient));
  RETURN_IF_ERROR(RegisterActivation(r, "Elu", kFloatTypes, "outputs",
                                     EluGradient, EluGradGradient));
  RETURN_IF_ERROR(RegisterActivation(r, "Selu", kFloatTypes, "outputs",
                                     SeluGradient, SeluGradGradient));
  RETURN_IF_ERROR(RegisterActivation(
      r, "LeakyRelu", "{half, bfloat16, float, double} = DT_FLOAT", "features",
      LeakyReluGradient, LeakyReluGradGradient, "alpha: float = 0.2"));
  RETURN_IF_ERROR(RegisterActivation(r, "Softplus", kFloatTypes, "features",
                                     SoftplusGradient, SoftplusGradGradient));

  RETURN_IF_ERROR(r.Register(OpDefBuilder("Softmax")
                                 .Input("logits: T")
                                 .Output("softmax: T")
                                 .Attr(absl::StrCat("T: ", kFloatTypes))
                                 .SetShapeFn(RankAtLeastOneShape)
                                 .SetGradient(SoftmaxGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("LogSoftmax")
                                 .Input("logits: T")
                                 .Output("logsoftmax: T")
                                 .Attr(absl::StrCat("T: ", kFloatTypes))
                                 .SetShapeFn(RankAtLeastOneShape)
                                 .SetGradient(LogSoftmaxGradient)));
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("SoftmaxCrossEntropyWithLogits")
                     .Input("features: T")
                     .Input("labels: T")
                     .Output("loss: T")
                     .Output("backprop: T")
                     .Attr(absl::StrCat("T: ", kFloatTypes))
                     .SetShapeFn(XentShape)
                     .SetGradient(SoftmaxCrossEntropyWithLogitsGradient)));
  RETURN_IF_ERROR(r.Register(
      OpDefBuilder("SparseSoftmaxCrossEntropyWithLogits")
          .Input("features: T")
          .Input("labels: Tlabels")
          .Output("loss: T")
          .Output("backprop: T")
          .Attr(absl::StrCat("T: ", kFloatTypes))
          .Attr("Tlabels: {int32, int64} = DT_INT64")
          .SetShapeFn(SparseXentShape)
          .SetGradient(SparseSoftmaxCrossEntropyWithLogitsGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("L2Loss")
                                 .Input("t: T")
                                 .Output("output: T")
                                 .Attr(absl::StrCat("T: ", kFloatTypes))
                                 .SetShapeFn(ScalarShape)
                                 .SetGradient(L2LossGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("TopKV2")
                                 .Input("input: T")
                                 .Input("k: int32")
                                 .Output("values: T")
                                 .Output("indices: int32")
                                 .Attr("sorted: bool = true")
                                 .Attr(absl::StrCat("T: ", kRealNumberTypes))
                                 .SetShapeFn(TopKShape)
                                 .SetGradient(TopKGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("InTopKV2")
                                 .Input("predictions: float")
                                 .Input("targets: T")
                                 .Input("k: T")
                                 .Output("precision: bool")
                                 .Attr("T: {int32, int64} = DT_INT32")
                                 .SetShapeFn(InTopKShape)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

namespace ops {
namespace {

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
Output Softplus(const Scope& s, Input features) {
  return s.AddOp1("Softplus", {features});
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
Output SoftplusGrad(const Scope& s, Input gradients, Input features) {
  return s.AddOp1("SoftplusGrad", {gradients, features});
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

TopKOutputs TopKV2(const Scope& s, Input input, Input k, bool sorted) {
  OutputList out = s.AddOp("TopKV2", {input, k}, {{"sorted", sorted}});
  if (out.size() != 2) return {};
  return {out[0], out[1]};
}

Output InTopKV2(const Scope& s, Input predictions, Input targets, Input k) {
  return s.AddOp1("InTopKV2", {predictions, targets, k});
}

}  // namespace ops
}  // namespace graphflow
