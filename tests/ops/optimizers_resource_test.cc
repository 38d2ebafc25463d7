// Optimizers on resource variables (GetVariable(..., use_resource=true)):
// gradients reach the VarHandleOp through ReadVariableOp, updates are
// ResourceApply* with resource slots, and a small model trains to exactly
// the losses of the same model built with ref variables.
#include <cmath>

#include "gtest/gtest.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/matmul_ops.h"
#include "ops/optimizers.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;

Initializer Fixed(const Tensor& value) {
  return [value](const Scope& s, const TensorShape&, DataType) {
    return s.Const(value);
  };
}

// loss = mean((tanh(x W1 + b1) W2 - y)^2) on a fixed batch.
struct Model {
  Scope s = NewRootScope();
  Variable w1, b1, w2;
  Output loss, train;
  Model(bool use_resource, const Optimizer& optimizer) {
    w1 = GetVariable(s, "w1", {2, 3},
                     Fixed(F({0.1, -0.2, 0.3, 0.4, 0.5, -0.6}, {2, 3})),
                     DT_FLOAT, true, use_resource);
    b1 = GetVariable(s, "b1", {3}, Fixed(F({0.01, 0.02, -0.03}, {3})), DT_FLOAT,
                     true, use_resource);
    w2 = GetVariable(s, "w2", {3, 1}, Fixed(F({0.7, -0.8, 0.9}, {3, 1})),
                     DT_FLOAT, true, use_resource);
    Output x = ops::Const(s, F({1, 2, -1, 0.5, 0.3, -2, 2, 1}, {4, 2}));
    Output y = ops::Const(s, F({1, -1, 0.5, 2}, {4, 1}));
    Output h = ops::Tanh(s, ops::Add(s, ops::MatMul(s, x, w1), b1));
    Output d = ops::Sub(s, ops::MatMul(s, h, w2), y);
    loss = ops::Mean(s.WithOpName("loss"), ops::Square(s, d), Input({0, 1}));
    train = optimizer.Minimize(s, loss);
  }
};

std::vector<float> Losses(bool use_resource, const Optimizer& optimizer,
                          int steps) {
  Model m(use_resource, optimizer);
  EXPECT_TRUE(m.s.ok()) << m.s.status();
  Output init = GlobalVariablesInitializer(m.s);
  auto session = Session::Create(m.s);
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return {};
  EXPECT_TRUE((*session)->Run({}, {}, {init}).ok());
  std::vector<float> losses;
  for (int i = 0; i < steps; ++i) {
    auto out = (*session)->Run(FeedDict{}, {m.loss}, {m.train});
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) return {};
    losses.push_back((*out)[0].data<float>()[0]);
  }
  return losses;
}

TEST(ResourceOptimizerTest, AdamTrainsExactlyLikeRefVariables) {
  std::vector<float> ref = Losses(false, AdamOptimizer(0.05), 30);
  std::vector<float> res = Losses(true, AdamOptimizer(0.05), 30);
  ASSERT_EQ(ref.size(), 30u);
  EXPECT_EQ(ref, res);
  EXPECT_LT(res.back(), 0.5 * res.front());
}

TEST(ResourceOptimizerTest, GradientDescentTrainsExactlyLikeRefVariables) {
  std::vector<float> ref = Losses(false, GradientDescentOptimizer(0.1), 30);
  std::vector<float> res = Losses(true, GradientDescentOptimizer(0.1), 30);
  ASSERT_EQ(ref.size(), 30u);
  EXPECT_EQ(ref, res);
  EXPECT_LT(res.back(), 0.8 * res.front());
}

TEST(ResourceOptimizerTest, BuildsTensorFlowsResourceGraph) {
  AdamOptimizer adam(0.01);
  Model m(true, adam);
  ASSERT_TRUE(m.s.ok()) << m.s.status();
  const Graph& g = *m.s.graph();
  auto op = [&](const std::string& name) {
    const Node* n = g.FindNode(name);
    return n ? n->op() : "missing " + name;
  };
  EXPECT_EQ(op("w1"), "VarHandleOp");
  EXPECT_EQ(op("w1/Assign"), "AssignVariableOp");
  EXPECT_EQ(op("w1/Read/ReadVariableOp"), "ReadVariableOp");
  EXPECT_EQ(op("w1/Adam"), "VarHandleOp");
  EXPECT_EQ(op("w1/Adam_1"), "VarHandleOp");
  EXPECT_EQ(op("beta1_power"), "VarHandleOp");
  EXPECT_EQ(op("Adam/update_w1/ResourceApplyAdam"), "ResourceApplyAdam");
  EXPECT_EQ(TrainableVariables(g).size(), 3u);
  EXPECT_TRUE(TrainableVariables(g)[0].is_resource());
  EXPECT_EQ(TrainableVariables(g)[0].read.node->name(),
            "w1/Read/ReadVariableOp");
  EXPECT_EQ(TrainableVariables(g)[0].shape().DebugString(),
            PartialShape({2, 3}).DebugString());
}

}  // namespace
}  // namespace graphflow
