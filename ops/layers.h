// Layers composed from ops, like tf.contrib.layers: no kernels and no
// gradient code of their own.
//
//   Output P = layers::Flatten(s, A2);
//   Output Z3 = layers::FullyConnected(s, P, 6, {.activation = nullptr});
#ifndef GRAPHFLOW_OPS_LAYERS_H_
#define GRAPHFLOW_OPS_LAYERS_H_

#include <functional>
#include <string>
#include <vector>

#include "graph/scope.h"
#include "ops/initializers.h"
#include "ops/variables.h"

namespace graphflow::layers {

using Activation = std::function<Output(const Scope&, Input)>;
// ops::Relu as an Activation (tf.contrib.layers' default activation_fn).
Activation Relu();

// Keeps the batch dimension and flattens the rest: [N, d1, ..., dk] ->
// [N, d1*...*dk]; works when N (or any dimension) is unknown.
Output Flatten(const Scope& s, Input inputs);

struct FullyConnectedOptions {
  Activation activation = Relu();  // nullptr: linear.
  Initializer weights_initializer = init::XavierUniform();
  Initializer biases_initializer = init::Zeros();
  bool use_bias = true;
  std::string scope = "fully_connected";  // Uniquified like TF's.
};
// activation(inputs @ weights + biases); weights [in, num_outputs] and
// biases [num_outputs] become "<scope>/weights" and "<scope>/biases".
Output FullyConnected(const Scope& s, const Output& inputs, int64_t num_outputs,
                      const FullyConnectedOptions& options = {});

struct Conv2DOptions {
  std::vector<int64_t> strides = {1, 1};
  std::string padding = "SAME";
  Activation activation = Relu();
  Initializer weights_initializer = init::XavierUniform();
  Initializer biases_initializer = init::Zeros();
  bool use_bias = true;
  std::string scope = "Conv";
};
// tf.contrib.layers.conv2d on NHWC input: a [kh, kw, in, filters] filter
// "<scope>/weights", bias "<scope>/biases", then the activation.
Output Conv2D(const Scope& s, const Output& inputs, int64_t filters,
              const std::vector<int64_t>& kernel_size,
              const Conv2DOptions& options = {});

}  // namespace graphflow::layers

#endif  // GRAPHFLOW_OPS_LAYERS_H_
