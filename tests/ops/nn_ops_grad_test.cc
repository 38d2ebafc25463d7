// Numeric checks of the nn gradients (activations, softmax, losses) and
// their TF structure; pooling gradients are in pooling_ops_grad_test.cc.
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "ops/nn_ops.h"
#include "ops/pooling_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::RandomTensor;

constexpr double kTol = 1e-3;

// Values in [lo, hi) at least `gap` away from every kink.
Tensor AwayFromKinks(DataType dtype, const TensorShape& shape, uint64_t seed,
                     double lo, double hi, const std::vector<double>& kinks,
                     double gap = 0.1) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  Tensor t(dtype, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    double v;
    bool near;
    do {
      v = dist(rng);
      near = false;
      for (double k : kinks) near = near || std::abs(v - k) < gap;
    } while (near);
    if (dtype == DT_DOUBLE) {
      t.data<double>()[i] = v;
    } else {
      t.data<float>()[i] = static_cast<float>(v);
    }
  }
  return t;
}

// Rows of positive values summing to 1: the xent ops' backprop (softmax -
// labels) is the loss's gradient only for such labels, as in TF.
Tensor Distributions(DataType dtype, int64_t rows, int64_t cols,
                     uint64_t seed) {
  Tensor t = RandomTensor(DT_DOUBLE, {rows, cols}, seed, 0.1, 1);
  Tensor out(dtype, {rows, cols});
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t c = 0; c < cols; ++c) sum += t.data<double>()[r * cols + c];
    for (int64_t c = 0; c < cols; ++c) {
      double v = t.data<double>()[r * cols + c] / sum;
      if (dtype == DT_DOUBLE) {
        out.data<double>()[r * cols + c] = v;
      } else {
        out.data<float>()[r * cols + c] = static_cast<float>(v);
      }
    }
  }
  return out;
}

// Like testing::MaxGradientError for L = sum_k sum(ys[k] * R_k): every y
// gets a gradient at once, as when both outputs of a node are used.
absl::StatusOr<double> MultiOutputGradientError(
    const Scope& scope, const std::vector<Output>& xs,
    const std::vector<Tensor>& values, const std::vector<Output>& ys) {
  Scope cs = scope.NewSubScope("multi_check");
  std::vector<Output> seeds;
  for (const Output& y : ys) {
    seeds.push_back(ops::Placeholder(cs, BaseType(y.dtype())));
  }
  std::vector<Output> grads;
  RETURN_IF_ERROR(AddSymbolicGradients(cs, ys, xs, seeds, &grads));
  ASSIGN_OR_RETURN(auto session, Session::Create(scope));
  FeedDict feeds;
  for (size_t i = 0; i < xs.size(); ++i) feeds.emplace_back(xs[i], values[i]);
  ASSIGN_OR_RETURN(std::vector<Tensor> y0, session->Run(feeds, ys));
  std::vector<Tensor> r;
  FeedDict grad_feeds = feeds;
  for (size_t k = 0; k < ys.size(); ++k) {
    r.push_back(RandomTensor(y0[k].dtype(), y0[k].shape(), 100 + k));
    grad_feeds.emplace_back(seeds[k], r[k]);
  }
  ASSIGN_OR_RETURN(std::vector<Tensor> analytic,
                   session->Run(grad_feeds, grads));
  auto loss = [&](const FeedDict& f) -> absl::StatusOr<double> {
    ASSIGN_OR_RETURN(std::vector<Tensor> out, session->Run(f, ys));
    double sum = 0;
    for (size_t k = 0; k < ys.size(); ++k) {
      for (int64_t i = 0; i < out[k].num_elements(); ++i) {
        sum += out[k].ValueAsDouble(i) * r[k].ValueAsDouble(i);
      }
    }
    return sum;
  };
  double max_error = 0;
  for (size_t k = 0; k < xs.size(); ++k) {
    for (int64_t j = 0; j < values[k].num_elements(); ++j) {
      double x = values[k].ValueAsDouble(j),
             h = 1e-3 * std::max(1.0, std::abs(x));
      FeedDict fp = feeds, fm = feeds;
      fp[k].second = values[k].Clone();
      fm[k].second = values[k].Clone();
      bool dbl = values[k].dtype() == DT_DOUBLE;
      if (dbl) {
        fp[k].second.data<double>()[j] = x + h;
        fm[k].second.data<double>()[j] = x - h;
      } else {
        fp[k].second.data<float>()[j] = static_cast<float>(x + h);
        fm[k].second.data<float>()[j] = static_cast<float>(x - h);
      }
      ASSIGN_OR_RETURN(double lp, loss(fp));
      ASSIGN_OR_RETURN(double lm, loss(fm));
      double step =
          fp[k].second.ValueAsDouble(j) - fm[k].second.ValueAsDouble(j);
      double numeric = (lp - lm) / step;
      double err = std::abs(analytic[k].ValueAsDouble(j) - numeric) /
                   std::max(1.0, std::abs(numeric));
      max_error = std::max(max_error, err);
    }
  }
  return max_error;
}

// An activation's gradient in float and double on inputs away from kinks.
void CheckActivation(Output (*fn)(const Scope&, Input), double lo, double hi,
                     const std::vector<double>& kinks) {
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), dtype);
    Output y = fn(s, x);
    Tensor v = AwayFromKinks(dtype, {3, 5}, 7, lo, hi, kinks);
    EXPECT_GRADIENT_OK(s, {x}, {v}, y, kTol);
  }
}

TEST(NnGradTest, Activations) {
  CheckActivation(ops::Relu, -2, 2, {0});
  CheckActivation(ops::Relu6, -2, 8, {0, 6});
  CheckActivation(ops::Elu, -3, 2, {0});
  CheckActivation(ops::Selu, -3, 2, {0});
  CheckActivation(ops::Softplus, -4, 4, {});
}

TEST(NnGradTest, ActivationGradientsUseTfOps) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  struct Case {
    Output y;
    const char* grad_op;
    bool takes_output;  // Else the features.
  } cases[] = {{ops::Relu(s, x), "ReluGrad", true},
               {ops::Relu6(s, x), "Relu6Grad", true},
               {ops::Elu(s, x), "EluGrad", true},
               {ops::Selu(s, x), "SeluGrad", true},
               {ops::LeakyRelu(s, x, 0.3f), "LeakyReluGrad", false},
               {ops::Softplus(s, x), "SoftplusGrad", false}};
  for (const Case& c : cases) {
    std::vector<Output> g;
    ASSERT_OK(AddSymbolicGradients(s, {c.y}, {x}, &g));
    ASSERT_EQ(g[0].op(), c.grad_op);
    Output second = NodeInput(*g[0].node, 1);
    EXPECT_EQ(second, c.takes_output ? c.y : x) << c.grad_op;
  }
}

TEST(NnGradTest, LeakyReluKeepsAlpha) {
  for (float alpha : {0.2f, 0.5f}) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      Scope s = NewRootScope();
      Output x = ops::Placeholder(s.WithOpName("x"), dtype);
      Output y = ops::LeakyRelu(s, x, alpha);
      Tensor v = AwayFromKinks(dtype, {4, 3}, 3, -2, 2, {0});
      EXPECT_GRADIENT_OK(s, {x}, {v}, y, kTol);
      std::vector<Output> g;
      ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &g));
      EXPECT_EQ(*g[0].node->FindAttr<float>("alpha"), alpha);
    }
  }
}

// The gradient ops' own gradients: w.r.t. the incoming gradient and the
// features/outputs (zero for the piecewise-linear ones).
TEST(NnGradTest, SecondOrderActivationGradients) {
  struct Case {
    const char* op;
    double lo, hi;
    std::vector<double> kinks;
  } cases[] = {{"ReluGrad", -2, 2, {0}},      {"Relu6Grad", -2, 8, {0, 6}},
               {"LeakyReluGrad", -2, 2, {0}}, {"EluGrad", -0.9, 2, {0}},
               {"SeluGrad", -1.5, 2, {0}},    {"SoftplusGrad", -3, 3, {}}};
  for (const Case& c : cases) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      SCOPED_TRACE(c.op);
      Scope s = NewRootScope();
      Output g = ops::Placeholder(s.WithOpName("g"), dtype);
      Output f = ops::Placeholder(s.WithOpName("f"), dtype);
      Output y = s.AddOp1(c.op, {g, f});
      Tensor gv = RandomTensor(dtype, {2, 5}, 11, -2, 2);
      Tensor fv = AwayFromKinks(dtype, {2, 5}, 12, c.lo, c.hi, c.kinks);
      EXPECT_GRADIENT_OK(s, (std::vector<Output>{g, f}), (std::vector{gv, fv}),
                         y, kTol);
    }
  }
}

TEST(NnGradTest, ReluDoubleBackward) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output dy = ops::Placeholder(s.WithOpName("dy"), DT_FLOAT);
  Output y = ops::Relu(s, x);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, {dy}, &g));
  ASSERT_EQ(g[0].op(), "ReluGrad");
  Tensor xv = AwayFromKinks(DT_FLOAT, {3, 4}, 5, -2, 2, {0});
  Tensor dyv = RandomTensor(DT_FLOAT, {3, 4}, 6);
  EXPECT_GRADIENT_OK(s, (std::vector<Output>{x, dy}), (std::vector{xv, dyv}),
                     g[0], kTol);

  // TF's structure: ReluGrad(ddx, y) and Fill zeros for y.
  std::vector<Output> gg;
  ASSERT_OK(AddSymbolicGradients(s, {g[0]}, {dy, y}, &gg));
  EXPECT_EQ(gg[0].op(), "ReluGrad");
  EXPECT_EQ(gg[1].op(), "Fill");
}

TEST(NnGradTest, SoftmaxAndLogSoftmax) {
  for (auto fn : {ops::Softmax, ops::LogSoftmax}) {
    for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
      for (TensorShape shape :
           {TensorShape({5}), TensorShape({3, 4}), TensorShape({2, 3, 4})}) {
        Scope s = NewRootScope();
        Output x = ops::Placeholder(s.WithOpName("x"), dtype);
        Output y = fn(s, x);
        Tensor v = RandomTensor(dtype, shape, 9, -3, 3);
        EXPECT_GRADIENT_OK(s, {x}, {v}, y, kTol);
      }
    }
  }
}

TEST(NnGradTest, SoftmaxGradientStructure) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Softmax(s.WithOpName("sm"), x);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &g));
  // (dy - Sum(dy * y, -1, keep_dims)) * y.
  EXPECT_EQ(g[0].node->name(), "gradients/sm_grad/mul_1");
  EXPECT_EQ(NodeInput(*g[0].node, 0).op(), "Sub");
  EXPECT_EQ(NodeInput(*g[0].node, 1), y);
  Output sum = NodeInput(*NodeInput(*g[0].node, 0).node, 1);
  EXPECT_EQ(sum.op(), "Sum");
  EXPECT_TRUE(*sum.node->FindAttr<bool>("keep_dims"));
}

TEST(NnGradTest, XentLossGradient) {
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    Scope s = NewRootScope();
    Output logits = ops::Placeholder(s.WithOpName("logits"), dtype);
    Output labels = ops::Placeholder(s.WithOpName("labels"), dtype);
    auto xent = ops::SoftmaxCrossEntropyWithLogits(s, logits, labels);
    Tensor lv = RandomTensor(dtype, {3, 4}, 1, -2, 2);
    Tensor yv = Distributions(dtype, 3, 4, 2);
    EXPECT_GRADIENT_OK(s, (std::vector<Output>{logits, labels}),
                       (std::vector{lv, yv}), xent.loss, kTol);
  }
}

TEST(NnGradTest, XentBothOutputsGradient) {
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    Scope s = NewRootScope();
    Output logits = ops::Placeholder(s.WithOpName("logits"), dtype);
    Output labels = ops::Placeholder(s.WithOpName("labels"), dtype);
    auto xent = ops::SoftmaxCrossEntropyWithLogits(s, logits, labels);
    Tensor lv = RandomTensor(dtype, {3, 5}, 3, -2, 2);
    Tensor yv = Distributions(dtype, 3, 5, 4);
    auto err = MultiOutputGradientError(s, {logits, labels}, {lv, yv},
                                        {xent.loss, xent.backprop});
    ASSERT_OK(err.status());
    EXPECT_LT(*err, kTol);
    // The backprop output alone (loss gets ZerosLike).
    EXPECT_GRADIENT_OK(s, (std::vector<Output>{logits, labels}),
                       (std::vector{lv, yv}), xent.backprop, kTol);
  }
}

TEST(NnGradTest, XentGradientStructure) {
  Scope s = NewRootScope();
  Output logits = ops::Placeholder(s.WithOpName("logits"), DT_FLOAT);
  Output labels = ops::Placeholder(s.WithOpName("labels"), DT_FLOAT);
  auto xent =
      ops::SoftmaxCrossEntropyWithLogits(s.WithOpName("xent"), logits, labels);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {xent.loss}, {logits, labels}, &g));
  // Only the loss is used: ExpandDims(dloss, -1) * backprop, no extra term.
  EXPECT_EQ(g[0].node->name(), "gradients/xent_grad/mul");
  EXPECT_EQ(NodeInput(*g[0].node, 0).op(), "ExpandDims");
  EXPECT_EQ(NodeInput(*g[0].node, 1), xent.backprop);
  EXPECT_EQ(s.graph()->FindNode("gradients/xent_grad/Softmax"), nullptr);
  // Labels: ExpandDims(dloss, -1) * -LogSoftmax(logits).
  EXPECT_EQ(g[1].op(), "Mul");
  EXPECT_EQ(NodeInput(*g[1].node, 1).op(), "Neg");
}

TEST(NnGradTest, SparseXentGradient) {
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    for (bool int64_labels : {false, true}) {
      Scope s = NewRootScope();
      Output logits = ops::Placeholder(s.WithOpName("logits"), dtype);
      Output labels = int64_labels
                          ? ops::Const(s, testing::I64({2, 0, 3}, {3}))
                          : ops::Const(s, testing::I32({1, 3, 0}, {3}));
      auto xent = ops::SparseSoftmaxCrossEntropyWithLogits(s.WithOpName("x"),
                                                           logits, labels);
      Tensor lv = RandomTensor(dtype, {3, 4}, 5, -2, 2);
      EXPECT_GRADIENT_OK(s, {logits}, {lv}, xent.loss, kTol);

      std::vector<Output> g;
      ASSERT_OK(AddSymbolicGradients(s, {xent.loss}, {logits, labels}, &g));
      EXPECT_FALSE(g[1].valid());  // No gradient for the labels.
      // ExpandDims(dloss, -1) * PreventGradient(backprop), as TF.
      ASSERT_EQ(g[0].op(), "Mul");
      Output prevent = NodeInput(*g[0].node, 1);
      EXPECT_EQ(prevent.op(), "PreventGradient");
      EXPECT_EQ(NodeInput(*prevent.node, 0), xent.backprop);
    }
  }
}

TEST(NnGradTest, L2Loss) {
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), dtype);
    Output y = ops::L2Loss(s, x);
    EXPECT_GRADIENT_OK(s, {x}, {RandomTensor(dtype, {2, 3, 2}, 8)}, y, kTol);
  }
}

// A MaxPool + xent model's gradient graph uses TF's ops and names, and
// survives GraphToGraphDef / GraphFromGraphDef with the same values.
TEST(NnGradTest, GradientGraphRoundTripsThroughGraphDef) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output logits = ops::Placeholder(s.WithOpName("logits"), DT_FLOAT);
  Output labels = ops::Placeholder(s.WithOpName("labels"), DT_FLOAT);
  Output pool = ops::MaxPool(s.WithOpName("MaxPool"), x, {1, 2, 2, 1},
                             {1, 2, 2, 1}, "SAME");
  Output l2 = ops::L2Loss(s.WithOpName("l2"), pool);
  auto xent = ops::SoftmaxCrossEntropyWithLogits(
      s.WithOpName("SoftmaxCrossEntropyWithLogits"), logits, labels);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {l2, xent.loss}, {x, logits}, &g));
  EXPECT_EQ(g[0].node->name(), "gradients/MaxPool_grad/MaxPoolGrad");
  EXPECT_EQ(NodeInput(*g[0].node, 0), x);
  EXPECT_EQ(NodeInput(*g[0].node, 1), pool);
  EXPECT_EQ(g[1].node->name(),
            "gradients/SoftmaxCrossEntropyWithLogits_grad/mul");
  EXPECT_EQ(NodeInput(*g[1].node, 1).name(), "SoftmaxCrossEntropyWithLogits:1");

  tensorflow::GraphDef def = GraphToGraphDef(*s.graph());
  auto graph = GraphFromGraphDef(def, GlobalOpRegistry());
  ASSERT_OK(graph.status());
  const Node* mpg = (*graph)->FindNode("gradients/MaxPool_grad/MaxPoolGrad");
  ASSERT_NE(mpg, nullptr);
  EXPECT_EQ(mpg->op(), "MaxPoolGrad");
  EXPECT_EQ(*mpg->FindAttr<std::string>("padding"), "SAME");
  EXPECT_EQ(*mpg->FindAttr<std::vector<int64_t>>("ksize"),
            (std::vector<int64_t>{1, 2, 2, 1}));

  auto original = Session::Create(s);
  auto imported = Session::Create(def, GlobalOpRegistry());
  ASSERT_OK(original.status());
  ASSERT_OK(imported.status());
  Tensor xv = RandomTensor(DT_FLOAT, {1, 5, 5, 2}, 1);
  Tensor lv = RandomTensor(DT_FLOAT, {2, 3}, 2);
  Tensor yv = testing::F({0, 1, 0, 1, 0, 0}, {2, 3});
  auto a = (*original)->Run({{x, xv}, {logits, lv}, {labels, yv}}, g);
  auto b = (*imported)->Run({{"x", xv}, {"logits", lv}, {"labels", yv}},
                            {g[0].name(), g[1].name()});
  ASSERT_OK(a.status());
  ASSERT_OK(b.status());
  for (int i = 0; i < 2; ++i) EXPECT_TENSOR_NEAR((*b)[i], (*a)[i], 0, 0);
}

}  // namespace
}  // namespace graphflow
