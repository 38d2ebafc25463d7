// The data-parallel rewrite's graph structure (no MPI needed): one fused
// MpiAllreduce feeding every optimizer op's gradient input.
#include "distributed/rewrite.h"

#include "distributed/allreduce_op.h"
#include "gtest/gtest.h"
#include "ops/all_ops.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/matmul_ops.h"
#include "ops/optimizers.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "ops/variables.h"
#include "tests/support/test_util.h"

namespace graphflow::distributed {
namespace {

using testing::F;

// loss = sum((x w + b)^2) over two variables, trained by `optimizer`.
Scope LinearModel(const Optimizer& optimizer) {
  Scope s = NewRootScope();
  Variable w = NewVariable(s, "w", F({0.5f, -1.0f}, {2, 1}));
  Variable b = NewVariable(s, "b", F({0.1f}, {1}));
  Output x = ops::Const(s, {1.0f, 2.0f, 3.0f, 4.0f}, {2, 2});
  Output y = ops::Add(s, ops::MatMul(s, x, w), b);
  Output loss =
      ops::Sum(s, ops::Square(s, y), ops::Const(s, testing::I32({0, 1}, {2})));
  optimizer.Minimize(s, loss);
  return s;
}

// The optimizer nodes of `graph` and the tensor each reads as gradient.
std::vector<std::pair<const Node*, Endpoint>> Updates(const Graph& graph,
                                                      const std::string& op,
                                                      int grad_input) {
  std::vector<std::pair<const Node*, Endpoint>> out;
  for (const auto& n : graph.nodes()) {
    if (n->op() == op) out.emplace_back(n.get(), n->input(grad_input));
  }
  return out;
}

void ExpectRoutedThroughAllreduce(const Scope& s, const std::string& op,
                                  int grad_input) {
  ASSERT_OK(s.status());
  const Graph& original = *s.graph();
  auto rewritten = DistributeTrainingGraph(original);
  ASSERT_OK(rewritten.status());
  const Graph& g = **rewritten;
  EXPECT_EQ(g.num_nodes(), original.num_nodes() + 1);
  const Node* reduce = g.FindNode(kAllreduceOp);
  ASSERT_NE(reduce, nullptr);
  EXPECT_EQ(reduce->op(), kAllreduceOp);
  int64_t n = 0;
  ASSERT_OK(reduce->GetAttr("N", &n));

  auto before = Updates(original, op, grad_input);
  auto after = Updates(g, op, grad_input);
  ASSERT_EQ(before.size(), 2u);  // w and b.
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(n, 2);
  for (size_t i = 0; i < after.size(); ++i) {
    // The update now reads slot k of the allreduce, whose input k is the
    // gradient it read before; the shape is kept.
    const Endpoint e = after[i].second;
    EXPECT_EQ(e.node, reduce) << after[i].first->name();
    EXPECT_EQ(EndpointName(reduce->input(e.index)),
              EndpointName(before[i].second));
    EXPECT_EQ(reduce->output_shape(e.index).DebugString(),
              before[i]
                  .second.node->output_shape(before[i].second.index)
                  .DebugString());
  }
  // The original graph is untouched.
  for (const auto& [node, grad] : Updates(original, op, grad_input)) {
    EXPECT_NE(grad.node->op(), kAllreduceOp);
  }
}

TEST(DistributeTrainingGraph, GradientDescentDeltaGoesThroughOneAllreduce) {
  ExpectRoutedThroughAllreduce(LinearModel(GradientDescentOptimizer(0.1)),
                               "ApplyGradientDescent", 2);
}

TEST(DistributeTrainingGraph, AdamGradGoesThroughOneAllreduce) {
  ExpectRoutedThroughAllreduce(LinearModel(AdamOptimizer(0.01)), "ApplyAdam",
                               9);
}

TEST(DistributeTrainingGraph, GraphWithoutOptimizerIsAnError) {
  Scope s = NewRootScope();
  ops::Add(s, ops::Const(s, 1.0f), ops::Const(s, 2.0f));
  auto r = DistributeTrainingGraph(*s.graph());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no optimizer op"), std::string::npos)
      << r.status();
}

TEST(DistributeTrainingGraph, OnlyTheDistributedRegistryKnowsTheOp) {
  EXPECT_EQ(GlobalOpRegistry().Find(kAllreduceOp), nullptr);
  const OpDef* def = DistributedOpRegistry().Find(kAllreduceOp);
  ASSERT_NE(def, nullptr);
  EXPECT_TRUE(def->no_gradient);
  EXPECT_TRUE(def->is_stateful);
}

TEST(GraphFingerprint, SameGraphSameHashOtherGraphOtherHash) {
  Scope a = LinearModel(GradientDescentOptimizer(0.1));
  Scope b = LinearModel(GradientDescentOptimizer(0.1));
  Scope c = LinearModel(GradientDescentOptimizer(0.2));
  EXPECT_EQ(GraphFingerprint(*a.graph()), GraphFingerprint(*b.graph()));
  EXPECT_NE(GraphFingerprint(*a.graph()), GraphFingerprint(*c.graph()));
}

TEST(DistributeTrainingGraph, TfWrittenAdamGraph) {
  GF_SKIP_WITHOUT_SHARED(path, "tfgraphs/mnist_mlp_adam_train.pbtxt");
  std::unique_ptr<Graph> graph = testing::LoadGraph(path);
  ASSERT_NE(graph, nullptr);
  auto rewritten = DistributeTrainingGraph(*graph);
  ASSERT_OK(rewritten.status());
  const Node* reduce = (*rewritten)->FindNode(kAllreduceOp);
  ASSERT_NE(reduce, nullptr);
  // Two layers, weights and biases: four ApplyAdam, one fused allreduce.
  auto updates = Updates(**rewritten, "ApplyAdam", 9);
  EXPECT_EQ(updates.size(), 4u);
  EXPECT_EQ(reduce->num_inputs(), 4);
  for (const auto& [node, grad] : updates) {
    EXPECT_EQ(grad.node, reduce) << node->name();
    // Each allreduce output has the shape of the variable it updates.
    EXPECT_EQ(reduce->output_shape(grad.index).DebugString(),
              node->input(0).node->output_shape(0).DebugString());
  }
}

}  // namespace
}  // namespace graphflow::distributed
