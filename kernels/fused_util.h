// What the fused kernels (fused_kernels.cc, fused_conv_pool_kernels.cc)
// share: the epilogue after a product (BiasAdd, Relu) with the same float
// operations as the BiasAdd and Relu kernels, so fused results are
// bit-identical, and the NHWC geometry of a conv node's attrs.
#ifndef GRAPHFLOW_KERNELS_FUSED_UTIL_H_
#define GRAPHFLOW_KERNELS_FUSED_UTIL_H_

#include <algorithm>
#include <cstdint>

#include "absl/status/statusor.h"
#include "kernels/conv_compute.h"
#include "kernels/eigen.h"
#include "kernels/kernel.h"

namespace graphflow {

struct Epilogue {
  bool bias = false;
  bool relu = false;
};

// The node's fused_ops, [BiasAdd], [Relu] or [BiasAdd, Relu], checked
// against its inputs (the bias is input 2).
absl::StatusOr<Epilogue> ReadEpilogue(const KernelContext& ctx);

// y[r, :] = relu(y[r, :] + bias) over `rows` rows of `channels`, either
// part optional, the same float operations as the BiasAdd and Relu
// kernels; the relu runs over blocks of rows at once (one pass per row
// would cost more than the arithmetic when rows are narrow).
template <typename T>
void ApplyEpilogue(const Epilogue& e, const T* bias, int64_t channels, T* y,
                   int64_t rows) {
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
  const int64_t block =
      std::max<int64_t>(1, 4096 / std::max<int64_t>(channels, 1));
  for (int64_t r0 = 0; r0 < rows; r0 += block) {
    const int64_t r1 = std::min(rows, r0 + block);
    T* yb = y + r0 * channels;
    if (e.bias) {
      for (int64_t r = r0; r < r1; ++r) {
        T* yr = y + r * channels;
        for (int64_t j = 0; j < channels; ++j) yr[j] = yr[j] + bias[j];
      }
    }
    if (e.relu) {
      Eigen::Map<Array> block_values(yb, (r1 - r0) * channels);
      block_values = block_values.max(T(0));
    }
  }
}

// The geometry of the node's Conv2D attrs (strides, padding, dilations;
// NHWC only) for an input and an HWIO filter of these shapes.
absl::StatusOr<ConvGeometry> NhwcConvGeometry(const KernelContext& ctx,
                                              const TensorShape& input,
                                              const TensorShape& filter);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_FUSED_UTIL_H_
