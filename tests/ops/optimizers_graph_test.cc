// The graph TF's optimizers build (names, inputs, control dependencies, as in
// ../shared/tfgraphs/*_adam_train.pbtxt), reuse, and the error paths.
#include <set>

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

std::vector<std::string> InputNames(const Node* n) {
  std::vector<std::string> names;
  for (const Endpoint& e : n->inputs()) names.push_back(EndpointName(e));
  return names;
}

std::set<std::string> ControlNames(const Node* n) {
  std::set<std::string> names;
  for (const Node* c : n->control_inputs()) names.insert(c->name());
  return names;
}

// W [2,3] and b [3] of a tiny linear model with a squared loss.
struct Linear {
  Scope s = NewRootScope();
  Variable W, b;
  Output loss;
  Linear() {
    Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 2});
    W = GetVariable(s, "W", {2, 3}, init::XavierUniform(1));
    b = GetVariable(s, "b", {3}, init::Zeros());
    Output y = ops::Add(s, ops::MatMul(s, x, W), b);
    loss = ops::Mean(s.WithOpName("loss"), ops::Square(s, y), Input({0, 1}));
  }
};

TEST(OptimizerGraphTest, AdamBuildsTensorFlowsGraph) {
  Linear m;
  Output train = AdamOptimizer(0.01).Minimize(m.s, m.loss);
  ASSERT_OK(m.s.status());
  const Graph& g = *m.s.graph();
  auto node = [&](const std::string& name) {
    const Node* n = g.FindNode(name);
    EXPECT_NE(n, nullptr) << name;
    return n;
  };
  // The train op: a NoOp "Adam" after every update and both power updates.
  EXPECT_EQ(train.node->name(), "Adam");
  EXPECT_EQ(train.op(), "NoOp");
  EXPECT_EQ(ControlNames(train.node),
            std::set<std::string>({"Adam/update_W/ApplyAdam",
                                   "Adam/update_b/ApplyAdam", "Adam/Assign",
                                   "Adam/Assign_1"}));
  // Slots: zero-initialized, non-trainable, shaped like their variable.
  for (const std::string slot : {"W/Adam", "W/Adam_1", "b/Adam", "b/Adam_1"}) {
    const Node* n = node(slot);
    if (!n) continue;
    EXPECT_EQ(n->op(), "VariableV2");
    EXPECT_NE(g.FindNode(slot + "/Initializer/zeros"), nullptr) << slot;
    EXPECT_NE(g.FindNode(slot + "/read"), nullptr) << slot;
  }
  EXPECT_EQ(*node("W/Adam")->FindAttr<PartialShape>("shape"),
            PartialShape({2, 3}));
  EXPECT_EQ(*node("b/Adam_1")->FindAttr<PartialShape>("shape"),
            PartialShape({3}));
  EXPECT_EQ(TrainableVariables(g).size(), 2u);
  EXPECT_EQ(GlobalVariables(g).size(), 8u);  // W, b, 2 powers, 4 slots.
  // Powers: scalar float variables made from their initial values.
  for (const char* power : {"beta1_power", "beta2_power"}) {
    EXPECT_EQ(node(power)->op(), "VariableV2");
    EXPECT_NE(g.FindNode(std::string(power) + "/initial_value"), nullptr);
  }
  for (const char* c :
       {"Adam/learning_rate", "Adam/beta1", "Adam/beta2", "Adam/epsilon"}) {
    EXPECT_EQ(node(c)->op(), "Const");
  }
  // ApplyAdam's inputs in TF's order.
  const Node* apply = node("Adam/update_W/ApplyAdam");
  ASSERT_NE(apply, nullptr);
  EXPECT_EQ(apply->op(), "ApplyAdam");
  std::vector<std::string> inputs = InputNames(apply);
  ASSERT_EQ(inputs.size(), 10u);
  EXPECT_EQ(
      std::vector<std::string>(inputs.begin(), inputs.begin() + 9),
      std::vector<std::string>({"W", "W/Adam", "W/Adam_1", "beta1_power/read",
                                "beta2_power/read", "Adam/learning_rate",
                                "Adam/beta1", "Adam/beta2", "Adam/epsilon"}));
  EXPECT_EQ(inputs[9].rfind("gradients/", 0), 0u) << inputs[9];
  EXPECT_EQ(*apply->FindAttr<bool>("use_nesterov"), false);
  // The powers advance after the updates (control dependencies).
  const Node* mul = node("Adam/mul");
  EXPECT_EQ(InputNames(mul),
            std::vector<std::string>({"beta1_power/read", "Adam/beta1"}));
  EXPECT_EQ(ControlNames(mul),
            std::set<std::string>(
                {"Adam/update_W/ApplyAdam", "Adam/update_b/ApplyAdam"}));
  EXPECT_EQ(InputNames(node("Adam/Assign")),
            std::vector<std::string>({"beta1_power", "Adam/mul"}));
  EXPECT_EQ(InputNames(node("Adam/mul_1")),
            std::vector<std::string>({"beta2_power/read", "Adam/beta2"}));
  EXPECT_EQ(InputNames(node("Adam/Assign_1")),
            std::vector<std::string>({"beta2_power", "Adam/mul_1"}));
  // "init" covers the slots and powers too.
  Output init = GlobalVariablesInitializer(m.s);
  EXPECT_EQ(init.node->control_inputs().size(), 8u);
}

TEST(OptimizerGraphTest, GradientDescentGraph) {
  Linear m;
  Output train = GradientDescentOptimizer(0.5).Minimize(m.s, m.loss);
  ASSERT_OK(m.s.status());
  const Graph& g = *m.s.graph();
  EXPECT_EQ(train.node->name(), "GradientDescent");
  EXPECT_EQ(train.op(), "NoOp");
  EXPECT_EQ(
      ControlNames(train.node),
      std::set<std::string>({"GradientDescent/update_W/ApplyGradientDescent",
                             "GradientDescent/update_b/ApplyGradientDescent"}));
  const Node* apply =
      g.FindNode("GradientDescent/update_b/ApplyGradientDescent");
  ASSERT_NE(apply, nullptr);
  std::vector<std::string> inputs = InputNames(apply);
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_EQ(inputs[0], "b");
  EXPECT_EQ(inputs[1], "GradientDescent/learning_rate");
  EXPECT_EQ(GlobalVariables(g).size(), 2u);  // No slots.
}

TEST(OptimizerGraphTest, UnderANameScope) {
  Linear m;
  Output train =
      GradientDescentOptimizer(0.5).Minimize(m.s.NewSubScope("train"), m.loss);
  ASSERT_OK(m.s.status());
  EXPECT_EQ(train.node->name(), "train/GradientDescent");
  EXPECT_NE(m.s.graph()->FindNode(
                "train/GradientDescent/update_W/ApplyGradientDescent"),
            nullptr);
}

TEST(OptimizerGraphTest, TwoOptimizersAndReuse) {
  Linear m;
  AdamOptimizer adam(0.01);
  Output t1 = adam.Minimize(m.s, m.loss);
  // The same optimizer again (another loss): slots and powers are reused.
  Output loss2 = ops::Sum(m.s, ops::Square(m.s, m.b), Input({0}));
  Output t2 = adam.Minimize(m.s, loss2, {m.b});
  // A second Adam gets its own powers and slots.
  Output t3 = AdamOptimizer(0.02).Minimize(m.s, m.loss);
  ASSERT_OK(m.s.status());
  const Graph& g = *m.s.graph();
  EXPECT_EQ(t1.node->name(), "Adam");
  EXPECT_EQ(t2.node->name(), "Adam_1");
  EXPECT_EQ(t3.node->name(), "Adam_2");
  EXPECT_EQ(InputNames(g.FindNode("Adam_1/update_b/ApplyAdam"))[1], "b/Adam");
  EXPECT_NE(g.FindNode("beta1_power_1"), nullptr);
  EXPECT_EQ(g.FindNode("beta1_power_2"), nullptr);
  EXPECT_EQ(InputNames(g.FindNode("Adam_2/update_W/ApplyAdam"))[3],
            "beta1_power_1/read");
  EXPECT_EQ(GlobalVariables(g).size(), 2u + 6u + 6u);
  // All three train.
  Output init = GlobalVariablesInitializer(m.s);
  auto session = Session::Create(m.s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  FeedDict feed = {{Output(g.FindNode("x")), F({1, 2, 3, 4}, {2, 2})}};
  for (const Output& t : {t1, t2, t3}) {
    EXPECT_OK((*session)->Run(feed, {}, {t}).status());
  }
}

TEST(OptimizerGraphTest, NoGradientForAnyVariableNamesThem) {
  Scope s = NewRootScope();
  Variable a = GetVariable(s, "a", {2}, init::Zeros());
  Variable b = GetVariable(s, "b", {2}, init::Zeros());
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {2});
  // The loss does not depend on any variable (ArgMax has no gradient).
  Output loss =
      ops::Add(s, ops::Sum(s, ops::Square(s, x), Input({0})),
               ops::Cast(s, ops::ArgMax(s, ops::Add(s, a, b), 0), DT_FLOAT));
  Output train = AdamOptimizer().Minimize(s, loss);
  EXPECT_FALSE(train.valid());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(s.status().message());
  EXPECT_NE(message.find("no gradients"), std::string::npos) << message;
  EXPECT_NE(message.find("a, b"), std::string::npos) << message;
  EXPECT_EQ(s.graph()->FindNode("beta1_power"), nullptr);
}

TEST(OptimizerGraphTest, SomeVariablesWithoutGradientAreSkipped) {
  Scope s = NewRootScope();
  Variable a = GetVariable(s, "a", {2}, init::Ones());
  GetVariable(s, "unused", {2}, init::Ones());
  Output loss = ops::Sum(s, ops::Square(s, a), Input({0}));
  Output train = GradientDescentOptimizer(0.1).Minimize(s, loss);
  ASSERT_OK(s.status());
  EXPECT_EQ(train.node->control_inputs().size(), 1u);
  EXPECT_EQ(s.graph()->FindNode("GradientDescent/update_unused/"
                                "ApplyGradientDescent"),
            nullptr);
}

TEST(OptimizerGraphTest, NoVariablesIsAnError) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {2});
  Output loss = ops::Sum(s, ops::Square(s, x), Input({0}));
  EXPECT_FALSE(GradientDescentOptimizer(0.1).Minimize(s, loss).valid());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("no variables"), std::string::npos)
      << s.status();
}

TEST(OptimizerGraphTest, EarlierErrorsPassThrough) {
  Linear m;
  m.s.UpdateStatus(absl::InvalidArgumentError("earlier"));
  EXPECT_FALSE(AdamOptimizer().Minimize(m.s, m.loss).valid());
  EXPECT_TRUE(AdamOptimizer().ComputeGradients(m.s, m.loss).empty());
  EXPECT_NE(m.s.status().message().find("earlier"), std::string::npos);
}

}  // namespace
}  // namespace graphflow
