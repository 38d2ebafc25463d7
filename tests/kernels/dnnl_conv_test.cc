// The oneDNN convolutions and sgemm (kernels/dnnl_conv.h) against
// graphflow's reference path (ComputeBackend::kReference) on random data:
// forward and both backprops over strides, SAME / VALID / asymmetric
// explicit padding, dilation, 1x1, batch 1, thin inputs and odd sizes;
// MatMul with every transpose.
#include "kernels/dnnl_conv.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/conv_compute.h"
#include "kernels/eigen.h"
#include "tests/support/conv_passes.h"

namespace graphflow {
namespace {

using testing::ConvPassResults;
using testing::RandomFloats;
using testing::RunConvPasses;

class DnnlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveOneDnn()) {
      GTEST_SKIP() << "graphflow was built without oneDNN (GRAPHFLOW_ONEDNN "
                      "off or libdnnl-dev missing): nothing to compare";
    }
  }
  void TearDown() override { SetComputeBackendForTesting(saved_); }

  ComputeBackend saved_ = GetComputeBackend();
};

// |got - want| <= 1e-5 * max|want| (at least 1e-5): float sums in another
// order differ by rounding only.
void ExpectClose(const std::vector<float>& got, const std::vector<float>& want,
                 const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  float scale = 1;
  for (float w : want) scale = std::max(scale, std::abs(w));
  int bad = 0;
  for (size_t i = 0; i < got.size() && bad < 5; ++i) {
    if (!(std::abs(got[i] - want[i]) <= 1e-5f * scale)) {
      ADD_FAILURE() << what << ": element " << i << " is " << got[i]
                    << ", reference " << want[i] << " (scale " << scale << ")";
      ++bad;
    }
  }
}

struct Case {
  int64_t n, h, w, cin, kh, kw, cout;
  int64_t s = 1;         // Stride, both axes.
  int64_t d = 1;         // Dilation, both axes.
  int64_t pads[4] = {};  // top, bottom, left, right; ignored if same.
  bool same = false;

  ConvGeometry Geometry() const {
    ConvGeometry g;
    g.batch = n;
    g.in_rows = h;
    g.in_cols = w;
    g.in_depth = cin;
    g.filter_rows = kh;
    g.filter_cols = kw;
    g.out_depth = cout;
    g.stride_rows = g.stride_cols = s;
    g.dilation_rows = g.dilation_cols = d;
    auto axis = [&](int64_t in, int64_t k, int64_t before, int64_t after,
                    int64_t* out, int64_t* pad) {
      const int64_t span = (k - 1) * d + 1;
      if (same) {
        *out = (in + s - 1) / s;
        *pad = std::max<int64_t>((*out - 1) * s + span - in, 0) / 2;
      } else {
        *out = (in + before + after - span) / s + 1;
        *pad = before;
      }
    };
    axis(h, kh, pads[0], pads[1], &g.out_rows, &g.pad_top);
    axis(w, kw, pads[2], pads[3], &g.out_cols, &g.pad_left);
    return g;
  }
  std::string Name() const {
    return absl::StrCat(
        n, "x", h, "x", w, "x", cin, " k", kh, "x", kw, "->", cout, " s", s,
        " d", d, same ? " SAME" : " pads ",
        same ? ""
             : absl::StrCat(pads[0], ",", pads[1], ",", pads[2], ",", pads[3]));
  }
};

const Case kCases[] = {
    {.n = 2,
     .h = 14,
     .w = 14,
     .cin = 32,
     .kh = 5,
     .kw = 5,
     .cout = 64,
     .same = true},
    {.n = 3,
     .h = 7,
     .w = 9,
     .cin = 5,
     .kh = 3,
     .kw = 3,
     .cout = 6,
     .s = 2,
     .same = true},
    {.n = 2, .h = 8, .w = 8, .cin = 4, .kh = 3, .kw = 3, .cout = 8, .s = 2},
    {.n = 2,
     .h = 9,
     .w = 8,
     .cin = 3,
     .kh = 3,
     .kw = 2,
     .cout = 5,
     .pads = {2, 0, 0, 1}},
    {.n = 2,
     .h = 11,
     .w = 10,
     .cin = 4,
     .kh = 3,
     .kw = 3,
     .cout = 7,
     .d = 2,
     .same = true},
    {.n = 2, .h = 12, .w = 9, .cin = 6, .kh = 3, .kw = 3, .cout = 4, .d = 2},
    {.n = 2, .h = 6, .w = 5, .cin = 16, .kh = 1, .kw = 1, .cout = 24},
    {.n = 2, .h = 7, .w = 7, .cin = 8, .kh = 1, .kw = 1, .cout = 8, .s = 2},
    {.n = 1,
     .h = 28,
     .w = 28,
     .cin = 1,
     .kh = 5,
     .kw = 5,
     .cout = 32,
     .same = true},
    {.n = 3,
     .h = 17,
     .w = 13,
     .cin = 3,
     .kh = 4,
     .kw = 4,
     .cout = 8,
     .same = true},
    {.n = 4,
     .h = 8,
     .w = 8,
     .cin = 8,
     .kh = 2,
     .kw = 2,
     .cout = 16,
     .same = true},
    {.n = 2,
     .h = 3,
     .w = 3,
     .cin = 2,
     .kh = 5,
     .kw = 5,
     .cout = 3,
     .same = true},
    {.n = 2, .h = 5, .w = 7, .cin = 3, .kh = 5, .kw = 7, .cout = 4},
    {.n = 1,
     .h = 13,
     .w = 11,
     .cin = 5,
     .kh = 3,
     .kw = 5,
     .cout = 3,
     .s = 3,
     .pads = {1, 2, 0, 3}},
};

TEST_F(DnnlTest, ConvMatchesReference) {
  uint32_t seed = 1;
  for (const Case& c : kCases) {
    const ConvGeometry g = c.Geometry();
    ASSERT_GT(g.out_rows, 0) << c.Name();
    ASSERT_GT(g.out_cols, 0) << c.Name();
    const auto x =
        RandomFloats(g.batch * g.in_rows * g.in_cols * g.in_depth, ++seed);
    const auto w = RandomFloats(g.patch_size() * g.out_depth, ++seed);
    const auto dy =
        RandomFloats(g.batch * g.out_rows * g.out_cols * g.out_depth, ++seed);
    const ConvPassResults want =
        RunConvPasses(ComputeBackend::kReference, g, x, w, dy);
    const ConvPassResults got =
        RunConvPasses(ComputeBackend::kOneDnn, g, x, w, dy);
    ExpectClose(got.output, want.output, c.Name() + " forward");
    ExpectClose(got.in_backprop, want.in_backprop,
                c.Name() + " backprop input");
    ExpectClose(got.filter_backprop, want.filter_backprop,
                c.Name() + " backprop filter");
  }
}

TEST_F(DnnlTest, CachedPrimitivesGiveTheSameAnswers) {
  const ConvGeometry g = kCases[1].Geometry();
  const auto x = RandomFloats(g.batch * g.in_rows * g.in_cols * g.in_depth, 7);
  const auto w = RandomFloats(g.patch_size() * g.out_depth, 8);
  const auto dy =
      RandomFloats(g.batch * g.out_rows * g.out_cols * g.out_depth, 9);
  ClearDnnlConvCacheForTesting();
  const ConvPassResults first =
      RunConvPasses(ComputeBackend::kOneDnn, g, x, w, dy);
  const ConvPassResults again =
      RunConvPasses(ComputeBackend::kOneDnn, g, x, w, dy);
  EXPECT_EQ(first.output, again.output);
  EXPECT_EQ(first.in_backprop, again.in_backprop);
  EXPECT_EQ(first.filter_backprop, again.filter_backprop);
}

// Equal batch halves run one cached primitive on two threads at once (each
// must bring its own scratchpad); repeated to give a race its chances.
TEST_F(DnnlTest, ShardsSharingAPrimitiveMatchReference) {
  const Case c{.n = 8,
               .h = 14,
               .w = 14,
               .cin = 32,
               .kh = 5,
               .kw = 5,
               .cout = 64,
               .same = true};
  const ConvGeometry g = c.Geometry();
  const auto x = RandomFloats(g.batch * g.in_rows * g.in_cols * g.in_depth, 21);
  const auto w = RandomFloats(g.patch_size() * g.out_depth, 22);
  const auto dy =
      RandomFloats(g.batch * g.out_rows * g.out_cols * g.out_depth, 23);
  const ConvPassResults want =
      RunConvPasses(ComputeBackend::kReference, g, x, w, dy);
  for (int i = 0; i < 5; ++i) {
    const ConvPassResults got =
        RunConvPasses(ComputeBackend::kOneDnn, g, x, w, dy);
    ExpectClose(got.output, want.output, "forward");
    ExpectClose(got.in_backprop, want.in_backprop, "backprop input");
    ExpectClose(got.filter_backprop, want.filter_backprop, "backprop filter");
  }
}

TEST_F(DnnlTest, GemmMatchesEigenForEveryTranspose) {
  // Shards split the rows, or the columns when there are fewer rows.
  for (const int64_t m : {37, 1}) {
    const int64_t n = 29, k = 53;
    const auto a = RandomFloats(m * k, 11);
    const auto b = RandomFloats(k * n, 12);
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        std::vector<float> want(m * n), got(m * n, NAN);
        Gemm(DefaultDevice(), a.data(), b.data(), want.data(), m, n, k, ta, tb);
        ASSERT_TRUE(DnnlGemm(DefaultDevice(), a.data(), b.data(), got.data(), m,
                             n, k, ta, tb)
                        .ok());
        ExpectClose(
            got, want,
            absl::StrCat("m=", m, " transpose_a=", ta, " transpose_b=", tb));
      }
    }
  }
}

TEST_F(DnnlTest, BadGeometryIsAStatusNamingTheOp) {
  ConvGeometry g = kCases[2].Geometry();
  g.dilation_rows = 0;  // Not a dilation: oneDNN rejects the descriptor.
  std::vector<float> x(g.batch * g.in_rows * g.in_cols * g.in_depth);
  std::vector<float> w(g.patch_size() * g.out_depth);
  std::vector<float> y(g.batch * g.out_rows * g.out_cols * g.out_depth);
  const absl::Status status =
      DnnlConvForward(DefaultDevice(), g, x.data(), w.data(), y.data());
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_NE(status.message().find("Conv2D"), absl::string_view::npos) << status;
}

}  // namespace
}  // namespace graphflow
