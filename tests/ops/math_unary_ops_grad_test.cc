// Gradients of the unary math ops, Cast, AddN, Select and the gradient
// helper ops (second derivatives).
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "ops/array_ops.h"
#include "ops/gradient_util.h"
#include "ops/math_unary_ops.h"
#include "ops/registration.h"
#include "tests/ops/math_grad_test_util.h"

namespace graphflow {
namespace {

using testing::F;
using testing::StaticShape;
using testing::Tolerance;
using testing::UnaryError;
using testing::ValueRange;

using UnaryFn = Output (*)(const Scope&, Input);

struct UnaryCase {
  const char* name;
  UnaryFn fn;
  ValueRange range;
};

const UnaryCase kUnaryCases[] = {
    {"Neg", ops::Neg, {}},
    {"Square", ops::Square, {-2, 2}},
    {"Sqrt", ops::Sqrt, {0.5, 2}},
    {"Rsqrt", ops::Rsqrt, {0.5, 2}},
    {"Exp", ops::Exp, {-2, 2}},
    {"Log", ops::Log, {0.5, 2}},
    {"Abs", ops::Abs, {-2, 2, 0.1}},    // Off the kink at 0.
    {"Sign", ops::Sign, {-2, 2, 0.1}},  // Zero gradient off 0.
    {"Reciprocal", ops::Reciprocal, {-2, 2, 0.5}},
    {"Inv", ops::Inv, {-2, 2, 0.5}},
    {"Sigmoid", ops::Sigmoid, {-3, 3}},
    {"Tanh", ops::Tanh, {-2, 2}},
};

TEST(MathGradUnaryTest, AllUnaryOps) {
  for (const UnaryCase& c : kUnaryCases) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      for (StaticShape mode : {StaticShape::kKnown, StaticShape::kUnknown}) {
        SCOPED_TRACE(absl::StrCat(c.name, " ", DataTypeString(dtype), " ",
                                  testing::ModeName(mode)));
        EXPECT_LT(UnaryError(c.fn, dtype, {2, 3}, c.range, mode),
                  Tolerance(dtype));
      }
    }
    SCOPED_TRACE(absl::StrCat(c.name, " scalar"));
    EXPECT_LT(UnaryError(c.fn, DT_FLOAT, {}, c.range), 1e-3);
  }
}

// TF's ops: SigmoidGrad(y, dy) on the forward output, Reciprocal for Log,
// Sign for Abs.
TEST(MathGradUnaryTest, UsesTfHelperOps) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Sigmoid(s.WithOpName("sig"), x);
  Output z = ops::Log(s.WithOpName("log"), ops::Abs(s.WithOpName("abs"), y));
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {z}, {x}, &g));
  ASSERT_EQ(g[0].op(), "SigmoidGrad");
  EXPECT_EQ(g[0].node->input(0).node, y.node);
  const Graph& graph = *s.graph();
  ASSERT_NE(graph.FindNode("gradients/log_grad/Reciprocal"), nullptr);
  ASSERT_NE(graph.FindNode("gradients/abs_grad/Sign"), nullptr);
}

// Reciprocal's gradient at x = [0.5, -2] is -1/x^2 = [-4, -0.25].
TEST(MathGradUnaryTest, ReciprocalValues) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {ops::Reciprocal(s, x)}, {x}, &g));
  EXPECT_EQ(g[0].op(), "ReciprocalGrad");
  EXPECT_TENSOR_NEAR(testing::Eval(s, g[0], {{x, F({0.5f, -2}, {2})}}),
                     F({-4, -0.25f}, {2}));
}

TEST(MathGradUnaryTest, CastBetweenFloatTypes) {
  for (auto [src, dst] :
       {std::pair{DT_FLOAT, DT_DOUBLE}, std::pair{DT_DOUBLE, DT_FLOAT}}) {
    SCOPED_TRACE(DataTypeString(src) + " -> " + DataTypeString(dst));
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), src);
    // Square after the cast, so a wrong gradient would show.
    Output y = ops::Square(s, ops::Cast(s, x, dst));
    EXPECT_GRADIENT_OK(
        s, (std::vector<Output>{x}),
        (std::vector<Tensor>{testing::RandomTensor(src, {2, 3}, 3)}), y, 1e-3);
  }
}

// Through an integer type no gradient flows.
TEST(MathGradUnaryTest, CastThroughIntegerHasNoGradient) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Cast(s, ops::Cast(s, x, DT_INT32), DT_FLOAT);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &g));
  EXPECT_FALSE(g[0].valid());
}

TEST(MathGradUnaryTest, AddNPassesTheGradientToEachInput) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s.WithOpName("a"), DT_FLOAT);
  Output b = ops::Placeholder(s.WithOpName("b"), DT_FLOAT);
  Output y = ops::Mul(s, ops::AddN(s, {a, b, a}), b);
  EXPECT_GRADIENT_OK(
      s, (std::vector<Output>{a, b}),
      (std::vector<Tensor>{testing::RandomTensor(DT_FLOAT, {3}, 1),
                           testing::RandomTensor(DT_FLOAT, {3}, 2)}),
      y, 1e-3);
}

// Element-wise, per-row (vector condition) and scalar conditions; the
// condition gets no gradient.
TEST(MathGradUnaryTest, Select) {
  struct Case {
    Tensor cond;
    TensorShape shape;
  };
  const Case cases[] = {
      {Tensor::FromVector<bool>({true, false, false, true, true, false},
                                {2, 3}),
       {2, 3}},
      {Tensor::FromVector<bool>({false, true}, {2}), {2, 3}},
      {Tensor::Scalar(true), {2, 3}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.cond.shape().DebugString());
    Scope s = NewRootScope();
    Output cond = ops::Const(s, c.cond);
    Output t = ops::Placeholder(s.WithOpName("t"), DT_FLOAT);
    Output e = ops::Placeholder(s.WithOpName("e"), DT_FLOAT);
    Output y = ops::Select(s, cond, t, e);
    EXPECT_GRADIENT_OK(
        s, (std::vector<Output>{t, e}),
        (std::vector<Tensor>{testing::RandomTensor(DT_FLOAT, c.shape, 1),
                             testing::RandomTensor(DT_FLOAT, c.shape, 2)}),
        y, 1e-3);
    std::vector<Output> g;
    ASSERT_OK(AddSymbolicGradients(s, {y}, {cond, t}, &g));
    EXPECT_FALSE(g[0].valid());
  }
}

// The gradient helpers as functions of both inputs.
TEST(MathGradUnaryTest, GradientHelperOps) {
  using BinaryFn = Output (*)(const Scope&, Input, Input);
  struct Case {
    const char* name;
    BinaryFn fn;
    ValueRange range;  // Of y; dy is in [-1, 1).
  };
  const Case cases[] = {
      {"SigmoidGrad", ops::SigmoidGrad, {0.1, 0.9}},
      {"TanhGrad", ops::TanhGrad, {-0.9, 0.9}},
      {"SqrtGrad", ops::SqrtGrad, {0.5, 2}},
      {"RsqrtGrad", ops::RsqrtGrad, {0.5, 2}},
      {"ReciprocalGrad", ops::ReciprocalGrad, {-2, 2, 0.5}},
  };
  for (const auto& [name, fn, range] : cases) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      SCOPED_TRACE(absl::StrCat(name, " ", DataTypeString(dtype)));
      EXPECT_LT(testing::BinaryError(fn, dtype, {2, 3}, {2, 3},
                                     StaticShape::kKnown, range, {}),
                Tolerance(dtype));
    }
  }
}

// Second derivatives: the checker differentiates d(sum f(x))/dx again.
TEST(MathGradUnaryTest, SecondDerivatives) {
  const UnaryCase cases[] = {
      {"Sigmoid", ops::Sigmoid, {-3, 3}},
      {"Tanh", ops::Tanh, {-2, 2}},
      {"Sqrt", ops::Sqrt, {0.5, 2}},
      {"Rsqrt", ops::Rsqrt, {0.5, 2}},
      {"Reciprocal", ops::Reciprocal, {-2, 2, 0.5}},
      {"Square", ops::Square, {-2, 2}},
      {"Log", ops::Log, {0.5, 2}},
      {"Exp", ops::Exp, {-1, 1}},
  };
  for (const UnaryCase& c : cases) {
    SCOPED_TRACE(c.name);
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), DT_DOUBLE);
    Output seed = ops::Const(s, Tensor::FromVector<double>(
                                    {0.3, -0.7, 1.1, 0.5, -1.3, 0.9}, {2, 3}));
    std::vector<Output> g;
    ASSERT_OK(AddSymbolicGradients(s, {c.fn(s, x)}, {x}, {seed}, &g));
    testing::GradientCheckOptions options = testing::CheckOptions(DT_DOUBLE);
    auto err = testing::MaxGradientError(
        s, {x}, {testing::MakeInput(DT_DOUBLE, {2, 3}, 5, c.range)}, g[0],
        options);
    ASSERT_OK(err.status());
    EXPECT_LT(*err, 1e-6);
  }
}

// Building the graph of a type graphflow cannot hold constants of is a
// clear error, not a crash.
TEST(MathGradUnaryTest, UnsupportedDtypeIsAnError) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_HALF);
  Output seed = ops::Placeholder(s.WithOpName("seed"), DT_HALF);
  Output y = ops::Square(s.WithOpName("sq"), x);
  std::vector<Output> g;
  absl::Status status = AddSymbolicGradients(s, {y}, {x}, {seed}, &g);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(status.message(), ::testing::HasSubstr("half"));
  EXPECT_THAT(status.message(), ::testing::HasSubstr("gradients/sq_grad"));
}

// Every op of the family either has a gradient or is marked as having none
// (TF's NotDifferentiable / None gradients).
TEST(MathGradUnaryTest, EveryMathOpHasAGradientOrNone) {
  OpRegistry registry;
  ASSERT_OK(RegisterMathOps(registry));
  const std::set<std::string> no_gradient = {
      "FloorDiv",   "Floor",     "Greater",    "GreaterEqual",
      "Less",       "LessEqual", "Equal",      "NotEqual",
      "LogicalAnd", "LogicalOr", "LogicalNot", "BroadcastGradientArgs"};
  for (const std::string& name : registry.OpNames()) {
    SCOPED_TRACE(name);
    const OpDef* def = registry.Find(name);
    ASSERT_NE(def, nullptr);
    EXPECT_EQ(def->no_gradient, no_gradient.contains(name));
    EXPECT_EQ(static_cast<bool>(def->grad_fn), !no_gradient.contains(name));
  }
}

}  // namespace
}  // namespace graphflow
