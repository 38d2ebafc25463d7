// Optimizer arithmetic: GradientDescent and Adam steps against TF's formulas
// computed by hand, convergence on a quadratic, the ComputeGradients /
// ApplyGradients split, var_list, and mixed variable dtypes.
#include "ops/optimizers.h"

#include <cmath>

#include "gtest/gtest.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/reduction_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using testing::Values;

Initializer Fixed(const Tensor& value) {
  return [value](const Scope& s, const TensorShape&, DataType) {
    return s.Const(value);
  };
}

// loss = sum((w - target)^2) for a variable w with initial value `w0`.
struct Quadratic {
  Scope s = NewRootScope();
  Variable w;
  Output loss;
  Quadratic(const Tensor& w0, const Tensor& target) {
    w = GetVariable(s, "w", w0.shape(), Fixed(w0), w0.dtype());
    loss = ops::Sum(s.WithOpName("loss"),
                    ops::Square(s, ops::Sub(s, w, target)), Input({0}));
  }
};

std::unique_ptr<Session> StartSession(const Scope& s) {
  Output init = GlobalVariablesInitializer(s);
  auto session = Session::Create(s);
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return nullptr;
  EXPECT_OK((*session)->Run({}, {}, {init}).status());
  return std::move(*session);
}

std::vector<double> Read(Session& session, const Output& x) {
  auto out = session.Run({x});
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? Values((*out)[0]) : std::vector<double>{};
}

void ExpectNear(const std::vector<double>& got,
                const std::vector<double>& expected, double tol) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], expected[i],
                tol * std::max(1.0, std::fabs(expected[i])))
        << "at " << i;
  }
}

TEST(GradientDescentTest, OneStepByHand) {
  Quadratic q(F({1, 2}, {2}), F({3, -1}, {2}));
  Output train = GradientDescentOptimizer(0.1).Minimize(q.s, q.loss);
  ASSERT_OK(q.s.status());
  auto session = StartSession(q.s);
  ASSERT_NE(session, nullptr);
  // grad = 2 (w - t) = [-4, 6]; w - 0.1 grad = [1.4, 1.4].
  ASSERT_OK(session->Run({}, {}, {train}).status());
  ExpectNear(Read(*session, q.w.read), {1.4, 1.4}, 1e-6);
  // grad = [-3.2, 4.8]; w = [1.72, 0.92].
  ASSERT_OK(session->Run({}, {}, {train}).status());
  ExpectNear(Read(*session, q.w.read), {1.72, 0.92}, 1e-6);
}

// TF's Adam, in double from the float32 hyper-parameters TF uses:
// lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m = beta1 m + (1 - beta1) g;
// v = beta2 v + (1 - beta2) g^2; w -= lr_t * m / (sqrt(v) + epsilon).
struct AdamReference {
  double lr, beta1, beta2, eps;
  double beta1_power, beta2_power;
  std::vector<double> m, v;
  AdamReference(double lr_, double b1, double b2, double e, size_t n)
      : lr(static_cast<float>(lr_)),
        beta1(static_cast<float>(b1)),
        beta2(static_cast<float>(b2)),
        eps(static_cast<float>(e)),
        beta1_power(beta1),
        beta2_power(beta2),
        m(n, 0.0),
        v(n, 0.0) {}
  void Step(std::vector<double>& w, const std::vector<double>& g) {
    double lr_t = lr * std::sqrt(1 - beta2_power) / (1 - beta1_power);
    for (size_t i = 0; i < w.size(); ++i) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      w[i] -= lr_t * m[i] / (std::sqrt(v[i]) + eps);
    }
    beta1_power *= beta1;
    beta2_power *= beta2;
  }
};

TEST(AdamTest, StepsMatchTensorFlowsFormulas) {
  const std::vector<double> t = {3, -1, 0.5};
  Quadratic q(F({1, 2, 0.5f}, {3}), F({3, -1, 0.5f}, {3}));
  Output train = AdamOptimizer(0.1).Minimize(q.s, q.loss);
  ASSERT_OK(q.s.status());
  auto session = StartSession(q.s);
  ASSERT_NE(session, nullptr);
  Node* m_node = q.s.graph()->FindNode("w/Adam");
  Node* v_node = q.s.graph()->FindNode("w/Adam_1");
  Node* p1 = q.s.graph()->FindNode("beta1_power");
  ASSERT_TRUE(m_node && v_node && p1);
  AdamReference ref(0.1, 0.9, 0.999, 1e-8, 3);
  std::vector<double> w = {1, 2, 0.5};
  for (int step = 1; step <= 3; ++step) {
    std::vector<double> g(3);
    for (int i = 0; i < 3; ++i) g[i] = 2 * (w[i] - t[i]);
    ref.Step(w, g);
    ASSERT_OK(session->Run({}, {}, {train}).status());
    ExpectNear(Read(*session, q.w.read), w, 1e-5);
    ExpectNear(Read(*session, Output(m_node)), ref.m, 1e-5);
    ExpectNear(Read(*session, Output(v_node)), ref.v, 1e-5);
    // The powers advance after the updates used them.
    ExpectNear(Read(*session, Output(p1)), {ref.beta1_power}, 1e-6);
  }
}

// lr_1 * m / sqrt(v) = lr * g / |g|: each weight moves by lr (up to
// epsilon), one with a zero gradient not at all.
TEST(AdamTest, FirstStepIsLearningRateTimesSign) {
  Quadratic q(F({0, 0, 0}, {3}), F({5, -5, 0}, {3}));
  Output train = AdamOptimizer(0.01).Minimize(q.s, q.loss);
  auto session = StartSession(q.s);
  ASSERT_NE(session, nullptr);
  ASSERT_OK(session->Run({}, {}, {train}).status());
  ExpectNear(Read(*session, q.w.read), {0.01, -0.01, 0}, 1e-6);
}

TEST(OptimizersTest, QuadraticConverges) {
  const Tensor target = F({3, -1, 0.25f, 2}, {2, 2});
  {
    Quadratic q(F({0, 0, 0, 0}, {2, 2}), target);
    Output train = GradientDescentOptimizer(0.1).Minimize(q.s, q.loss);
    auto session = StartSession(q.s);
    ASSERT_NE(session, nullptr);
    for (int i = 0; i < 60; ++i) {
      ASSERT_OK(session->Run({}, {}, {train}).status());
    }
    ExpectNear(Read(*session, q.w.read), Values(target), 1e-4);
    EXPECT_LT(Read(*session, q.loss)[0], 1e-8);
  }
  {
    Quadratic q(F({0, 0, 0, 0}, {2, 2}), target);
    Output train = AdamOptimizer(0.05).Minimize(q.s, q.loss);
    auto session = StartSession(q.s);
    ASSERT_NE(session, nullptr);
    double first = Read(*session, q.loss)[0];
    for (int i = 0; i < 400; ++i) {
      ASSERT_OK(session->Run({}, {}, {train}).status());
    }
    ExpectNear(Read(*session, q.w.read), Values(target), 2e-2);
    EXPECT_LT(Read(*session, q.loss)[0], 1e-3 * first);
  }
}

TEST(OptimizersTest, ComputeThenApplyModifiedGradients) {
  Quadratic q(F({1, 2}, {2}), F({3, -1}, {2}));
  GradientDescentOptimizer opt(0.1);
  std::vector<GradAndVar> gvs = opt.ComputeGradients(q.s, q.loss);
  ASSERT_OK(q.s.status());
  ASSERT_EQ(gvs.size(), 1u);
  EXPECT_EQ(gvs[0].var.name(), "w");
  ASSERT_TRUE(gvs[0].grad.valid());
  EXPECT_EQ(gvs[0].grad.name().rfind("gradients/", 0), 0u);
  // Halve the gradient before applying it (gradient clipping's pattern).
  gvs[0].grad = ops::Mul(q.s, gvs[0].grad, 0.5f);
  Output train = opt.ApplyGradients(q.s, gvs);
  ASSERT_OK(q.s.status());
  auto session = StartSession(q.s);
  ASSERT_NE(session, nullptr);
  auto grads = session->Run({gvs[0].grad});
  ASSERT_OK(grads.status());
  EXPECT_EQ(Values((*grads)[0]), std::vector<double>({-2, 3}));
  ASSERT_OK(session->Run({}, {}, {train}).status());
  ExpectNear(Read(*session, q.w.read), {1.2, 1.7}, 1e-6);
}

TEST(OptimizersTest, VarListRestrictsUpdates) {
  for (bool adam : {false, true}) {
    Scope s = NewRootScope();
    Variable a = GetVariable(s, "a", {2}, Fixed(F({1, 1}, {2})));
    Variable b = GetVariable(s, "b", {2}, Fixed(F({1, 1}, {2})));
    Output loss = ops::Sum(s, ops::Square(s, ops::Add(s, a, b)), Input({0}));
    Output train = adam ? AdamOptimizer(0.1).Minimize(s, loss, {a})
                        : GradientDescentOptimizer(0.1).Minimize(s, loss, {a});
    ASSERT_OK(s.status());
    EXPECT_EQ(s.graph()->FindNode("b/Adam"), nullptr);
    EXPECT_EQ(adam, s.graph()->FindNode("a/Adam") != nullptr);
    auto session = StartSession(s);
    ASSERT_NE(session, nullptr);
    ASSERT_OK(session->Run({}, {}, {train}).status());
    std::vector<double> av = Read(*session, a.read);
    EXPECT_LT(av[0], 1.0);  // Moved down the gradient 2 (a + b) = 4.
    EXPECT_EQ(Read(*session, b.read), std::vector<double>({1, 1}));
  }
}

TEST(OptimizersTest, DoubleAndFloatVariablesTogether) {
  Scope s = NewRootScope();
  Variable a = GetVariable(s, "a", {2}, Fixed(F({1, 2}, {2})));
  Tensor b0(DT_DOUBLE, {2});
  b0.data<double>()[0] = 1;
  b0.data<double>()[1] = 2;
  Variable b = GetVariable(s, "b", {2}, Fixed(b0), DT_DOUBLE);
  Output loss = ops::Add(
      s, ops::Cast(s, ops::Sum(s, ops::Square(s, a), Input({0})), DT_DOUBLE),
      ops::Sum(s, ops::Square(s, b), Input({0})));
  Output gd = GradientDescentOptimizer(0.25).Minimize(s, loss);
  Output adam = AdamOptimizer(0.1).Minimize(s, loss);
  ASSERT_OK(s.status());
  // Hyper-parameters are float32, as TF makes them, cast for doubles.
  EXPECT_EQ(s.graph()->FindNode("Adam/learning_rate")->output_type(0),
            DT_FLOAT);
  EXPECT_EQ(s.graph()->FindNode("b/Adam")->output_type(0),
            MakeRefType(DT_DOUBLE));
  EXPECT_EQ(s.graph()->FindNode("beta1_power")->output_type(0),
            MakeRefType(DT_FLOAT));
  auto session = StartSession(s);
  ASSERT_NE(session, nullptr);
  ASSERT_OK(session->Run({}, {}, {gd}).status());
  // w -= 0.25 * 2w: halves both.
  ExpectNear(Read(*session, a.read), {0.5, 1}, 1e-7);
  ExpectNear(Read(*session, b.read), {0.5, 1}, 1e-12);
  ASSERT_OK(session->Run({}, {}, {adam}).status());
  const double lr = static_cast<float>(0.1);  // TF's float32 learning rate.
  ExpectNear(Read(*session, b.read), {0.5 - lr, 1 - lr}, 1e-7);
}

TEST(AccuracyIdiomTest, MeanOfCastEqualArgMaxes) {
  Scope s = NewRootScope();
  Tensor logits = F({0.1f, 2, -1,  //
                     3, 0, 0,      //
                     0, 0, 5,      //
                     1, 1.5f, 0},  //
                    {4, 3});
  Tensor labels = F({0, 1, 0,  //
                     1, 0, 0,  //
                     0, 1, 0,  //
                     0, 1, 0},
                    {4, 3});
  Output correct =
      ops::Equal(s, ops::ArgMax(s, logits, 1), ops::ArgMax(s, labels, 1));
  Output accuracy = ops::Mean(s.WithOpName("accuracy"),
                              ops::Cast(s, correct, DT_FLOAT), Input({0}));
  ASSERT_OK(s.status());
  EXPECT_EQ(correct.dtype(), DT_BOOL);
  Tensor acc = testing::Eval(s, accuracy);
  EXPECT_EQ(acc.shape(), TensorShape({}));
  EXPECT_FLOAT_EQ(acc.data<float>()[0], 0.75f);  // Row 3 is wrong.
}

}  // namespace
}  // namespace graphflow
