// Direct (no im2col) convolution kernels for narrow filters (few output
// channels, like the course network's 4x4x3x8 conv1), where a GEMM with a
// tiny N dimension wastes most of its time packing. Register-blocked over
// a few output pixels times a vector of output channels.
#ifndef GRAPHFLOW_KERNELS_CONV_DIRECT_H_
#define GRAPHFLOW_KERNELS_CONV_DIRECT_H_

#include "kernels/conv_compute.h"
#include "kernels/eigen.h"

namespace graphflow {

// True when the direct kernels are the faster choice for g.
template <typename T>
bool UseDirectConv(const ConvGeometry& g);

template <typename T>
void DirectConvForward(Eigen::ThreadPoolDevice& device, const ConvGeometry& g,
                       const T* input, const T* filter, T* output);

// What happens to each output value as it is stored: + bias[channel] when
// bias is set, then max(value, 0) with relu; the same float operations as
// the BiasAdd and Relu kernels, so results are bit-identical to theirs.
template <typename T>
struct StoreEpilogue {
  const T* bias = nullptr;
  bool relu = false;
};

// Output rows [u0, u1) (u = image * out_rows + row) into out, on the
// calling thread, with the epilogue applied while they are in registers.
template <typename T>
void DirectConvForwardRows(const ConvGeometry& g, const T* input,
                           const T* filter, int64_t u0, int64_t u1, T* out,
                           const StoreEpilogue<T>& epilogue = {});

template <typename T>
void DirectConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                              const ConvGeometry& g, const T* input,
                              const T* out_backprop, T* filter_backprop);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_CONV_DIRECT_H_
