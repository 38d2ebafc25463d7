// Gradient functions of the nn op family (TensorFlow 1.15's nn_grad.py
// formulas, built from the same ops). Internal: nn_ops.cc registers them.
#ifndef GRAPHFLOW_OPS_NN_GRAD_H_
#define GRAPHFLOW_OPS_NN_GRAD_H_

#include "absl/status/status.h"
#include "graph/scope.h"

namespace graphflow::nn_grad {

// Each has OpDef::grad_fn's signature:
//   (const Scope& s, const Node& node, const OutputList& dy, OutputList* dx)

// Activations: ReluGrad(dy, y), Relu6Grad(dy, y), EluGrad(dy, y),
// SeluGrad(dy, y), LeakyReluGrad(dy, x, alpha).
absl::Status Relu(const Scope& s, const Node& node, const OutputList& dy,
                  OutputList* dx);
absl::Status Relu6(const Scope& s, const Node& node, const OutputList& dy,
                   OutputList* dx);
absl::Status Elu(const Scope& s, const Node& node, const OutputList& dy,
                 OutputList* dx);
absl::Status Selu(const Scope& s, const Node& node, const OutputList& dy,
                  OutputList* dx);
absl::Status LeakyRelu(const Scope& s, const Node& node, const OutputList& dy,
                       OutputList* dx);
// Second order: the gradient ops again, with zeros for the features (the
// piecewise-linear ones) or TF's Select term (Elu, Selu).
absl::Status ReluGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx);
absl::Status Relu6Grad(const Scope& s, const Node& node, const OutputList& dy,
                       OutputList* dx);
absl::Status LeakyReluGrad(const Scope& s, const Node& node,
                           const OutputList& dy, OutputList* dx);
absl::Status EluGrad(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx);
absl::Status SeluGrad(const Scope& s, const Node& node, const OutputList& dy,
                      OutputList* dx);

// (dy - Sum(dy * y, -1, keep_dims)) * y.
absl::Status Softmax(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx);
// dy - Sum(dy, -1, keep_dims) * Exp(y).
absl::Status LogSoftmax(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx);
// Logits: ExpandDims(dloss, -1) * backprop (+ the softmax Jacobian applied
// to dbackprop when that is not zero); labels: dloss * -LogSoftmax(logits).
absl::Status SoftmaxCrossEntropyWithLogits(const Scope& s, const Node& node,
                                           const OutputList& dy,
                                           OutputList* dx);
// Logits only, through PreventGradient(backprop) as TF; labels get none.
absl::Status SparseSoftmaxCrossEntropyWithLogits(const Scope& s,
                                                 const Node& node,
                                                 const OutputList& dy,
                                                 OutputList* dx);
// t * dy.
absl::Status L2Loss(const Scope& s, const Node& node, const OutputList& dy,
                    OutputList* dx);

// MaxPoolGrad(x, y, dy), MaxPoolGradV2(x, y, dy, ksize, strides) and
// AvgPoolGrad(Shape(x), dy), with the forward op's attrs.
absl::Status MaxPool(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx);
absl::Status MaxPoolV2(const Scope& s, const Node& node, const OutputList& dy,
                       OutputList* dx);
absl::Status AvgPool(const Scope& s, const Node& node, const OutputList& dy,
                     OutputList* dx);
// Second order: zeros for x and y, MaxPoolGradGrad (resp. MaxPoolGrad) for
// the incoming gradient; AvgPoolGrad: AvgPool of the gradient.
absl::Status MaxPoolGrad(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx);
absl::Status MaxPoolGradGrad(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx);
absl::Status AvgPoolGrad(const Scope& s, const Node& node, const OutputList& dy,
                         OutputList* dx);

}  // namespace graphflow::nn_grad

#endif  // GRAPHFLOW_OPS_NN_GRAD_H_
