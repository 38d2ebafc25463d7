// The course network's graph (names the course's code uses, shapes, seeds)
// and the training entry point's input checks; no data needed.
#include "examples/course_model.h"

#include "gtest/gtest.h"
#include "ops/variables.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

PartialShape ShapeOf(const examples::CourseModel& m, const std::string& name) {
  const Node* n = m.scope.graph()->FindNode(name);
  return n ? Output(const_cast<Node*>(n)).shape() : PartialShape::Unknown();
}

TEST(CourseModelTest, GraphHasTheCoursesNodes) {
  examples::CourseConfig config;
  config.classes = 6;  // The course's SIGNS: 64x64x3, 6 classes.
  examples::CourseModel m = examples::BuildCourseModel(config, 64, 64, 3);
  ASSERT_OK(m.scope.status());
  EXPECT_EQ(m.X.node->name(), "X");
  EXPECT_EQ(m.X.shape(), PartialShape({-1, 64, 64, 3}));
  EXPECT_EQ(m.Y.shape(), PartialShape({-1, 6}));
  EXPECT_EQ(m.Z3.shape(), PartialShape({-1, 6}));
  EXPECT_EQ(m.cost.node->name(), "cost");
  EXPECT_EQ(m.cost.shape(), PartialShape({}));
  EXPECT_EQ(m.accuracy.node->name(), "accuracy");
  EXPECT_EQ(m.optimizer.node->name(), "Adam");
  EXPECT_EQ(m.init.node->name(), "init");
  EXPECT_EQ(ShapeOf(m, "W1"), PartialShape({4, 4, 3, 8}));
  EXPECT_EQ(ShapeOf(m, "W2"), PartialShape({2, 2, 8, 16}));
  // 64 -> pool 8 -> 8 -> pool 4 -> 2: 2*2*16 features.
  EXPECT_EQ(ShapeOf(m, "fully_connected/weights"), PartialShape({64, 6}));
  EXPECT_EQ(TrainableVariables(*m.scope.graph()).size(), 4u);
}

// With the course's seeds, W1 and W2 are the values the course's notebook
// prints after initialize_parameters() (TF 1.x, bit for bit).
TEST(CourseModelTest, InitialWeightsAreTheCoursesPublishedValues) {
  examples::CourseConfig config;
  config.classes = 6;
  examples::CourseModel m = examples::BuildCourseModel(config, 64, 64, 3);
  auto session = Session::Create(m.scope);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {m.init}).status());
  auto w = (*session)->Run(NamedTensors{}, {"W1/read", "W2/read"});
  ASSERT_OK(w.status());
  const float* w1 = (*w)[0].data<float>() + ((1 * 4 + 1) * 3 + 1) * 8;
  const float* w2 = (*w)[1].data<float>() + ((1 * 2 + 1) * 8 + 1) * 16;
  EXPECT_NEAR(w1[0], 0.00131723, 5e-9);
  EXPECT_NEAR(w1[1], 0.14176141, 5e-9);
  EXPECT_NEAR(w1[7], 0.05245192, 5e-9);
  EXPECT_NEAR(w2[0], -0.08566415, 5e-9);
  EXPECT_NEAR(w2[15], -0.10286498, 5e-9);
}

TEST(CourseModelTest, DeepModelShapes) {
  examples::CourseConfig config;
  config.model = "deep";
  config.deep_filters1 = 16;
  config.deep_filters2 = 32;
  config.deep_hidden = 256;
  examples::CourseModel m = examples::BuildCourseModel(config, 28, 28, 1);
  ASSERT_OK(m.scope.status());
  EXPECT_EQ(ShapeOf(m, "conv1/weights"), PartialShape({5, 5, 1, 16}));
  EXPECT_EQ(ShapeOf(m, "conv2/weights"), PartialShape({5, 5, 16, 32}));
  EXPECT_EQ(ShapeOf(m, "fc1/weights"), PartialShape({7 * 7 * 32, 256}));
  EXPECT_EQ(ShapeOf(m, "fc2/weights"), PartialShape({256, 10}));
  EXPECT_EQ(m.Z3.shape(), PartialShape({-1, 10}));
  // Every random initializer is seeded: the model is reproducible.
  for (const auto& n : m.scope.graph()->nodes()) {
    if (n->op() != "RandomUniform") continue;
    EXPECT_NE(*n->FindAttr<int64_t>("seed"), 0) << n->name();
  }
}

TEST(CourseModelTest, BadConfigurationsAreErrors) {
  examples::CourseConfig config;
  config.model = "resnet";
  examples::CourseModel m = examples::BuildCourseModel(config, 28, 28, 1);
  EXPECT_EQ(m.scope.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(m.scope.status().message().find("resnet"), std::string::npos);

  examples::ImageDataset data{Tensor(DT_FLOAT, {4, 28, 28, 1}),
                              Tensor(DT_FLOAT, {4, 10})};
  data.images.FillZero();
  data.labels.FillZero();
  examples::CourseConfig bad_batch;
  bad_batch.batch = 0;
  EXPECT_EQ(examples::TrainCourseModel(bad_batch, data, data).status().code(),
            absl::StatusCode::kInvalidArgument);
  examples::CourseConfig five_classes;
  five_classes.classes = 5;
  auto wrong_labels = examples::TrainCourseModel(five_classes, data, data);
  EXPECT_EQ(wrong_labels.status().code(), absl::StatusCode::kInvalidArgument);
  examples::ImageDataset flat{Tensor(DT_FLOAT, {4, 784}), data.labels};
  EXPECT_EQ(examples::TrainCourseModel({}, data, flat).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(examples::TrainCourseModel({}, {}, data).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CourseModelTest, TrainsOnATinyDataset) {
  examples::ImageDataset data{Tensor(DT_FLOAT, {6, 8, 8, 1}),
                              Tensor(DT_FLOAT, {6, 2})};
  data.labels.FillZero();
  for (int i = 0; i < 6; ++i) {
    for (int p = 0; p < 64; ++p) {
      data.images.data<float>()[i * 64 + p] = (i % 2) ? p / 64.0f : 0.1f;
    }
    data.labels.data<float>()[i * 2 + i % 2] = 1;
  }
  examples::CourseConfig config;
  config.classes = 2;
  config.epochs = 30;
  config.batch = 4;  // A ragged last minibatch.
  auto result = examples::TrainCourseModel(config, data, data);
  ASSERT_OK(result.status());
  EXPECT_EQ(result->costs.size(), 30u);
  // It reaches 6/6 from 20 epochs on; untrained (or with a broken gradient)
  // it stays at chance, 3/6. The floor allows one miss.
  EXPECT_GE(result->train_accuracy, 5.0 / 6 - 1e-6);
  EXPECT_LE(result->train_accuracy, 1.0);
  EXPECT_LT(result->costs.back(), 0.75 * result->costs.front());
}

}  // namespace
}  // namespace graphflow
