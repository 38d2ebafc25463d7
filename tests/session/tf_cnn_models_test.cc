// Real TF 1.13 text CNNs from ../shared/tfgraphs/more/bn_scisharp_tf113
// (skipped when ../shared is absent) train on generated data: random ids in
// the vocabulary, random labels of 14 classes, a fixed batch whose loss
// Adam must lower.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"
#include "tools/graph_tools.h"

namespace graphflow {
namespace {

// x: [batch, length] ids below `vocab`; y: [batch] labels below 14.
NamedTensors RandomBatch(int64_t batch, int64_t length, int32_t vocab,
                         uint32_t seed) {
  std::mt19937 rng(seed);
  Tensor x(DT_INT32, {batch, length}), y(DT_INT32, {batch});
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.data<int32_t>()[i] = static_cast<int32_t>(rng() % vocab);
  }
  for (int64_t i = 0; i < batch; ++i) {
    y.data<int32_t>()[i] = static_cast<int32_t>(rng() % 14);
  }
  return {{"x", x}, {"y", y}, {"is_training", Tensor::Scalar(true)}};
}

// The losses before and after `steps` runs of `train`, evaluated with
// is_training = `eval_training`.
std::pair<double, double> Train(Session& session, const NamedTensors& feeds,
                                const std::string& loss,
                                const std::vector<std::string>& train,
                                int steps, bool eval_training) {
  NamedTensors eval = feeds;
  eval.back().second = Tensor::Scalar(eval_training);
  auto value = [&]() {
    auto out = session.Run(eval, std::vector<std::string>{loss});
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? double{(*out)[0].data<float>()[0]} : NAN;
  };
  const double before = value();
  for (int step = 0; step < steps; ++step) {
    absl::Status s = session.Run(feeds, {}, train).status();
    EXPECT_TRUE(s.ok()) << s;
    if (!s.ok()) break;
  }
  return {before, value()};
}

// The control inputs of the optimizer's `update` NoOp but the embedding's
// sparse update and the beta-power Assigns that wait for it (until the
// sparse ops exist).
std::vector<std::string> DenseUpdates(const Session& session,
                                      const std::string& optimizer) {
  std::vector<std::string> updates;
  const Node* update = session.graph().FindNode(optimizer + "/update");
  EXPECT_NE(update, nullptr);
  if (update == nullptr) return updates;
  for (const Node* in : update->control_inputs()) {
    if (!absl::StrContains(in->name(), "update_embeddings") &&
        !absl::StartsWith(in->name(), optimizer + "/Assign")) {
      updates.push_back(in->name());
    }
  }
  return updates;
}

// tf.layers: embedding [50000,128], three conv widths, max pool, dropout on
// is_training, dense to 14 classes. No `init` op: each variable's Assign.
TEST(TfCnnModelsTest, WordCnnTrains) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/bn_scisharp_tf113");
  std::unique_ptr<Session> session =
      testing::LoadSession(dir + "/word_cnn.meta");
  ASSERT_NE(session, nullptr);
  auto assigns = cli::VariableInitializers(session->graph());
  ASSERT_OK(assigns.status());
  ASSERT_OK(session->Run({}, {}, *assigns).status());
  const NamedTensors feeds = RandomBatch(8, 100, 50000, 1);
  // Evaluated without dropout.
  auto [before, after] = Train(*session, feeds, "loss/Mean",
                               DenseUpdates(*session, "loss/Adam"), 8, false);
  EXPECT_TRUE(std::isfinite(before) && before > 1) << before;
  EXPECT_LT(after, 0.8 * before) << before;
}

// VDCNN: char embedding [70,16], conv blocks with batch norm under
// tf.cond(is_training), k-max pooling (TopKV2), three dense layers.
TEST(TfCnnModelsTest, DISABLED_VdCnnTrains) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/bn_scisharp_tf113");
  std::unique_ptr<Session> session = testing::LoadSession(dir + "/vd_cnn.meta");
  ASSERT_NE(session, nullptr);
  ASSERT_OK(session->Run({}, {}, {"init"}).status());
  const NamedTensors feeds = RandomBatch(4, 1014, 70, 2);
  // Evaluated on batch statistics: 5 steps barely move the moving ones.
  auto [before, after] =
      Train(*session, feeds, "loss/value",
            DenseUpdates(*session, "loss/optimizer"), 5, true);
  EXPECT_TRUE(std::isfinite(before) && before > 1) << before;
  EXPECT_LT(after, 0.8 * before) << before;
}

}  // namespace
}  // namespace graphflow
