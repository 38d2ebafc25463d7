// End to end: the course network and a deeper mnist_deep-style CNN, built in
// C++, trained on the bundled data/digits (9,000) and evaluated on their
// 1,000 held-out digits. The digits are in the repository: missing files fail
// the test.
#include <chrono>

#include "examples/course_model.h"
#include "graph/status.h"
#include "gtest/gtest.h"
#include "tests/support/mnist.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

struct Split {
  examples::ImageDataset train, test;
};

absl::StatusOr<Split> LoadSplit() {
  ASSIGN_OR_RETURN(testing::Digits train,
                   testing::LoadBundledDigits("train", /*nhwc=*/true));
  ASSIGN_OR_RETURN(testing::Digits test,
                   testing::LoadBundledDigits("heldout", /*nhwc=*/true));
  return Split{{train.images, train.one_hot}, {test.images, test.one_hot}};
}

#define LOAD_SPLIT(var)         \
  auto var##_or = LoadSplit();  \
  ASSERT_OK(var##_or.status()); \
  const Split& var = *var##_or

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

void ExpectMostlyDecreasing(const std::vector<double>& costs) {
  ASSERT_GE(costs.size(), 2u);
  EXPECT_LT(costs.back(), 0.5 * costs.front());
  for (size_t i = 1; i < costs.size(); ++i) {
    EXPECT_LT(costs[i], costs[i - 1] * 1.1) << "epoch " << i;
  }
}

TEST(CourseTrainingTest, CourseNetworkReaches90Percent) {
  LOAD_SPLIT(data);
  examples::CourseConfig config;  // 28x28x1, 10 classes, seeds fixed.
  config.epochs = 10;
  auto start = std::chrono::steady_clock::now();
  auto result = examples::TrainCourseModel(config, data.train, data.test);
  ASSERT_OK(result.status());
  const double seconds = SecondsSince(start);
  RecordProperty("seconds", std::to_string(seconds));
  RecordProperty("test_accuracy", std::to_string(result->test_accuracy));
  std::printf("course: %.1f s, train %.4f, test %.4f, costs", seconds,
              result->train_accuracy, result->test_accuracy);
  for (double c : result->costs) std::printf(" %.4f", c);
  std::printf("\n");
  ExpectMostlyDecreasing(result->costs);
  EXPECT_GE(result->test_accuracy, 0.90);
}

TEST(CourseTrainingTest, DeepNetworkReaches97Percent) {
  LOAD_SPLIT(data);
  examples::CourseConfig config;
  config.model = "deep";  // conv 5x5 -> pool 2, twice, fc + relu, fc.
  config.deep_filters1 = 16;
  config.deep_filters2 = 32;
  config.deep_hidden = 256;
  config.learning_rate = 0.002;
  config.epochs = 4;
  auto start = std::chrono::steady_clock::now();
  auto result = examples::TrainCourseModel(config, data.train, data.test);
  ASSERT_OK(result.status());
  const double seconds = SecondsSince(start);
  std::printf("deep: %.1f s, train %.4f, test %.4f, costs", seconds,
              result->train_accuracy, result->test_accuracy);
  for (double c : result->costs) std::printf(" %.4f", c);
  std::printf("\n");
  ExpectMostlyDecreasing(result->costs);
  EXPECT_GE(result->test_accuracy, 0.97);
}

}  // namespace
}  // namespace graphflow
