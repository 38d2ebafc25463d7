// MaxPoolWithArgmax and MaxPoolGradWithArgmax (TF 1.15): hand-computed
// indices (with and without the batch), the same routing as MaxPoolGrad,
// the registered gradient, and errors on hostile argmax values.
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "ops/array_join_ops.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/pooling_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalAll;
using testing::EvalStatus;
using testing::F;
using testing::I64;

TEST(PoolingArgmaxOpsTest, HandComputedIndices) {
  Scope s = NewRootScope();
  // One image 3x3, two channels; 2x2 windows, stride 1, VALID.
  Output x = ops::Const(s, F({1, 9, 2, 8, 3, 7,  //
                              4, 6, 5, 5, 6, 4,  //
                              7, 3, 8, 2, 9, 1},
                             {1, 3, 3, 2}));
  auto plain =
      ops::MaxPoolWithArgmax(s, x, {1, 2, 2, 1}, {1, 1, 1, 1}, "VALID");
  auto batch = ops::MaxPoolWithArgmax(
      s, ops::Concat(s, {x, x}, 0), {1, 2, 2, 1}, {1, 1, 1, 1}, "VALID",
      DT_INT64, /*include_batch_in_index=*/true);
  ASSERT_TRUE(s.status().ok()) << s.status();
  std::vector<Tensor> out =
      EvalAll(s, {plain.output, plain.argmax, batch.argmax});
  EXPECT_TRUE(TensorsEqual(out[0], F({5, 9, 6, 8, 8, 6, 9, 5}, {1, 2, 2, 2})));
  // Channel 0's max of the first window is 5 at (1,1): (1*3+1)*2+0 = 8.
  EXPECT_TRUE(
      TensorsEqual(out[1], I64({8, 1, 10, 3, 14, 7, 16, 9}, {1, 2, 2, 2})));
  // The second image's indices are offset by one image (18 cells).
  std::vector<int64_t> expected = {8, 1, 10, 3, 14, 7, 16, 9};
  for (int i = 0; i < 8; ++i) expected.push_back(expected[i] + 18);
  ASSERT_EQ(out[2].num_elements(), 16);
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(out[2].data<int64_t>()[i], expected[i]);
}

TEST(PoolingArgmaxOpsTest, GradientMatchesMaxPoolGrad) {
  std::mt19937 gen(3);
  std::uniform_int_distribution<int> small(0, 3);  // Many ties.
  for (const char* padding : {"SAME", "VALID"}) {
    Scope s = NewRootScope();
    Tensor xv(DT_FLOAT, {2, 7, 6, 3});
    for (int64_t i = 0; i < xv.num_elements(); ++i)
      xv.data<float>()[i] = small(gen);
    Tensor gv(DT_FLOAT, {2, 4, 3, 3});
    Output x = ops::Const(s, xv);
    auto pooled =
        ops::MaxPoolWithArgmax(s, x, {1, 3, 2, 1}, {1, 2, 2, 1}, padding);
    Output y = ops::MaxPool(s, x, {1, 3, 2, 1}, {1, 2, 2, 1}, padding);
    Output dy = ops::Mul(s, pooled.output, ops::Const(s, 0.5f));
    Output reference =
        ops::MaxPoolGrad(s, x, y, dy, {1, 3, 2, 1}, {1, 2, 2, 1}, padding);
    Output with_argmax =
        s.AddOp1("MaxPoolGradWithArgmax", {x, dy, pooled.argmax},
                 {{"ksize", std::vector<int64_t>{1, 3, 2, 1}},
                  {"strides", std::vector<int64_t>{1, 2, 2, 1}},
                  {"padding", std::string(padding)}});
    // The registered gradient of MaxPoolWithArgmax's output.
    std::vector<Output> grads;
    ASSERT_TRUE(AddSymbolicGradients(
                    s,
                    {ops::Sum(s, ops::Mul(s, pooled.output, pooled.output),
                              Input({0, 1, 2, 3}))},
                    {x}, &grads)
                    .ok());
    Output reference2 =
        ops::MaxPoolGrad(s, x, y, ops::Mul(s, y, ops::Const(s, 2.0f)),
                         {1, 3, 2, 1}, {1, 2, 2, 1}, padding);
    ASSERT_TRUE(s.status().ok()) << s.status();
    std::vector<Tensor> out = EvalAll(
        s, {pooled.output, y, reference, with_argmax, grads[0], reference2});
    EXPECT_TRUE(TensorsEqual(out[0], out[1])) << padding;
    EXPECT_TRUE(TensorsEqual(out[2], out[3])) << padding;
    EXPECT_TRUE(TensorsEqual(out[4], out[5])) << padding;
  }
}

TEST(PoolingArgmaxOpsTest, Int32Indices) {
  Scope s = NewRootScope();
  auto pooled =
      ops::MaxPoolWithArgmax(s, ops::Const(s, F({1, 3, 2, 0}, {1, 2, 2, 1})),
                             {1, 2, 2, 1}, {1, 2, 2, 1}, "VALID", DT_INT32);
  ASSERT_TRUE(s.status().ok()) << s.status();
  std::vector<Tensor> out = EvalAll(s, {pooled.argmax});
  ASSERT_EQ(out[0].dtype(), DT_INT32);
  EXPECT_EQ(out[0].data<int32_t>()[0], 1);
}

TEST(PoolingArgmaxOpsTest, HostileArgmaxIsAnErrorNamingTheNode) {
  for (int64_t bad : {-1, 4, 1000}) {
    Scope s = NewRootScope();
    Output g = s.AddOp1("MaxPoolGradWithArgmax",
                        {ops::Const(s, F({1, 2, 3, 4}, {1, 2, 2, 1})),
                         ops::Const(s, F({1}, {1, 1, 1, 1})),
                         ops::Const(s, I64({bad}, {1, 1, 1, 1}))},
                        {{"ksize", std::vector<int64_t>{1, 2, 2, 1}},
                         {"strides", std::vector<int64_t>{1, 2, 2, 1}},
                         {"padding", std::string("VALID")}});
    absl::Status status = EvalStatus(s, g);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_NE(status.message().find("MaxPoolGradWithArgmax"), std::string::npos)
        << status;
    EXPECT_NE(status.message().find("outside"), std::string::npos) << status;
  }
}

TEST(PoolingArgmaxOpsTest, ShapeMismatchIsAnError) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output dy = ops::Placeholder(s.WithOpName("dy"), DT_FLOAT);
  Output argmax = ops::Placeholder(s.WithOpName("argmax"), DT_INT64);
  Output g = s.AddOp1("MaxPoolGradWithArgmax", {x, dy, argmax},
                      {{"ksize", std::vector<int64_t>{1, 2, 2, 1}},
                       {"strides", std::vector<int64_t>{1, 2, 2, 1}},
                       {"padding", std::string("VALID")}});
  absl::Status status = EvalStatus(s, g,
                                   {{x, F({1, 2, 3, 4}, {1, 2, 2, 1})},
                                    {dy, F({1, 2}, {1, 1, 2, 1})},
                                    {argmax, I64({0}, {1, 1, 1, 1})}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find("grad must have the pooled shape"),
            std::string::npos)
      << status;
}

// NaN and ties, with depths that take the vector search (8) and the scalar
// one (3): only a strictly greater value replaces, so a NaN wins only from
// a window's first cell, and of equal maxima the first wins; MaxPool agrees.
TEST(PoolingArgmaxOpsTest, NaNAndTiesTakeTheFirstMaximum) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // Columns 0..3 of channel c by c % 4; windows are columns {0,1}, {2,3}.
  const float cols[4][4] = {
      {nan, 1, 1, 3}, {1, nan, 2, 2}, {0, 5, nan, nan}, {-1, -1, 4, nan}};
  const float value[4][2] = {{nan, 3}, {1, 2}, {5, nan}, {-1, 4}};
  const int64_t col[4][2] = {{0, 3}, {0, 2}, {1, 2}, {0, 2}};
  for (int64_t depth : {8, 3}) {
    Tensor xv(DT_FLOAT, {1, 1, 4, depth});
    for (int64_t w = 0; w < 4; ++w) {
      for (int64_t c = 0; c < depth; ++c)
        xv.data<float>()[w * depth + c] = cols[c % 4][w];
    }
    Scope s = NewRootScope();
    Output x = ops::Const(s, xv);
    auto pooled =
        ops::MaxPoolWithArgmax(s, x, {1, 1, 2, 1}, {1, 1, 2, 1}, "VALID");
    Output plain = ops::MaxPool(s, x, {1, 1, 2, 1}, {1, 1, 2, 1}, "VALID");
    ASSERT_TRUE(s.status().ok()) << s.status();
    std::vector<Tensor> out = EvalAll(s, {pooled.output, pooled.argmax, plain});
    for (int64_t o = 0; o < 2; ++o) {
      for (int64_t c = 0; c < depth; ++c) {
        const int64_t i = o * depth + c;
        const float want = value[c % 4][o];
        for (const Tensor* t : {&out[0], &out[2]}) {
          const float got = t->data<float>()[i];
          EXPECT_TRUE(std::isnan(want) ? std::isnan(got) : got == want)
              << "depth " << depth << " window " << o << " channel " << c;
        }
        EXPECT_EQ(out[1].data<int64_t>()[i], col[c % 4][o] * depth + c)
            << "depth " << depth << " window " << o << " channel " << c;
      }
    }
  }
}

}  // namespace
}  // namespace graphflow
