// Layers composed from ops: Flatten (static and dynamic shapes),
// FullyConnected and the Conv2D layer (variables, names, values), and
// numeric gradient checks through each.
#include "ops/layers.h"

#include <cmath>

#include "gtest/gtest.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using testing::RandomTensor;
using testing::Values;

// An initializer giving exactly `value` (for hand-checked layers).
Initializer Fixed(const Tensor& value) {
  return [value](const Scope& s, const TensorShape&, DataType) {
    return s.Const(value);
  };
}

Output Input4(const Scope& s, const PartialShape& shape,
              DataType dtype = DT_FLOAT) {
  return ops::Placeholder(s.WithOpName("x"), dtype, shape);
}

Tensor Iota(DataType dtype, const TensorShape& shape) {
  Tensor t(dtype, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if (dtype == DT_DOUBLE) {
      t.data<double>()[i] = i;
    } else {
      t.data<float>()[i] = static_cast<float>(i);
    }
  }
  return t;
}

// Runs `init` then fetches `y`.
Tensor InitAndEval(const Scope& s, const Output& y, const FeedDict& feeds) {
  Output init = GlobalVariablesInitializer(s);
  auto session = Session::Create(s);
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return Tensor();
  EXPECT_OK((*session)->Run({}, {}, {init}).status());
  auto out = (*session)->Run(feeds, {y});
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(FlattenTest, UnknownBatchKeepsStaticInnerSize) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 4, 4, 8}));
  Output y = layers::Flatten(s, x);
  ASSERT_OK(s.status());
  EXPECT_EQ(y.shape(), PartialShape({-1, 128}));
  EXPECT_EQ(y.node->name(), "Flatten/flatten/Reshape");
  EXPECT_EQ(y.op(), "Reshape");
  Tensor xv = Iota(DT_FLOAT, {3, 4, 4, 8});
  Tensor out = testing::Eval(s, y, {{x, xv}});
  EXPECT_EQ(out.shape(), TensorShape({3, 128}));
  EXPECT_EQ(Values(out), Values(xv));  // Row-major order is kept.
}

TEST(FlattenTest, UnknownShapeUsesTheDynamicPath) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape::Unknown());
  Output y = layers::Flatten(s, x);
  ASSERT_OK(s.status());
  EXPECT_EQ(y.op(), "Reshape");
  EXPECT_NE(s.graph()->FindNode("Flatten/flatten/Shape"), nullptr);
  for (const TensorShape& shape :
       {TensorShape({3, 2, 5}), TensorShape({2, 4, 4, 8}), TensorShape({5}),
        TensorShape({4, 6})}) {
    Tensor xv = Iota(DT_FLOAT, shape);
    Tensor out = testing::Eval(s, y, {{x, xv}});
    int64_t n = shape.dim(0);
    EXPECT_EQ(out.shape(), TensorShape({n, xv.num_elements() / n}))
        << shape.DebugString();
    EXPECT_EQ(Values(out), Values(xv));
  }
}

TEST(FlattenTest, UnknownInnerDimensionUsesTheDynamicPath) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, -1, 3}), DT_DOUBLE);
  Output y = layers::Flatten(s, x);
  ASSERT_OK(s.status());
  EXPECT_EQ(y.dtype(), DT_DOUBLE);
  Tensor xv = Iota(DT_DOUBLE, {2, 5, 3});
  Tensor out = testing::Eval(s, y, {{x, xv}});
  EXPECT_EQ(out.shape(), TensorShape({2, 15}));
  EXPECT_EQ(Values(out), Values(xv));
}

TEST(FlattenTest, VectorsAndConstants) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1}));
  Output y = layers::Flatten(s, x);
  EXPECT_EQ(y.shape(), PartialShape({-1, 1}));
  Output c = layers::Flatten(s, F({1, 2, 3, 4, 5, 6}, {2, 3, 1}));
  ASSERT_OK(s.status());
  EXPECT_EQ(c.shape(), PartialShape({2, 3}));
  EXPECT_EQ(c.node->name(), "Flatten_1/flatten/Reshape");
  EXPECT_TENSOR_NEAR(testing::Eval(s, c), F({1, 2, 3, 4, 5, 6}, {2, 3}));
}

TEST(FullyConnectedTest, CreatesVariablesAndUniquifiesTheScope) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 6}));
  Output h = layers::FullyConnected(s, x, 4);
  Output z = layers::FullyConnected(s, h, 3, {.activation = nullptr});
  ASSERT_OK(s.status());
  const Graph& g = *s.graph();
  ASSERT_NE(g.FindNode("fully_connected/weights"), nullptr);
  EXPECT_EQ(Output(g.FindNode("fully_connected/weights")).shape(),
            PartialShape({6, 4}));
  EXPECT_EQ(Output(g.FindNode("fully_connected/biases")).shape(),
            PartialShape({4}));
  EXPECT_EQ(Output(g.FindNode("fully_connected_1/weights")).shape(),
            PartialShape({4, 3}));
  EXPECT_EQ(Output(g.FindNode("fully_connected_1/biases")).shape(),
            PartialShape({3}));
  EXPECT_NE(g.FindNode("fully_connected/MatMul"), nullptr);
  EXPECT_NE(g.FindNode("fully_connected/BiasAdd"), nullptr);
  // Relu by default, linear with activation = nullptr.
  EXPECT_EQ(h.op(), "Relu");
  EXPECT_EQ(h.node->name(), "fully_connected/Relu");
  EXPECT_EQ(z.op(), "BiasAdd");
  EXPECT_EQ(z.shape(), PartialShape({-1, 3}));
  // weights are Xavier-initialized and biases zero; all trainable.
  EXPECT_EQ(
      g.FindNode("fully_connected/weights/Initializer/random_uniform")->op(),
      "Add");
  EXPECT_NE(g.FindNode("fully_connected/biases/Initializer/zeros"), nullptr);
  EXPECT_EQ(TrainableVariables(g).size(), 4u);
}

TEST(FullyConnectedTest, ValuesWithAndWithoutRelu) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 2}));
  Tensor w = F({1, -1, 2, 0.5f, -3, 1}, {2, 3});
  Tensor b = F({0.5f, -1, 0}, {3});
  layers::FullyConnectedOptions relu{.weights_initializer = Fixed(w),
                                     .biases_initializer = Fixed(b)};
  layers::FullyConnectedOptions linear = relu;
  linear.activation = nullptr;
  Output yr = layers::FullyConnected(s, x, 3, relu);
  Output yl = layers::FullyConnected(s, x, 3, linear);
  Tensor xv = F({1, 2, -1, 0.5f}, {2, 2});
  // x @ w + b: [1*1+2*0.5+0.5, 1*-1+2*-3-1, 1*2+2*1] = [2.5, -8, 4];
  //            [-1+0.25+0.5, 1-1.5-1, -2+0.5] = [-0.25, -1.5, -1.5].
  EXPECT_TENSOR_NEAR(InitAndEval(s, yl, {{x, xv}}),
                     F({2.5f, -8, 4, -0.25f, -1.5f, -1.5f}, {2, 3}));
  EXPECT_TENSOR_NEAR(InitAndEval(s, yr, {{x, xv}}),
                     F({2.5f, 0, 4, 0, 0, 0}, {2, 3}));
}

TEST(FullyConnectedTest, WithoutBiasAndCustomScope) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 2}));
  Output y = layers::FullyConnected(
      s, x, 2,
      {.activation = nullptr,
       .weights_initializer = Fixed(F({1, 2, 3, 4}, {2, 2})),
       .use_bias = false,
       .scope = "fc1"});
  ASSERT_OK(s.status());
  EXPECT_NE(s.graph()->FindNode("fc1/weights"), nullptr);
  EXPECT_EQ(s.graph()->FindNode("fc1/biases"), nullptr);
  EXPECT_EQ(y.op(), "MatMul");
  EXPECT_TENSOR_NEAR(InitAndEval(s, y, {{x, F({1, 1}, {1, 2})}}),
                     F({4, 6}, {1, 2}));
}

TEST(FullyConnectedTest, BadInputsAreErrors) {
  {
    Scope s = NewRootScope();
    Output x = Input4(s, PartialShape({-1, -1}));
    EXPECT_FALSE(layers::FullyConnected(s, x, 3).valid());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("x"), std::string::npos);
  }
  {
    Scope s = NewRootScope();
    Output x = Input4(s, PartialShape({-1, 4, 4}));
    EXPECT_FALSE(layers::FullyConnected(s, x, 3).valid());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("Flatten"), std::string::npos);
  }
}

TEST(Conv2DLayerTest, VariablesShapesAndValues) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 5, 5, 2}));
  Output y = layers::Conv2D(s, x, 3, {3, 3}, {.strides = {2, 2}});
  Output v = layers::Conv2D(s, x, 1, {2, 2},
                            {.padding = "VALID", .activation = nullptr});
  ASSERT_OK(s.status());
  const Graph& g = *s.graph();
  EXPECT_EQ(Output(g.FindNode("Conv/weights")).shape(),
            PartialShape({3, 3, 2, 3}));
  EXPECT_EQ(Output(g.FindNode("Conv/biases")).shape(), PartialShape({3}));
  EXPECT_EQ(Output(g.FindNode("Conv_1/weights")).shape(),
            PartialShape({2, 2, 2, 1}));
  EXPECT_EQ(y.shape(), PartialShape({-1, 3, 3, 3}));  // SAME, stride 2.
  EXPECT_EQ(y.op(), "Relu");
  EXPECT_EQ(v.shape(), PartialShape({-1, 4, 4, 1}));  // VALID.
  EXPECT_EQ(v.op(), "BiasAdd");
  EXPECT_EQ(g.FindNode("Conv/Conv2D")->op(), "Conv2D");
}

TEST(Conv2DLayerTest, ValuesAgainstAReferenceLoop) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 4, 4, 2}), DT_DOUBLE);
  Tensor w = RandomTensor(DT_DOUBLE, {3, 3, 2, 2}, 1);
  Tensor b = RandomTensor(DT_DOUBLE, {2}, 2);
  Output y = layers::Conv2D(
      s, x, 2, {3, 3},
      {.weights_initializer = Fixed(w), .biases_initializer = Fixed(b)});
  Tensor xv = RandomTensor(DT_DOUBLE, {2, 4, 4, 2}, 3);
  Tensor out = InitAndEval(s, y, {{x, xv}});
  ASSERT_EQ(out.shape(), TensorShape({2, 4, 4, 2}));
  // SAME with a 3x3 window and stride 1: one pixel of zero padding.
  for (int n = 0; n < 2; ++n) {
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) {
        for (int o = 0; o < 2; ++o) {
          double sum = b.data<double>()[o];
          for (int di = 0; di < 3; ++di) {
            for (int dj = 0; dj < 3; ++dj) {
              int r = i + di - 1, c = j + dj - 1;
              if (r < 0 || r >= 4 || c < 0 || c >= 4) continue;
              for (int ci = 0; ci < 2; ++ci) {
                sum += xv.data<double>()[((n * 4 + r) * 4 + c) * 2 + ci] *
                       w.data<double>()[((di * 3 + dj) * 2 + ci) * 2 + o];
              }
            }
          }
          EXPECT_NEAR(out.data<double>()[((n * 4 + i) * 4 + j) * 2 + o],
                      std::max(sum, 0.0), 1e-12);
        }
      }
    }
  }
}

TEST(Conv2DLayerTest, BadKernelSizeIsAnError) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 5, 5, 2}));
  EXPECT_FALSE(layers::Conv2D(s, x, 3, {3}).valid());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
}

// Numeric gradients through the composite layers, with respect to the
// input and to the variables (fed through their reads).
TEST(LayersGradientTest, FullyConnectedReluAwayFromKinks) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 5}), DT_DOUBLE);
  Output y = layers::FullyConnected(s, x, 4);
  ASSERT_OK(s.status());
  Variable w = VariableFromNode(*s.graph(),
                                s.graph()->FindNode("fully_connected/weights"));
  Variable b = VariableFromNode(*s.graph(),
                                s.graph()->FindNode("fully_connected/biases"));
  Tensor xv = RandomTensor(DT_DOUBLE, {3, 5}, 10, -1, 1, 0.1);
  Tensor wv = RandomTensor(DT_DOUBLE, {5, 4}, 11, -1, 1, 0.1);
  Tensor bv = RandomTensor(DT_DOUBLE, {4}, 12, -1, 1, 0.1);
  // Pre-activations far from relu's kink at 0 compared with the step.
  Output z = s.graph()->FindNode("fully_connected/BiasAdd");
  Tensor zv =
      testing::EvalAll(s, {z}, {{x, xv}, {w.read, wv}, {b.read, bv}})[0];
  double min_abs = 1e9;
  for (double v : Values(zv)) min_abs = std::min(min_abs, std::fabs(v));
  ASSERT_GT(min_abs, 0.02);
  EXPECT_GRADIENT_OK(s, std::vector<Output>({x, w.read, b.read}),
                     std::vector<Tensor>({xv, wv, bv}), y, 1e-6);
}

TEST(LayersGradientTest, Flatten) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 2, 3, 2}), DT_DOUBLE);
  Output y = ops::Square(s, layers::Flatten(s, x));
  EXPECT_GRADIENT_OK(
      s, std::vector<Output>({x}),
      std::vector<Tensor>({RandomTensor(DT_DOUBLE, {2, 2, 3, 2}, 20)}), y,
      1e-6);
  // The dynamic path too.
  Scope d = NewRootScope();
  Output xd = Input4(d, PartialShape::Unknown(), DT_DOUBLE);
  Output yd = ops::Square(d, layers::Flatten(d, xd));
  EXPECT_GRADIENT_OK(d, std::vector<Output>({xd}),
                     std::vector<Tensor>({RandomTensor(DT_DOUBLE, {3, 4}, 21)}),
                     yd, 1e-6);
}

TEST(LayersGradientTest, Conv2DLayer) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 4, 4, 2}), DT_DOUBLE);
  Output y = layers::Conv2D(s, x, 3, {2, 2}, {.activation = nullptr});
  Variable w =
      VariableFromNode(*s.graph(), s.graph()->FindNode("Conv/weights"));
  Variable b = VariableFromNode(*s.graph(), s.graph()->FindNode("Conv/biases"));
  EXPECT_GRADIENT_OK(
      s, std::vector<Output>({x, w.read, b.read}),
      std::vector<Tensor>({RandomTensor(DT_DOUBLE, {2, 4, 4, 2}, 30),
                           RandomTensor(DT_DOUBLE, {2, 2, 2, 3}, 31),
                           RandomTensor(DT_DOUBLE, {3}, 32)}),
      y, 1e-6);
}

TEST(LayersGradientTest, FlattenThenFullyConnectedFloat) {
  Scope s = NewRootScope();
  Output x = Input4(s, PartialShape({-1, 2, 2, 2}));
  Output y = layers::FullyConnected(s, layers::Flatten(s, x), 3,
                                    {.activation = nullptr, .use_bias = false});
  Variable w = VariableFromNode(*s.graph(),
                                s.graph()->FindNode("fully_connected/weights"));
  EXPECT_GRADIENT_OK(
      s, std::vector<Output>({x, w.read}),
      std::vector<Tensor>({RandomTensor(DT_FLOAT, {2, 2, 2, 2}, 40),
                           RandomTensor(DT_FLOAT, {8, 3}, 41)}),
      y, 2e-3);
}

}  // namespace
}  // namespace graphflow
