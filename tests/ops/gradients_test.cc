// AddSymbolicGradients semantics and the gradient checker itself.
#include "ops/gradients.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;

TEST(GradientsTest, SumsContributionsOfSeveralYs) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output a = ops::Identity(s, x), b = ops::Identity(s, x);
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {a, b}, {x}, &grads));
  ASSERT_TRUE(grads[0].valid());
  EXPECT_EQ(grads[0].op(), "AddN");
  EXPECT_TENSOR_NEAR(testing::Eval(s, grads[0], {{x, F({1, 2}, {2})}}),
                     F({2, 2}, {2}));
}

TEST(GradientsTest, UnreachableXHasNoGradient) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output z = ops::Placeholder(s.WithOpName("z"), DT_FLOAT);
  Output y = ops::Identity(s, x);
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x, z}, &grads));
  EXPECT_TRUE(grads[0].valid());
  EXPECT_FALSE(grads[1].valid());  // z does not reach y.
}

TEST(GradientsTest, GradYsSeedTheBackwardPass) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Identity(s, x);
  Output seed = ops::Const(s, {3, 4}, {2});
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, {seed}, &grads));
  EXPECT_TENSOR_NEAR(testing::Eval(s, grads[0], {{x, F({1, 2}, {2})}}),
                     F({3, 4}, {2}));
  EXPECT_FALSE(AddSymbolicGradients(s, {y}, {x}, {seed, seed}, &grads).ok());
}

TEST(GradientsTest, OpWithoutGradientFunctionIsAClearError) {
  OpRegistry registry;
  ASSERT_OK(registry.Register(
      OpDefBuilder("Placeholder").Output("output: dtype").Attr("dtype: type")));
  ASSERT_OK(registry.Register(
      OpDefBuilder("Mystery").Input("x: float").Output("y: float")));
  Scope s = Scope::NewRootScope(&registry);
  Output x = s.AddOp1("Placeholder", {}, {{"dtype", DT_FLOAT}});
  Output y = s.WithOpName("m").AddOp1("Mystery", {x});
  std::vector<Output> grads;
  absl::Status status = AddSymbolicGradients(s, {y}, {x}, {x}, &grads);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(),
              HasSubstr("no gradient defined for op 'Mystery'"));
  EXPECT_THAT(status.message(), HasSubstr("'m'"));
}

TEST(GradientCheckerTest, IdentityIsExactAndABrokenGradientIsCaught) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Identity(s, x);
  Tensor value = testing::RandomTensor(DT_FLOAT, {3, 4}, 7);
  auto err = testing::MaxGradientError(s, {x}, {value}, y);
  ASSERT_OK(err.status());
  EXPECT_LT(*err, 1e-3);

  // A deliberately wrong gradient (twice the right one) must fail the check.
  OpRegistry registry;
  ASSERT_OK(registry.Register(OpDefBuilder("Placeholder")
                                  .Output("output: dtype")
                                  .Attr("dtype: type")
                                  .SetShapeFn(UnknownShape)));
  ASSERT_OK(registry.Register(OpDefBuilder("AddN")
                                  .Input("inputs: N * T")
                                  .Output("sum: T")
                                  .Attr("N: int >= 1")
                                  .Attr("T: type")
                                  .SetShapeFn(UnchangedShape)));
  ASSERT_OK(registry.Register(
      OpDefBuilder("Identity")
          .Input("input: T")
          .Output("output: T")
          .Attr("T: type")
          .SetShapeFn(UnchangedShape)
          .SetGradient([](const Scope& gs, const Node&, const OutputList& dy,
                          OutputList* dx) {
            dx->push_back(gs.AddOp1("AddN", {dy[0], dy[0]}));
            return absl::OkStatus();
          })));
  Scope bad = Scope::NewRootScope(&registry);
  Output bx = bad.AddOp1("Placeholder", {}, {{"dtype", DT_FLOAT}});
  Output by = bad.AddOp1("Identity", {bx});
  auto bad_err = testing::MaxGradientError(bad, {bx}, {value}, by);
  ASSERT_OK(bad_err.status());
  EXPECT_GT(*bad_err, 0.1);
}

}  // namespace
}  // namespace graphflow
