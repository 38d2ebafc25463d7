// The course CNN (graphflow/graphflow.h's opening example) trained on the
// bundled digits with an installed graphflow. Usage: consumer [DIGITS_DIR];
// exits 1 when held-out accuracy is below the floor.
#include <cstdio>
#include <string>
#include <utility>

#include "graphflow/graphflow.h"

using namespace graphflow;

// Images [N, 28, 28, 1] scaled to [0, 1] and one-hot labels [N, 10].
absl::StatusOr<std::pair<Tensor, Tensor>> Load(const std::string& prefix) {
  ASSIGN_OR_RETURN(Tensor x, ReadIdxFile(prefix + "-images-idx3-ubyte.gz"));
  ASSIGN_OR_RETURN(Tensor y, ReadIdxFile(prefix + "-labels-idx1-ubyte.gz"));
  ASSIGN_OR_RETURN(x, ReshapeTo(x, {-1, 28, 28, 1}));
  ASSIGN_OR_RETURN(x, ToFloat(x, 1.0f / 255));
  ASSIGN_OR_RETURN(y, OneHotRows(y, 10));
  return std::pair{x, y};
}

absl::StatusOr<float> TrainAndEvaluate(const std::string& dir) {
  ASSIGN_OR_RETURN(auto data, Load(dir + "/train"));
  ASSIGN_OR_RETURN(auto test, Load(dir + "/heldout"));
  Scope s = NewRootScope();
  auto X = ops::Placeholder(s, DT_FLOAT, {-1, 28, 28, 1});
  auto Y = ops::Placeholder(s, DT_FLOAT, {-1, 10});
  Variable W1 = GetVariable(s, "W1", {4, 4, 1, 8}, init::XavierUniform(0));
  Variable W2 = GetVariable(s, "W2", {2, 2, 8, 16}, init::XavierUniform(0));
  auto A1 = ops::Relu(s, ops::Conv2D(s, X, W1, {1, 1, 1, 1}, "SAME"));
  auto P1 = ops::MaxPool(s, A1, {1, 8, 8, 1}, {1, 8, 8, 1}, "SAME");
  auto A2 = ops::Relu(s, ops::Conv2D(s, P1, W2, {1, 1, 1, 1}, "SAME"));
  auto P2 = ops::MaxPool(s, A2, {1, 4, 4, 1}, {1, 4, 4, 1}, "SAME");
  auto Z3 = layers::FullyConnected(
      s, layers::Flatten(s, P2), 10,
      {.activation = nullptr, .weights_initializer = init::XavierUniform(0)});
  auto cost =
      ops::Mean(s, ops::SoftmaxCrossEntropyWithLogits(s, Z3, Y).loss, {0});
  auto train = AdamOptimizer(0.009).Minimize(s, cost);
  auto correct = ops::Equal(s, ops::ArgMax(s, Z3, 1), ops::ArgMax(s, Y, 1));
  auto accuracy = ops::Mean(s, ops::Cast(s, correct, DT_FLOAT), {0});
  auto init = GlobalVariablesInitializer(s);
  ASSIGN_OR_RETURN(auto session, Session::Create(s));
  RETURN_IF_ERROR(session->Run({}, {}, {init}).status());
  const int64_t n = data.first.dim(0), batch = 64;
  EpochShuffler shuffler(n, /*seed=*/0);
  for (int epoch = 0; epoch < 5; ++epoch) {
    const std::vector<int64_t>& order = shuffler.NextEpoch();
    for (int64_t b = 0; b < n; b += batch) {
      std::vector<int64_t> rows(order.begin() + b,
                                order.begin() + std::min(n, b + batch));
      RETURN_IF_ERROR(session
                          ->Run({{X, GatherRows(data.first, rows)},
                                 {Y, GatherRows(data.second, rows)}},
                                {cost}, {train})
                          .status());
    }
  }
  ASSIGN_OR_RETURN(
      auto out, session->Run({{X, test.first}, {Y, test.second}}, {accuracy}));
  return out[0].data<float>()[0];
}

int main(int argc, char** argv) {
  absl::StatusOr<float> accuracy =
      TrainAndEvaluate(argc > 1 ? argv[1] : "data/digits");
  if (!accuracy.ok()) {
    std::fprintf(stderr, "consumer: %s\n",
                 std::string(accuracy.status().message()).c_str());
    return 1;
  }
  std::printf("graphflow %s: held-out accuracy %.4f\n",
              GRAPHFLOW_VERSION_STRING, *accuracy);
  return *accuracy >= 0.85f ? 0 : 1;
}
