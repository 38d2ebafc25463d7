#include "tests/support/conv_passes.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "kernels/eigen.h"

namespace graphflow::testing {

std::vector<float> RandomFloats(int64_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(size);
  for (float& x : v) x = dist(rng);
  return v;
}

ConvPassResults RunConvPasses(ComputeBackend backend, const ConvGeometry& g,
                              const std::vector<float>& x,
                              const std::vector<float>& w,
                              const std::vector<float>& dy) {
  SetComputeBackendForTesting(backend);
  Eigen::ThreadPoolDevice& device = DefaultDevice();
  ConvPassResults r;
  r.output.assign(g.batch * g.out_rows * g.out_cols * g.out_depth, NAN);
  r.in_backprop.assign(x.size(), NAN);
  r.filter_backprop.assign(w.size(), NAN);
  EXPECT_TRUE(ConvForward(device, g, x.data(), w.data(), r.output.data()).ok());
  EXPECT_TRUE(
      ConvBackpropInput(device, g, w.data(), dy.data(), r.in_backprop.data())
          .ok());
  EXPECT_TRUE(ConvBackpropFilter(device, g, x.data(), dy.data(),
                                 r.filter_backprop.data())
                  .ok());
  return r;
}

}  // namespace graphflow::testing
