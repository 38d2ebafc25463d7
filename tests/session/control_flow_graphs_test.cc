// TF-written control-flow graphs from ../shared/tfgraphs/more run on the
// control-flow executor (skipped when ../shared is absent).
#include <cmath>

#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Values;

// TF.NET's graph: x = 2, y = 5, tf.cond(x < y, x * 17, y + 23) = 34.
TEST(ControlFlowGraphsTest, CondTestMetaGivesItsValue) {
  GF_SKIP_WITHOUT_SHARED(path,
                         "tfgraphs/more/cf_scisharp_tf113/cond_test.meta");
  std::unique_ptr<Session> session = testing::LoadSession(path);
  ASSERT_NE(session, nullptr);
  auto out = session->Run(
      NamedTensors{}, std::vector<std::string>{"cond/Merge", "cond/Merge:1"});
  ASSERT_OK(out.status());
  EXPECT_EQ((*out)[0].dtype(), DT_INT32);
  EXPECT_EQ(Values((*out)[0])[0], 34);
  EXPECT_EQ(Values((*out)[1])[0], 1);  // The true branch's input.
  // The untaken branch's Add has no value.
  auto dead =
      session->Run(NamedTensors{}, std::vector<std::string>{"cond/Add"});
  EXPECT_EQ(dead.status().code(), absl::StatusCode::kInvalidArgument);
}

// Batch norm and dropout behind `training` conds: inference (moving
// statistics, no dropout) is deterministic; training takes the other branches.
TEST(ControlFlowGraphsTest, BnFrozenCondDropoutRunsInBothModes) {
  GF_SKIP_WITHOUT_SHARED(
      path, "tfgraphs/more/bn_frozen_cond_dropout/frozen_model.pb");
  std::unique_ptr<Session> session = testing::LoadSession(path);
  ASSERT_NE(session, nullptr);
  Tensor x(DT_FLOAT, TensorShape{1, 100, 100, 3});
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.data<float>()[i] = static_cast<float>((i * 37) % 101) / 101.0f - 0.5f;
  }
  std::vector<std::vector<double>> runs;
  for (bool training : {false, false, true}) {
    auto out =
        session->Run(NamedTensors{{"Placeholder", x},
                                  {"training", Tensor::Scalar(training)}},
                     std::vector<std::string>{"final"});
    ASSERT_OK(out.status());
    runs.push_back(Values((*out)[0]));
    for (double v : runs.back()) ASSERT_TRUE(std::isfinite(v));
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_NE(runs[0], runs[2]);
}

}  // namespace
}  // namespace graphflow
