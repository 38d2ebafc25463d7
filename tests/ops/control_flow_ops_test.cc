// The control_flow family: Switch/Merge/Enter/Exit/NextIteration/LoopCond/
// ControlTrigger schemas and kernels, run by the session's control-flow
// executor, and the Cond / WhileLoop builders (values computed by hand).
#include "ops/control_flow_ops.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalStatus;
using testing::F;
using testing::Values;

Tensor Bool(bool b) { return Tensor::Scalar(b); }
Output Int(const Scope& s, int v) {
  return ops::Const(s, Tensor::Scalar<int32_t>(v));
}

TEST(SwitchTest, ShapesAndNonScalarPred) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {2, 3});
  OutputList sw = ops::Switch(s, x, ops::Placeholder(s, DT_BOOL, {}));
  ASSERT_OK(s.status());
  EXPECT_EQ(sw[0].shape(), PartialShape({2, 3}));
  EXPECT_EQ(sw[1].shape(), PartialShape({2, 3}));
  Scope bad = NewRootScope();
  ops::Switch(bad.WithOpName("sw"), 1.0f, ops::Placeholder(bad, DT_BOOL, {2}));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "node 'sw' (Switch)"))
      << bad.status();
}

TEST(MergeTest, ShapeKeepsCommonDims) {
  Scope s = NewRootScope();
  OutputList m = ops::Merge(s, {ops::Placeholder(s, DT_FLOAT, {2, 3}),
                                ops::Placeholder(s, DT_FLOAT, {2, 4})});
  ASSERT_OK(s.status());
  EXPECT_EQ(m[0].shape(), PartialShape({2, -1}));
  EXPECT_EQ(m[1].shape(), PartialShape::UnknownOfRank(0));
  EXPECT_EQ(m[1].dtype(), DT_INT32);
}

TEST(SwitchMergeTest, MergeTakesTheLiveSide) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT);
  Output p = ops::Placeholder(s, DT_BOOL);
  OutputList sw = ops::Switch(s, x, p);
  OutputList m =
      ops::Merge(s, {ops::Mul(s, sw[0], 10.0f), ops::Add(s, sw[1], 1.0f)});
  for (bool pred : {false, true}) {
    std::vector<Tensor> out = testing::EvalAll(
        s, {m[0], m[1]}, {{x, F({2, 3}, {2})}, {p, Bool(pred)}});
    const std::vector<double> expected =
        pred ? std::vector<double>{3, 4} : std::vector<double>{20, 30};
    EXPECT_EQ(Values(out[0]), expected);
    EXPECT_EQ(Values(out[1])[0], pred ? 1 : 0);
  }
  // The untaken side has no value.
  absl::Status dead = EvalStatus(s, sw[0], {{x, F({1}, {1})}, {p, Bool(true)}});
  EXPECT_EQ(dead.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(dead.message(), "is dead")) << dead;
}

TEST(ControlTriggerTest, IsNeverDeadButPassesNoDeadness) {
  Scope s = NewRootScope();
  Output p = ops::Placeholder(s, DT_BOOL);
  OutputList sw = ops::Switch(s, 1.0f, p);
  Output dead = ops::Identity(s, sw[0]);  // Dead when p is true.
  Output trigger = ops::ControlTrigger(s.WithControlDependencies({dead}));
  Output after_trigger =
      ops::Identity(s.WithControlDependencies({trigger}), 3.0f);
  Output after_dead = ops::Identity(s.WithControlDependencies({dead}), 4.0f);
  EXPECT_EQ(Values(testing::Eval(s, after_trigger, {{p, Bool(true)}}))[0], 3);
  EXPECT_EQ(EvalStatus(s, after_dead, {{p, Bool(true)}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Values(testing::Eval(s, after_dead, {{p, Bool(false)}}))[0], 4);
}

TEST(CondTest, ValuesAndTfNames) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  OutputList r = ops::Cond(
      s, ops::Less(s, ops::Sum(s, x, 0), 5.0f),
      [&](const Scope& b) { return OutputList{ops::Mul(b, x, 2.0f)}; },
      [&](const Scope& b) { return OutputList{ops::Add(b, x, 10.0f)}; });
  ASSERT_OK(s.status());
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].name(), "cond/Merge");
  for (const char* name :
       {"cond/Switch", "cond/switch_t", "cond/switch_f", "cond/pred_id",
        "cond/Mul", "cond/Mul/Switch", "cond/Add/Switch"}) {
    EXPECT_NE(s.graph()->FindNode(name), nullptr) << name;
  }
  // The branch constant runs under the branch's pivot.
  const Node* y = s.graph()->FindNode("cond/Mul/y");
  ASSERT_NE(y, nullptr);
  ASSERT_EQ(y->control_inputs().size(), 1u);
  EXPECT_EQ(y->control_inputs()[0]->name(), "cond/switch_t");
  EXPECT_EQ(Values(testing::Eval(s, r[0], {{x, F({1, 2}, {2})}})),
            (std::vector<double>{2, 4}));
  EXPECT_EQ(Values(testing::Eval(s, r[0], {{x, F({3, 4}, {2})}})),
            (std::vector<double>{13, 14}));
}

// The untaken branch does not run: here it would fail (a bad reshape) and
// bump a counter.
TEST(CondTest, UntakenBranchDoesNotRun) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT);
  Output p = ops::Placeholder(s, DT_BOOL);
  Output v = ops::Variable(s.WithOpName("count"), {}, DT_FLOAT);
  Output init = ops::Assign(s, v, 0.0f);
  OutputList r = ops::Cond(
      s, p, [&](const Scope& b) { return OutputList{ops::Neg(b, x)}; },
      [&](const Scope& b) {
        Output bump = ops::AssignAdd(b, v, 1.0f);
        return OutputList{ops::Reshape(b.WithControlDependencies({bump}), x,
                                       Tensor::Vector<int32_t>({7}))};
      });
  ASSERT_OK(s.status());
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({init}).status());
  for (int i = 0; i < 3; ++i) {
    auto out = (*session)->Run({{x, F({1, 2}, {2})}, {p, Bool(true)}}, {r[0]});
    ASSERT_OK(out.status());
    EXPECT_EQ(Values((*out)[0]), (std::vector<double>{-1, -2}));
  }
  auto count = (*session)->Run({v});
  ASSERT_OK(count.status());
  EXPECT_EQ(Values((*count)[0])[0], 0);
  auto bad = (*session)->Run({{x, F({1, 2}, {2})}, {p, Bool(false)}}, {r[0]});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Values((*(*session)->Run({v}))[0])[0], 1);
}

TEST(CondTest, GradientIsCheckedNumerically) {
  for (float offset : {-10.0f, 10.0f}) {  // Each branch taken once.
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s, DT_FLOAT, {3});
    Output pred = ops::Less(s, ops::Sum(s, x, 0), offset);
    OutputList r = ops::Cond(
        s, pred, [&](const Scope& b) { return OutputList{ops::Square(b, x)}; },
        [&](const Scope& b) { return OutputList{ops::Mul(b, x, 3.0f)}; });
    ASSERT_OK(s.status());
    EXPECT_GRADIENT_OK(s, {x}, {F({0.5f, -1.5f, 2.0f}, {3})}, r[0], 1e-3);
  }
}

TEST(CondTest, GradientUsesTfsSwitchAndMerge) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {2});
  Output p = ops::Placeholder(s, DT_BOOL, {});
  OutputList r = ops::Cond(
      s, p, [&](const Scope& b) { return OutputList{ops::Square(b, x)}; },
      [&](const Scope& b) { return OutputList{ops::Mul(b, x, 3.0f)}; });
  std::vector<Output> dx;
  ASSERT_OK(AddSymbolicGradients(s, {r[0]}, {x}, &dx));
  const Node* sw = s.graph()->FindNode("gradients/cond/Merge_grad/cond_grad");
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw->op(), "Switch");
  EXPECT_EQ(sw->input(1).node->name(), "cond/pred_id");
  const Node* merge =
      s.graph()->FindNode("gradients/cond/Square/Switch_grad/cond_grad");
  ASSERT_NE(merge, nullptr);
  EXPECT_EQ(merge->op(), "Merge");
  // d(x^2)/dx = 2x when p, d(3x)/dx = 3 otherwise.
  EXPECT_EQ(
      Values(testing::Eval(s, dx[0], {{x, F({1, 2}, {2})}, {p, Bool(true)}})),
      (std::vector<double>{2, 4}));
  EXPECT_EQ(
      Values(testing::Eval(s, dx[0], {{x, F({1, 2}, {2})}, {p, Bool(false)}})),
      (std::vector<double>{3, 3}));
}

}  // namespace
}  // namespace graphflow
