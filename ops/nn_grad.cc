// TensorFlow 1.15's nn gradients (python/ops/nn_grad.py), emitting the same
// ops so graphflow training graphs read like TF-written ones. Python's
// operator overloads name their nodes "mul", "sub", "add"; so do we.
#include "ops/nn_grad.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/nn_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"

namespace graphflow::nn_grad {
namespace {

// A scalar of `dtype` holding v (float, double, or the type's zero).
Tensor ScalarOf(DataType dtype, double v) {
  switch (BaseType(dtype)) {
    case DT_DOUBLE:
      return Tensor::Scalar(v);
    case DT_FLOAT:
      return Tensor::Scalar(static_cast<float>(v));
    default: {
      Tensor t(BaseType(dtype), TensorShape({}));
      t.FillZero();
      return t;
    }
  }
}

// TF's array_ops.shape: a Const when the static shape is fully known (so
// shape functions downstream see it), else a Shape op.
Output ShapeOf(const Scope& s, const Output& x) {
  const PartialShape& shape = x.shape();
  if (shape.IsFullyDefined()) {
    std::vector<int32_t> dims(shape.dims().begin(), shape.dims().end());
    return s.WithOpName("Shape").Const(Tensor::FromVector<int32_t>(
        absl::MakeConstSpan(dims), TensorShape({shape.rank()})));
  }
  return ops::Shape(s, x);
}

// TF's array_ops.zeros(shape(x), x.dtype): Fill named "zeros".
Output ZerosOf(const Scope& s, const Output& x) {
  Output shape = ShapeOf(s, x);
  Output zero = s.WithOpName("zeros/Const").Const(ScalarOf(x.dtype(), 0));
  return ops::Fill(s.WithOpName("zeros"), shape, zero);
}

// TF's _BroadcastMul: vec [D0] times mat [D0, D1] via ExpandDims(vec, -1).
Output BroadcastMul(const Scope& s, const Output& vec, const Output& mat) {
  return ops::Mul(s.WithOpName("mul"), ops::ExpandDims(s, vec, -1), mat);
}

// True when g is known to be all zeros at graph time (TF's IsZero: a
// ZerosLike, or a constant that is all zeros, including a Fill of 0).
bool IsZero(const Output& g) {
  const Node* n = g.node;
  if (n->op() == "ZerosLike" || n->op() == "Zeros") return true;
  auto all_zero = [](const Node* c) {
    const Tensor* t =
        c->op() == "Const" ? c->FindAttr<Tensor>("value") : nullptr;
    if (t == nullptr) return false;
    for (int64_t i = 0; i < t->num_elements(); ++i) {
      if (t->ValueAsDouble(i) != 0) return false;
    }
    return true;
  };
  if (n->op() == "Fill") return all_zero(n->input(1).node);
  return all_zero(n);
}

// The attrs of `node` named in `names`, to build its gradient op with.
AttrMap CopyAttrs(const Node& node, std::initializer_list<const char*> names) {
  AttrMap attrs;
  for (const char* name : names) {
    auto it = node.attrs().find(name);
    if (it != node.attrs().end()) attrs.emplace(name, it->second);
  }
  return attrs;
}

const std::initializer_list<const char*> kPoolAttrs = {
    "ksize", "strides", "padding", "data_format"};

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
  Output negative = ops::Less(s, y, ScalarOf(y.dtype(), 0));
  Output term = ops::Mul(s.WithOpName("mul"), dy[0], NodeInput(node, 0));
  dx->push_back(ops::Select(s, negative, term, ops::ZerosLike(s, y)));
  return absl::OkStatus();
}

}  // namespace

absl::Status Relu(const Scope& s, const Node& node, const OutputList& dy,
                  OutputList* dx) {
  dx->push_back(ops::ReluGrad(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

absl::Status Relu6(const Scope& s, const Node& node, const OutputList& dy,
                   OutputList* dx) {
  dx->push_back(ops::Relu6Grad(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

absl::Status Elu(const Scope& s, const Node& node, const OutputList& dy,
                 OutputList* dx) {
  dx->push_back(ops::EluGrad(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

absl::Status Selu(const Scope& s, const Node& node, const OutputList& dy,
                  OutputList* dx) {
  dx->push_back(ops::SeluGrad(s, dy[0], NodeOutput(node, 0)));
  return absl::OkStatus();
}

absl::Status LeakyRelu(const Scope& s, const Node& node, const OutputList& dy,
                       OutputList* dx) {
  dx->push_back(s.AddOp1("LeakyReluGrad", {dy[0], NodeInput(node, 0)},
                         CopyAttrs(node, {"alpha"})));
  return absl::OkStatus();
}

absl::Status ReluGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx) {
  return LinearGradGrad(s, node, dy, dx, "ReluGrad");
}

absl::Status Relu6Grad(const Scope& s, const Node& node, const OutputList& dy,
                       OutputList* dx) {
  return LinearGradGrad(s, node, dy, dx, "Relu6Grad");
}

absl::Status LeakyReluGrad(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx) {
  return LinearGradGrad(s, node, dy, dx, "LeakyReluGrad",
                        CopyAttrs(node, {"alpha"}));
}

absl::Status EluGrad(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx) {
  return SaturatingGradGrad(s, node, dy, dx, "EluGrad");
}

absl::Status SeluGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx) {
  return SaturatingGradGrad(s, node, dy, dx, "SeluGrad");
}

absl::Status Softmax(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx) {
  Output y = NodeOutput(node, 0);
  Output sum_channels =
      ops::Sum(s, ops::Mul(s.WithOpName("mul"), dy[0], y), -1, true);
  dx->push_back(ops::Mul(s.WithOpName("mul"),
                         ops::Sub(s.WithOpName("sub"), dy[0], sum_channels),
                         y));
  return absl::OkStatus();
}

absl::Status LogSoftmax(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx) {
  Output softmax = ops::Exp(s, NodeOutput(node, 0));
  Output sum = ops::Sum(s, dy[0], -1, true);
  dx->push_back(ops::Sub(s.WithOpName("sub"), dy[0],
                         ops::Mul(s.WithOpName("mul"), sum, softmax)));
  return absl::OkStatus();
}

absl::Status SoftmaxCrossEntropyWithLogits(const Scope& s, const Node& node,
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

absl::Status SparseSoftmaxCrossEntropyWithLogits(const Scope& s,
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

absl::Status L2Loss(const Scope& s, const Node& node, const OutputList& dy,
                    OutputList* dx) {
  dx->push_back(ops::Mul(s.WithOpName("mul"), NodeInput(node, 0), dy[0]));
  return absl::OkStatus();
}

absl::Status MaxPool(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx) {
  dx->push_back(s.AddOp1("MaxPoolGrad",
                         {NodeInput(node, 0), NodeOutput(node, 0), dy[0]},
                         CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

absl::Status MaxPoolV2(const Scope& s, const Node& node, const OutputList& dy,
                       OutputList* dx) {
  dx->push_back(s.AddOp1("MaxPoolGradV2",
                         {NodeInput(node, 0), NodeOutput(node, 0), dy[0],
                          NodeInput(node, 1), NodeInput(node, 2)},
                         CopyAttrs(node, {"padding", "data_format"})));
  dx->push_back(Output());  // ksize
  dx->push_back(Output());  // strides
  return absl::OkStatus();
}

absl::Status AvgPool(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx) {
  dx->push_back(s.AddOp1("AvgPoolGrad", {ShapeOf(s, NodeInput(node, 0)), dy[0]},
                         CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

absl::Status MaxPoolGrad(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  dx->push_back(ZerosOf(s, x));
  dx->push_back(ZerosOf(s, y));
  dx->push_back(
      s.AddOp1("MaxPoolGradGrad", {x, y, dy[0]}, CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

absl::Status MaxPoolGradGrad(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  Output x = NodeInput(node, 0), y = NodeInput(node, 1);
  dx->push_back(ZerosOf(s, x));
  dx->push_back(ZerosOf(s, y));
  dx->push_back(
      s.AddOp1("MaxPoolGrad", {x, y, dy[0]}, CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

absl::Status AvgPoolGrad(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx) {
  // TF returns stop_gradient(shape) for the int32 shape: no gradient.
  dx->push_back(Output());
  dx->push_back(s.AddOp1("AvgPool", {dy[0]}, CopyAttrs(node, kPoolAttrs)));
  return absl::OkStatus();
}

}  // namespace graphflow::nn_grad
