// Session::Run on a graph with opaque nodes (ops graphflow has no schema
// for): a run fails only when its pruned subgraph needs one.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"
#include "tests/support/unknown_op_graph.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;

std::unique_ptr<Session> Open() {
  auto session =
      Session::Create(testing::UnknownOpGraphDef(), GlobalOpRegistry());
  EXPECT_OK(session.status());
  return session.ok() ? *std::move(session) : nullptr;
}

TEST(SessionOpaqueTest, RunsThatDoNotNeedThemWork) {
  std::unique_ptr<Session> session = Open();
  ASSERT_NE(session, nullptr);
  auto out = session->Run({}, {"twice"}, {});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], Tensor::Scalar(9.0f));
}

TEST(SessionOpaqueTest, RunsThatNeedThemAreUnimplemented) {
  std::unique_ptr<Session> session = Open();
  ASSERT_NE(session, nullptr);
  auto sum = session->Run({}, {"sum"}, {});
  EXPECT_EQ(sum.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(sum.status().message(),
              HasSubstr("node 'deq' uses op 'QueueDequeueV2', which graphflow "
                        "does not implement (needed by fetch 'sum')"));
  auto target = session->Run({}, {"twice"}, {"after"});
  EXPECT_EQ(target.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(target.status().message(),
              HasSubstr("node 'q' uses op 'FIFOQueueV2', which graphflow does "
                        "not implement (needed by target 'after')"));
  auto direct = session->Run({}, {"fro"}, {});
  EXPECT_EQ(direct.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(direct.status().message(), HasSubstr("'Frobnicate'"));
  auto beyond = session->Run({}, {"fro:7"}, {});
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kUnimplemented);
}

TEST(SessionOpaqueTest, FeedingTheirOutputsCutsThemOff) {
  std::unique_ptr<Session> session = Open();
  ASSERT_NE(session, nullptr);
  auto sum = session->Run({{"deq", F({1, 2}, {2})}}, {"sum"}, {});
  ASSERT_OK(sum.status());
  EXPECT_TENSOR_NEAR((*sum)[0], F({4, 5}, {2}));
  // fro:1's dtype is unknown; its consumer (Identity, T float) declares it.
  auto id = session->Run({{"fro:1", Tensor::Scalar(2.5f)}}, {"id"}, {});
  ASSERT_OK(id.status());
  EXPECT_TENSOR_NEAR((*id)[0], Tensor::Scalar(2.5f));
  auto wrong =
      session->Run({{"fro:1", Tensor::Scalar(int32_t{2})}}, {"id"}, {});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.status().message(),
              HasSubstr("feed 'fro:1' for node 'fro' (Frobnicate): expected "
                        "dtype float, got int32"));
  // _output_shapes says fro:1 is a scalar.
  auto shaped = session->Run({{"fro:1", F({1, 2}, {2})}}, {"id"}, {});
  EXPECT_EQ(shaped.status().code(), absl::StatusCode::kInvalidArgument);
  // Feeding one output of fro does not feed the other.
  auto other = session->Run({{"fro:1", Tensor::Scalar(2.5f)}}, {"fro"}, {});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace graphflow
