#include "ops/layers.h"

#include "absl/strings/str_cat.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/conv_ops.h"
#include "ops/math_ops.h"
#include "ops/matmul_ops.h"
#include "ops/nn_ops.h"
#include "ops/reduction_ops.h"

namespace graphflow::layers {
namespace {

// The last dimension of `x`, which must be known to size the weights.
int64_t KnownLastDim(const Scope& s, const Output& x, absl::string_view layer) {
  const PartialShape& shape = x.shape();
  if (!x.valid()) return -1;
  if (shape.unknown_rank() || shape.rank() < 1 ||
      shape.dim(shape.rank() - 1) < 0) {
    s.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat(layer, ": the last dimension of the input ", x.name(),
                     " must be known, got shape ", shape.DebugString())));
    return -1;
  }
  return shape.dim(shape.rank() - 1);
}

}  // namespace

OutputList SmartCond(const Scope& s, const Training& training,
                     absl::string_view layer, const ops::BranchFn& true_fn,
                     const ops::BranchFn& false_fn) {
  if (!training.is_tensor()) return (training.value() ? true_fn : false_fn)(s);
  const Output& pred = training.tensor();
  if (!pred.valid()) return {};
  const PartialShape& shape = pred.shape();
  if (BaseType(pred.dtype()) != DT_BOOL || shape.rank() > 0) {
    s.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        layer, ": training must be a bool or a bool scalar tensor, got ",
        pred.name(), " of type ", DataTypeString(pred.dtype()), " and shape ",
        shape.DebugString())));
    return {};
  }
  return ops::Cond(s, pred, true_fn, false_fn);
}

Activation Relu() {
  return [](const Scope& s, Input x) { return ops::Relu(s, x); };
}

Output Flatten(const Scope& s, Input inputs) {
  Scope fs = s.NewSubScope("Flatten").NewSubScope("flatten");
  Output x = inputs.output();
  if (inputs.is_constant()) x = fs.Const(inputs.tensor());
  if (!x.valid()) return Output();
  const PartialShape& shape = x.shape();
  int64_t inner = 1;
  bool static_inner = shape.known_rank();
  for (int i = 1; static_inner && i < shape.rank(); ++i) {
    if (shape.dim(i) < 0) static_inner = false;
    inner *= std::max<int64_t>(shape.dim(i), 0);
  }
  if (static_inner) {
    Tensor target = Tensor::Vector<int32_t>({-1, static_cast<int32_t>(inner)});
    return ops::Reshape(fs.WithOpName("Reshape"), x, target);
  }
  // Dynamic: [shape(x)[0], -1].
  Output dims = ops::Shape(fs, x);
  Output batch = ops::Slice(fs, dims, Tensor::Vector<int32_t>({0}),
                            Tensor::Vector<int32_t>({1}));
  Output target = ops::ConcatV2(fs, {batch, Tensor::Vector<int32_t>({-1})},
                                Tensor::Scalar<int32_t>(0));
  return ops::Reshape(fs.WithOpName("Reshape"), x, target);
}

Output FullyConnected(const Scope& s, const Output& inputs, int64_t num_outputs,
                      const FullyConnectedOptions& options) {
  int64_t in = KnownLastDim(s, inputs, "FullyConnected");
  if (in < 0) return Output();
  if (inputs.shape().known_rank() && inputs.shape().rank() != 2) {
    s.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        "FullyConnected: the input ", inputs.name(),
        " must be a matrix [batch, features] (layers::Flatten it first), got ",
        inputs.shape().DebugString())));
    return Output();
  }
  Scope ls = s.NewSubScope(options.scope);
  DataType dtype = BaseType(inputs.dtype());
  Variable w = GetVariable(ls, "weights", {in, num_outputs},
                           options.weights_initializer, dtype);
  Output out = ops::MatMul(ls, inputs, w);
  if (options.use_bias) {
    Variable b = GetVariable(ls, "biases", {num_outputs},
                             options.biases_initializer, dtype);
    out = ops::BiasAdd(ls, out, b);
  }
  return options.activation ? options.activation(ls, out) : out;
}

Output Conv2D(const Scope& s, const Output& inputs, int64_t filters,
              const std::vector<int64_t>& kernel_size,
              const Conv2DOptions& options) {
  int64_t in = KnownLastDim(s, inputs, "Conv2D");
  if (in < 0) return Output();
  if (kernel_size.size() != 2 || options.strides.size() != 2) {
    s.UpdateStatus(absl::InvalidArgumentError(
        "Conv2D layer: kernel_size and strides need 2 values (height, width)"));
    return Output();
  }
  Scope ls = s.NewSubScope(options.scope);
  DataType dtype = BaseType(inputs.dtype());
  Variable w =
      GetVariable(ls, "weights", {kernel_size[0], kernel_size[1], in, filters},
                  options.weights_initializer, dtype);
  Output out =
      ops::Conv2D(ls, inputs, w, {1, options.strides[0], options.strides[1], 1},
                  options.padding);
  if (options.use_bias) {
    Variable b =
        GetVariable(ls, "biases", {filters}, options.biases_initializer, dtype);
    out = ops::BiasAdd(ls, out, b);
  }
  return options.activation ? options.activation(ls, out) : out;
}

}  // namespace graphflow::layers
