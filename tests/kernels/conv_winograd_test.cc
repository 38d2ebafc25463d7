// The Winograd convolutions (kernels/conv_winograd.h) against graphflow's
// reference path on random data: F(4x4, 3x3) and F(4x4, 5x5) forward and
// filter gradient, and the input gradient ConvBackpropInput computes with
// them, over SAME / VALID / asymmetric padding, sizes that leave partial
// tiles, tails of the register tiles and several blocks per thread.
#include "kernels/conv_winograd.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/conv_compute.h"
#include "kernels/dnnl_conv.h"
#include "kernels/eigen.h"
#include "tests/support/conv_passes.h"

namespace graphflow {
namespace {

using testing::ConvPassResults;
using testing::RandomFloats;
using testing::RunConvPasses;

class WinogradTest : public ::testing::Test {
 protected:
  void TearDown() override { SetComputeBackendForTesting(saved_); }

  ComputeBackend saved_ = GetComputeBackend();
};

// max |got - want| / max |want|: Winograd's transforms reorder and scale the
// float sums, so its error is a small multiple of the direct sum's rounding.
double RelativeError(const std::vector<float>& got,
                     const std::vector<float>& want) {
  double scale = 1e-30, error = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    scale = std::max(scale, std::abs(double{want[i]}));
    const double e = std::abs(double{got[i]} - double{want[i]});
    error = std::isnan(e) ? INFINITY : std::max(error, e);
  }
  return error / scale;
}

struct Case {
  int64_t n, h, w, cin, k, cout;
  int64_t pad_top, pad_left, out_h, out_w;

  ConvGeometry Geometry() const {
    ConvGeometry g;
    g.batch = n;
    g.in_rows = h;
    g.in_cols = w;
    g.in_depth = cin;
    g.filter_rows = g.filter_cols = k;
    g.out_depth = cout;
    g.pad_top = pad_top;
    g.pad_left = pad_left;
    g.out_rows = out_h;
    g.out_cols = out_w;
    return g;
  }
  std::string Name() const {
    return absl::StrCat(n, "x", h, "x", w, "x", cin, " k", k, " -> ", cout,
                        " pad ", pad_top, ",", pad_left, " out ", out_h, "x",
                        out_w);
  }
};

// SAME: out = in, pad (k - 1) / 2. VALID: out = in - k + 1, pad 0.
Case Same(int64_t n, int64_t h, int64_t w, int64_t cin, int64_t k,
          int64_t cout) {
  return {n, h, w, cin, k, cout, (k - 1) / 2, (k - 1) / 2, h, w};
}
Case Valid(int64_t n, int64_t h, int64_t w, int64_t cin, int64_t k,
           int64_t cout) {
  return {n, h, w, cin, k, cout, 0, 0, h - k + 1, w - k + 1};
}

const Case kCases[] = {
    Same(2, 14, 14, 32, 5, 64),        // mnist_deep conv2: whole 2x2 tiles.
    Same(2, 8, 8, 64, 3, 64),          // ResNet-style: whole 4x4 tiles.
    Same(3, 9, 11, 16, 3, 32),         // Partial tiles on both edges.
    Valid(2, 10, 7, 48, 3, 16),        // VALID, odd output.
    Valid(1, 9, 12, 16, 5, 80),        // 5x5 VALID; 80 = 64 + a 16-lane tail.
    Same(1, 7, 5, 16, 5, 48),          // Image smaller than two tiles.
    {2, 9, 8, 32, 3, 32, 0, 2, 9, 8},  // Asymmetric explicit padding.
    Same(1, 40, 40, 64, 3, 128),       // Several blocks per thread.
    Same(5, 6, 6, 96, 5, 32),  // Filter-gradient rows 96 = 16 tiles of 6.
};

// A bound on the relative error: F(4x4, 5x5)'s transforms have larger
// coefficients (up to 8 and 5.25) than F(4x4, 3x3)'s, and the filter
// gradient sums over every tile.
constexpr double kTolerance = 2e-5;

TEST_F(WinogradTest, MatchesTheDirectSums) {
  uint32_t seed = 1;
  for (const Case& c : kCases) {
    const ConvGeometry g = c.Geometry();
    ASSERT_TRUE(IsWinogradConv(g)) << c.Name();
    const auto x =
        RandomFloats(g.batch * g.in_rows * g.in_cols * g.in_depth, ++seed);
    const auto w = RandomFloats(g.patch_size() * g.out_depth, ++seed);
    const auto dy =
        RandomFloats(g.batch * g.out_rows * g.out_cols * g.out_depth, ++seed);
    const ConvPassResults want =
        RunConvPasses(ComputeBackend::kReference, g, x, w, dy);
    const ConvPassResults got =
        RunConvPasses(ComputeBackend::kAuto, g, x, w, dy);
    EXPECT_LE(RelativeError(got.output, want.output), kTolerance)
        << c.Name() << " forward";
    EXPECT_LE(RelativeError(got.in_backprop, want.in_backprop), kTolerance)
        << c.Name() << " backprop input";
    EXPECT_LE(RelativeError(got.filter_backprop, want.filter_backprop),
              kTolerance)
        << c.Name() << " backprop filter";
  }
}

TEST_F(WinogradTest, TakesOnlyTheShapesItWinsOn) {
  EXPECT_TRUE(IsWinogradConv(Same(8, 56, 56, 64, 3, 64).Geometry()));
  EXPECT_TRUE(IsWinogradConv(Same(50, 14, 14, 32, 5, 64).Geometry()));
  EXPECT_TRUE(IsWinogradConv(Same(8, 28, 28, 128, 3, 128).Geometry()));
  // 256 x 256 channels: the transformed filter no longer stays in cache.
  EXPECT_FALSE(IsWinogradConv(Same(8, 14, 14, 256, 3, 256).Geometry()));
  EXPECT_TRUE(IsWinogradConv(Same(8, 14, 14, 64, 5, 128).Geometry()));
  EXPECT_FALSE(IsWinogradConv(Same(8, 14, 14, 128, 5, 128).Geometry()));
  EXPECT_FALSE(IsWinogradConv(Same(8, 3, 3, 64, 3, 64).Geometry()));
  EXPECT_FALSE(IsWinogradConv(Same(8, 16, 16, 3, 3, 64).Geometry()));
  EXPECT_FALSE(IsWinogradConv(Same(8, 16, 16, 24, 3, 64).Geometry()));
  EXPECT_FALSE(IsWinogradConv(Same(8, 16, 16, 64, 7, 64).Geometry()));
  ConvGeometry strided = Same(8, 16, 16, 64, 3, 64).Geometry();
  strided.stride_rows = strided.stride_cols = 2;
  strided.out_rows = strided.out_cols = 8;
  EXPECT_FALSE(IsWinogradConv(strided));
}

// The filter gradient's partial sums are cut by tile blocks, not by threads:
// any thread count gives the same bits (forward is per tile anyway).
TEST_F(WinogradTest, FilterGradientDoesNotDependOnTheThreadCount) {
  const ConvGeometry g = Same(8, 40, 40, 32, 3, 32).Geometry();  // 34 blocks.
  const auto x = RandomFloats(g.batch * g.in_rows * g.in_cols * g.in_depth, 5);
  const auto dy =
      RandomFloats(g.batch * g.out_rows * g.out_cols * g.out_depth, 6);
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2, 3}) {
    Eigen::ThreadPool pool(threads);
    Eigen::ThreadPoolDevice device(&pool, threads);
    std::vector<float> dw(g.patch_size() * g.out_depth, NAN);
    ASSERT_TRUE(
        WinogradConvBackpropFilter(device, g, x.data(), dy.data(), dw.data())
            .ok());
    results.push_back(dw);
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
}

}  // namespace
}  // namespace graphflow
