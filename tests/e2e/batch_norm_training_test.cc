// End to end: a course-style CNN with batch norm and dropout built in C++
// (conv -> batch norm -> relu -> pool, twice, fc + relu, dropout, fc) as ONE
// graph with an `is_training` placeholder, as TF1 users write it: fed true
// while training on the bundled digits (batch-norm conds on the batch
// statistics, the moving-average updates run beside Adam, dropout on),
// fed false to evaluate the 1,000 held-out digits (moving statistics, no
// dropout).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dataset/batching.h"
#include "graph/status.h"
#include "gtest/gtest.h"
#include "ops/conv_ops.h"
#include "ops/layers.h"
#include "ops/math_ops.h"
#include "ops/nn_ops.h"
#include "ops/optimizers.h"
#include "ops/pooling_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/mnist.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

// Batch sizes per epoch: growing batches quiet Adam's steps toward the end,
// as a decaying learning rate would, and cost less per image (this runs
// about as long as the old 4 epochs of 32). Seeds 1, 2, 3 (weights,
// dropout, shuffling) reach 0.981, 0.982, 0.984 held out; 4 epochs of 32
// with dropout reached only 0.971 to 0.975. BN_CNN_SEED=n runs seed n.
constexpr int64_t kBatches[] = {32, 64, 64, 128, 256};
constexpr double kLearningRate = 0.002;
constexpr float kDropoutRate = 0.3f;
constexpr float kMomentum = 0.9f;  // Moving statistics of the last batches.

int64_t TestSeed() {
  const char* v = std::getenv("BN_CNN_SEED");
  return v ? std::atoll(v) : 1;
}

struct BnModel {
  Scope scope = NewRootScope();
  Output X, Y, is_training, cost, accuracy, train, init;
  std::vector<Output> updates;
};

BnModel Build(int64_t seed) {
  BnModel m;
  const Scope& s = m.scope;
  m.X = ops::Placeholder(s.WithOpName("X"), DT_FLOAT, {-1, 28, 28, 1});
  m.Y = ops::Placeholder(s.WithOpName("Y"), DT_FLOAT, {-1, 10});
  m.is_training =
      ops::Placeholder(s.WithOpName("is_training"), DT_BOOL, PartialShape({}));
  const Initializer weights = init::XavierUniform(Seed::WithGraphSeed(seed));
  Output h = m.X;
  for (int64_t filters : {16, 32}) {
    layers::Conv2DOptions conv{.activation = nullptr,
                               .weights_initializer = weights,
                               .use_bias = false};
    h = layers::Conv2D(s, h, filters, {5, 5}, conv);
    auto bn = layers::BatchNormalization(
        s, h, {.training = m.is_training, .momentum = kMomentum});
    m.updates.insert(m.updates.end(), bn.update_ops.begin(),
                     bn.update_ops.end());
    h = ops::MaxPool(s, ops::Relu(s, bn.y), {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  }
  Output fc1 = layers::FullyConnected(s, layers::Flatten(s, h), 128,
                                      {.weights_initializer = weights});
  Output dropped = layers::Dropout(s, fc1,
                                   {.rate = kDropoutRate,
                                    .training = m.is_training,
                                    .seed = Seed::WithGraphSeed(seed)});
  Output logits = layers::FullyConnected(
      s, dropped, 10, {.activation = nullptr, .weights_initializer = weights});
  m.cost = ops::Mean(s.WithOpName("cost"),
                     ops::SoftmaxCrossEntropyWithLogits(s, logits, m.Y).loss,
                     Input({0}));
  m.accuracy = ops::Mean(
      s.WithOpName("accuracy"),
      ops::Cast(
          s, ops::Equal(s, ops::ArgMax(s, logits, 1), ops::ArgMax(s, m.Y, 1)),
          DT_FLOAT),
      Input({0}));
  m.train = AdamOptimizer(kLearningRate).Minimize(s, m.cost);
  m.init = GlobalVariablesInitializer(s);
  return m;
}

TEST(BatchNormTrainingTest, CnnWithBatchNormAndDropoutLearnsTheDigits) {
  auto train = testing::LoadBundledDigits("train", /*nhwc=*/true);
  ASSERT_OK(train.status());
  auto test = testing::LoadBundledDigits("heldout", /*nhwc=*/true);
  ASSERT_OK(test.status());
  const auto start = std::chrono::steady_clock::now();
  const int64_t seed = TestSeed();

  BnModel m = Build(seed);
  ASSERT_OK(m.scope.status());
  ASSERT_EQ(m.updates.size(), 4u);  // Two batch norms, two moving stats.
  auto session = Session::Create(m.scope);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {m.init}).status());
  std::vector<Output> targets = m.updates;  // TF: control deps on UPDATE_OPS.
  targets.push_back(m.train);
  const int64_t n = train->images.dim(0);
  EpochShuffler shuffler(n, seed);
  std::vector<double> costs;
  for (int64_t batch : kBatches) {
    const std::vector<int64_t>& order = shuffler.NextEpoch();
    double cost = 0;
    int64_t steps = 0;
    for (int64_t b = 0; b < n; b += batch, ++steps) {
      std::vector<int64_t> rows(order.begin() + b,
                                order.begin() + std::min(n, b + batch));
      auto out = (*session)->Run({{m.X, GatherRows(train->images, rows)},
                                  {m.Y, GatherRows(train->one_hot, rows)},
                                  {m.is_training, Tensor::Scalar(true)}},
                                 {m.cost}, targets);
      ASSERT_OK(out.status());
      cost += (*out)[0].data<float>()[0];
    }
    costs.push_back(cost / steps);
  }

  // The same graph and session, not training: moving statistics, no
  // dropout.
  auto accuracy = (*session)->Run({{m.X, test->images},
                                   {m.Y, test->one_hot},
                                   {m.is_training, Tensor::Scalar(false)}},
                                  {m.accuracy});
  ASSERT_OK(accuracy.status());
  const double test_accuracy = (*accuracy)[0].data<float>()[0];
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf(
      "batch norm + dropout cnn (seed %lld): %.1f s, costs %.4f %.4f, "
      "test %.4f\n",
      static_cast<long long>(seed), seconds, costs[0], costs.back(),
      test_accuracy);
  EXPECT_LT(costs.back(), 0.5 * costs.front());
  // The main job (scripts/train_digits.sh, README) reaches 0.977: 977 of the
  // 1000 held-out digits, whose float mean is just below the double 0.977.
  EXPECT_GE(test_accuracy, 0.977 - 1e-6);
}

}  // namespace
}  // namespace graphflow
