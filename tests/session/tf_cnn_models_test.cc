// Real TF 1.13 text CNNs from ../shared/tfgraphs/more/bn_scisharp_tf113
// (skipped when ../shared is absent) train on generated data: random ids in
// the vocabulary, random labels of 14 classes, a fixed batch whose loss
// Adam must lower.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

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
  auto [before, after] =
      Train(*session, feeds, "loss/Mean", {"loss/Adam"}, 8, false);
  EXPECT_TRUE(std::isfinite(before) && before > 1) << before;
  EXPECT_LT(after, 0.8 * before) << before;
}

// VDCNN, its variables initialized by its `init` op, from a fixed seed (the
// graph's initializers have none; some draws put a finite difference across
// a kink).
std::unique_ptr<Session> OpenVdCnn(const std::string& dir) {
  std::unique_ptr<Session> session =
      testing::LoadSession(dir + "/vd_cnn.meta", {.seed = 1});
  if (session == nullptr || !session->Run({}, {}, {"init"}).ok()) {
    ADD_FAILURE() << "vd_cnn.meta did not load and initialize";
    return nullptr;
  }
  return session;
}

// VDCNN: char embedding [70,16], conv blocks with batch norm under
// tf.cond(is_training), k-max pooling (TopKV2), three dense layers. The
// gradients its Adam step applies to the last batch norm (through its cond
// and TopKV2) and the last dense layer match central differences.
TEST(TfCnnModelsTest, VdCnnGradientsMatchFiniteDifferences) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/bn_scisharp_tf113");
  std::unique_ptr<Session> session = OpenVdCnn(dir);
  ASSERT_NE(session, nullptr);
  const NamedTensors feeds = RandomBatch(4, 1014, 70, 2);
  auto loss = [&]() {
    auto out = session->Run(feeds, std::vector<std::string>{"loss/value"});
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? double{(*out)[0].data<float>()[0]} : NAN;
  };
  int checked = 0;
  for (const auto& node : session->graph().nodes()) {
    if (node->op() != "ApplyAdam") continue;
    const std::string var = node->input(0).node->name();
    // The last layers: deeper ones' central differences straddle the ReLU,
    // max-pool and k-max selection kinks of 1014-long sequences (conv-0's
    // differ from the analytic gradient by 10-80%, run to run).
    if (var.find("dense_2") == std::string::npos &&
        var.find("conv-block-4/conv-1/batch_normalization/") != 0) {
      continue;
    }
    auto grad = session->Run(feeds, {EndpointName(node->input(9))});
    ASSERT_OK(grad.status());
    StoredVariable* v = session->variables().Find(var);
    ASSERT_NE(v, nullptr) << var;
    const Tensor saved = *v->Read();
    for (int64_t i : {int64_t{0}, saved.num_elements() - 1}) {
      double f[2];
      for (int side = 0; side < 2; ++side) {
        Tensor w = saved.Clone();
        w.data<float>()[i] += side == 0 ? 1e-3f : -1e-3f;
        v->Assign(w);
        f[side] = loss();
      }
      v->Assign(saved);
      const double numeric = (f[0] - f[1]) / 2e-3;
      const double analytic = (*grad)[0].data<float>()[i];
      EXPECT_NEAR(analytic, numeric, 2e-3 + 0.03 * std::abs(numeric))
          << var << "[" << i << "]";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 8);  // A gamma and beta, dense_2's kernel and bias.
}

// Adam steps (with the moving-average updates and the embedding's sparse
// update) lower the loss of a fixed batch.
TEST(TfCnnModelsTest, VdCnnTrains) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/bn_scisharp_tf113");
  std::unique_ptr<Session> session = OpenVdCnn(dir);
  ASSERT_NE(session, nullptr);
  // At the graph's learning rate (1e-3) this untrained batch-4 VDCNN's loss
  // jumps by 10x before it settles (its init gives logits far from 0);
  // the rate is a Const, fed 1e-4 here.
  NamedTensors feeds = RandomBatch(4, 1014, 70, 2);
  feeds.insert(feeds.begin(),
               {"loss/optimizer/learning_rate", Tensor::Scalar(1e-4f)});
  auto [before, after] =
      Train(*session, feeds, "loss/value", {"loss/optimizer"}, 10, true);
  EXPECT_LT(after, 0.8 * before);
}

}  // namespace
}  // namespace graphflow
