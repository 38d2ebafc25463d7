// Resource limits as policy (issue 8): SessionOptions.limits.max_tensor_bytes
// bounds every tensor a kernel allocates, so a session can be made stricter
// than the default; exceeding it is ResourceExhausted naming the node.
#include "base/limits.h"

#include <memory>

#include "gmock/gmock.h"
#include "graph/status.h"
#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/state_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;
using testing::I32;

// Fill(dims, 1.0f) fetched from a session with `options`.
absl::StatusOr<std::vector<Tensor>> RunFill(int32_t rows, int32_t cols,
                                            SessionOptions options) {
  Scope s = NewRootScope();
  Output dims = ops::Placeholder(s, DT_INT32, {2});
  Output y = ops::Fill(s.WithOpName("fill"), dims, 1.0f);
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session,
                   Session::Create(s, options));
  return session->Run({{dims, I32({rows, cols}, {2})}}, {y});
}

TEST(LimitsTest, DefaultsAreTheDocumentedPolicy) {
  ResourceLimits limits;
  EXPECT_EQ(limits.max_tensor_bytes, int64_t{4} << 30);
  EXPECT_EQ(limits.max_graph_time_bytes, int64_t{1} << 30);
  EXPECT_EQ(limits.max_file_bytes, int64_t{4} << 30);
  EXPECT_EQ(SessionOptions{}.limits.max_tensor_bytes, limits.max_tensor_bytes);
}

TEST(LimitsTest, SmallTensorLimitFailsAnOtherwiseFineRun) {
  // 2048 x 2048 floats = 16 MiB: fine by default, too large at 1 MiB.
  ASSERT_TRUE(RunFill(2048, 2048, {}).ok());
  SessionOptions options;
  options.limits.max_tensor_bytes = 1 << 20;
  absl::Status st = RunFill(2048, 2048, options).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted) << st;
  EXPECT_THAT(st.message(), HasSubstr("node 'fill' (Fill)"));
  EXPECT_THAT(st.message(), HasSubstr("[2048,2048]"));
  EXPECT_THAT(st.message(), HasSubstr("maximum tensor size of 1048576 bytes"));
}

TEST(LimitsTest, TensorAtTheLimitIsAllowed) {
  SessionOptions options;
  options.limits.max_tensor_bytes = 16 << 20;
  EXPECT_TRUE(RunFill(2048, 2048, options).ok());
  EXPECT_EQ(RunFill(2048, 2049, options).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(LimitsTest, NonPositiveTensorLimitIsRejected) {
  SessionOptions options;
  options.limits.max_tensor_bytes = 0;
  absl::Status st = RunFill(1, 1, options).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_THAT(st.message(), HasSubstr("max_tensor_bytes must be positive"));
}

}  // namespace
}  // namespace graphflow
