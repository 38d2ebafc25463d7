// BiasAdd, BiasAddV1 and BiasAddGrad: shapes, values (NHWC and NCHW, float,
// double and int), errors.
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "ops/conv_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;

void ExpectNodeError(const Scope& s, const std::string& node) {
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
      << s.status();
  EXPECT_NE(s.status().message().find("'" + node + "'"), std::string::npos)
      << s.status();
}

TEST(BiasAddShapeTest, Shapes) {
  Scope s = NewRootScope();
  Output b = ops::Placeholder(s, DT_FLOAT, {5});
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 5});
  EXPECT_EQ(ops::BiasAdd(s, x, b).shape(), PartialShape({-1, 5}));
  EXPECT_EQ(ops::BiasAddV1(s, x, b).shape(), PartialShape({-1, 5}));
  Output x4 = ops::Placeholder(s, DT_FLOAT, {-1, 4, 4, -1});
  EXPECT_EQ(ops::BiasAdd(s, x4, b).shape(), PartialShape({-1, 4, 4, 5}));
  Output nchw = ops::Placeholder(s, DT_FLOAT, {2, -1, 4, 4});
  EXPECT_EQ(ops::BiasAdd(s, nchw, b, "NCHW").shape(),
            PartialShape({2, 5, 4, 4}));
  Output any = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::BiasAdd(s, any, b).shape(), PartialShape());
  ASSERT_OK(s.status());
}

TEST(BiasAddShapeTest, BadInputsNameNode) {
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {2, 4});
    Output b = ops::Placeholder(s, DT_FLOAT, {5});
    ops::BiasAdd(s.WithOpName("mismatch"), x, b);
    ExpectNodeError(s, "mismatch");
  }
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {4});
    Output b = ops::Placeholder(s, DT_FLOAT, {4});
    ops::BiasAdd(s.WithOpName("rank1"), x, b);
    ExpectNodeError(s, "rank1");
  }
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {2, 4});
    Output b = ops::Placeholder(s, DT_FLOAT, {4});
    ops::BiasAdd(s.WithOpName("nchw2"), x, b, "NCHW");
    ExpectNodeError(s, "nchw2");
  }
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {2, 4});
    Output b = ops::Placeholder(s, DT_FLOAT, {1, 4});
    ops::BiasAdd(s.WithOpName("bias2d"), x, b);
    ExpectNodeError(s, "bias2d");
  }
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_BOOL, {2, 4});
    Output b = ops::Placeholder(s, DT_BOOL, {4});
    ops::BiasAdd(s.WithOpName("booleans"), x, b);
    ExpectNodeError(s, "booleans");
  }
}

TEST(BiasAddGradShapeTest, Shapes) {
  Scope s = NewRootScope();
  Output dy = ops::Placeholder(s, DT_FLOAT, {-1, 4, 4, 8});
  EXPECT_EQ(ops::BiasAddGrad(s, dy).shape(), PartialShape({8}));
  EXPECT_EQ(ops::BiasAddGrad(s, dy, "NCHW").shape(), PartialShape({4}));
  Output any = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::BiasAddGrad(s, any).shape(), PartialShape({-1}));
  Output unknown_c = ops::Placeholder(s, DT_FLOAT, {3, -1});
  EXPECT_EQ(ops::BiasAddGrad(s, unknown_c).shape(), PartialShape({-1}));
  ASSERT_OK(s.status());
  Output v = ops::Placeholder(s, DT_FLOAT, {7});
  ops::BiasAddGrad(s.WithOpName("vector_grad"), v);
  ExpectNodeError(s, "vector_grad");
}

TEST(BiasAddTest, Values) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, {1, 2, 3, 4, 5, 6}, {2, 3});
  Output b = ops::Const(s, {10, 20, 30}, {3});
  auto out = testing::EvalAll(
      s,
      {ops::BiasAdd(s, x, b), ops::BiasAddV1(s, x, b), ops::BiasAddGrad(s, x)});
  EXPECT_TENSOR_NEAR(out[0], F({11, 22, 33, 14, 25, 36}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[1], F({11, 22, 33, 14, 25, 36}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[2], F({5, 7, 9}, {3}));
}

TEST(BiasAddTest, NchwValues) {
  Scope s = NewRootScope();
  // [1, 2, 2, 2]: channel 0 is 1..4, channel 1 is 5..8.
  Output x = ops::Const(s, {1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 2, 2});
  Output b = ops::Const(s, {100, 200}, {2});
  auto out = testing::EvalAll(
      s, {ops::BiasAdd(s, x, b, "NCHW"), ops::BiasAddGrad(s, x, "NCHW")});
  EXPECT_TENSOR_NEAR(out[0],
                     F({101, 102, 103, 104, 205, 206, 207, 208}, {1, 2, 2, 2}));
  EXPECT_TENSOR_NEAR(out[1], F({10, 26}, {2}));
}

TEST(BiasAddTest, IntAndDouble) {
  Scope s = NewRootScope();
  Output xi = ops::Const(s, testing::I32({1, 2, 3, 4}, {2, 2}));
  Output bi = ops::Const(s, testing::I32({-1, 1}, {2}));
  auto out =
      testing::EvalAll(s, {ops::BiasAdd(s, xi, bi), ops::BiasAddGrad(s, xi)});
  EXPECT_TENSOR_NEAR(out[0], testing::I32({0, 3, 2, 5}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[1], testing::I32({4, 6}, {2}));
  Tensor xd(DT_DOUBLE, {3, 1});
  for (int i = 0; i < 3; ++i) xd.data<double>()[i] = 0.5 * i;
  Tensor bd(DT_DOUBLE, {1});
  bd.data<double>()[0] = 1;
  Tensor sum(DT_DOUBLE, {1});
  sum.data<double>()[0] = 1.5;
  auto d =
      testing::EvalAll(s, {ops::BiasAdd(s, xd, bd), ops::BiasAddGrad(s, xd)});
  EXPECT_NEAR(d[0].data<double>()[2], 2.0, 1e-12);
  EXPECT_TENSOR_NEAR(d[1], sum);
}

// Large random inputs take the threaded paths; compared with plain loops.
TEST(BiasAddTest, LargeAgainstReference) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (const std::string format : {"NHWC", "NCHW"}) {
    SCOPED_TRACE(format);
    const int64_t n = 64, h = 32, w = 32, c = 8;
    Tensor x(DT_FLOAT, {n, h, w, c});  // Read as [n, c, h, w] for NCHW.
    for (float& v : x.flat<float>()) v = dist(rng);
    Tensor b(DT_FLOAT, {c});
    for (float& v : b.flat<float>()) v = dist(rng);
    Tensor y_ref(DT_FLOAT, x.shape());
    Tensor g_ref(DT_FLOAT, {c});
    std::vector<double> g(c, 0.0);
    for (int64_t i = 0; i < x.num_elements(); ++i) {
      const int64_t ch = format == "NHWC" ? i % c : (i / (h * w)) % c;
      y_ref.data<float>()[i] = x.data<float>()[i] + b.data<float>()[ch];
      g[ch] += x.data<float>()[i];
    }
    for (int64_t j = 0; j < c; ++j) g_ref.data<float>()[j] = g[j];
    Scope s = NewRootScope();
    Tensor x_in = x;
    if (format == "NCHW") x_in = *x.Reshaped({n, c, h, w});
    if (format == "NCHW") y_ref = *y_ref.Reshaped({n, c, h, w});
    Output xo = ops::Const(s, x_in);
    auto out = testing::EvalAll(
        s, {ops::BiasAdd(s, xo, b, format), ops::BiasAddGrad(s, xo, format)});
    EXPECT_TENSOR_NEAR(out[0], y_ref);
    EXPECT_TENSOR_NEAR(out[1], g_ref, 1e-3, 1e-4);
  }
}

TEST(BiasAddTest, RuntimeErrorsNameNode) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT);
  Output b = ops::Placeholder(s, DT_FLOAT);
  Output y = ops::BiasAdd(s.WithOpName("late_bias"), x, b);
  absl::Status st = testing::EvalStatus(
      s, y, {{x, F({1, 2, 3, 4}, {2, 2})}, {b, F({1, 2, 3}, {3})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("'late_bias'"), std::string::npos) << st;
  Output g = ops::BiasAddGrad(s.WithOpName("late_grad"), x);
  st = testing::EvalStatus(s, g, {{x, F({1, 2}, {2})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("'late_grad'"), std::string::npos) << st;
}

}  // namespace
}  // namespace graphflow
