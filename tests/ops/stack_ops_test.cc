// Stacks: push/pop order within one run (control dependencies order the
// ops), a new stack per run, max_size, closing, empty pops, and the
// pre-1.4 Ref(string)-handle forms.
#include "ops/stack_ops.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;

std::unique_ptr<Session> Start(const Scope& s) {
  auto created = Session::Create(s);
  EXPECT_TRUE(created.ok()) << created.status();
  return created.ok() ? *std::move(created) : nullptr;
}

// push a, push b, pop, pop: b then a.
TEST(StackV2Test, PopsInReverseOrderAndEachRunHasANewStack) {
  Scope s = NewRootScope();
  Output h = ops::StackV2(s.WithOpName("st"), -1, DT_FLOAT, "my_stack");
  Output p1 = ops::StackPushV2(s, h, F({1, 2}, {2}));
  Output p2 = ops::StackPushV2(s.WithControlDependencies({p1}), h, 3.0f);
  Output pop1 = ops::StackPopV2(s.WithControlDependencies({p2}), h, DT_FLOAT);
  Output pop2 = ops::StackPopV2(s.WithControlDependencies({pop1}), h, DT_FLOAT);
  EXPECT_EQ(h.dtype(), DT_RESOURCE);
  EXPECT_EQ(p1.shape().DebugString(), PartialShape({2}).DebugString());
  auto session = Start(s);
  for (int run = 0; run < 2; ++run) {
    auto out = session->Run({pop1, pop2, p1, h});
    ASSERT_OK(out.status());
    EXPECT_TENSOR_NEAR((*out)[0], Tensor::Scalar(3.0f));
    EXPECT_TENSOR_NEAR((*out)[1], F({1, 2}, {2}));
    EXPECT_TENSOR_NEAR((*out)[2], F({1, 2}, {2}));  // Push forwards elem.
    EXPECT_EQ((*out)[3].data<std::string>()[0], absl::StrCat("my_stack_", run));
  }
}

TEST(StackV2Test, PopOnEmptyIsInvalidArgument) {
  Scope s = NewRootScope();
  Output h = ops::StackV2(s, -1, DT_FLOAT);
  absl::Status status = testing::EvalStatus(s, ops::StackPopV2(s, h, DT_FLOAT));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("is empty."));
}

TEST(StackV2Test, MaxSizeElemTypeAndClose) {
  Scope s = NewRootScope();
  Output h = ops::StackV2(s, 1, DT_FLOAT, "small");
  Output p1 = ops::StackPushV2(s, h, 1.0f);
  Output p2 = ops::StackPushV2(s.WithControlDependencies({p1}), h, 2.0f);
  Output bad_type = ops::StackPushV2(s, h, 7);
  Output close = ops::StackCloseV2(s.WithControlDependencies({p1}), h);
  Output after =
      ops::StackPopV2(s.WithControlDependencies({close}), h, DT_FLOAT);
  auto session = Start(s);
  absl::Status status = session->Run({p2}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("Stack[small_0] overflowed its max_size (1)"));
  status = session->Run({bad_type}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("Must have type float but got int32"));
  status = session->Run({after}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("has already been closed."));
}

TEST(StackV2Test, MaxSizeMustBeAScalar) {
  Scope s = NewRootScope();
  ops::StackV2(s.WithOpName("st"), Input({1, 2}), DT_FLOAT);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("st"));
}

TEST(StackTest, DeprecatedRefHandleFormsPushPopAndClose) {
  Scope s = NewRootScope();
  Output h = ops::Stack(s.WithOpName("old"), DT_FLOAT, "legacy");
  EXPECT_EQ(h.dtype(), MakeRefType(DT_STRING));
  Output p1 = ops::StackPush(s, h, 4.0f);
  Output p2 = ops::StackPush(s.WithControlDependencies({p1}), h, 5.0f);
  Output pop1 = ops::StackPop(s.WithControlDependencies({p2}), h, DT_FLOAT);
  Output pop2 = ops::StackPop(s.WithControlDependencies({pop1}), h, DT_FLOAT);
  Output close = ops::StackClose(s.WithControlDependencies({pop2}), h);
  Output lone = ops::StackPop(s, h, DT_FLOAT);
  auto session = Start(s);
  auto out = session->Run(FeedDict{}, {pop1, pop2, h}, {close});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], Tensor::Scalar(5.0f));
  EXPECT_TENSOR_NEAR((*out)[1], Tensor::Scalar(4.0f));
  ASSERT_EQ((*out)[2].num_elements(), 2);
  EXPECT_EQ((*out)[2].data<std::string>()[0], "_stacks");
  EXPECT_EQ((*out)[2].data<std::string>()[1], "legacy_0");
  absl::Status status = session->Run({lone}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("Stack[legacy_1] is empty."));
}

}  // namespace
}  // namespace graphflow
