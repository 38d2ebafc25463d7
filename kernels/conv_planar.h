// A direct convolution for 8 output channels with unit column stride (like
// the course network's 4x4x3 -> 8 conv1) that vectorizes over output pixels
// instead of channels. Vectorized over its 8 channels, such a conv loads a
// filter vector and one input scalar per FMA and is load-bound at about
// half the FMA rate; here each 16-pixel input vector feeds 8 FMAs (one per
// channel, the filter tap broadcast). The input rows a band of output rows
// reads are first copied channel-planar and zero-padded, so the vectors are
// contiguous and need no border cases, and each 16 x 8 register tile is
// transposed back to NHWC on the way out.
#ifndef GRAPHFLOW_KERNELS_CONV_PLANAR_H_
#define GRAPHFLOW_KERNELS_CONV_PLANAR_H_

#include <cstdint>

#include "kernels/conv_compute.h"

namespace graphflow {

// True when PlanarConvForwardRows computes g and is the faster choice
// (8 output channels, column stride and dilation 1, a 512-bit vector build).
bool UsePlanarConv(const ConvGeometry& g);

// Output rows [u0, u1) (u = image * out_rows + row; may span images) into
// out, NHWC, row u0 first. Runs on the calling thread; any g with
// out_depth 8, stride_cols 1 and dilation_cols 1 is computed correctly.
void PlanarConvForwardRows(const ConvGeometry& g, const float* input,
                           const float* filter, int64_t u0, int64_t u1,
                           float* out);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_CONV_PLANAR_H_
