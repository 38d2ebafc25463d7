// Raw-pointer 2-D convolution compute (NHWC input, HWIO filter), shared by
// the Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter kernels. The pool
// threads each take blocks of output rows: im2col into a reusable per-thread
// buffer about half an L2 in size, then a single-threaded Eigen GEMM
// (the input gradient: for stride 1 a forward convolution with the flipped,
// transposed filter; otherwise a GEMM and col2im as a gather). Narrow filters
// (<= 32 output channels) use register-blocked direct kernels instead
// (conv_direct.h); 1x1 stride-1 and whole-image convolutions are one threaded
// GEMM. That is the reference path; by default, float stride-1 3x3 and 5x5
// convolutions of 16n channels run Winograd (conv_winograd.h), and other
// wide ones oneDNN (dnnl_conv.h).
#ifndef GRAPHFLOW_KERNELS_CONV_COMPUTE_H_
#define GRAPHFLOW_KERNELS_CONV_COMPUTE_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "kernels/eigen.h"

namespace graphflow {

// Sizes of one convolution; the padding after (bottom/right) is implied by
// the output size.
struct ConvGeometry {
  int64_t batch = 0, in_rows = 0, in_cols = 0, in_depth = 0;
  int64_t filter_rows = 0, filter_cols = 0, out_depth = 0;
  int64_t stride_rows = 1, stride_cols = 1;
  int64_t dilation_rows = 1, dilation_cols = 1;
  int64_t pad_top = 0, pad_left = 0;
  int64_t out_rows = 0, out_cols = 0;

  // Length of one im2col patch row: filter_rows * filter_cols * in_depth.
  int64_t patch_size() const { return filter_rows * filter_cols * in_depth; }
  // 2 * N * Ho * Wo * KH * KW * Cin * Cout.
  double flops() const {
    return 2.0 * batch * out_rows * out_cols * patch_size() * out_depth;
  }
};

// The three return ResourceExhausted when the scratch buffer cannot be had.
// output[N, Ho, Wo, Cout] = conv(input[N, H, W, Cin], filter[KH, KW, Cin,
// Cout]).
template <typename T>
absl::Status ConvForward(Eigen::ThreadPoolDevice& device, const ConvGeometry& g,
                         const T* input, const T* filter, T* output);

// Whether ConvForward runs the direct kernels (conv_direct.h) for g, which
// can also compute a few output rows at a time (DirectConvForwardRows).
template <typename T>
bool ConvForwardIsDirect(const ConvGeometry& g);

// Whether ConvForward runs Winograd or oneDNN for g, which can also hand
// out the output a few images at a time (ConvForwardChunks).
template <typename T>
bool ConvForwardIsChunked(const ConvGeometry& g);

// For a g that ConvForwardIsChunked<float> accepts: the forward conv
// `chunk` images at a time; consume(b0, b1, out) gets the output of images
// [b0, b1) in a buffer of the thread that computed it, while it is still in
// cache, and may modify it; the buffer is reused for the next chunk.
// consume runs on several threads at once.
absl::Status ConvForwardChunks(
    Eigen::ThreadPoolDevice& device, const ConvGeometry& g, const float* input,
    const float* filter, int64_t chunk,
    absl::FunctionRef<void(int64_t b0, int64_t b1, float* out)> consume);

// in_backprop[N, H, W, Cin] from out_backprop[N, Ho, Wo, Cout].
template <typename T>
absl::Status ConvBackpropInput(Eigen::ThreadPoolDevice& device,
                               const ConvGeometry& g, const T* filter,
                               const T* out_backprop, T* in_backprop);

// filter_backprop[KH, KW, Cin, Cout] from input and out_backprop.
template <typename T>
absl::Status ConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                                const ConvGeometry& g, const T* input,
                                const T* out_backprop, T* filter_backprop);

// Target bytes of one block's patch matrix (default 384 KiB); tests shrink
// it to exercise the blocking. Returns the previous value.
int64_t SetConvBlockBytes(int64_t bytes);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_CONV_COMPUTE_H_
