// The three convolution passes of one geometry under a chosen compute
// backend, for tests that compare backends (dnnl_conv_test,
// conv_winograd_test).
#ifndef GRAPHFLOW_TESTS_SUPPORT_CONV_PASSES_H_
#define GRAPHFLOW_TESTS_SUPPORT_CONV_PASSES_H_

#include <cstdint>
#include <vector>

#include "kernels/conv_compute.h"
#include "kernels/dnnl_conv.h"

namespace graphflow::testing {

// size floats uniform in [-1, 1) from seed.
std::vector<float> RandomFloats(int64_t size, uint32_t seed);

struct ConvPassResults {
  std::vector<float> output, in_backprop, filter_backprop;
};

// ConvForward, ConvBackpropInput and ConvBackpropFilter on the default
// device with `backend` set (left set afterwards); outputs start as NaN, so
// anything a pass leaves unwritten shows. Each pass must succeed.
ConvPassResults RunConvPasses(ComputeBackend backend, const ConvGeometry& g,
                              const std::vector<float>& x,
                              const std::vector<float>& w,
                              const std::vector<float>& dy);

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_SUPPORT_CONV_PASSES_H_
