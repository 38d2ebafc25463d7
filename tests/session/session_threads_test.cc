// SessionOptions::threads: a session on a pool of its own, with the same
// seed and thread count, trains to bitwise-identical losses and variables;
// across thread counts the results differ by rounding (some sums split
// their terms by thread), which Adam can grow to a few 1e-4 in the
// variables; a bad count is InvalidArgument.
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "examples/course_model.h"
#include "gtest/gtest.h"
#include "session/session.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::TensorNear;

Tensor RandomTensor(const TensorShape& shape, int seed) {
  Tensor t(DT_FLOAT, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(0, 1);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(gen);
  return t;
}

// Three Adam steps of a course model (the mnist_deep variant with `deep`)
// in a session of `threads` threads: the losses, then the variables.
std::vector<Tensor> Train(const examples::CourseModel& model,
                          const TensorShape& x_shape, int classes,
                          int threads) {
  SessionOptions options;
  options.seed = 11;
  options.threads = threads;
  auto session = Session::Create(model.scope, options);
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return {};
  EXPECT_TRUE((*session)->Run({}, {}, {model.init.node->name()}).ok());
  Tensor y(DT_FLOAT, {x_shape.dim(0), classes});
  y.FillZero();
  for (int64_t i = 0; i < x_shape.dim(0); ++i) {
    y.data<float>()[i * classes + i % classes] = 1;
  }
  const NamedTensors feeds = {{model.X.name(), RandomTensor(x_shape, 3)},
                              {model.Y.name(), y}};
  std::vector<Tensor> results;
  for (int step = 0; step < 3; ++step) {
    auto out = (*session)->Run(feeds, {model.cost.name()},
                               {model.optimizer.node->name()});
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) return {};
    results.push_back((*out)[0]);
  }
  std::vector<std::string> vars;
  for (const Node* v :
       model.scope.graph()->GetCollection("trainable_variables")) {
    vars.push_back(v->name());
  }
  auto values = (*session)->Run({}, vars);
  EXPECT_TRUE(values.ok()) << values.status();
  if (values.ok())
    results.insert(results.end(), values->begin(), values->end());
  return results;
}

bool BitwiseEqual(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size() || a.empty()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].shape() != b[i].shape() ||
        std::memcmp(a[i].raw_data(), b[i].raw_data(),
                    a[i].num_elements() * sizeof(float)) != 0) {
      return false;
    }
  }
  return true;
}

void ExpectDeterministic(const examples::CourseModel& model,
                         const TensorShape& x_shape, int classes) {
  ASSERT_TRUE(model.scope.status().ok()) << model.scope.status();
  const std::vector<Tensor> two = Train(model, x_shape, classes, 2);
  EXPECT_TRUE(BitwiseEqual(two, Train(model, x_shape, classes, 2)));
  const std::vector<Tensor> one = Train(model, x_shape, classes, 1);
  EXPECT_TRUE(BitwiseEqual(one, Train(model, x_shape, classes, 1)));
  const std::vector<Tensor> three = Train(model, x_shape, classes, 3);
  ASSERT_EQ(one.size(), two.size());
  ASSERT_EQ(three.size(), two.size());
  // Some sums are split by thread (oneDNN's filter gradient sums one
  // partial per thread), so results agree only to rounding, which Adam
  // amplifies: it divides by sqrt(v), so where a gradient is near zero a
  // last-bit difference can flip the sign of a step (lr = 9e-3). So: the
  // losses to rounding, and at most 1 in 100 elements of a variable more
  // than 1e-3 apart (seen after three steps of mnist_deep: 58 of 12800 of
  // conv2's weights, 2 of 100352 of fc1's, some a whole step apart; after
  // four, 234 and 118). A wrong sum moves the losses and most elements.
  for (size_t i = 0; i < two.size(); ++i) {
    for (const std::vector<Tensor>* other : {&one, &three}) {
      const Tensor& a = (*other)[i];
      if (i < 3) {
        EXPECT_TRUE(TensorNear(a, two[i], 1e-5, 1e-4)) << "loss " << i;
        continue;
      }
      ASSERT_EQ(a.shape(), two[i].shape()) << "result " << i;
      int64_t apart = 0;
      for (int64_t e = 0; e < a.num_elements(); ++e) {
        apart += std::abs(a.data<float>()[e] - two[i].data<float>()[e]) > 1e-3;
      }
      EXPECT_LE(apart * 100, a.num_elements())
          << "result " << i << ": " << apart << " of " << a.num_elements()
          << " elements more than 1e-3 apart";
    }
  }
}

TEST(SessionThreadsTest, CourseCnnIsDeterministicPerThreadCount) {
  examples::CourseConfig config;
  config.classes = 6;
  ExpectDeterministic(examples::BuildCourseModel(config, 16, 16, 3),
                      {16, 16, 16, 3}, 6);
}

TEST(SessionThreadsTest, MnistDeepIsDeterministicPerThreadCount) {
  examples::CourseConfig config;
  config.model = "deep";
  config.deep_filters1 = 16, config.deep_filters2 = 32, config.deep_hidden = 64;
  ExpectDeterministic(examples::BuildCourseModel(config, 28, 28, 1),
                      {8, 28, 28, 1}, 10);
}

TEST(SessionThreadsTest, BadThreadCountIsInvalidArgument) {
  examples::CourseConfig config;
  examples::CourseModel model = examples::BuildCourseModel(config, 8, 8, 1);
  for (int threads : {-1, 100000}) {
    SessionOptions options;
    options.threads = threads;
    auto session = Session::Create(model.scope, options);
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(session.status().message().find("threads"), std::string::npos)
        << session.status();
  }
}

}  // namespace
}  // namespace graphflow
