// What the fused kernels (fused_kernels.cc, fused_conv_pool_kernels.cc)
// share: the epilogue after a product (BiasAdd, Relu) with the same float
// operations as the BiasAdd and Relu kernels, so fused results are
// bit-identical, and the NHWC geometry of a conv node's attrs.
#ifndef GRAPHFLOW_KERNELS_FUSED_UTIL_H_
#define GRAPHFLOW_KERNELS_FUSED_UTIL_H_

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
// part optional; Eigen array ops, as in the BiasAdd and Relu kernels.
template <typename T>
void ApplyEpilogue(const Epilogue& e, const T* bias, int64_t channels, T* y,
                   int64_t rows) {
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
  for (int64_t r = 0; r < rows; ++r) {
    T* yr = y + r * channels;
    if (e.bias) {
      for (int64_t j = 0; j < channels; ++j) yr[j] = yr[j] + bias[j];
    }
    if (e.relu) {
      Eigen::Map<Array> row(yr, channels);
      row = row.max(T(0));
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
