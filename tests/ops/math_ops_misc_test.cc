// Select, Cast, AddN and BroadcastGradientArgs.
#include <cmath>
#include <limits>

#include "tests/ops/math_ops_test_util.h"

namespace graphflow {
namespace {

using testing::B;
using testing::D;
using testing::F;
using testing::FromDoubles;
using testing::I32;
using testing::I64;
using testing::IsInvalidArgument;
using testing::Make;
using testing::RandomValues;

// ---------------------------------------------------------------- Select

TEST(SelectTest, ElementWise) {
  Scope s = NewRootScope();
  Output z = ops::Select(s, B({1, 0, 0, 1}, {2, 2}), F({1, 2, 3, 4}, {2, 2}),
                         F({10, 20, 30, 40}, {2, 2}));
  Output v = ops::Select(s, B({0, 1}, {2}), I64({1, 2}, {2}), I64({8, 9}, {2}));
  Output sc = ops::Select(s, B({0}, {}), D({1}, {}), D({2}, {}));
  auto out = testing::EvalAll(s, {z, v, sc});
  EXPECT_TENSOR_NEAR(out[0], F({1, 20, 30, 4}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[1], I64({8, 2}, {2}));
  EXPECT_TENSOR_NEAR(out[2], D({2}, {}));
}

TEST(SelectTest, VectorConditionPicksRows) {
  Scope s = NewRootScope();
  Output m = ops::Select(s, B({1, 0, 1}, {3}), F({1, 2, 3, 4, 5, 6}, {3, 2}),
                         F({-1, -2, -3, -4, -5, -6}, {3, 2}));
  Output r3 =
      ops::Select(s, B({0, 1}, {2}), I32({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2}),
                  I32({0, 0, 0, 0, 0, 0, 0, 0}, {2, 2, 2}));
  Output bools = ops::Select(s, B({1, 0}, {2}), B({1, 1, 1, 1}, {2, 2}),
                             B({0, 0, 0, 0}, {2, 2}));
  EXPECT_EQ(m.shape(), PartialShape({3, 2}));
  auto out = testing::EvalAll(s, {m, r3, bools});
  EXPECT_TENSOR_NEAR(out[0], F({1, 2, -3, -4, 5, 6}, {3, 2}));
  EXPECT_TENSOR_NEAR(out[1], I32({0, 0, 0, 0, 5, 6, 7, 8}, {2, 2, 2}));
  EXPECT_TENSOR_NEAR(out[2], B({1, 1, 0, 0}, {2, 2}));

  // Large enough to run the rows on several threads.
  const int64_t rows = 3000, cols = 64;
  std::vector<double> t = RandomValues(rows * cols, -1, 1, 11);
  std::vector<double> c(rows), want(rows * cols);
  for (int64_t r = 0; r < rows; ++r) c[r] = r % 3 == 0;
  for (int64_t i = 0; i < rows * cols; ++i) want[i] = c[i / cols] ? t[i] : 0;
  Scope l = NewRootScope();
  Output big = ops::Select(
      l, l.Const(FromDoubles(DT_BOOL, {rows}, c)),
      l.Const(FromDoubles(DT_DOUBLE, {rows, cols}, t)),
      l.Const(Tensor::FromVector<double>(std::vector<double>(rows * cols, 0),
                                         TensorShape{rows, cols})));
  EXPECT_TENSOR_NEAR(testing::Eval(l, big),
                     FromDoubles(DT_DOUBLE, {rows, cols}, want), 0, 0);
}

TEST(SelectTest, ScalarConditionPicksAWholeInput) {
  Scope s = NewRootScope();
  Output yes = ops::Select(s, B({1}, {}), F({1, 2}, {2}), F({3, 4}, {2}));
  Output no = ops::Select(s, B({0}, {}), F({1, 2}, {2}), F({3, 4}, {2}));
  EXPECT_EQ(yes.shape(), PartialShape({2}));
  auto out = testing::EvalAll(s, {yes, no});
  EXPECT_TENSOR_NEAR(out[0], F({1, 2}, {2}));
  EXPECT_TENSOR_NEAR(out[1], F({3, 4}, {2}));
}

TEST(SelectTest, ShapeFunction) {
  Scope s = NewRootScope();
  auto shape = [&](const PartialShape& c, const PartialShape& t,
                   const PartialShape& e) {
    return ops::Select(s, ops::Placeholder(s, DT_BOOL, c),
                       ops::Placeholder(s, DT_FLOAT, t),
                       ops::Placeholder(s, DT_FLOAT, e))
        .shape();
  };
  EXPECT_EQ(shape({2, 3}, {2, 3}, {2, 3}), PartialShape({2, 3}));
  EXPECT_EQ(shape({-1, 3}, {2, -1}, {-1, -1}), PartialShape({2, 3}));
  EXPECT_EQ(shape({-1}, {-1, 5}, {4, -1}), PartialShape({4, 5}));
  EXPECT_EQ(shape(KnownScalar(), {-1, 5}, {-1, 5}), PartialShape({-1, 5}));
  EXPECT_EQ(shape(PartialShape(), {2}, PartialShape()), PartialShape({2}));
  EXPECT_EQ(shape(KnownScalar(), KnownScalar(), KnownScalar()), KnownScalar());
  ASSERT_TRUE(s.ok()) << s.status();

  auto bad = [](const PartialShape& c, const PartialShape& t,
                const PartialShape& e) {
    Scope b = NewRootScope();
    ops::Select(b.WithOpName("sel"), ops::Placeholder(b, DT_BOOL, c),
                ops::Placeholder(b, DT_FLOAT, t),
                ops::Placeholder(b, DT_FLOAT, e));
    return b.status();
  };
  EXPECT_TRUE(
      IsInvalidArgument(bad({3}, {4, 2}, {4, 2}), {"sel", "[3]", "[4,2]"}));
  EXPECT_TRUE(IsInvalidArgument(bad({2, 2}, {2, 3}, {2, 3}), {"sel", "[2,2]"}));
  EXPECT_TRUE(IsInvalidArgument(bad({2}, {2}, {3}), {"sel", "[2]", "[3]"}));
  EXPECT_TRUE(
      IsInvalidArgument(bad({2}, KnownScalar(), KnownScalar()), {"sel"}));
  Scope t = NewRootScope();
  ops::Select(t.WithOpName("sel"), F({1}, {1}), F({1}, {1}), F({1}, {1}));
  EXPECT_TRUE(IsInvalidArgument(t.status(), {"sel", "float"}));
}

TEST(SelectTest, RuntimeErrorsNameTheNode) {
  Scope s = NewRootScope();
  Output c = ops::Placeholder(s, DT_BOOL);
  Output t = ops::Placeholder(s, DT_FLOAT);
  Output e = ops::Placeholder(s, DT_FLOAT);
  Output z = ops::Select(s.WithOpName("pick"), c, t, e);
  auto run = [&](const Tensor& cv, const Tensor& tv, const Tensor& ev) {
    return testing::EvalStatus(s, z, {{c, cv}, {t, tv}, {e, ev}});
  };
  EXPECT_TRUE(IsInvalidArgument(
      run(B({1, 0}, {2}), F({1, 2}, {2}), F({1}, {1})), {"pick", "same size"}));
  EXPECT_TRUE(IsInvalidArgument(
      run(B({1, 0, 1}, {3}), F({1, 2, 3, 4}, {2, 2}), F({1, 2, 3, 4}, {2, 2})),
      {"pick", "3"}));
  EXPECT_TRUE(IsInvalidArgument(
      run(B({1, 0, 1, 0}, {2, 2}), F({1, 2, 3, 4}, {4}), F({1, 2, 3, 4}, {4})),
      {"pick", "[2,2]", "[4]"}));
  EXPECT_TRUE(IsInvalidArgument(
      run(B({1}, {}), F({1, 2}, {2}), F({1, 2, 3}, {3})), {"pick"}));
}

// ---------------------------------------------------------------- Cast

TEST(CastTest, RoundingAndTruncation) {
  Scope s = NewRootScope();
  Tensor f = F({2.7f, -2.7f, 0.5f, -0.5f, 1e9f}, {5});
  auto out = testing::EvalAll(
      s, {ops::Cast(s, f, DT_INT32), ops::Cast(s, f, DT_INT64),
          ops::Cast(s, I32({1, -2, 16777217}, {3}), DT_FLOAT),
          ops::Cast(s, B({1, 0}, {2}), DT_FLOAT),
          ops::Cast(s, F({0, -0.5, 3}, {3}), DT_BOOL),
          ops::Cast(s, D({0.1, 1e300}, {2}), DT_FLOAT),
          ops::Cast(s, I64({int64_t{1} << 32 | 5, -1}, {2}), DT_INT32),
          ops::Cast(s, I32({300, -1}, {2}), DT_UINT8),
          ops::Cast(s, F({255.9f, 3.2f}, {2}), DT_UINT8),
          ops::Cast(s, Make<uint8_t>({200}, {1}), DT_INT8),
          ops::Cast(s, I32({7, 0}, {2}), DT_BOOL),
          ops::Cast(s, B({1, 0}, {2}), DT_INT64),
          ops::Cast(s, F({1.5}, {1}), DT_DOUBLE, /*truncate=*/true)});
  EXPECT_TENSOR_NEAR(out[0], I32({2, -2, 0, 0, 1000000000}, {5}));
  EXPECT_TENSOR_NEAR(out[1], I64({2, -2, 0, 0, 1000000000}, {5}));
  EXPECT_TENSOR_NEAR(out[2], F({1, -2, 16777216}, {3}), 0, 0);
  EXPECT_TENSOR_NEAR(out[3], F({1, 0}, {2}));
  EXPECT_TENSOR_NEAR(out[4], B({0, 1, 1}, {3}));
  EXPECT_TENSOR_NEAR(
      out[5], F({0.1f, std::numeric_limits<float>::infinity()}, {2}), 0, 0);
  EXPECT_TENSOR_NEAR(out[6], I32({5, -1}, {2}));
  EXPECT_TENSOR_NEAR(out[7], Make<uint8_t>({44, 255}, {2}));
  EXPECT_TENSOR_NEAR(out[8], Make<uint8_t>({255, 3}, {2}));
  EXPECT_TENSOR_NEAR(out[9], Make<int8_t>({-56}, {1}));
  EXPECT_TENSOR_NEAR(out[10], B({1, 0}, {2}));
  EXPECT_TENSOR_NEAR(out[11], I64({1, 0}, {2}));
  EXPECT_TENSOR_NEAR(out[12], D({1.5}, {1}));
}

TEST(CastTest, NanAndOutOfRangeGiveTheIntegerMinimum) {
  Scope s = NewRootScope();
  Tensor f = F({std::nanf(""), 3e9f, -3e9f}, {3});
  auto out = testing::EvalAll(
      s, {ops::Cast(s, f, DT_INT32), ops::Cast(s, f, DT_INT64)});
  const int32_t m = std::numeric_limits<int32_t>::min();
  EXPECT_TENSOR_NEAR(out[0], I32({m, m, m}, {3}));
  EXPECT_TENSOR_NEAR(
      out[1],
      I64({std::numeric_limits<int64_t>::min(), 3000000000, -3000000000}, {3}));
}

TEST(CastTest, SameTypeSharesTheInputAndLargeInputsThread) {
  Scope s = NewRootScope();
  const int64_t n = 200000;
  std::vector<double> x = RandomValues(n, -1000, 1000, 3);
  std::vector<double> want(n);
  for (int64_t i = 0; i < n; ++i) want[i] = std::trunc(float(x[i]));
  Tensor xt = FromDoubles(DT_FLOAT, {n}, x);
  auto out = testing::EvalAll(
      s, {ops::Cast(s, xt, DT_FLOAT), ops::Cast(s, xt, DT_INT32)});
  EXPECT_TENSOR_NEAR(out[0], xt, 0, 0);
  EXPECT_TENSOR_NEAR(out[1], FromDoubles(DT_INT32, {n}, want), 0, 0);
}

TEST(CastTest, ShapeAttrsAndErrors) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_INT32, {-1, 3});
  Output y = ops::Cast(s, x, DT_FLOAT);
  EXPECT_EQ(y.shape(), PartialShape({-1, 3}));
  EXPECT_EQ(y.dtype(), DT_FLOAT);
  EXPECT_EQ(*y.node->FindAttr<DataType>("SrcT"), DT_INT32);
  EXPECT_EQ(*y.node->FindAttr<bool>("Truncate"), false);
  EXPECT_EQ(ops::Cast(s, ops::Placeholder(s, DT_FLOAT), DT_BOOL).shape(),
            PartialShape());
  Output bad = ops::Cast(s.WithOpName("to_string"), F({1}, {1}), DT_STRING);
  ASSERT_TRUE(s.ok()) << s.status();  // Any type is a valid DstT.
  EXPECT_TRUE(
      IsInvalidArgument(testing::EvalStatus(s, bad), {"to_string", "string"}));
}

// ---------------------------------------------------------------- AddN

TEST(AddNTest, Values) {
  Scope s = NewRootScope();
  Output one = ops::AddN(s, {F({1, 2}, {2})});
  Output two = ops::AddN(s, {F({1, 2}, {2}), F({10, 20}, {2})});
  Output four = ops::AddN(
      s, {I32({1}, {1}), I32({2}, {1}), I32({3}, {1}), I32({4}, {1})});
  Output dbl = ops::AddN(
      s, {D({0.5, 1}, {1, 2}), D({0.25, 2}, {1, 2}), D({0.125, 4}, {1, 2})});
  EXPECT_EQ(four.node->num_inputs(), 4);
  EXPECT_EQ(*four.node->FindAttr<int64_t>("N"), 4);
  auto out = testing::EvalAll(s, {one, two, four, dbl});
  EXPECT_TENSOR_NEAR(out[0], F({1, 2}, {2}));
  EXPECT_TENSOR_NEAR(out[1], F({11, 22}, {2}));
  EXPECT_TENSOR_NEAR(out[2], I32({10}, {1}));
  EXPECT_TENSOR_NEAR(out[3], D({0.875, 7}, {1, 2}));

  const int64_t n = 100000;  // Threaded.
  std::vector<Input> inputs;
  std::vector<double> want(n, 0);
  Scope l = NewRootScope();
  for (int k = 0; k < 5; ++k) {
    std::vector<double> v = RandomValues(n, -1, 1, 100 + k);
    for (int64_t i = 0; i < n; ++i) want[i] += static_cast<float>(v[i]);
    inputs.push_back(l.Const(FromDoubles(DT_FLOAT, {n}, v)));
  }
  EXPECT_TENSOR_NEAR(testing::Eval(l, ops::AddN(l, inputs)),
                     FromDoubles(DT_FLOAT, {n}, want), 1e-5, 1e-5);
}

TEST(AddNTest, ShapesAndErrors) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  Output b = ops::Placeholder(s, DT_FLOAT, {2, -1});
  EXPECT_EQ(ops::AddN(s, {a, b}).shape(), PartialShape({2, 3}));
  EXPECT_EQ(ops::AddN(s, {a, ops::Placeholder(s, DT_FLOAT)}).shape(),
            PartialShape({-1, 3}));
  ASSERT_TRUE(s.ok()) << s.status();
  ops::AddN(s.WithOpName("sum"), {a, ops::Placeholder(s, DT_FLOAT, {2, 4})});
  EXPECT_TRUE(IsInvalidArgument(s.status(), {"sum", "[2,4]", "[?,3]"}));

  Scope e = NewRootScope();
  ops::AddN(e.WithOpName("empty"), {});
  EXPECT_TRUE(IsInvalidArgument(e.status(), {"empty"}));

  Scope r = NewRootScope();
  Output x = ops::Placeholder(r, DT_FLOAT);
  Output y = ops::Placeholder(r, DT_FLOAT);
  Output z = ops::AddN(r.WithOpName("sum"), {x, y});
  EXPECT_TRUE(IsInvalidArgument(
      testing::EvalStatus(r, z, {{x, F({1, 2}, {2})}, {y, F({1, 2}, {1, 2})}}),
      {"sum", "[2]", "[1,2]"}));
}

// ---------------------------------------------------- BroadcastGradientArgs

std::pair<std::vector<double>, std::vector<double>> GradArgs(
    std::initializer_list<int32_t> s0, std::initializer_list<int32_t> s1) {
  Scope s = NewRootScope();
  auto r =
      ops::BroadcastGradientArgs(s, I32(s0, {static_cast<int64_t>(s0.size())}),
                                 I32(s1, {static_cast<int64_t>(s1.size())}));
  auto out = testing::EvalAll(s, {r.r0, r.r1});
  EXPECT_EQ(out[0].dtype(), DT_INT32);
  return {testing::Values(out[0]), testing::Values(out[1])};
}

using V = std::vector<double>;

TEST(BroadcastGradientArgsTest, ReductionAxes) {
  EXPECT_EQ(GradArgs({2, 3, 5}, {5}), std::make_pair(V{}, V{0, 1}));
  EXPECT_EQ(GradArgs({5}, {2, 3, 5}), std::make_pair(V{0, 1}, V{}));
  // [2,1,5] vs [1,3,1]: dim 0 reduces y, dim 1 reduces x, dim 2 reduces y.
  EXPECT_EQ(GradArgs({2, 1, 5}, {1, 3, 1}), std::make_pair(V{1}, V{0, 2}));
  // A dim that is 1 on both sides reduces both (padding counts as 1)...
  EXPECT_EQ(GradArgs({1, 3}, {3}), std::make_pair(V{0}, V{0}));
  EXPECT_EQ(GradArgs({4, 1}, {1}), std::make_pair(V{1}, V{0, 1}));
  // ...but identical shapes reduce nothing.
  EXPECT_EQ(GradArgs({2, 1, 3}, {2, 1, 3}), std::make_pair(V{}, V{}));
  EXPECT_EQ(GradArgs({}, {2, 3}), std::make_pair(V{0, 1}, V{}));
  EXPECT_EQ(GradArgs({}, {}), std::make_pair(V{}, V{}));
  EXPECT_EQ(GradArgs({0, 1}, {1, 4}), std::make_pair(V{1}, V{0}));
  EXPECT_EQ(GradArgs({3, 1, 1}, {1, 1}), std::make_pair(V{1, 2}, V{0, 1, 2}));
}

TEST(BroadcastGradientArgsTest, Int64AndShapeFunction) {
  Scope s = NewRootScope();
  auto r = ops::BroadcastGradientArgs(s, I64({7, 1, 2}, {3}), I64({3, 1}, {2}));
  EXPECT_EQ(r.r0.dtype(), DT_INT64);
  EXPECT_EQ(r.r0.shape(), PartialShape({-1}));
  EXPECT_EQ(r.r1.shape(), PartialShape({-1}));
  auto out = testing::EvalAll(s, {r.r0, r.r1});
  EXPECT_TENSOR_NEAR(out[0], I64({1}, {1}));
  EXPECT_TENSOR_NEAR(out[1], I64({0, 2}, {2}));

  auto u = ops::BroadcastGradientArgs(s, ops::Placeholder(s, DT_INT32),
                                      ops::Placeholder(s, DT_INT32, {-1}));
  EXPECT_EQ(u.r1.shape(), PartialShape({-1}));
  ASSERT_TRUE(s.ok()) << s.status();
  ops::BroadcastGradientArgs(s.WithOpName("bga"), I32({1, 2}, {1, 2}),
                             I32({1}, {1}));
  EXPECT_TRUE(IsInvalidArgument(s.status(), {"bga", "rank 1", "[1,2]"}));
  Scope f = NewRootScope();
  ops::BroadcastGradientArgs(f.WithOpName("bga"), F({1}, {1}), F({1}, {1}));
  EXPECT_TRUE(IsInvalidArgument(f.status(), {"bga", "float"}));
}

TEST(BroadcastGradientArgsTest, RuntimeErrors) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_INT32);
  Output b = ops::Placeholder(s, DT_INT32);
  auto r = ops::BroadcastGradientArgs(s.WithOpName("bga"), a, b);
  EXPECT_TRUE(IsInvalidArgument(
      testing::EvalStatus(s, r.r0, {{a, I32({2, 3}, {2})}, {b, I32({4}, {1})}}),
      {"bga", "Incompatible shapes: [2,3] vs. [4]"}));
  EXPECT_TRUE(IsInvalidArgument(
      testing::EvalStatus(s, r.r0, {{a, I32({2}, {1, 1})}, {b, I32({4}, {1})}}),
      {"bga", "In[0] must be a vector"}));
  EXPECT_TRUE(IsInvalidArgument(
      testing::EvalStatus(s, r.r1, {{a, I32({2}, {1})}, {b, I32({-4}, {1})}}),
      {"bga", "negative"}));
}

}  // namespace
}  // namespace graphflow
