// Neural-network ops: activations and their gradients, softmax and losses
// (TensorFlow 1.15 schemas); pooling is in ops/pooling_ops.h.
#ifndef GRAPHFLOW_OPS_NN_OPS_H_
#define GRAPHFLOW_OPS_NN_OPS_H_

#include "graph/scope.h"

namespace graphflow::ops {

// max(features, 0).
Output Relu(const Scope& s, Input features);
// min(max(features, 0), 6).
Output Relu6(const Scope& s, Input features);
// features < 0 ? exp(features) - 1 : features.
Output Elu(const Scope& s, Input features);
// scale * (features < 0 ? alpha * (exp(features) - 1) : features).
Output Selu(const Scope& s, Input features);
// features > 0 ? features : alpha * features.
Output LeakyRelu(const Scope& s, Input features, float alpha = 0.2f);
// log(exp(features) + 1), without overflow for large features.
Output Softplus(const Scope& s, Input features);

// gradients where features > 0, else 0.
Output ReluGrad(const Scope& s, Input gradients, Input features);
// gradients where 0 < features < 6, else 0.
Output Relu6Grad(const Scope& s, Input gradients, Input features);
// Takes Elu's outputs: outputs < 0 ? gradients * (outputs + 1) : gradients.
Output EluGrad(const Scope& s, Input gradients, Input outputs);
// Takes Selu's outputs.
Output SeluGrad(const Scope& s, Input gradients, Input outputs);
// features > 0 ? gradients : alpha * gradients.
Output LeakyReluGrad(const Scope& s, Input gradients, Input features,
                     float alpha = 0.2f);
// gradients / (exp(-features) + 1), i.e. gradients * sigmoid(features).
Output SoftplusGrad(const Scope& s, Input gradients, Input features);

// Softmax over the last axis (rank >= 1).
Output Softmax(const Scope& s, Input logits);
// log(Softmax(logits)), computed stably.
Output LogSoftmax(const Scope& s, Input logits);

// The two outputs of the cross-entropy ops.
struct XentOutputs {
  Output loss;      // [batch]
  Output backprop;  // [batch, classes] = softmax(features) - labels
};
// features and labels [batch, classes] (broadcastable to one rank-2 shape).
XentOutputs SoftmaxCrossEntropyWithLogits(const Scope& s, Input features,
                                          Input labels);
// features [batch, classes], labels [batch] int32/int64 in [0, classes).
XentOutputs SparseSoftmaxCrossEntropyWithLogits(const Scope& s, Input features,
                                                Input labels);

// sum(t^2) / 2, a scalar.
Output L2Loss(const Scope& s, Input t);

// The k largest entries along the last dimension and their int32 indices,
// largest first, equal values by lower index first.
struct TopKOutputs {
  Output values, indices;
};
TopKOutputs TopKV2(const Scope& s, Input input, Input k, bool sorted = true);
// Whether targets[b] is among the k largest predictions[b, :] (ties count
// as in; a non-finite prediction in the row gives false).
Output InTopKV2(const Scope& s, Input predictions, Input targets, Input k);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_NN_OPS_H_
