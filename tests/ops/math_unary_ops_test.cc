// Unary math ops and the same-shape gradient helpers: shapes, dtype errors,
// values against the C++ standard library.
#include "ops/math_unary_ops.h"

#include <cmath>
#include <functional>
#include <limits>

#include "tests/ops/math_ops_test_util.h"

namespace graphflow {
namespace {

using testing::D;
using testing::F;
using testing::FromDoubles;
using testing::I32;
using testing::I64;
using testing::IsInvalidArgument;
using testing::Make;
using testing::RandomValues;

using UnaryFn = std::function<Output(const Scope&, Input)>;

struct UnaryCase {
  const char* name;
  UnaryFn fn;
  std::function<double(double)> ref;
  double lo, hi;       // Input range for random values.
  DataType bad_dtype;  // A dtype the op's schema rejects.
};

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

std::vector<UnaryCase> Cases() {
  return {
      {"Neg", ops::Neg, [](double x) { return -x; }, -5, 5, DT_BOOL},
      {"Square", ops::Square, [](double x) { return x * x; }, -5, 5, DT_BOOL},
      {"Sqrt", ops::Sqrt, [](double x) { return std::sqrt(x); }, 0, 9,
       DT_INT32},
      {"Rsqrt", ops::Rsqrt, [](double x) { return 1 / std::sqrt(x); }, 0.1, 9,
       DT_INT32},
      {"Exp", ops::Exp, [](double x) { return std::exp(x); }, -10, 10,
       DT_INT32},
      {"Log", ops::Log, [](double x) { return std::log(x); }, 0.01, 100,
       DT_INT32},
      {"Abs", ops::Abs, [](double x) { return std::abs(x); }, -5, 5, DT_UINT8},
      {"Sign", ops::Sign, [](double x) { return double((x > 0) - (x < 0)); },
       -5, 5, DT_BOOL},
      {"Reciprocal", ops::Reciprocal, [](double x) { return 1 / x; }, 0.1, 5,
       DT_BOOL},
      {"Inv", ops::Inv, [](double x) { return 1 / x; }, -5, -0.1, DT_BOOL},
      {"Floor", ops::Floor, [](double x) { return std::floor(x); }, -5, 5,
       DT_INT32},
      {"Sigmoid", ops::Sigmoid, Sigmoid, -20, 20, DT_INT32},
      {"Tanh", ops::Tanh, [](double x) { return std::tanh(x); }, -10, 10,
       DT_INT32},
  };
}

TEST(UnaryOpsTest, ShapesAndBadDtypes) {
  for (const UnaryCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    Scope s = NewRootScope();
    EXPECT_EQ(c.fn(s, ops::Placeholder(s, DT_FLOAT, {2, 3})).shape(),
              PartialShape({2, 3}));
    EXPECT_EQ(c.fn(s, ops::Placeholder(s, DT_FLOAT, {-1, 3})).shape(),
              PartialShape({-1, 3}));
    EXPECT_EQ(c.fn(s, ops::Placeholder(s, DT_FLOAT)).shape(), PartialShape());
    ASSERT_TRUE(s.ok()) << s.status();
    c.fn(s.WithOpName("bad"), ops::Placeholder(s, c.bad_dtype, {2}));
    EXPECT_TRUE(IsInvalidArgument(s.status(), {"bad", c.name}));
  }
}

// Float and double on random inputs; float large enough to be threaded.
TEST(UnaryOpsTest, ValuesMatchTheStandardLibrary) {
  uint64_t seed = 7;
  for (const UnaryCase& c : Cases()) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      for (int64_t n : {int64_t{37}, int64_t{100003}}) {
        SCOPED_TRACE(absl::StrCat(c.name, " ", DataTypeString(dtype), " ", n));
        std::vector<double> x = RandomValues(n, c.lo, c.hi, ++seed);
        if (dtype == DT_FLOAT) {
          for (double& v : x) v = static_cast<float>(v);
        }
        std::vector<double> want(n);
        for (int64_t i = 0; i < n; ++i) want[i] = c.ref(x[i]);
        Scope s = NewRootScope();
        Output y = c.fn(s, s.Const(FromDoubles(dtype, {n}, x)));
        const double tol = dtype == DT_FLOAT ? 2e-6 : 1e-12;
        EXPECT_TENSOR_NEAR(testing::Eval(s, y), FromDoubles(dtype, {n}, want),
                           tol, tol);
      }
    }
  }
}

TEST(UnaryOpsTest, IntegerInputs) {
  Scope s = NewRootScope();
  auto out = testing::EvalAll(
      s, {ops::Neg(s, I32({3, -4, 0}, {3})), ops::Square(s, I64({-3, 5}, {2})),
          ops::Abs(s, Make<int8_t>({-7, 7}, {2})),
          ops::Abs(s, Make<int16_t>({-300}, {1})),
          ops::Sign(s, I64({-9, 0, 4}, {3})),
          ops::Reciprocal(s, I32({1, -1, 2}, {3}))});
  EXPECT_TENSOR_NEAR(out[0], I32({-3, 4, 0}, {3}));
  EXPECT_TENSOR_NEAR(out[1], I64({9, 25}, {2}));
  EXPECT_TENSOR_NEAR(out[2], Make<int8_t>({7, 7}, {2}));
  EXPECT_TENSOR_NEAR(out[3], Make<int16_t>({300}, {1}));
  EXPECT_TENSOR_NEAR(out[4], I64({-1, 0, 1}, {3}));
  EXPECT_TENSOR_NEAR(out[5], I32({1, -1, 0}, {3}));
}

TEST(UnaryOpsTest, EdgeValues) {
  const float inf = std::numeric_limits<float>::infinity();
  Scope s = NewRootScope();
  Tensor big = F({-1000, -100, -20, 0, 20, 100, 1000}, {7});
  auto out = testing::EvalAll(
      s,
      {ops::Sigmoid(s, big), ops::Tanh(s, big),
       ops::Sigmoid(s, D({-1000, -30, 30, 1000}, {4})),
       ops::Log(s, F({0, 1}, {2})), ops::Sqrt(s, F({0, 4}, {2})),
       ops::Reciprocal(s, F({0, -0.5}, {2})), ops::Sign(s, F({-0.0f, 3}, {2})),
       ops::Floor(s, F({-1.5, 1.5, -2}, {3})), ops::Exp(s, F({-200, 0}, {2}))});
  EXPECT_TENSOR_NEAR(out[0], F({0, 0, float(Sigmoid(-20)), 0.5, 1, 1, 1}, {7}),
                     1e-12, 1e-5);
  EXPECT_TENSOR_NEAR(out[1], F({-1, -1, -1, 0, 1, 1, 1}, {7}));
  EXPECT_TENSOR_NEAR(out[2], D({0, Sigmoid(-30), Sigmoid(30), 1}, {4}), 1e-20,
                     1e-12);
  EXPECT_TENSOR_NEAR(out[3], F({-inf, 0}, {2}));
  EXPECT_TENSOR_NEAR(out[4], F({0, 2}, {2}));
  EXPECT_TENSOR_NEAR(out[5], F({inf, -2}, {2}));
  EXPECT_TENSOR_NEAR(out[6], F({0, 1}, {2}));
  EXPECT_TENSOR_NEAR(out[7], F({-2, 1, -2}, {3}));
  EXPECT_TENSOR_NEAR(out[8], F({0, 1}, {2}));
}

TEST(UnaryOpsTest, IntegerReciprocalOfZeroIsAnError) {
  Scope s = NewRootScope();
  Output y = ops::Inv(s.WithOpName("inv"), I32({2, 0}, {2}));
  EXPECT_TRUE(IsInvalidArgument(testing::EvalStatus(s, y),
                                {"inv", "Integer division by zero"}));
}

TEST(UnaryOpsTest, EmptyInput) {
  Scope s = NewRootScope();
  Tensor y = testing::Eval(s, ops::Exp(s, F({}, {0, 4})));
  EXPECT_EQ(y.shape(), TensorShape({0, 4}));
}

TEST(ClassifyOpsTest, IsFiniteIsNanIsInf) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> x = {0, -1.5, inf, -inf, nan, 1e300};
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    SCOPED_TRACE(DataTypeString(dtype));
    Scope s = NewRootScope();
    Output in = s.Const(FromDoubles(dtype, {2, 3}, x));
    auto out = testing::EvalAll(
        s, {ops::IsFinite(s, in), ops::IsNan(s, in), ops::IsInf(s, in)});
    // 1e300 overflows to inf as a float.
    const bool big_finite = dtype == DT_DOUBLE;
    EXPECT_TENSOR_NEAR(
        out[0],
        testing::B({true, true, false, false, false, big_finite}, {2, 3}));
    EXPECT_TENSOR_NEAR(
        out[1], testing::B({false, false, false, false, true, false}, {2, 3}));
    EXPECT_TENSOR_NEAR(
        out[2],
        testing::B({false, false, true, true, false, !big_finite}, {2, 3}));
  }
}

TEST(ClassifyOpsTest, ShapesDtypesAndNoGradient) {
  for (auto fn : {ops::IsFinite, ops::IsNan, ops::IsInf}) {
    Scope s = NewRootScope();
    Output y = fn(s, ops::Placeholder(s, DT_DOUBLE, {-1, 3}));
    EXPECT_EQ(y.dtype(), DT_BOOL);
    EXPECT_EQ(y.shape(), PartialShape({-1, 3}));
    ASSERT_TRUE(s.ok()) << s.status();
    fn(s.WithOpName("bad"), I32({1}, {1}));
    EXPECT_TRUE(IsInvalidArgument(s.status(), {"bad", "int32"}));
    EXPECT_TRUE(y.node->op_def().no_gradient);
  }
  // A large input runs threaded.
  Scope s = NewRootScope();
  std::vector<double> x(100003, 1.0);
  x[77777] = std::numeric_limits<double>::quiet_NaN();
  Tensor nan = testing::Eval(
      s, ops::IsNan(s, s.Const(FromDoubles(DT_FLOAT, {100003}, x))));
  int64_t count = 0;
  for (int64_t i = 0; i < nan.num_elements(); ++i) {
    count += nan.data<bool>()[i];
  }
  EXPECT_EQ(count, 1);
  EXPECT_TRUE(nan.data<bool>()[77777]);
}

using GradFn = std::function<Output(const Scope&, Input, Input)>;

TEST(UnaryGradOpsTest, Values) {
  struct Case {
    const char* name;
    GradFn fn;
    std::function<double(double, double)> ref;
  };
  const std::vector<Case> cases = {
      {"SigmoidGrad", ops::SigmoidGrad,
       [](double y, double dy) { return dy * y * (1 - y); }},
      {"TanhGrad", ops::TanhGrad,
       [](double y, double dy) { return dy * (1 - y * y); }},
      {"SqrtGrad", ops::SqrtGrad,
       [](double y, double dy) { return dy * 0.5 / y; }},
      {"RsqrtGrad", ops::RsqrtGrad,
       [](double y, double dy) { return dy * -0.5 * y * y * y; }},
      {"ReciprocalGrad", ops::ReciprocalGrad,
       [](double y, double dy) { return -dy * y * y; }},
  };
  for (const Case& c : cases) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      for (int64_t n : {int64_t{5}, int64_t{60000}}) {
        SCOPED_TRACE(absl::StrCat(c.name, " ", DataTypeString(dtype), " ", n));
        std::vector<double> y = RandomValues(n, 0.1, 0.9, 3 * n);
        std::vector<double> dy = RandomValues(n, -2, 2, 5 * n);
        if (dtype == DT_FLOAT) {
          for (double& v : y) v = static_cast<float>(v);
          for (double& v : dy) v = static_cast<float>(v);
        }
        std::vector<double> want(n);
        for (int64_t i = 0; i < n; ++i) want[i] = c.ref(y[i], dy[i]);
        Scope s = NewRootScope();
        Output z = c.fn(s, s.Const(FromDoubles(dtype, {n / 5, 5}, y)),
                        s.Const(FromDoubles(dtype, {n / 5, 5}, dy)));
        EXPECT_EQ(z.shape(), PartialShape({n / 5, 5}));
        EXPECT_TENSOR_NEAR(testing::Eval(s, z),
                           FromDoubles(dtype, {n / 5, 5}, want), 1e-6, 1e-5);
      }
    }
  }
}

TEST(UnaryGradOpsTest, HandComputed) {
  Scope s = NewRootScope();
  Tensor y = F({0.5, 2}, {2});
  Tensor dy = F({4, 3}, {2});
  auto out =
      testing::EvalAll(s, {ops::SigmoidGrad(s, y, dy), ops::TanhGrad(s, y, dy),
                           ops::SqrtGrad(s, y, dy), ops::RsqrtGrad(s, y, dy),
                           ops::ReciprocalGrad(s, y, dy)});
  EXPECT_TENSOR_NEAR(out[0], F({1, -6}, {2}));       // dy*y*(1-y)
  EXPECT_TENSOR_NEAR(out[1], F({3, -9}, {2}));       // dy*(1-y^2)
  EXPECT_TENSOR_NEAR(out[2], F({4, 0.75}, {2}));     // dy*0.5/y
  EXPECT_TENSOR_NEAR(out[3], F({-0.25, -12}, {2}));  // dy*-0.5*y^3
  EXPECT_TENSOR_NEAR(out[4], F({-1, -12}, {2}));     // -dy*y^2
}

TEST(UnaryGradOpsTest, ShapesAndErrors) {
  for (auto fn : {ops::SigmoidGrad, ops::TanhGrad, ops::SqrtGrad,
                  ops::RsqrtGrad, ops::ReciprocalGrad}) {
    Scope s = NewRootScope();
    Output y = ops::Placeholder(s, DT_FLOAT, {-1, 3});
    Output known = ops::Placeholder(s, DT_FLOAT, {4, -1});
    EXPECT_EQ(fn(s, y, known).shape(), PartialShape({4, 3}));
    EXPECT_EQ(fn(s, y, ops::Placeholder(s, DT_FLOAT)).shape(),
              PartialShape({-1, 3}));
    fn(s.WithOpName("bad"), y, ops::Placeholder(s, DT_FLOAT, {2, 4}));
    EXPECT_TRUE(IsInvalidArgument(s.status(), {"bad", "[?,3]", "[2,4]"}));

    Scope r = NewRootScope();  // Sizes checked again at run time.
    Output a = ops::Placeholder(r, DT_FLOAT);
    Output b = ops::Placeholder(r, DT_FLOAT);
    Output z = fn(r.WithOpName("g"), a, b);
    EXPECT_TRUE(IsInvalidArgument(
        testing::EvalStatus(r, z, {{a, F({1, 2}, {2})}, {b, F({1}, {1})}}),
        {"g", "same number of elements"}));

    Scope t = NewRootScope();
    fn(t.WithOpName("int"), I32({1}, {1}), I32({1}, {1}));
    EXPECT_TRUE(IsInvalidArgument(t.status(), {"int", "int32"}));
  }
}

}  // namespace
}  // namespace graphflow
