// ApplyAdam, ApplyGradientDescent and ApplyMomentum against values computed
// by hand from TensorFlow's formulas.
#include "ops/training_ops.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;

struct Fixture {
  Scope s = NewRootScope();
  std::unique_ptr<Session> session;

  Output Var(const std::string& name, const Tensor& value) {
    Output v = ops::Variable(s.WithOpName(name), value.shape(), DT_FLOAT);
    inits.push_back(ops::Assign(s.WithOpName(name + "/Assign"), v, value));
    return v;
  }
  void Start() {
    auto created = Session::Create(s);
    ASSERT_TRUE(created.ok()) << created.status();
    session = *std::move(created);
    ASSERT_OK(session->Run({}, {}, inits).status());
  }
  Tensor Read(const Output& v) { return (*session->Run({v}))[0]; }
  std::vector<Output> inits;
};

TEST(ApplyAdamTest, OneStepMatchesTensorFlowsFormula) {
  Fixture f;
  Output var = f.Var("w", F({1.0f, -2.0f}, {2}));
  Output m = f.Var("w/Adam", F({0.1f, 0.0f}, {2}));
  Output v = f.Var("w/Adam_1", F({0.01f, 0.0f}, {2}));
  const float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
  const float b1p = 0.81f, b2p = 0.998001f;  // beta^t at t = 2
  Tensor grad = F({0.5f, -1.5f}, {2});
  Output apply = ops::ApplyAdam(f.s, var, m, v, b1p, b2p, lr, b1, b2, eps,
                                ops::Const(f.s, grad));
  f.Start();
  ASSERT_OK(f.session->Run({}, {}, {apply}).status());
  float lr_t = lr * std::sqrt(1 - b2p) / (1 - b1p);
  float w0[2] = {1.0f, -2.0f}, m0[2] = {0.1f, 0}, v0[2] = {0.01f, 0};
  float g[2] = {0.5f, -1.5f};
  std::vector<float> w1, m1, v1;
  for (int i = 0; i < 2; ++i) {
    m1.push_back(m0[i] + (g[i] - m0[i]) * (1 - b1));
    v1.push_back(v0[i] + (g[i] * g[i] - v0[i]) * (1 - b2));
    w1.push_back(w0[i] - lr_t * m1[i] / (std::sqrt(v1[i]) + eps));
  }
  EXPECT_TENSOR_NEAR(f.Read(var), F({w1[0], w1[1]}, {2}), 1e-7);
  EXPECT_TENSOR_NEAR(f.Read(m), F({m1[0], m1[1]}, {2}), 1e-7);
  EXPECT_TENSOR_NEAR(f.Read(v), F({v1[0], v1[1]}, {2}), 1e-7);
}

TEST(ApplyAdamTest, NesterovVariant) {
  Fixture f;
  Output var = f.Var("w", F({1.0f}, {1}));
  Output m = f.Var("m", F({0.0f}, {1}));
  Output v = f.Var("v", F({0.0f}, {1}));
  Output apply = ops::ApplyAdam(f.s, var, m, v, 0.9f, 0.999f, 0.1f, 0.9f,
                                0.999f, 1e-8f, ops::Const(f.s, {2.0f}, {1}),
                                false, /*use_nesterov=*/true);
  f.Start();
  ASSERT_OK(f.session->Run({}, {}, {apply}).status());
  float lr_t = 0.1f * std::sqrt(1 - 0.999f) / (1 - 0.9f);
  float m1 = 0.2f, v1 = 0.004f;
  float expected =
      1.0f - lr_t * (2.0f * 0.1f + 0.9f * m1) / (std::sqrt(v1) + 1e-8f);
  EXPECT_TENSOR_NEAR(f.Read(var), F({expected}, {1}), 1e-6);
}

TEST(ApplyGradientDescentTest, OneStep) {
  Fixture f;
  Output var = f.Var("w", F({1, 2, 3}, {3}));
  Output apply = ops::ApplyGradientDescent(f.s, var, 0.5f,
                                           ops::Const(f.s, {2, -2, 1}, {3}));
  f.Start();
  auto out = f.session->Run({apply});  // fetching the ref reads the variable
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], F({0, 3, 2.5}, {3}));
}

TEST(ApplyMomentumTest, PlainAndNesterov) {
  for (bool nesterov : {false, true}) {
    Fixture f;
    Output var = f.Var("w", F({1}, {1}));
    Output acc = f.Var("a", F({0.5}, {1}));
    Output apply =
        ops::ApplyMomentum(f.s, var, acc, 0.1f, ops::Const(f.s, {2.0f}, {1}),
                           0.9f, false, nesterov);
    f.Start();
    ASSERT_OK(f.session->Run({}, {}, {apply}).status());
    float a1 = 0.5f * 0.9f + 2.0f;
    float w1 = nesterov ? 1 - (2.0f * 0.1f + a1 * 0.9f * 0.1f) : 1 - 0.1f * a1;
    EXPECT_TENSOR_NEAR(f.Read(var), F({w1}, {1}), 1e-6);
    EXPECT_TENSOR_NEAR(f.Read(acc), F({a1}, {1}), 1e-6);
  }
}

TEST(ApplyOpsTest, ShapeErrorsNameTheNode) {
  Scope s = NewRootScope();
  Output var = ops::Variable(s.WithOpName("w"), {3}, DT_FLOAT);
  ops::ApplyGradientDescent(s.WithOpName("sgd"), var, 0.1f,
                            ops::Const(s, {1, 2}, {2}));
  EXPECT_THAT(s.status().message(),
              HasSubstr("node 'sgd' (ApplyGradientDescent)"));
  Scope s2 = NewRootScope();
  Output w2 = ops::Variable(s2.WithOpName("w"), {3}, DT_FLOAT);
  ops::ApplyGradientDescent(s2.WithOpName("sgd"), w2,
                            ops::Const(s2, {1, 2}, {2}),
                            ops::Const(s2, {1, 2, 3}, {3}));
  EXPECT_THAT(s2.status().message(), HasSubstr("must be a scalar"));
}

TEST(ApplyOpsTest, UninitializedVariableIsFailedPrecondition) {
  Scope s = NewRootScope();
  Output var = ops::Variable(s.WithOpName("w"), {1}, DT_FLOAT);
  Output apply =
      ops::ApplyGradientDescent(s, var, 0.1f, ops::Const(s, {1.0f}, {1}));
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  auto r = (*session)->Run({}, {}, {apply});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("w"));
}

}  // namespace
}  // namespace graphflow
