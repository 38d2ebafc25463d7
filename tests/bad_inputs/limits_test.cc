// Resource limits as policy (issue 8): SessionOptions.limits.max_tensor_bytes
// bounds every tensor a kernel allocates, so a session can be made stricter
// than the default; exceeding it is ResourceExhausted naming the node.
#include "base/limits.h"

#include <memory>

#include "gmock/gmock.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
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

// A Const node "name" declaring a float tensor of `elements` elements whose
// one float_val TF broadcasts: a few bytes of proto, any size declared.
void AddBroadcastConst(tensorflow::GraphDef* gd, const std::string& name,
                       int64_t elements) {
  tensorflow::NodeDef* node = gd->add_node();
  node->set_name(name);
  node->set_op("Const");
  (*node->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  tensorflow::TensorProto* value =
      (*node->mutable_attr())["value"].mutable_tensor();
  value->set_dtype(tensorflow::DT_FLOAT);
  value->mutable_tensor_shape()->add_dim()->set_size(elements);
  value->add_float_val(1.0f);
}

TEST(LimitsTest, GraphTimeBytesAreATotalPerGraph) {
  tensorflow::GraphDef gd;
  AddBroadcastConst(&gd, "a", int64_t{150} << 20);  // 600 MiB each:
  AddBroadcastConst(&gd, "b", int64_t{150} << 20);  // 1.2 GiB in all.
  absl::Status st = GraphFromGraphDef(gd, GlobalOpRegistry()).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted) << st;
  EXPECT_THAT(st.message(), HasSubstr("node 'b' (Const): attr 'value'"));
  EXPECT_THAT(st.message(), HasSubstr("limit of 1073741824 bytes"));
}

TEST(LimitsTest, SessionGraphTimeLimitIsEnforcedAtImport) {
  tensorflow::GraphDef gd;
  AddBroadcastConst(&gd, "small", 1000);  // 4000 bytes.
  SessionOptions options;
  ASSERT_TRUE(Session::Create(gd, GlobalOpRegistry(), options).ok());
  options.limits.max_graph_time_bytes = 1024;
  absl::Status st = Session::Create(gd, GlobalOpRegistry(), options).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted) << st;
  EXPECT_THAT(st.message(), HasSubstr("node 'small' (Const)"));
  EXPECT_THAT(st.message(), HasSubstr("4000 bytes"));
}

TEST(LimitsTest, HugeIntShapeIsNotMaterializedAtGraphTime) {
  // Shape inference evaluates int vectors it can see; a placeholder claiming
  // 2e9 elements is left unknown instead of filling a 16 GB vector.
  Scope s = NewRootScope();
  Output shape = ops::Placeholder(s, DT_INT32, {2000000000});
  Output x = ops::Placeholder(s, DT_FLOAT);
  ops::Reshape(s.WithOpName("reshape"), x, shape);
  EXPECT_TRUE(s.ok()) << s.status();
}

}  // namespace
}  // namespace graphflow
