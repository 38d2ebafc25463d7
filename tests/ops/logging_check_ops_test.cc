// The logging family's run-time checks: CheckNumerics and Assert run with
// TF's messages (the summary kernels are in logging_ops_test.cc).
#include <limits>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "ops/gradients.h"
#include "ops/logging_ops.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalStatus;
using testing::F;
using testing::I32;

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// The status is InvalidArgument with exactly `message` after the node label.
::testing::AssertionResult FailsWith(const absl::Status& s,
                                     const std::string& message) {
  if (s.code() != absl::StatusCode::kInvalidArgument ||
      !absl::EndsWith(s.message(), "): " + message)) {
    return ::testing::AssertionFailure()
           << "expected InvalidArgument ending '" << message << "', got " << s;
  }
  return ::testing::AssertionSuccess();
}

TEST(CheckNumericsTest, PassesFiniteValuesThrough) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {-1, 2});
  Output y = ops::CheckNumerics(s, x, "x is bad");
  ASSERT_OK(s.status());
  EXPECT_EQ(y.shape(), PartialShape({-1, 2}));
  EXPECT_TENSOR_NEAR(testing::Eval(s, y, {{x, F({1, -2, 3e30f, 0}, {2, 2})}}),
                     F({1, -2, 3e30f, 0}, {2, 2}));
}

TEST(CheckNumericsTest, NanInfOrBothAreInvalidArgumentWithTheMessage) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT);
  Output y = ops::CheckNumerics(s.WithOpName("check"), x, "logits");
  EXPECT_TRUE(FailsWith(EvalStatus(s, y, {{x, F({1, kNan}, {2})}}),
                        "logits : Tensor had NaN values"));
  EXPECT_TRUE(FailsWith(EvalStatus(s, y, {{x, F({-kInf, 1}, {2})}}),
                        "logits : Tensor had Inf values"));
  EXPECT_TRUE(FailsWith(EvalStatus(s, y, {{x, F({kInf, kNan}, {2})}}),
                        "logits : Tensor had Inf and NaN values"));
  EXPECT_NE(EvalStatus(s, y, {{x, F({kNan}, {1})}}).message().find("check"),
            std::string::npos);
  Scope d = NewRootScope();
  Output z = ops::CheckNumerics(d, Tensor::Vector<double>({1, kNan}), "d");
  EXPECT_TRUE(FailsWith(EvalStatus(d, z), "d : Tensor had NaN values"));
}

TEST(CheckNumericsTest, OnlyFloatingTypes) {
  Scope s = NewRootScope();
  ops::CheckNumerics(s.WithOpName("ints"), I32({1}, {1}), "m");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("ints"), std::string::npos) << s.status();
}

// TF's gradient: CheckNumerics of the incoming gradient, with its message.
TEST(CheckNumericsTest, GradientIsTheCheckedIncomingGradient) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_DOUBLE, {3});
  Output y = ops::CheckNumerics(s, ops::Mul(s, x, x), "sq");
  EXPECT_GRADIENT_OK(s, {x}, {Tensor::Vector<double>({0.5, -1, 2})}, y, 1e-6);
  Output seed = ops::Placeholder(s.WithOpName("seed"), DT_DOUBLE, {3});
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, {seed}, &g));
  bool found = false;
  for (const auto& n : s.graph()->nodes()) {
    if (n->op() != "CheckNumerics" || n.get() == y.node) continue;
    found = true;
    EXPECT_EQ(*n->FindAttr<std::string>("message"),
              "Not a number (NaN) or infinity (Inf) values detected in "
              "gradient. sq");
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(FailsWith(
      EvalStatus(
          s, g[0],
          {{x, Tensor::Vector<double>({1, 2, 3})},
           {seed, Tensor::Vector<double>(
                      {1, std::numeric_limits<double>::infinity(), 1})}}),
      "Not a number (NaN) or infinity (Inf) values detected in gradient. sq "
      ": Tensor had Inf values"));
}

Tensor Strings(const std::vector<std::string>& values) {
  Tensor t(DT_STRING, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.data<std::string>());
  return t;
}

// Runs `assert` as a target; returns the run's status.
absl::Status RunTarget(const Scope& s, const Output& target) {
  auto session = Session::Create(s);
  if (!session.ok()) return session.status();
  return (*session)->Run(FeedDict{}, {}, {target}).status();
}

TEST(AssertTest, TrueConditionPasses) {
  Scope s = NewRootScope();
  Output a = ops::Assert(s, true, {F({1, 2}, {2})});
  ASSERT_OK(s.status());
  EXPECT_EQ(a.node->num_outputs(), 0);
  EXPECT_EQ(*a.node->FindAttr<int64_t>("summarize"), 3);
  EXPECT_OK(RunTarget(s, a));
}

TEST(AssertTest, FalseConditionFormatsTheDataLikeTf) {
  Tensor label(DT_STRING, {});
  *label.data<std::string>() = "x (x:0) = ";
  Scope s = NewRootScope();
  Output a =
      ops::Assert(s.WithOpName("check"), false,
                  {label, I32({1, 2, 3, 4, 5}, {5}), I32({1, 2, 3, 4}, {2, 2}),
                   F({0.1f, -2.5f, 1e10f}, {3}),
                   Tensor::FromVector<bool>({true, false}, {2}),
                   Strings({"x == y did not hold:", "tab\there"})});
  ASSERT_OK(s.status());
  absl::Status st = RunTarget(s, a);
  EXPECT_TRUE(
      FailsWith(st,
                "assertion failed: [x (x:0) = ] [1 2 3...] [[1 2][3...]...] "
                "[0.1 -2.5 1e+10] [1 0] [x == y did not hold: tab\\there]"));
  EXPECT_NE(st.message().find("check"), std::string::npos);
}

TEST(AssertTest, SummarizeControlsHowManyEntriesPrint) {
  Scope s = NewRootScope();
  Tensor cube = I32({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  Output all = ops::Assert(s, false, {cube}, /*summarize=*/-1);
  Output five = ops::Assert(s, false, {cube}, 5);
  Output none = ops::Assert(s, Tensor::Vector<bool>({false}), {cube}, 0);
  EXPECT_TRUE(FailsWith(RunTarget(s, all),
                        "assertion failed: [[[1 2][3 4]][[5 6][7 8]]]"));
  EXPECT_TRUE(FailsWith(RunTarget(s, five),
                        "assertion failed: [[[1 2][3 4]][[5...]]...]"));
  EXPECT_TRUE(FailsWith(RunTarget(s, none), "assertion failed: [...]"));
}

TEST(AssertTest, ConditionMustBeAScalar) {
  Scope s = NewRootScope();
  Output a =
      ops::Assert(s.WithOpName("check"),
                  Tensor::FromVector<bool>({true, true}, {2}), {F({1}, {1})});
  EXPECT_TRUE(FailsWith(RunTarget(s, a), "In[0] should be a scalar: [2]"));
  Scope t = NewRootScope();
  ops::Assert(t.WithOpName("bad"), F({1}, {}), {F({1}, {1})});
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("bad"), std::string::npos) << t.status();
}

}  // namespace
}  // namespace graphflow
