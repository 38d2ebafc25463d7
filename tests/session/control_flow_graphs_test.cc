// TF-written control-flow graphs from ../shared/tfgraphs/more run on the
// control-flow executor (skipped when ../shared is absent).
#include <cmath>

#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "session/checkpoint.h"
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

// The TF 1.4 dynamic_rnn(BasicLSTMCell) graph: a while loop with
// TensorArrays forward, Stack ops and TensorArrayGrad in its gradient. From
// its checkpoint, the gradient each ApplyAdam receives matches central
// differences of the loss, and Adam steps lower the loss.
TEST(ControlFlowGraphsTest, LstmWhileLoopGradientsMatchFiniteDifferences) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/cf_lstm_arima_tf14");
  std::unique_ptr<Session> session =
      testing::LoadSession(dir + "/sunld.model.meta");
  ASSERT_NE(session, nullptr);
  ASSERT_OK(RestoreVariables(*session, dir + "/sunld.model"));
  // Its LSTM zero state is built for batch 60; y is the next step of x.
  Tensor x(DT_FLOAT, TensorShape{60, 20, 1}), y(DT_FLOAT, {60, 20, 1});
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.data<float>()[i] = 0.5f + 0.4f * std::sin(0.3f * i);
    y.data<float>()[i] = 0.5f + 0.4f * std::sin(0.3f * (i + 1));
  }
  const NamedTensors feeds = {{"Placeholder", x}, {"Placeholder_1", y}};
  auto loss = [&]() {
    auto out = session->Run(feeds, std::vector<std::string>{"Mean"});
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? Values((*out)[0])[0] : NAN;
  };
  int checked = 0;
  double largest = 0;
  for (const auto& node : session->graph().nodes()) {
    if (node->op() != "ApplyAdam") continue;
    const std::string var = node->input(0).node->name();
    auto grad = session->Run(feeds, {EndpointName(node->input(9))});
    ASSERT_OK(grad.status());
    StoredVariable* v = session->variables().Find(var);
    ASSERT_NE(v, nullptr) << var;
    const Tensor saved = *v->Read();
    for (int64_t i : {int64_t{0}, saved.num_elements() - 1}) {
      double f[2];
      for (int side = 0; side < 2; ++side) {
        Tensor w = saved.Clone();
        w.data<float>()[i] += side == 0 ? 1e-2f : -1e-2f;
        v->Assign(w);
        f[side] = loss();
      }
      v->Assign(saved);
      const double numeric = (f[0] - f[1]) / 2e-2;
      const double analytic = (*grad)[0].data<float>()[i];
      EXPECT_NEAR(analytic, numeric, 2e-3 + 0.05 * std::abs(numeric))
          << var << "[" << i << "]";
      largest = std::max(largest, std::abs(numeric));
      ++checked;
    }
  }
  EXPECT_GE(checked, 8);     // Two dense layers and the LSTM kernel and bias.
  EXPECT_GT(largest, 1e-2);  // Not a comparison of zeros.
  const double before = loss();
  for (int step = 0; step < 5; ++step) {
    ASSERT_OK(session->Run(feeds, {}, {"Adam"}).status());
  }
  EXPECT_LT(loss(), before);
}

}  // namespace
}  // namespace graphflow
