#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;

TEST(SessionBasicTest, VariablesPersistAcrossRuns) {
  Scope s = NewRootScope();
  Output v = ops::Variable(s.WithOpName("v"), {2}, DT_FLOAT);
  Output init = ops::Assign(s.WithOpName("init"), v, F({1, 2}, {2}));
  Output add = ops::AssignAdd(s, v, F({10, 20}, {2}));
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  auto uninit = (*session)->Run({v});
  EXPECT_EQ(uninit.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(uninit.status().message().find("v"), std::string::npos);
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  ASSERT_OK((*session)->Run({}, {}, {add}).status());
  auto out = (*session)->Run({add});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], F({21, 42}, {2}));
}

}  // namespace
}  // namespace graphflow
