// Neural-network ops: activations and their gradients, softmax, losses and
// 2-D pooling (TensorFlow 1.15 schemas; pooling is NHWC on CPU).
#ifndef GRAPHFLOW_OPS_NN_OPS_H_
#define GRAPHFLOW_OPS_NN_OPS_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
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

// Max pooling; ksize and strides have 4 entries in data_format order.
Output MaxPool(const Scope& s, Input input, const std::vector<int64_t>& ksize,
               const std::vector<int64_t>& strides, absl::string_view padding,
               absl::string_view data_format = "NHWC");
// MaxPool with ksize and strides as int32 tensors of 4 entries.
Output MaxPoolV2(const Scope& s, Input input, Input ksize, Input strides,
                 absl::string_view padding,
                 absl::string_view data_format = "NHWC");
// Average pooling; SAME divides by the number of unpadded cells.
Output AvgPool(const Scope& s, Input value, const std::vector<int64_t>& ksize,
               const std::vector<int64_t>& strides, absl::string_view padding,
               absl::string_view data_format = "NHWC");
// MaxPool's gradient: grad routed to each window's first maximum.
Output MaxPoolGrad(const Scope& s, Input orig_input, Input orig_output,
                   Input grad, const std::vector<int64_t>& ksize,
                   const std::vector<int64_t>& strides,
                   absl::string_view padding,
                   absl::string_view data_format = "NHWC");
// MaxPoolGrad's gradient: grad (shaped like orig_input) gathered at each
// window's first maximum, shaped like orig_output.
Output MaxPoolGradGrad(const Scope& s, Input orig_input, Input orig_output,
                       Input grad, const std::vector<int64_t>& ksize,
                       const std::vector<int64_t>& strides,
                       absl::string_view padding,
                       absl::string_view data_format = "NHWC");
// MaxPoolV2's gradient: MaxPoolGrad with ksize and strides as int32 tensors.
Output MaxPoolGradV2(const Scope& s, Input orig_input, Input orig_output,
                     Input grad, Input ksize, Input strides,
                     absl::string_view padding,
                     absl::string_view data_format = "NHWC");
// AvgPool's gradient; orig_input_shape is an int32 vector of 4 entries.
Output AvgPoolGrad(const Scope& s, Input orig_input_shape, Input grad,
                   const std::vector<int64_t>& ksize,
                   const std::vector<int64_t>& strides,
                   absl::string_view padding,
                   absl::string_view data_format = "NHWC");

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_NN_OPS_H_
