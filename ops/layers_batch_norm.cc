// layers::BatchNormalization: the graph tf.layers.batch_normalization
// (TF 1.15, fused) builds, composed from existing ops.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/batch_norm_ops.h"
#include "ops/layers.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"

namespace graphflow::layers {
namespace {

// TF's _assign_moving_average under name scope "AssignMovingAvg":
// AssignSub(variable, (variable - value) * (1 - momentum)).
Output AssignMovingAverage(const Scope& s, const Variable& variable,
                           const Output& value, const Output& momentum) {
  Scope as = s.NewSubScope("AssignMovingAvg");
  Output decay = ops::Sub(as.WithOpName("sub"), 1.0f, momentum);
  Output delta =
      ops::Mul(as.WithOpName("mul"),
               ops::Sub(as.WithOpName("sub_1"), variable, value), decay);
  return ops::AssignSub(s.WithExactName(as.name_prefix()), variable.ref, delta);
}

Tensor FilledVector(int64_t n, float value) {
  Tensor t(DT_FLOAT, {n});
  std::fill_n(t.data<float>(), n, value);
  return t;
}

}  // namespace

BatchNormalizationResult BatchNormalization(
    const Scope& s, const Output& x, const BatchNormalizationOptions& options) {
  if (!x.valid()) return {};
  const PartialShape& shape = x.shape();
  const int rank = shape.rank();
  const int axis = options.axis < 0 ? options.axis + rank : options.axis;
  const bool nchw = rank == 4 && axis == 1;
  if ((rank != 4 && rank != 2) || (axis != rank - 1 && !nchw) ||
      shape.dim(axis) < 0) {
    s.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        "BatchNormalization: the input ", x.name(),
        " must be 4-D (channels on axis 1 or 3) or 2-D (axis 1) with a "
        "known channel count, got shape ",
        shape.DebugString(), " and axis ", options.axis)));
    return {};
  }
  const int64_t channels = shape.dim(axis);
  Scope ls = s.NewSubScope(options.name);
  const DataType dtype = BaseType(x.dtype());
  Output gamma =
      options.scale
          ? Output(GetVariable(ls, "gamma", {channels}, init::Ones(), dtype))
          : ls.Const(FilledVector(channels, 1));
  Output beta =
      options.center
          ? Output(GetVariable(ls, "beta", {channels}, init::Zeros(), dtype))
          : ls.Const(FilledVector(channels, 0));
  Variable moving_mean =
      GetVariable(ls, "moving_mean", {channels}, init::Zeros(), dtype, false);
  Variable moving_variance = GetVariable(ls, "moving_variance", {channels},
                                         init::Ones(), dtype, false);
  Output input = x;
  if (rank == 2) {  // Fused batch norm is 4-D only.
    input = ops::Reshape(
        ls, x,
        Tensor::Vector<int32_t>({-1, 1, 1, static_cast<int32_t>(channels)}));
  }
  const std::string data_format = nchw ? "NCHW" : "NHWC";
  // Each branch returns y and the statistics the moving averages move to.
  auto train_fn = [&](const Scope& cs) -> OutputList {
    Output empty = cs.WithOpName("Const").Const(Tensor(dtype, {0}));
    Output empty_1 = cs.WithOpName("Const").Const(Tensor(dtype, {0}));
    auto bn = ops::FusedBatchNormV3(
        cs, input, gamma, beta, empty, empty_1,
        {.epsilon = options.epsilon, .data_format = data_format});
    return {bn.y, bn.batch_mean, bn.batch_variance};
  };
  // In inference FusedBatchNormV3 passes the moving statistics through.
  auto infer_fn = [&](const Scope& cs) -> OutputList {
    auto bn = ops::FusedBatchNormV3(cs, input, gamma, beta, moving_mean,
                                    moving_variance,
                                    {.epsilon = options.epsilon,
                                     .data_format = data_format,
                                     .is_training = false});
    return {bn.y, bn.batch_mean, bn.batch_variance};
  };
  const Training& training = options.training;
  OutputList out =
      SmartCond(ls, training, "BatchNormalization", train_fn, infer_fn);
  if (out.size() != 3) return {};
  BatchNormalizationResult result;
  result.y = out[0];
  if (training.is_tensor() || training.value()) {
    // TF 1.15: momentum = smart_cond(training, momentum, 1.0).
    auto constant = [](float v) {
      return [v](const Scope& cs) -> OutputList {
        return {cs.Const(Tensor::Scalar<float>(v))};
      };
    };
    OutputList momentum = SmartCond(ls, training, "BatchNormalization",
                                    constant(options.momentum), constant(1.0f));
    if (momentum.empty()) return {};
    result.update_ops = {
        AssignMovingAverage(ls, moving_mean, out[1], momentum[0]),
        AssignMovingAverage(ls, moving_variance, out[2], momentum[0])};
    for (const Output& u : result.update_ops) {
      if (u.valid()) ls.graph()->AddToCollection(kUpdateOps, u.node);
    }
  }
  if (rank == 2 && result.y.valid()) {
    result.y = ops::Reshape(ls, result.y, ops::Shape(ls, x));
  }
  return result;
}

}  // namespace graphflow::layers
