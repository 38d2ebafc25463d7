// End to end: a training graph written by graphflow as a .pbtxt GraphDef,
// read back and run by name, trains exactly like the in-memory graph (same
// seeded initial values, same minibatches, same losses step by step).
#include <filesystem>

#include "dataset/batching.h"
#include "examples/course_model.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "gtest/gtest.h"
#include "proto/graph_io.h"
#include "tests/support/mnist.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

struct Run {
  std::vector<double> costs;
  std::vector<Tensor> final_values;
};

// Runs "init", then `steps` minibatches of 64 (seeded order) through
// "cost" and the train op "Adam", fetching `variables` at the end.
absl::StatusOr<Run> Train(Session& session, const testing::Digits& data,
                          int steps, const std::vector<std::string>& variables,
                          std::vector<Tensor>* initial_values) {
  RETURN_IF_ERROR(session.Run(NamedTensors{}, {}, {"init"}).status());
  ASSIGN_OR_RETURN(*initial_values, session.Run(NamedTensors{}, variables));
  EpochShuffler shuffler(data.images.dim(0), /*seed=*/3);
  const std::vector<int64_t>& order = shuffler.NextEpoch();
  Run run;
  for (int step = 0; step < steps; ++step) {
    std::vector<int64_t> rows(order.begin() + step * 64,
                              order.begin() + (step + 1) * 64);
    ASSIGN_OR_RETURN(std::vector<Tensor> out,
                     session.Run({{"X", GatherRows(data.images, rows)},
                                  {"Y", GatherRows(data.one_hot, rows)}},
                                 {"cost"}, {"Adam"}));
    run.costs.push_back(out[0].data<float>()[0]);
  }
  ASSIGN_OR_RETURN(run.final_values, session.Run(NamedTensors{}, variables));
  return run;
}

void ExpectSameTraining(const examples::CourseConfig& config,
                        const std::vector<std::string>& variables,
                        const std::string& file_name, int steps) {
  auto digits = testing::LoadBundledDigits("train", /*nhwc=*/true);
  ASSERT_OK(digits.status());  // In the repository: missing is a failure.
  testing::Digits data = testing::SliceDigits(*digits, 0, 64 * steps);

  examples::CourseModel m = examples::BuildCourseModel(config, 28, 28, 1);
  ASSERT_OK(m.scope.status());
  const std::string path = ::testing::TempDir() + "/" + file_name;
  ASSERT_OK(WriteGraphDefFile(path, GraphToGraphDef(*m.scope.graph()),
                              GraphFormatForPath(path)));
  // Large zero slots are Fill ops, not dumped constants.
  EXPECT_LT(std::filesystem::file_size(path), 400u * 1024) << path;
  auto graph_def = ReadGraphDefFile(path);
  ASSERT_OK(graph_def.status());
  std::filesystem::remove(path);

  auto in_memory = Session::Create(m.scope);
  ASSERT_OK(in_memory.status());
  auto imported = Session::Create(*graph_def, GlobalOpRegistry());
  ASSERT_OK(imported.status());
  std::vector<Tensor> init_a, init_b;
  auto a = Train(**in_memory, data, steps, variables, &init_a);
  ASSERT_OK(a.status());
  auto b = Train(**imported, data, steps, variables, &init_b);
  ASSERT_OK(b.status());

  // Seeded initializers: the same initial values in both sessions.
  for (size_t i = 0; i < variables.size(); ++i) {
    EXPECT_TRUE(TensorsEqual(init_a[i], init_b[i])) << variables[i];
  }
  ASSERT_EQ(a->costs.size(), b->costs.size());
  for (size_t i = 0; i < a->costs.size(); ++i) {
    EXPECT_NEAR(a->costs[i], b->costs[i], 1e-6 * std::max(1.0, a->costs[i]))
        << "step " << i;
  }
  EXPECT_LT(a->costs.back(), a->costs.front());  // It did learn.
  for (size_t i = 0; i < variables.size(); ++i) {
    EXPECT_TENSOR_NEAR(b->final_values[i], a->final_values[i], 1e-6, 1e-6);
  }
}

TEST(GraphDefTrainingTest, CourseNetworkTrainsTheSameAfterARoundTrip) {
  examples::CourseConfig config;  // The course: 28x28x1, 10 classes.
  ExpectSameTraining(
      config,
      {"W1/read", "W2/read", "fully_connected/weights/read",
       "fully_connected/biases/read", "W1/Adam/read", "beta1_power/read"},
      "course_train.pbtxt", 25);
}

TEST(GraphDefTrainingTest, DeepNetworkTrainsTheSameAfterARoundTrip) {
  examples::CourseConfig config;
  config.model = "deep";
  config.deep_filters1 = 4;
  config.deep_filters2 = 8;
  config.deep_hidden = 32;  // fc1/weights [392, 32]: Fill-initialized slots.
  ExpectSameTraining(
      config,
      {"conv1/weights/read", "conv2/weights/read", "fc1/weights/read",
       "fc2/weights/read", "fc1/weights/Adam_1/read"},
      "deep_train.pbtxt", 10);
}

}  // namespace
}  // namespace graphflow
