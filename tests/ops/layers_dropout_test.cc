// layers::Dropout: TF's node names in the bool and tensor forms, the kept
// fraction and scale in training, identity otherwise, the gradient (the
// same mask over keep_prob), and bad arguments.
#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "ops/layers.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::RandomTensor;

std::string OpOf(const Scope& s, const std::string& name) {
  const Node* n = s.graph()->FindNode(name);
  return n == nullptr ? "missing" : n->op();
}

TEST(DropoutLayerTest, EmitsTfLayersNames) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 4});
  Output training =
      ops::Placeholder(s.WithOpName("training"), DT_BOOL, PartialShape({}));
  Output cond = layers::Dropout(s, x, {.rate = 0.6f, .training = training});
  Output on = layers::Dropout(s, x, {.training = true});
  Output off = layers::Dropout(s, x);  // TF's default: not training.
  ASSERT_OK(s.status());
  EXPECT_EQ(cond.node->name(), "dropout/cond/Merge");
  EXPECT_EQ(cond.shape(), PartialShape({-1, 4}));
  // As TF wrote bn_frozen_cond_dropout/frozen_model.pb.
  const std::string d = "dropout/cond/dropout/";
  EXPECT_EQ(OpOf(s, d + "rate"), "Const");
  EXPECT_EQ(OpOf(s, d + "Shape"), "Shape");
  EXPECT_EQ(OpOf(s, d + "Shape/Switch"), "Switch");
  EXPECT_EQ(OpOf(s, d + "sub"), "Sub");
  EXPECT_EQ(OpOf(s, d + "random_uniform/RandomUniform"), "RandomUniform");
  EXPECT_EQ(OpOf(s, d + "random_uniform"), "Add");
  EXPECT_EQ(OpOf(s, d + "add"), "Add");
  EXPECT_EQ(OpOf(s, d + "Floor"), "Floor");
  EXPECT_EQ(OpOf(s, d + "truediv"), "RealDiv");
  EXPECT_EQ(OpOf(s, d + "mul"), "Mul");
  EXPECT_EQ(OpOf(s, "dropout/cond/Identity"), "Identity");
  EXPECT_EQ(OpOf(s, "dropout/cond/Identity/Switch"), "Switch");
  EXPECT_EQ(on.node->name(), "dropout_1/dropout/mul");
  EXPECT_EQ(off.node->name(), "dropout_2/Identity");
}

// 10,000 values: each is x / keep_prob or 0, about keep_prob of them kept
// (4 sigma = 0.018); fed false, exactly x.
TEST(DropoutLayerTest, KeepsAndScalesInTrainingOnly) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 100});
  Output training =
      ops::Placeholder(s.WithOpName("training"), DT_BOOL, PartialShape({}));
  Output y = layers::Dropout(s, x, {.rate = 0.3f, .training = training});
  Output y_bool = layers::Dropout(s, x, {.rate = 0.3f, .training = true});
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  Tensor xv = RandomTensor(DT_FLOAT, {100, 100}, 3, 0.5, 2);
  for (bool tensor_form : {true, false}) {
    SCOPED_TRACE(tensor_form);
    auto out = (*session)->Run({{x, xv}, {training, Tensor::Scalar(true)}},
                               {tensor_form ? y : y_bool});
    ASSERT_OK(out.status());
    int64_t kept = 0;
    for (int64_t i = 0; i < xv.num_elements(); ++i) {
      const float v = (*out)[0].data<float>()[i];
      if (v == 0) continue;
      ++kept;
      ASSERT_NEAR(v, xv.data<float>()[i] / 0.7f, 1e-5);
    }
    EXPECT_NEAR(kept / 10000.0, 0.7, 0.018);
  }
  auto out = (*session)->Run({{x, xv}, {training, Tensor::Scalar(false)}}, {y});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], xv);
}

// The same seed gives the same masks in two sessions, run after run.
TEST(DropoutLayerTest, SeededMasksRepeat) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 50});
  Output y = layers::Dropout(s, x, {.training = true, .seed = 42});
  Tensor xv = RandomTensor(DT_FLOAT, {4, 50}, 1, 0.5, 2);
  std::vector<std::vector<float>> runs[2];
  for (auto& r : runs) {
    auto session = Session::Create(s);
    ASSERT_OK(session.status());
    for (int i = 0; i < 2; ++i) {
      auto out = (*session)->Run({{x, xv}}, {y});
      ASSERT_OK(out.status());
      const float* p = (*out)[0].data<float>();
      r.emplace_back(p, p + 200);
    }
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_NE(runs[0][0], runs[0][1]);  // A new mask each run.
}

// In training d(sum y)/dx is the mask over keep_prob: y / x where y's
// value is from the same run; not training, the identity's gradient.
TEST(DropoutLayerTest, GradientIsTheMaskOverKeepProb) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {4, 5});
  Output training =
      ops::Placeholder(s.WithOpName("training"), DT_BOOL, PartialShape({}));
  Output y = layers::Dropout(s, x, {.rate = 0.5f, .training = training});
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &grads));
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  Tensor xv = RandomTensor(DT_FLOAT, {4, 5}, 2, 0.5, 2);
  auto out = (*session)->Run({{x, xv}, {training, Tensor::Scalar(true)}},
                             {y, grads[0]});
  ASSERT_OK(out.status());
  for (int64_t i = 0; i < 20; ++i) {
    const float yi = (*out)[0].data<float>()[i];
    EXPECT_FLOAT_EQ((*out)[1].data<float>()[i], yi == 0 ? 0.0f : 2.0f) << i;
  }
  testing::GradientCheckOptions options;
  options.extra_feeds.push_back({training, Tensor::Scalar(false)});
  auto err = testing::MaxGradientError(s, {x}, {xv}, y, options);
  ASSERT_OK(err.status());
  EXPECT_LT(*err, 1e-3);
}

TEST(DropoutLayerTest, RejectsBadArguments) {
  struct Case {
    DataType x_dtype;
    float rate;
    DataType training_dtype;
    std::string message;
  };
  for (const Case& c :
       {Case{DT_FLOAT, 1.0f, DT_BOOL, "Dropout: rate must be in [0, 1), got 1"},
        Case{DT_FLOAT, -0.5f, DT_BOOL, "rate must be in [0, 1), got -0.5"},
        Case{DT_INT32, 0.5f, DT_BOOL, "Dropout: the input x must be float"},
        Case{DT_FLOAT, 0.5f, DT_INT32,
             "Dropout: training must be a bool or a bool scalar tensor, got "
             "t of type int32"}}) {
    SCOPED_TRACE(c.message);
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), c.x_dtype, {-1, 2});
    Output t =
        ops::Placeholder(s.WithOpName("t"), c.training_dtype, PartialShape({}));
    Output y = layers::Dropout(s, x, {.rate = c.rate, .training = t});
    EXPECT_FALSE(y.valid());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(c.message), std::string::npos)
        << s.status();
  }
}

}  // namespace
}  // namespace graphflow
