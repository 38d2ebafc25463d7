// The state family: Const, Placeholder, PlaceholderWithDefault, Identity,
// NoOp, VariableV2, Assign, AssignAdd, AssignSub and IsVariableInitialized
// (shapes, values, gradients). Variables as TF builds them are in
// variables_test.cc.
#include "ops/state_ops.h"

#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;

TEST(StateOpsTest, ConstAndPlaceholderShapes) {
  Scope s = NewRootScope();
  Output c = ops::Const(s, {1, 2, 3, 4, 5, 6}, {2, 3});
  Output p = ops::Placeholder(s, DT_FLOAT, {-1, 3});
  ASSERT_OK(s.status());
  EXPECT_EQ(c.shape(), PartialShape({2, 3}));
  EXPECT_EQ(p.shape(), PartialShape({-1, 3}));
  EXPECT_TENSOR_NEAR(Eval(s, c), F({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Identity(s, p), {{p, F({7, 8, 9}, {1, 3})}}),
                     F({7, 8, 9}, {1, 3}));
}

TEST(StateOpsTest, PlaceholderWithDefaultTakesTheFeedOrTheDefault) {
  Scope s = NewRootScope();
  Output d = ops::PlaceholderWithDefault(s, ops::Const(s, {1, 2}, {2}),
                                         PartialShape({-1}));
  ASSERT_OK(s.status());
  EXPECT_EQ(d.shape(), PartialShape({-1}));
  EXPECT_TENSOR_NEAR(Eval(s, d), F({1, 2}, {2}));
  EXPECT_TENSOR_NEAR(Eval(s, d, {{d, F({3, 4, 5}, {3})}}), F({3, 4, 5}, {3}));
}

TEST(StateOpsTest, UnfedPlaceholderIsAnError) {
  Scope s = NewRootScope();
  Output p = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {2});
  EXPECT_FALSE(EvalStatus(s, p).ok());
}

TEST(StateOpsTest, IdentityAndPlaceholderWithDefaultPassTheGradient) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, {2});
  Output y = ops::Identity(s, ops::PlaceholderWithDefault(s, x, {2}));
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &grads));
  EXPECT_TENSOR_NEAR(Eval(s, grads[0], {{x, F({5, 6}, {2})}}), F({1, 1}, {2}));
}

TEST(StateOpsTest, VariableAssignAddSub) {
  Scope s = NewRootScope();
  Output v = ops::Variable(s.WithOpName("v"), {2}, DT_FLOAT);
  Output init = ops::Assign(s, v, ops::Const(s, {1, 2}, {2}));
  Output add = ops::AssignAdd(s, v, ops::Const(s, {10, 10}, {2}));
  Output sub = ops::AssignSub(s, v, ops::Const(s, {1, 1}, {2}));
  Output read = ops::Identity(s, v);
  Output done = ops::NoOp(s.WithOpName("done"));
  ASSERT_OK(s.status());
  EXPECT_EQ(done.node->num_outputs(), 0);
  EXPECT_EQ(v.dtype(), MakeRefType(DT_FLOAT));
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  auto run = [&](const Output& fetch) {
    auto out = (*session)->Run({fetch});
    EXPECT_OK(out.status());
    return out.ok() ? (*out)[0] : Tensor();
  };
  EXPECT_FALSE((*session)->Run({read}).ok());  // Uninitialized.
  EXPECT_TENSOR_NEAR(run(init), F({1, 2}, {2}));
  EXPECT_TENSOR_NEAR(run(add), F({11, 12}, {2}));
  EXPECT_TENSOR_NEAR(run(sub), F({10, 11}, {2}));
}

TEST(StateOpsTest, IsVariableInitializedBeforeAndAfterAssign) {
  Scope s = NewRootScope();
  Output v = ops::Variable(s.WithOpName("v"), {2}, DT_INT32);
  Output init = ops::Assign(s, v, s.Const(testing::I32({1, 2}, {2})));
  Output is_init = ops::IsVariableInitialized(s.WithOpName("is_init"), v);
  ASSERT_OK(s.status());
  EXPECT_EQ(is_init.dtype(), DT_BOOL);
  EXPECT_EQ(is_init.shape(), PartialShape(TensorShape{}));
  EXPECT_EQ(*is_init.node->FindAttr<DataType>("dtype"), DT_INT32);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  auto before = (*session)->Run({is_init});
  ASSERT_OK(before.status());
  EXPECT_EQ((*before)[0].shape(), TensorShape{});
  EXPECT_FALSE(*(*before)[0].data<bool>());
  ASSERT_OK((*session)->Run({init}).status());
  auto after = (*session)->Run({is_init});
  ASSERT_OK(after.status());
  EXPECT_TRUE(*(*after)[0].data<bool>());
}

TEST(StateOpsTest, IsVariableInitializedNeedsAReference) {
  Scope s = NewRootScope();
  ops::IsVariableInitialized(s.WithOpName("check"), ops::Const(s, 1.0f));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("check"), std::string::npos)
      << s.status();
  EXPECT_NE(s.status().message().find("variable reference"), std::string::npos)
      << s.status();
}

}  // namespace
}  // namespace graphflow
