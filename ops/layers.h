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
#include "ops/control_flow_ops.h"
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

// A layer's `training` argument, as in TF: a C++ bool builds one branch
// (like a Python bool), a bool scalar tensor (an `is_training` placeholder)
// builds both under a tf.cond, chosen each run.
class Training {
 public:
  // Implicit, so {.training = true} and {.training = is_training} read as
  // TF's training=... does.
  Training(bool value) : value_(value) {}  // NOLINT
  // NOLINTNEXTLINE(runtime/explicit)
  Training(const Output& tensor) : is_tensor_(true), tensor_(tensor) {}

  bool is_tensor() const { return is_tensor_; }
  bool value() const { return value_; }  // The bool form's value.
  const Output& tensor() const { return tensor_; }

 private:
  bool value_ = false;
  bool is_tensor_ = false;
  Output tensor_;
};

// TF's smart_cond: a bool calls one branch under `s`; a tensor (which must
// be a bool scalar; `layer` names the caller in the error) builds
// ops::Cond under "<s>/cond".
OutputList SmartCond(const Scope& s, const Training& training,
                     absl::string_view layer, const ops::BranchFn& true_fn,
                     const ops::BranchFn& false_fn);

// TF's GraphKeys.UPDATE_OPS: BatchNormalization adds its moving-average
// assigns here; run them with the train op (as control dependencies).
inline constexpr char kUpdateOps[] = "update_ops";

struct BatchNormalizationOptions {
  // A tensor builds "<name>/cond" (training: FusedBatchNormV3 with the
  // batch statistics; else with the moving ones) and "<name>/cond_1" (the
  // momentum, 1 when not training: the updates then change nothing).
  Training training = false;
  int axis = -1;  // The channels: -1 or 3 (NHWC), or 1 (NCHW) for 4-D x.
  float momentum = 0.99f;
  float epsilon = 1e-3f;
  bool center = true;                        // Add beta.
  bool scale = true;                         // Multiply by gamma.
  std::string name = "batch_normalization";  // Uniquified like TF's.
};
struct BatchNormalizationResult {
  Output y;
  // Training (true or a tensor) only: "<name>/AssignMovingAvg"
  // (moving_mean) and "AssignMovingAvg_1" (moving_variance), also in
  // kUpdateOps.
  std::vector<Output> update_ops;
  operator Output() const { return y; }  // NOLINT: use like a tensor.
};
// tf.layers.batch_normalization (TF 1.15, fused): variables
// "<name>/gamma", "beta", "moving_mean", "moving_variance" (the last two
// not trainable), FusedBatchNormV3, and in training
// moving -= (moving - batch_stat) * (1 - momentum) through AssignSub. x is
// 4-D, or 2-D [batch, features] (run as [batch, 1, 1, features]).
BatchNormalizationResult BatchNormalization(
    const Scope& s, const Output& x,
    const BatchNormalizationOptions& options = {});

struct DropoutOptions {
  float rate = 0.5f;  // The fraction dropped, in [0, 1).
  Training training = false;
  Seed seed = {};
  std::string name = "dropout";  // Uniquified like TF's.
};
// tf.layers.dropout (TF 1.15): in training, nn.dropout's
// x / keep_prob * floor(keep_prob + random_uniform(shape(x))) under
// "<name>/dropout" (bool) or "<name>/cond/dropout" (tensor, whose other
// branch is "<name>/cond/Identity"); "<name>/Identity" for false.
Output Dropout(const Scope& s, const Output& x,
               const DropoutOptions& options = {});

}  // namespace graphflow::layers

#endif  // GRAPHFLOW_OPS_LAYERS_H_
