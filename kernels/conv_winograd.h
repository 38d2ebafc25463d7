// Winograd minimal-filtering convolution (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016) for stride-1 3x3 and 5x5 float
// convolutions whose channel counts are multiples of 16: F(4x4, 3x3) on 6x6
// input tiles and F(4x4, 5x5) on 8x8 ones (winograd_transforms.h). A 4x4
// output tile costs 36 multiplies per channel pair instead of 144 (3x3), or
// 64 instead of 400 (5x5); the rest is the tiles' linear transforms. The
// results equal the direct sums up to float rounding (a few 1e-6 of the
// output's scale; conv_winograd_test.cc bounds it). As with cuDNN's and
// oneDNN's Winograd, an Inf or NaN input makes its whole output tile NaN
// (the transforms subtract it from itself), where the direct sum gives
// Inf or NaN only in the outputs whose window reads it.
//
// Per block of tiles (sized to stay in L2): the input tiles' transforms V,
// 36 small GEMMs against the transformed filter U (one per tile position,
// register-blocked), and the output transform. The filter gradient is the
// same machinery transposed: dU[p] = V[p]^T * (A dY A^T)[p] summed over the
// tiles, then dW = G^T dU G.
#ifndef GRAPHFLOW_KERNELS_CONV_WINOGRAD_H_
#define GRAPHFLOW_KERNELS_CONV_WINOGRAD_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "kernels/conv_compute.h"
#include "kernels/eigen.h"

namespace graphflow {

// True when g is a convolution the Winograd kernels compute and win on:
// stride and dilation 1, a 3x3 or 5x5 filter, input and output channels
// multiples of 16 whose transformed filter fits 36 x 128 x 128 floats
// (3x3: up to 128 x 128 channels, 5x5: 64 x 128), an output of at least
// 4x4, padding inside the window.
bool IsWinogradConv(const ConvGeometry& g);

// Same contracts as ConvForward / ConvBackpropFilter (conv_compute.h) for a
// g that IsWinogradConv accepts; ResourceExhausted when scratch cannot be had.
absl::Status WinogradConvForward(Eigen::ThreadPoolDevice& device,
                                 const ConvGeometry& g, const float* input,
                                 const float* filter, float* output);
// The forward `chunk` images at a time, as DnnlConvForwardChunks
// (dnnl_conv.h): consume(b0, b1, out) gets images [b0, b1) in a buffer of
// the thread that computed them, while they are in cache.
absl::Status WinogradConvForwardChunks(
    Eigen::ThreadPoolDevice& device, const ConvGeometry& g, const float* input,
    const float* filter, int64_t chunk,
    absl::FunctionRef<void(int64_t b0, int64_t b1, float* out)> consume);
absl::Status WinogradConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                                        const ConvGeometry& g,
                                        const float* input,
                                        const float* out_backprop,
                                        float* filter_backprop);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_CONV_WINOGRAD_H_
