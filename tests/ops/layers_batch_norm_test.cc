// layers::BatchNormalization: TF's variable and node names, values in
// training and inference, the moving-average updates, and a numeric
// gradient check through the layer.
#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "ops/layers.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using testing::RandomTensor;
using testing::Values;

std::vector<std::string> Names(const std::vector<Variable>& vars) {
  std::vector<std::string> names;
  for (const Variable& v : vars) names.push_back(v.name());
  return names;
}

TEST(BatchNormLayerTest, EmitsTfLayersNames) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT,
                              PartialShape({-1, 2, 2, 3}));
  auto bn = layers::BatchNormalization(s, x, {.training = true});
  auto bn2 = layers::BatchNormalization(s, bn, {.training = false});
  ASSERT_OK(s.status());
  EXPECT_EQ(bn.y.shape(), PartialShape({-1, 2, 2, 3}));
  EXPECT_EQ(Names(TrainableVariables(*s.graph())),
            (std::vector<std::string>{
                "batch_normalization/gamma", "batch_normalization/beta",
                "batch_normalization_1/gamma", "batch_normalization_1/beta"}));
  EXPECT_EQ(GlobalVariables(*s.graph()).size(), 8u);
  ASSERT_EQ(bn.update_ops.size(), 2u);
  EXPECT_EQ(bn.update_ops[0].node->name(),
            "batch_normalization/AssignMovingAvg");
  EXPECT_EQ(bn.update_ops[1].node->name(),
            "batch_normalization/AssignMovingAvg_1");
  EXPECT_EQ(bn.update_ops[0].node->op(), "AssignSub");
  EXPECT_EQ(bn.y.node->op(), "FusedBatchNormV3");
  EXPECT_EQ(s.graph()->GetCollection(layers::kUpdateOps).size(), 2u);
  EXPECT_TRUE(bn2.update_ops.empty());  // Inference updates nothing.
  const std::string rank3 = "x3";
  Output x3 =
      ops::Placeholder(s.WithOpName(rank3), DT_FLOAT, PartialShape({-1, 2, 3}));
  layers::BatchNormalization(s, x3);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("must be 4-D"), std::string::npos)
      << s.status();
}

// Training normalizes with the batch statistics and moves the moving ones
// by (1 - momentum) toward them: mean 0 -> 0.1 * m, variance 1 -> 1 -
// 0.1 * (1 - bessel_var). Inference then uses those.
TEST(BatchNormLayerTest, TrainingUpdatesTheMovingStatistics) {
  Scope s = NewRootScope();
  Output x =
      ops::Placeholder(s.WithOpName("x"), DT_FLOAT, PartialShape({-1, 2}));
  auto train = layers::BatchNormalization(
      s, x, {.training = true, .momentum = 0.9f, .epsilon = 0.0f});
  auto infer = layers::BatchNormalization(
      s, x, {.training = false, .epsilon = 0.0f, .name = "inference"});
  Output init = GlobalVariablesInitializer(s);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  // Column 0: 1, 2, 3, 4 (mean 2.5, var 1.25, Bessel 5/3); column 1: 0, 0,
  // 2, 2 (mean 1, var 1, Bessel 4/3).
  Tensor xv = F({1, 0, 2, 0, 3, 2, 4, 2}, {4, 2});
  auto y = (*session)->Run({{x, xv}}, {train.y}, train.update_ops);
  ASSERT_OK(y.status());
  const double a = 1 / std::sqrt(1.25);
  EXPECT_TENSOR_NEAR(
      (*y)[0],
      F({static_cast<float>(-1.5 * a), -1, static_cast<float>(-0.5 * a), -1,
         static_cast<float>(0.5 * a), 1, static_cast<float>(1.5 * a), 1},
        {4, 2}));
  auto moving = (*session)->Run(
      {}, std::vector<std::string>{"batch_normalization/moving_mean",
                                   "batch_normalization/moving_variance"});
  ASSERT_OK(moving.status());
  EXPECT_TENSOR_NEAR((*moving)[0], F({0.25f, 0.1f}, {2}));
  EXPECT_TENSOR_NEAR(
      (*moving)[1],
      F({1 - 0.1f * (1 - 5.0f / 3), 1 - 0.1f * (1 - 4.0f / 3)}, {2}));
  // A fresh inference layer: moving mean 0 and variance 1, so y = x.
  auto y_infer = (*session)->Run({{x, xv}}, {infer.y});
  ASSERT_OK(y_infer.status());
  EXPECT_TENSOR_NEAR((*y_infer)[0], xv);
}

// Both modes, both channel axes, training as a bool and as a fed tensor.
TEST(BatchNormLayerTest, GradientThroughTheLayer) {
  for (bool training : {true, false}) {
    for (int axis : {-1, 1}) {
      for (bool as_tensor : {false, true}) {
        SCOPED_TRACE(::testing::Message() << training << " axis " << axis
                                          << " tensor " << as_tensor);
        Scope s = NewRootScope();
        Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT,
                                    PartialShape({2, 3, 2, 2}));
        Output t = ops::Placeholder(s.WithOpName("t"), DT_BOOL, {});
        layers::Training mode =
            as_tensor ? layers::Training(t) : layers::Training(training);
        auto bn =
            layers::BatchNormalization(s, x, {.training = mode, .axis = axis});
        ASSERT_OK(s.status());
        // The checker runs in a fresh session: give the variables values.
        testing::GradientCheckOptions options;
        options.extra_feeds.push_back({t, Tensor::Scalar(training)});
        for (const Variable& v : GlobalVariables(*s.graph())) {
          const int64_t n = v.shape().dim(0);
          Tensor value = RandomTensor(DT_FLOAT, {n}, n, 0.5, 1.5);
          options.extra_feeds.push_back({v.read, value});
        }
        auto err = testing::MaxGradientError(
            s, {x}, {RandomTensor(DT_FLOAT, {2, 3, 2, 2}, 5, -2, 2)}, bn.y,
            options);
        ASSERT_OK(err.status());
        EXPECT_LT(*err, 5e-3);
      }
    }
  }
}

// training as a bool tensor: TF's cond graph, node for node.
TEST(BatchNormLayerTest, TensorTrainingBuildsTfCond) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT,
                              PartialShape({-1, 2, 2, 3}));
  Output is_training =
      ops::Placeholder(s.WithOpName("is_training"), DT_BOOL, PartialShape({}));
  auto bn = layers::BatchNormalization(s, x, {.training = is_training});
  ASSERT_OK(s.status());
  EXPECT_EQ(bn.y.node->name(), "batch_normalization/cond/Merge");
  EXPECT_EQ(bn.y.shape(), PartialShape({-1, 2, 2, 3}));
  const Graph& g = *s.graph();
  auto op_of = [&](const std::string& name) {
    const Node* n = g.FindNode(name);
    return n == nullptr ? std::string("missing") : n->op();
  };
  const std::string c = "batch_normalization/cond/";
  EXPECT_EQ(op_of(c + "Switch"), "Switch");
  EXPECT_EQ(op_of(c + "pred_id"), "Identity");
  EXPECT_EQ(op_of(c + "Const"), "Const");  // The empty mean and variance.
  EXPECT_EQ(op_of(c + "Const_1"), "Const");
  EXPECT_EQ(op_of(c + "FusedBatchNormV3"), "FusedBatchNormV3");
  EXPECT_EQ(op_of(c + "FusedBatchNormV3_1"), "FusedBatchNormV3");
  EXPECT_EQ(op_of(c + "FusedBatchNormV3_1/Switch_3"), "Switch");  // Moving.
  EXPECT_EQ(op_of(c + "Merge_2"), "Merge");
  EXPECT_EQ(std::get<bool>(
                g.FindNode(c + "FusedBatchNormV3")->attrs().at("is_training")),
            true);
  EXPECT_EQ(op_of("batch_normalization/cond_1/Merge"), "Merge");
  ASSERT_EQ(bn.update_ops.size(), 2u);
  EXPECT_EQ(bn.update_ops[1].node->name(),
            "batch_normalization/AssignMovingAvg_1");
  const Node* decay = g.FindNode("batch_normalization/AssignMovingAvg/sub");
  ASSERT_NE(decay, nullptr);
  EXPECT_EQ(decay->input(1).node->name(), "batch_normalization/cond_1/Merge");
  EXPECT_EQ(g.GetCollection(layers::kUpdateOps).size(), 2u);
}

// Fed false, then true, then false: the same values as the bool forms, and
// the moving statistics move only when fed true.
TEST(BatchNormLayerTest, TensorTrainingMatchesTheBoolForms) {
  Scope s = NewRootScope();
  Output x =
      ops::Placeholder(s.WithOpName("x"), DT_FLOAT, PartialShape({-1, 2}));
  Output is_training =
      ops::Placeholder(s.WithOpName("is_training"), DT_BOOL, PartialShape({}));
  layers::BatchNormalizationOptions options{
      .training = is_training, .momentum = 0.9f, .epsilon = 0.0f};
  auto bn = layers::BatchNormalization(s, x, options);
  options.training = true;
  auto train = layers::BatchNormalization(s, x, options);
  options.training = false;
  auto infer = layers::BatchNormalization(s, x, options);
  Output init = GlobalVariablesInitializer(s);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  Tensor xv = F({1, 0, 2, 0, 3, 2, 4, 2}, {4, 2});
  auto moving = [&]() {
    return (*session)->Run(
        {}, std::vector<std::string>{"batch_normalization/moving_mean",
                                     "batch_normalization/moving_variance"});
  };
  // Not training: y == x (moving mean 0, variance 1), no change.
  auto y = (*session)->Run({{x, xv}, {is_training, Tensor::Scalar(false)}},
                           {bn.y, infer.y}, bn.update_ops);
  ASSERT_OK(y.status());
  EXPECT_TENSOR_NEAR((*y)[0], (*y)[1]);
  EXPECT_TENSOR_NEAR((*y)[0], xv);
  auto m = moving();
  ASSERT_OK(m.status());
  EXPECT_TENSOR_NEAR((*m)[0], F({0, 0}, {2}));
  EXPECT_TENSOR_NEAR((*m)[1], F({1, 1}, {2}));
  // Training: the batch statistics, as the bool layer; both move.
  std::vector<Output> updates = bn.update_ops;
  updates.insert(updates.end(), train.update_ops.begin(),
                 train.update_ops.end());
  y = (*session)->Run({{x, xv}, {is_training, Tensor::Scalar(true)}},
                      {bn.y, train.y}, updates);
  ASSERT_OK(y.status());
  EXPECT_TENSOR_NEAR((*y)[0], (*y)[1]);
  EXPECT_NEAR((*y)[0].data<float>()[0], -1.5 / std::sqrt(1.25), 1e-5);
  auto m2 = (*session)->Run(
      {}, std::vector<std::string>{"batch_normalization/moving_mean",
                                   "batch_normalization/moving_variance",
                                   "batch_normalization_1/moving_mean",
                                   "batch_normalization_1/moving_variance"});
  ASSERT_OK(m2.status());
  EXPECT_TENSOR_NEAR((*m2)[0], F({0.25f, 0.1f}, {2}));
  EXPECT_TENSOR_NEAR((*m2)[0], (*m2)[2]);
  EXPECT_TENSOR_NEAR((*m2)[1], (*m2)[3]);
  // Not training again: normalized by the moved statistics, which stay.
  y = (*session)->Run({{x, xv}, {is_training, Tensor::Scalar(false)}}, {bn.y},
                      bn.update_ops);
  ASSERT_OK(y.status());
  const float var0 = 1 - 0.1f * (1 - 5.0f / 3);
  EXPECT_NEAR((*y)[0].data<float>()[0], (1 - 0.25f) / std::sqrt(var0), 1e-5);
  auto m3 = moving();
  ASSERT_OK(m3.status());
  EXPECT_TENSOR_NEAR((*m3)[0], (*m2)[0]);
  EXPECT_TENSOR_NEAR((*m3)[1], (*m2)[1]);
}

TEST(BatchNormLayerTest, TrainingTensorMustBeABoolScalar) {
  struct Case {
    DataType dtype;
    PartialShape shape;
  };
  for (const Case& c :
       {Case{DT_FLOAT, PartialShape({})}, Case{DT_BOOL, PartialShape({2})}}) {
    Scope s = NewRootScope();
    Output x =
        ops::Placeholder(s.WithOpName("x"), DT_FLOAT, PartialShape({-1, 2}));
    Output t = ops::Placeholder(s.WithOpName("t"), c.dtype, c.shape);
    auto bn = layers::BatchNormalization(s, x, {.training = t});
    EXPECT_FALSE(bn.y.valid());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(
                  "BatchNormalization: training must be a bool or a bool "
                  "scalar tensor, got t"),
              std::string::npos)
        << s.status();
  }
}

}  // namespace
}  // namespace graphflow
