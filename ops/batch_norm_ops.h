// Fused batch normalization and its gradient ops (TensorFlow 1.15 schemas:
// FusedBatchNorm, V2, V3 and FusedBatchNormGrad, V2, V3). x is 4-D in
// data_format order; scale, offset, mean and variance are [channels].
//
//   auto bn = ops::FusedBatchNormV3(s, x, gamma, beta, empty, empty, {});
//   Output y = bn.y;  // Normalized with the batch statistics.
#ifndef GRAPHFLOW_OPS_BATCH_NORM_OPS_H_
#define GRAPHFLOW_OPS_BATCH_NORM_OPS_H_

#include <string>

#include "graph/scope.h"

namespace graphflow::ops {

struct FusedBatchNormAttrs {
  float epsilon = 0.0001f;
  std::string data_format = "NHWC";  // Or "NCHW".
  // true: normalize with the batch's statistics (mean and variance inputs
  // empty); false: with the given (moving) mean and variance.
  bool is_training = true;
};

// y, batch_mean, batch_variance (Bessel-corrected in training), and what
// the gradient needs: reserve_space_1/2 hold the mean and the biased
// variance y was normalized with; reserve_space_3 (V3 only) is unused on
// CPU.
struct FusedBatchNormOutputs {
  Output y, batch_mean, batch_variance, reserve_space_1, reserve_space_2,
      reserve_space_3;
};
FusedBatchNormOutputs FusedBatchNorm(const Scope& s, Input x, Input scale,
                                     Input offset, Input mean, Input variance,
                                     const FusedBatchNormAttrs& attrs = {});
FusedBatchNormOutputs FusedBatchNormV2(const Scope& s, Input x, Input scale,
                                       Input offset, Input mean, Input variance,
                                       const FusedBatchNormAttrs& attrs = {});
FusedBatchNormOutputs FusedBatchNormV3(const Scope& s, Input x, Input scale,
                                       Input offset, Input mean, Input variance,
                                       const FusedBatchNormAttrs& attrs = {});

// x_backprop, scale_backprop, offset_backprop; the last two outputs (TF's
// reserve_space_3/4, or 4/5 for V3) are empty placeholders.
struct FusedBatchNormGradOutputs {
  Output x_backprop, scale_backprop, offset_backprop;
};
// reserve_space_1/2: the forward op's (training) or its mean and variance
// inputs (inference).
FusedBatchNormGradOutputs FusedBatchNormGrad(
    const Scope& s, Input y_backprop, Input x, Input scale,
    Input reserve_space_1, Input reserve_space_2,
    const FusedBatchNormAttrs& attrs = {});
FusedBatchNormGradOutputs FusedBatchNormGradV2(
    const Scope& s, Input y_backprop, Input x, Input scale,
    Input reserve_space_1, Input reserve_space_2,
    const FusedBatchNormAttrs& attrs = {});
FusedBatchNormGradOutputs FusedBatchNormGradV3(
    const Scope& s, Input y_backprop, Input x, Input scale,
    Input reserve_space_1, Input reserve_space_2, Input reserve_space_3,
    const FusedBatchNormAttrs& attrs = {});

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_BATCH_NORM_OPS_H_
