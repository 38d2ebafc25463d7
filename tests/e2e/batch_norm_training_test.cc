// End to end: a course-style CNN with batch normalization after each conv
// (conv -> batch norm -> relu -> pool, twice, fc + relu, fc), built in C++,
// trained on the bundled digits with the moving-average updates run beside
// Adam (momentum 0.9: 4 short epochs, 1,128 steps), then evaluated by an
// inference graph (moving statistics) on the 1,000 held-out digits. graphflow
// has no dropout layer, so none is used.
#include <chrono>
#include <cstdio>
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

struct BnModel {
  Scope scope = NewRootScope();
  Output X, Y, cost, accuracy, train, init;
  std::vector<Output> updates;
};

// The same variables (names, shapes) for training and for inference.
BnModel Build(bool training) {
  BnModel m;
  const Scope& s = m.scope;
  m.X = ops::Placeholder(s.WithOpName("X"), DT_FLOAT, {-1, 28, 28, 1});
  m.Y = ops::Placeholder(s.WithOpName("Y"), DT_FLOAT, {-1, 10});
  const Initializer weights = init::XavierUniform(Seed::WithGraphSeed(1));
  Output h = m.X;
  for (int64_t filters : {16, 32}) {
    layers::Conv2DOptions conv{.activation = nullptr,
                               .weights_initializer = weights,
                               .use_bias = false};
    h = layers::Conv2D(s, h, filters, {5, 5}, conv);
    auto bn = layers::BatchNormalization(
        s, h, {.training = training, .momentum = 0.9f});
    m.updates.insert(m.updates.end(), bn.update_ops.begin(),
                     bn.update_ops.end());
    h = ops::MaxPool(s, ops::Relu(s, bn.y), {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  }
  Output fc1 = layers::FullyConnected(s, layers::Flatten(s, h), 128,
                                      {.weights_initializer = weights});
  Output logits = layers::FullyConnected(
      s, fc1, 10, {.activation = nullptr, .weights_initializer = weights});
  m.cost = ops::Mean(s.WithOpName("cost"),
                     ops::SoftmaxCrossEntropyWithLogits(s, logits, m.Y).loss,
                     Input({0}));
  m.accuracy = ops::Mean(
      s.WithOpName("accuracy"),
      ops::Cast(
          s, ops::Equal(s, ops::ArgMax(s, logits, 1), ops::ArgMax(s, m.Y, 1)),
          DT_FLOAT),
      Input({0}));
  if (training) m.train = AdamOptimizer(0.0015).Minimize(s, m.cost);
  m.init = GlobalVariablesInitializer(s);
  return m;
}

TEST(BatchNormTrainingTest, CnnWithBatchNormLearnsTheDigits) {
  auto train = testing::LoadBundledDigits("train", /*nhwc=*/true);
  ASSERT_OK(train.status());
  auto test = testing::LoadBundledDigits("heldout", /*nhwc=*/true);
  ASSERT_OK(test.status());
  const auto start = std::chrono::steady_clock::now();

  BnModel m = Build(/*training=*/true);
  ASSERT_OK(m.scope.status());
  ASSERT_EQ(m.updates.size(), 4u);  // Two batch norms, two moving stats.
  auto session = Session::Create(m.scope);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {m.init}).status());
  std::vector<Output> targets = m.updates;  // TF: control deps on UPDATE_OPS.
  targets.push_back(m.train);
  const int64_t n = train->images.dim(0), batch = 32;
  EpochShuffler shuffler(n, 0);
  std::vector<double> costs;
  for (int epoch = 0; epoch < 4; ++epoch) {
    const std::vector<int64_t>& order = shuffler.NextEpoch();
    double cost = 0;
    int64_t steps = 0;
    for (int64_t b = 0; b < n; b += batch, ++steps) {
      std::vector<int64_t> rows(order.begin() + b,
                                order.begin() + std::min(n, b + batch));
      auto out = (*session)->Run({{m.X, GatherRows(train->images, rows)},
                                  {m.Y, GatherRows(train->one_hot, rows)}},
                                 {m.cost}, targets);
      ASSERT_OK(out.status());
      cost += (*out)[0].data<float>()[0];
    }
    costs.push_back(cost / steps);
  }

  // Inference: a second graph with the same variable names, fed the
  // trained values (moving statistics included).
  BnModel eval = Build(/*training=*/false);
  ASSERT_OK(eval.scope.status());
  FeedDict feeds = {{eval.X, test->images}, {eval.Y, test->one_hot}};
  for (const Variable& v : GlobalVariables(*eval.scope.graph())) {
    auto value =
        (*session)->Run({}, std::vector<std::string>{v.name() + "/read"});
    ASSERT_OK(value.status());
    feeds.push_back({v.read, (*value)[0]});
  }
  auto eval_session = Session::Create(eval.scope);
  ASSERT_OK(eval_session.status());
  auto accuracy = (*eval_session)->Run(feeds, {eval.accuracy});
  ASSERT_OK(accuracy.status());
  const double test_accuracy = (*accuracy)[0].data<float>()[0];
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("batch norm cnn: %.1f s, costs %.4f %.4f, test %.4f\n", seconds,
              costs[0], costs.back(), test_accuracy);
  EXPECT_LT(costs.back(), 0.5 * costs.front());
  // The main job (scripts/train_digits.sh, README) reaches 0.977.
  EXPECT_GE(test_accuracy, 0.977);
}

}  // namespace
}  // namespace graphflow
