// The plan-time graph optimizer (session/graph_optimizer.h): each rewrite
// happens (seen in the run's trace), gives bit-identical results to the
// unfused kernels, and steps aside for values the caller feeds or fetches;
// SessionOptions::optimize = false turns it off.
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "examples/course_model.h"
#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "ops/array_ops.h"
#include "ops/conv_ops.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/nn_ops.h"
#include "ops/pooling_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::TensorNear;

Tensor RandomTensor(const TensorShape& shape, int seed) {
  Tensor t(DT_FLOAT, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(gen);
  return t;
}

std::unique_ptr<Session> NewSession(const Scope& s, bool optimize,
                                    const KernelRegistry* kernels = nullptr) {
  SessionOptions options;
  options.optimize = optimize;
  options.kernels = kernels;
  options.seed = 7;
  auto session = Session::Create(s, options);
  EXPECT_TRUE(session.ok()) << session.status();
  return session.ok() ? std::move(*session) : nullptr;
}

// The op of every kernel a traced run executes, and its fetches.
struct TracedRun {
  std::vector<Tensor> outputs;
  std::multiset<std::string> ops;
  // emit_activation and emit_argmax of each _FusedConv2DMaxPool that ran.
  std::vector<bool> conv_pool_emits, conv_pool_argmaxes;
};
TracedRun Traced(Session& session, const NamedTensors& feeds,
                 const std::vector<std::string>& fetches,
                 const std::vector<std::string>& targets = {}) {
  RunMetadata metadata;
  auto out = session.Run(feeds, fetches, targets, RunOptions{.trace = true},
                         &metadata);
  EXPECT_TRUE(out.ok()) << out.status();
  TracedRun run;
  if (out.ok()) run.outputs = std::move(*out);
  for (const NodeExecStats& s : metadata.step_stats) {
    run.ops.insert(s.node->op());
    if (s.node->op() == "_FusedConv2DMaxPool") {
      bool emit = true;
      EXPECT_TRUE(s.node->GetAttr("emit_activation", &emit).ok());
      run.conv_pool_emits.push_back(emit);
      EXPECT_TRUE(s.node->GetAttr("emit_argmax", &emit).ok());
      run.conv_pool_argmaxes.push_back(emit);
    }
  }
  return run;
}

// Within float rounding of sums taken in another order.
void ExpectNear(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(TensorNear(a[i], b[i], 1e-5, 1e-4)) << "fetch " << i;
  }
}

void ExpectBitwiseEqual(const std::vector<Tensor>& a,
                        const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].shape(), b[i].shape()) << "fetch " << i;
    EXPECT_EQ(0, std::memcmp(a[i].raw_data(), b[i].raw_data(),
                             a[i].num_elements() * sizeof(float)))
        << "fetch " << i;
  }
}

const std::set<std::string> kFusedOps = {
    "_FusedConv2D",
    "_FusedConv2DMaxPool",
    "_FusedMatMul",
    "MaxPoolWithArgmax",
    "MaxPoolGradWithArgmax",
    "_FusedMaxPoolGradReluGrad",
    "_FusedMaxPoolGradConv2DBackpropFilter",
    "_FusedMatMulApplyAdam"};

int CountFused(const std::multiset<std::string>& ops) {
  int n = 0;
  for (const std::string& op : ops) n += kFusedOps.contains(op);
  return n;
}

// Trains `model` a few Adam steps in two sessions, optimized and not: the
// same losses and variables, bit for bit.
void ExpectTrainingUnchanged(const examples::CourseModel& model,
                             const TensorShape& x_shape, int classes,
                             const std::multiset<std::string>& expected_ops,
                             bool bitwise) {
  const Tensor x = RandomTensor(x_shape, 1);
  Tensor y(DT_FLOAT, {x_shape.dim(0), classes});
  y.FillZero();
  for (int64_t i = 0; i < x_shape.dim(0); ++i) {
    y.data<float>()[i * classes + i % classes] = 1;
  }
  const NamedTensors feeds = {{model.X.name(), x}, {model.Y.name(), y}};
  std::vector<std::vector<Tensor>> results;
  std::vector<std::multiset<std::string>> ops;
  for (bool optimize : {true, false}) {
    auto session = NewSession(model.scope, optimize);
    ASSERT_NE(session, nullptr);
    ASSERT_TRUE(session->Run({}, {}, {model.init.node->name()}).ok());
    std::vector<Tensor> losses;
    std::multiset<std::string> step_ops;
    for (int step = 0; step < 3; ++step) {
      TracedRun run = Traced(*session, feeds, {model.cost.name()},
                             {model.optimizer.node->name()});
      ASSERT_EQ(run.outputs.size(), 1u);
      losses.push_back(run.outputs[0]);
      step_ops = run.ops;
    }
    // The trained variables, read through a plan of their own.
    std::vector<std::string> vars;
    for (const Node* v :
         model.scope.graph()->GetCollection("trainable_variables")) {
      vars.push_back(v->name());
    }
    ASSERT_FALSE(vars.empty());
    auto values = session->Run({}, vars);
    ASSERT_TRUE(values.ok()) << values.status();
    losses.insert(losses.end(), values->begin(), values->end());
    results.push_back(std::move(losses));
    ops.push_back(std::move(step_ops));
  }
  if (bitwise) {
    ExpectBitwiseEqual(results[0], results[1]);
  } else {
    ExpectNear(results[0], results[1]);
  }
  EXPECT_EQ(CountFused(ops[1]), 0);
  std::set<std::string> checked = kFusedOps;
  checked.insert(expected_ops.begin(), expected_ops.end());
  for (const std::string& op : checked) {
    EXPECT_EQ(ops[0].count(op), expected_ops.count(op)) << op;
  }
}

TEST(GraphOptimizerTest, CourseCnnTrainsTheSame) {
  examples::CourseConfig config;
  config.classes = 6;
  examples::CourseModel model = examples::BuildCourseModel(config, 16, 16, 3);
  ASSERT_TRUE(model.scope.status().ok()) << model.scope.status();
  // Conv+Relu+pool with argmax twice, conv1's filter gradient straight
  // from its pool's argmax (its input is X: no input gradient), conv2's
  // pool gradient fused with ReluGrad, and the final MatMul+BiasAdd.
  // Conv1's filter gradient sums in another order.
  ExpectTrainingUnchanged(
      model, {8, 16, 16, 3}, 6,
      {"_FusedConv2DMaxPool", "_FusedConv2DMaxPool",
       "_FusedMaxPoolGradConv2DBackpropFilter", "_FusedMaxPoolGradReluGrad",
       "_FusedMatMul", "Conv2DBackpropFilter"},
      /*bitwise=*/false);
}

TEST(GraphOptimizerTest, MnistDeepTrainsTheSame) {
  examples::CourseConfig config;
  config.model = "deep";
  config.deep_filters1 = 4, config.deep_filters2 = 8, config.deep_hidden = 16;
  examples::CourseModel model = examples::BuildCourseModel(config, 28, 28, 1);
  ASSERT_TRUE(model.scope.status().ok()) << model.scope.status();
  // Conv+BiasAdd+Relu+pool twice, fc1's MatMul+BiasAdd+Relu, fc2's
  // MatMul+BiasAdd, fc1's weight gradient into its Adam update (16 columns;
  // fc2's 10 are not whole vectors), the convs' bias gradients from their
  // pool gradients (fc1's and fc2's stay BiasAddGrads). The fused update's
  // product is another GEMM's sum, the bias gradients sum in another order.
  ExpectTrainingUnchanged(
      model, {4, 28, 28, 1}, 10,
      {"_FusedConv2DMaxPool", "_FusedConv2DMaxPool", "_FusedMatMul",
       "_FusedMatMul", "_FusedMaxPoolGradReluGrad", "_FusedMaxPoolGradReluGrad",
       "_FusedMatMulApplyAdam", "BiasAddGrad", "BiasAddGrad"},
      /*bitwise=*/false);
}

class SmallConvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    x_ = ops::Placeholder(s_.WithOpName("x"), DT_FLOAT);
    conv_ = ops::Conv2D(s_.WithOpName("conv"), x_,
                        ops::Const(s_, RandomTensor({3, 3, 2, 4}, 2)),
                        {1, 1, 1, 1}, "SAME");
    bias_ = ops::BiasAdd(s_.WithOpName("bias"), conv_,
                         ops::Const(s_, RandomTensor({4}, 3)));
    relu_ = ops::Relu(s_.WithOpName("relu"), bias_);
    pool_ = ops::MaxPool(s_.WithOpName("pool"), relu_, {1, 2, 2, 1},
                         {1, 2, 2, 1}, "VALID");
    loss_ = ops::Sum(s_.WithOpName("loss"), ops::Square(s_, pool_),
                     Input({0, 1, 2, 3}));
    std::vector<Output> dx, drelu;
    ASSERT_TRUE(AddSymbolicGradients(s_, {loss_}, {x_}, &dx).ok());
    ASSERT_TRUE(AddSymbolicGradients(s_, {loss_}, {relu_}, &drelu).ok());
    dx_ = dx[0];
    drelu_ = drelu[0];
    ASSERT_TRUE(dx_.valid() && drelu_.valid());
    x_value_ = RandomTensor({2, 6, 6, 2}, 4);
  }
  // Runs the fetches optimized and not: bit-identical; returns the
  // optimized run's ops.
  std::multiset<std::string> Compare(const std::vector<std::string>& fetches,
                                     NamedTensors feeds = {}) {
    feeds.emplace_back("x", x_value_);
    auto on = NewSession(s_, true), off = NewSession(s_, false);
    TracedRun a = Traced(*on, feeds, fetches), b = Traced(*off, feeds, fetches);
    ExpectBitwiseEqual(a.outputs, b.outputs);
    EXPECT_EQ(CountFused(b.ops), 0);
    conv_pool_emits_ = a.conv_pool_emits;
    conv_pool_argmaxes_ = a.conv_pool_argmaxes;
    return a.ops;
  }

  // Of the last Compare.
  std::vector<bool> conv_pool_emits_, conv_pool_argmaxes_;
  Scope s_ = NewRootScope();
  Output x_, conv_, bias_, relu_, pool_, loss_, dx_, drelu_;
  Tensor x_value_;
};

TEST_F(SmallConvTest, FusesTheWholeChain) {
  std::multiset<std::string> ops = Compare({loss_.name(), dx_.name()});
  EXPECT_EQ(ops.count("_FusedConv2DMaxPool"), 1u);
  EXPECT_EQ(ops.count("Conv2D") + ops.count("_FusedConv2D") +
                ops.count("BiasAdd") + ops.count("Relu") +
                ops.count("MaxPool") + ops.count("MaxPoolWithArgmax") +
                ops.count("MaxPoolGrad") + ops.count("ReluGrad"),
            0u);
  EXPECT_EQ(ops.count("_FusedMaxPoolGradReluGrad"), 1u);
  // The pool's gradient reads the argmax.
  EXPECT_EQ(conv_pool_argmaxes_, std::vector<bool>{true});
}

TEST_F(SmallConvTest, BiasGradientFromThePoolGradient) {
  // d loss / d bias comes from the fused pool gradient, not a BiasAddGrad
  // over the dense gradient: equal up to the order of the sums.
  std::vector<Output> grads;
  ASSERT_TRUE(AddSymbolicGradients(s_, {loss_},
                                   {Output(bias_.node->input(1).node, 0), x_},
                                   &grads)
                  .ok());
  const std::vector<std::string> fetches = {grads[0].name(), grads[1].name()};
  const NamedTensors feeds = {{"x", x_value_}};
  auto on = NewSession(s_, true), off = NewSession(s_, false);
  TracedRun a = Traced(*on, feeds, fetches), b = Traced(*off, feeds, fetches);
  ExpectNear(a.outputs, b.outputs);
  EXPECT_EQ(a.ops.count("_FusedMaxPoolGradReluGrad"), 1u);
  EXPECT_EQ(a.ops.count("BiasAddGrad"), 0u);
  EXPECT_EQ(b.ops.count("BiasAddGrad"), 1u);
}

TEST_F(SmallConvTest, InferenceFusesConvAndPool) {
  // Only the pool read: the activation is never written.
  std::multiset<std::string> ops = Compare({pool_.name()});
  EXPECT_EQ(ops.count("_FusedConv2DMaxPool"), 1u);
  EXPECT_EQ(ops.count("_FusedConv2D") + ops.count("MaxPool"), 0u);
  EXPECT_EQ(conv_pool_emits_, std::vector<bool>{false});
  // Nothing reads an argmax: none is written.
  EXPECT_EQ(conv_pool_argmaxes_, std::vector<bool>{false});
  // The activation fetched too: written, and equal.
  ops = Compare({pool_.name(), relu_.name()});
  EXPECT_EQ(ops.count("_FusedConv2DMaxPool"), 1u);
  EXPECT_EQ(ops.count("Relu") + ops.count("MaxPool"), 0u);
  EXPECT_EQ(conv_pool_emits_, std::vector<bool>{true});
}

TEST_F(SmallConvTest, APoolWithAControlInputStaysInPlace) {
  // The fused node would run at the conv's place, before the pool's
  // control input: the pool stays a pool.
  Output after = ops::Identity(s_.WithOpName("after"), x_);
  Output pool = ops::MaxPool(
      s_.WithOpName("ordered_pool").WithControlDependencies({after}), relu_,
      {1, 2, 2, 1}, {1, 2, 2, 1}, "VALID");
  std::multiset<std::string> ops = Compare({pool.name()});
  EXPECT_EQ(ops.count("_FusedConv2DMaxPool"), 0u);
  EXPECT_EQ(ops.count("_FusedConv2D"), 1u);
  EXPECT_EQ(ops.count("MaxPool"), 1u);
}

TEST_F(SmallConvTest, AFetchedIntermediateIsKept) {
  // bias is fetched: only Conv2D+BiasAdd fuse, Relu runs on its own.
  std::multiset<std::string> ops = Compare({bias_.name(), loss_.name()});
  EXPECT_EQ(ops.count("_FusedConv2D"), 1u);
  EXPECT_EQ(ops.count("Relu"), 1u);
  // The pool gradient's value itself (ReluGrad's input) is fetched: the
  // gradient is MaxPoolGradWithArgmax, ReluGrad runs on its own.
  std::string pool_grad;
  for (const auto& node : s_.graph()->nodes()) {
    if (node->op() == "ReluGrad") pool_grad = EndpointName(node->input(0));
  }
  ASSERT_FALSE(pool_grad.empty());
  ops = Compare({pool_grad, dx_.name()});
  EXPECT_EQ(ops.count("MaxPoolGradWithArgmax"), 1u);
  EXPECT_EQ(ops.count("ReluGrad"), 1u);
  // Conv2D's output fetched: nothing fuses into it.
  ops = Compare({conv_.name(), relu_.name()});
  EXPECT_EQ(ops.count("Conv2D"), 1u);
  EXPECT_EQ(ops.count("BiasAdd"), 1u);
}

TEST_F(SmallConvTest, AFedIntermediateIsRespected) {
  // Feeding bias cuts the conv out of the plan; Relu reads the feed.
  std::multiset<std::string> ops =
      Compare({pool_.name()}, {{bias_.name(), RandomTensor({2, 6, 6, 4}, 5)}});
  EXPECT_EQ(ops.count("Conv2D") + ops.count("_FusedConv2D"), 0u);
  EXPECT_EQ(ops.count("Relu"), 1u);
}

TEST_F(SmallConvTest, KernelsWithoutFusedOpsRunUnfused) {
  KernelRegistry plain;
  const KernelRegistry& all = GlobalKernelRegistry();
  for (const std::string& op : all.OpNames()) {
    if (!kFusedOps.contains(op)) {
      ASSERT_TRUE(plain.Register(op, *all.Find(op)).ok());
    }
  }
  auto session = NewSession(s_, true, &plain);
  TracedRun run = Traced(*session, {{"x", x_value_}}, {dx_.name()});
  EXPECT_EQ(CountFused(run.ops), 0);
  auto off = NewSession(s_, false);
  ExpectBitwiseEqual(run.outputs,
                     Traced(*off, {{"x", x_value_}}, {dx_.name()}).outputs);
}

// conv -> relu -> max pool's filter gradient from the argmax, for strides,
// dilations, overlapping windows and SAME/VALID.
TEST(GraphOptimizerTest, FilterGradientFromTheArgmax) {
  struct Case {
    std::vector<int64_t> strides, dilations;
    const char* padding;
    int64_t window, pool_stride;
  };
  for (const Case& c : {Case{{1, 1, 1, 1}, {1, 1, 1, 1}, "SAME", 2, 2},
                        Case{{1, 2, 2, 1}, {1, 1, 1, 1}, "VALID", 3, 2},
                        Case{{1, 1, 1, 1}, {1, 2, 2, 1}, "SAME", 3, 1}}) {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
    Output w = ops::Const(s, RandomTensor({3, 3, 2, 5}, 8));
    Output conv =
        ops::Conv2D(s, x, w, c.strides, c.padding, {.dilations = c.dilations});
    Output pool =
        ops::MaxPool(s, ops::Relu(s, conv), {1, c.window, c.window, 1},
                     {1, c.pool_stride, c.pool_stride, 1}, "SAME");
    // d loss / d pool = 1 + 2 pool: nonzero where a window's maximum is 0,
    // which must pass nothing (ReluGrad's mask).
    Output loss = ops::Sum(s, ops::Add(s, pool, ops::Square(s, pool)),
                           Input({0, 1, 2, 3}));
    std::vector<Output> grads;
    ASSERT_TRUE(AddSymbolicGradients(s, {loss}, {w}, &grads).ok());
    const NamedTensors feeds = {{"x", RandomTensor({3, 9, 8, 2}, 9)}};
    auto on = NewSession(s, true), off = NewSession(s, false);
    TracedRun a = Traced(*on, feeds, {grads[0].name(), loss.name()});
    TracedRun b = Traced(*off, feeds, {grads[0].name(), loss.name()});
    ExpectNear(a.outputs, b.outputs);
    EXPECT_EQ(a.ops.count("_FusedMaxPoolGradConv2DBackpropFilter"), 1u);
    EXPECT_EQ(a.ops.count("Conv2DBackpropFilter"), 0u);
    // The filter gradient does not read the activation: the fused conv and
    // pool never write it.
    EXPECT_EQ(a.conv_pool_emits, std::vector<bool>{false});
    EXPECT_EQ(a.conv_pool_argmaxes, std::vector<bool>{true});
  }
}

TEST(GraphOptimizerTest, PoolGradientWithoutReluUsesTheArgmax) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output pool = ops::MaxPool(s, x, {1, 3, 3, 1}, {1, 2, 2, 1}, "SAME");
  Output loss = ops::Sum(s, ops::Mul(s, pool, pool), Input({0, 1, 2, 3}));
  std::vector<Output> grads;
  ASSERT_TRUE(AddSymbolicGradients(s, {loss}, {x}, &grads).ok());
  // Ties: overlapping windows of equal values route to the same first max.
  Tensor value = RandomTensor({2, 7, 7, 3}, 6);
  for (int64_t i = 0; i < value.num_elements(); i += 4) {
    value.data<float>()[i] = 0.5f;
  }
  auto on = NewSession(s, true), off = NewSession(s, false);
  TracedRun a = Traced(*on, {{"x", value}}, {grads[0].name(), pool.name()});
  TracedRun b = Traced(*off, {{"x", value}}, {grads[0].name(), pool.name()});
  ExpectBitwiseEqual(a.outputs, b.outputs);
  EXPECT_EQ(a.ops.count("MaxPoolWithArgmax"), 1u);
  EXPECT_EQ(a.ops.count("MaxPoolGradWithArgmax"), 1u);
  EXPECT_EQ(a.ops.count("MaxPoolGrad"), 0u);
}

}  // namespace
}  // namespace graphflow
