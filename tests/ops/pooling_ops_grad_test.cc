// Pooling gradients: numeric checks of MaxPool/MaxPoolV2/AvgPool and of the
// gradient ops' own gradients, plus the helper ops MaxPoolGradGrad and
// MaxPoolGradV2 (shapes, values, errors).
#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "ops/nn_ops.h"
#include "ops/pooling_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::F;
using testing::RandomTensor;

constexpr double kTol = 1e-3;

// Distinct values, spaced 2/n apart in [-1, 1) and shuffled: every window's
// maximum is unique and stays so under the checker's 1e-3 steps.
Tensor Distinct(DataType dtype, const TensorShape& shape, uint64_t seed) {
  Tensor t(dtype, shape);
  const int64_t n = t.num_elements();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  for (int64_t i = 0; i < n; ++i) {
    double v = -1 + 2.0 * order[i] / n;
    if (dtype == DT_DOUBLE) {
      t.data<double>()[i] = v;
    } else {
      t.data<float>()[i] = static_cast<float>(v);
    }
  }
  return t;
}

struct PoolCase {
  int64_t k, stride;
  const char* padding;
  std::string Name() const {
    return absl::StrCat("k", k, " s", stride, " ", padding);
  }
};

std::vector<PoolCase> AllCases() {
  std::vector<PoolCase> cases;
  for (int64_t k : {2, 3}) {
    for (int64_t stride : {1, 2}) {
      for (const char* padding : {"SAME", "VALID"}) {
        cases.push_back({k, stride, padding});
      }
    }
  }
  return cases;
}

TEST(NnGradPoolTest, MaxPool) {
  for (const PoolCase& c : AllCases()) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      SCOPED_TRACE(c.Name());
      Scope s = NewRootScope();
      Output x = ops::Placeholder(s.WithOpName("x"), dtype);
      Output y = ops::MaxPool(s, x, {1, c.k, c.k, 1},
                              {1, c.stride, c.stride, 1}, c.padding);
      Tensor v = Distinct(dtype, {2, 5, 7, 2}, 3);
      EXPECT_GRADIENT_OK(s, {x}, {v}, y, kTol);
    }
  }
}

TEST(NnGradPoolTest, AvgPool) {
  for (const PoolCase& c : AllCases()) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      SCOPED_TRACE(c.Name());
      Scope s = NewRootScope();
      Output x = ops::Placeholder(s.WithOpName("x"), dtype);
      Output y = ops::AvgPool(s, x, {1, c.k, c.k, 1},
                              {1, c.stride, c.stride, 1}, c.padding);
      Tensor v = RandomTensor(dtype, {2, 5, 7, 2}, 4);
      EXPECT_GRADIENT_OK(s, {x}, {v}, y, kTol);
    }
  }
}

TEST(NnGradPoolTest, RectangularWindowsAndStrides) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output m = ops::MaxPool(s, x, {1, 3, 2, 1}, {1, 2, 1, 1}, "SAME");
  Output a = ops::AvgPool(s, x, {1, 2, 3, 1}, {1, 1, 2, 1}, "VALID");
  Tensor v = Distinct(DT_FLOAT, {1, 5, 6, 3}, 9);
  EXPECT_GRADIENT_OK(s, {x}, {v}, m, kTol);
  EXPECT_GRADIENT_OK(s, {x}, {v}, a, kTol);
}

TEST(NnGradPoolTest, MaxPoolV2UsesMaxPoolGradV2) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y =
      ops::MaxPoolV2(s, x, ops::Const(s, testing::I32({1, 3, 3, 1}, {4})),
                     ops::Const(s, testing::I32({1, 2, 2, 1}, {4})), "SAME");
  EXPECT_GRADIENT_OK(s, {x}, {Distinct(DT_FLOAT, {2, 5, 5, 1}, 1)}, y, kTol);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &g));
  EXPECT_EQ(g[0].op(), "MaxPoolGradV2");
}

TEST(NnGradPoolTest, AvgPoolGradientStructure) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT,
                              PartialShape({-1, 4, 4, 1}));
  Output known =
      ops::Placeholder(s.WithOpName("k"), DT_FLOAT, PartialShape({2, 4, 4, 1}));
  for (Output in : {x, known}) {
    Output y = ops::AvgPool(s, in, {1, 2, 2, 1}, {1, 2, 2, 1}, "VALID");
    std::vector<Output> g;
    ASSERT_OK(AddSymbolicGradients(s, {y}, {in}, &g));
    ASSERT_EQ(g[0].op(), "AvgPoolGrad");
    // Shape(x), or a Const when x's shape is fully known (as TF).
    EXPECT_EQ(NodeInput(*g[0].node, 0).op(), in == x ? "Shape" : "Const");
    // The shape function reads a Const shape; a Shape op's output is not
    // known at graph time.
    EXPECT_EQ(g[0].shape(),
              in == x ? PartialShape::UnknownOfRank(4) : in.shape());
  }
}

// Second order: MaxPoolGrad -> MaxPoolGradGrad -> MaxPoolGrad, and
// AvgPoolGrad -> AvgPool. x's gradient is zero away from argmax switches.
TEST(NnGradPoolTest, SecondOrder) {
  for (const PoolCase& c : {PoolCase{2, 2, "VALID"}, PoolCase{3, 1, "SAME"},
                            PoolCase{3, 2, "SAME"}}) {
    SCOPED_TRACE(c.Name());
    std::vector<int64_t> ksize = {1, c.k, c.k, 1};
    std::vector<int64_t> strides = {1, c.stride, c.stride, 1};
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
    Output pooled = ops::MaxPool(s, x, ksize, strides, c.padding);
    Output g = ops::Placeholder(s.WithOpName("g"), DT_FLOAT);
    Output gg = ops::Placeholder(s.WithOpName("gg"), DT_FLOAT);
    Output grad = ops::MaxPoolGrad(s, x, pooled, g, ksize, strides, c.padding);
    Output grad_grad =
        ops::MaxPoolGradGrad(s, x, pooled, gg, ksize, strides, c.padding);
    Output avg_grad =
        ops::AvgPoolGrad(s, Input({1, 5, 5, 2}), g, ksize, strides, c.padding);
    Tensor xv = Distinct(DT_FLOAT, {1, 5, 5, 2}, 2);
    Tensor pv = Eval(s, pooled, {{x, xv}});
    Tensor gv = RandomTensor(DT_FLOAT, pv.shape(), 3);
    Tensor ggv = RandomTensor(DT_FLOAT, xv.shape(), 4);
    std::vector<Output> xs = {x, g};
    EXPECT_GRADIENT_OK(s, xs, (std::vector{xv, gv}), grad, kTol);
    xs = {x, gg};
    EXPECT_GRADIENT_OK(s, xs, (std::vector{xv, ggv}), grad_grad, kTol);
    xs = {g};
    EXPECT_GRADIENT_OK(s, xs, (std::vector{gv}), avg_grad, kTol);

    std::vector<Output> d;
    ASSERT_OK(AddSymbolicGradients(s, {grad}, {g}, &d));
    EXPECT_EQ(d[0].op(), "MaxPoolGradGrad");
    ASSERT_OK(AddSymbolicGradients(s, {grad_grad}, {gg}, &d));
    EXPECT_EQ(d[0].op(), "MaxPoolGrad");
    ASSERT_OK(AddSymbolicGradients(s, {avg_grad}, {g}, &d));
    EXPECT_EQ(d[0].op(), "AvgPool");
  }
}

TEST(NnGradPoolTest, MaxPoolGradGradValues) {
  Scope s = NewRootScope();
  // 2x3 input, 2x2 windows, stride 1, VALID: maxima at 5 (index 1) and 6
  // (index 5); ties take the first in row-major order.
  Tensor x = F({1, 5, 2, 4, 0, 6}, {1, 2, 3, 1});
  Tensor g = F({10, 20, 30, 40, 50, 60}, {1, 2, 3, 1});
  Output y = ops::MaxPoolGradGrad(s, x, F({5, 6}, {1, 1, 2, 1}), g,
                                  {1, 2, 2, 1}, {1, 1, 1, 1}, "VALID");
  EXPECT_TENSOR_NEAR(Eval(s, y), F({20, 60}, {1, 1, 2, 1}));
  Tensor ties = F({3, 3, 3, 3}, {1, 2, 2, 1});
  Output t = ops::MaxPoolGradGrad(s, ties, F({3}, {1, 1, 1, 1}),
                                  F({1, 2, 3, 4}, {1, 2, 2, 1}), {1, 2, 2, 1},
                                  {1, 2, 2, 1}, "VALID");
  EXPECT_TENSOR_NEAR(Eval(s, t), F({1}, {1, 1, 1, 1}));
}

// MaxPoolGradGrad is MaxPoolGrad's adjoint: <MPG(a), b> == <a, MPGG(b)>;
// MaxPoolGradV2 equals MaxPoolGrad.
TEST(NnGradPoolTest, HelperOpsAgreeWithMaxPoolGrad) {
  for (const PoolCase& c : AllCases()) {
    SCOPED_TRACE(c.Name());
    std::vector<int64_t> ksize = {1, c.k, c.k, 1};
    std::vector<int64_t> strides = {1, c.stride, c.stride, 1};
    Scope s = NewRootScope();
    Tensor xv = RandomTensor(DT_DOUBLE, {2, 6, 5, 3}, 5);
    Output x = ops::Const(s, xv);
    Output y = ops::MaxPool(s, x, ksize, strides, c.padding);
    Tensor yv = Eval(s, y);
    Tensor a = RandomTensor(DT_DOUBLE, yv.shape(), 6);
    Tensor b = RandomTensor(DT_DOUBLE, xv.shape(), 7);
    Tensor mpg =
        Eval(s, ops::MaxPoolGrad(s, x, y, a, ksize, strides, c.padding));
    Tensor mpgg =
        Eval(s, ops::MaxPoolGradGrad(s, x, y, b, ksize, strides, c.padding));
    ASSERT_EQ(mpgg.shape(), yv.shape());
    double lhs = 0, rhs = 0;
    for (int64_t i = 0; i < b.num_elements(); ++i) {
      lhs += mpg.data<double>()[i] * b.data<double>()[i];
    }
    for (int64_t i = 0; i < a.num_elements(); ++i) {
      rhs += a.data<double>()[i] * mpgg.data<double>()[i];
    }
    EXPECT_NEAR(lhs, rhs, 1e-9);
    std::vector<int32_t> k32(ksize.begin(), ksize.end());
    std::vector<int32_t> s32(strides.begin(), strides.end());
    Output v2 = ops::MaxPoolGradV2(
        s, x, y, a, Tensor::FromVector<int32_t>(absl::MakeConstSpan(k32), {4}),
        Tensor::FromVector<int32_t>(absl::MakeConstSpan(s32), {4}), c.padding);
    EXPECT_TENSOR_NEAR(Eval(s, v2), mpg, 0, 0);
  }
}

TEST(NnGradPoolTest, HelperOpShapes) {
  Scope s = NewRootScope();
  auto ph = [&](PartialShape shape) {
    return ops::Placeholder(s, DT_FLOAT, shape);
  };
  std::vector<int64_t> k = {1, 2, 2, 1};
  Output known = ops::MaxPoolGradGrad(
      s, ph(PartialShape({1, 4, 6, 3})), ph(PartialShape({1, 2, 3, 3})),
      ph(PartialShape({1, 4, 6, 3})), k, k, "VALID");
  EXPECT_EQ(known.shape(), PartialShape({1, 2, 3, 3}));
  Output partial = ops::MaxPoolGradGrad(
      s, ph(PartialShape({-1, 4, 6, 3})), ph(PartialShape::Unknown()),
      ph(PartialShape::Unknown()), k, k, "VALID");
  EXPECT_EQ(partial.shape(), PartialShape({-1, 2, 3, 3}));
  Output batch_from_output = ops::MaxPoolGradGrad(
      s, ph(PartialShape::Unknown()), ph(PartialShape({5, -1, -1, 3})),
      ph(PartialShape::Unknown()), k, k, "SAME");
  EXPECT_EQ(batch_from_output.shape(), PartialShape({5, -1, -1, 3}));

  Output ksize = ops::Placeholder(s, DT_INT32);
  Output v2 = ops::MaxPoolGradV2(
      s, ph(PartialShape({-1, 5, 5, 2})), ph(PartialShape::Unknown()),
      ph(PartialShape::Unknown()), ksize, ksize, "SAME");
  EXPECT_EQ(v2.shape(), PartialShape({-1, 5, 5, 2}));
  Output v2_unknown = ops::MaxPoolGradV2(
      s, ph(PartialShape::Unknown()), ph(PartialShape::Unknown()),
      ph(PartialShape::Unknown()), ksize, ksize, "SAME");
  EXPECT_EQ(v2_unknown.shape(), PartialShape::UnknownOfRank(4));
  ASSERT_OK(s.status());
}

TEST(NnGradPoolTest, HelperOpErrorsNameNode) {
  std::vector<int64_t> k = {1, 2, 2, 1};
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({1, 4, 4, 1}));
    Output bad = ops::Placeholder(s, DT_FLOAT, PartialShape({1, 3, 3, 1}));
    ops::MaxPoolGradGrad(s.WithOpName("mpgg"), x, bad, x, k, k, "VALID");
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("mpgg"), std::string::npos)
        << s.status();
  }
  {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({4, 4, 1}));
    ops::MaxPoolGradV2(s.WithOpName("v2"), x, x, x, {1, 2, 2, 1}, {1, 2, 2, 1},
                       "VALID");
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("v2"), std::string::npos) << s.status();
  }
  {
    // Runtime: grad must have orig_input's shape.
    Scope s = NewRootScope();
    Output g = ops::Placeholder(s, DT_FLOAT);
    Output y =
        ops::MaxPoolGradGrad(s.WithOpName("rt"), F({1, 2, 3, 4}, {1, 2, 2, 1}),
                             F({4}, {1, 1, 1, 1}), g, k, k, "VALID");
    absl::Status st =
        testing::EvalStatus(s, y, {{g, F({1, 2, 3}, {1, 3, 1, 1})}});
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_NE(st.message().find("rt"), std::string::npos) << st;
  }
}

}  // namespace
}  // namespace graphflow
