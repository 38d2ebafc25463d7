// Numeric gradient checks of the conv family's gradients.
#include "gmock/gmock.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/conv_ops.h"
#include "ops/gradients.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::MaxGradientError;
using testing::RandomTensor;

struct ConvCase {
  TensorShape input, filter;
  int64_t stride;
  const char* padding;
};

TEST(ConvGradTest, Conv2DInputAndFilter) {
  const ConvCase cases[] = {
      {{2, 5, 5, 3}, {3, 3, 3, 2}, 1, "SAME"},
      {{1, 6, 6, 2}, {4, 4, 2, 3}, 1, "SAME"},  // even kernel: pad bottom/right
      {{1, 6, 6, 2}, {3, 3, 2, 2}, 2, "SAME"},  // 3x3 stride 2 on even size
      {{2, 7, 5, 1}, {2, 2, 1, 2}, 2, "VALID"},
      {{1, 4, 4, 2}, {1, 1, 2, 3}, 1, "VALID"},
      // A text CNN's filter spanning the whole width: stride 1 via col2im.
      {{2, 6, 5, 1}, {3, 5, 1, 2}, 1, "VALID"},
  };
  uint64_t seed = 1;
  for (const ConvCase& c : cases) {
    SCOPED_TRACE(c.padding);
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, c.input);
    Output w = ops::Placeholder(s.WithOpName("w"), DT_FLOAT, c.filter);
    Output y = ops::Conv2D(s, x, w, {1, c.stride, c.stride, 1}, c.padding);
    auto err = MaxGradientError(s, {x, w},
                                {RandomTensor(DT_FLOAT, c.input, seed++),
                                 RandomTensor(DT_FLOAT, c.filter, seed++)},
                                y);
    ASSERT_OK(err.status());
    EXPECT_LT(*err, 1e-3);
  }
}

TEST(ConvGradTest, UnknownBatchUsesShapeN) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 5, 5, 2});
  Output w = ops::Placeholder(s.WithOpName("w"), DT_FLOAT, {3, 3, 2, 2});
  Output y = ops::Conv2D(s.WithOpName("conv"), x, w, {1, 1, 1, 1}, "SAME");
  auto err = MaxGradientError(s, {x, w},
                              {RandomTensor(DT_FLOAT, {2, 5, 5, 2}, 3),
                               RandomTensor(DT_FLOAT, {3, 3, 2, 2}, 4)},
                              y);
  ASSERT_OK(err.status());
  EXPECT_LT(*err, 1e-3);
  bool has_shape_n = false;
  for (const auto& n : s.graph()->nodes()) has_shape_n |= n->op() == "ShapeN";
  EXPECT_TRUE(has_shape_n);
  // The gradient graph is a valid GraphDef that imports again.
  auto again =
      GraphFromGraphDef(GraphToGraphDef(*s.graph()), GlobalOpRegistry());
  EXPECT_OK(again.status());
}

TEST(ConvGradTest, BackpropOpsAreDifferentiable) {
  Scope s = NewRootScope();
  Output dy = ops::Placeholder(s.WithOpName("dy"), DT_FLOAT, {1, 3, 3, 2});
  Output w = ops::Placeholder(s.WithOpName("w"), DT_FLOAT, {2, 2, 3, 2});
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {1, 6, 6, 3});
  Output in_sizes = ops::Const(s, Tensor::Vector<int32_t>({1, 6, 6, 3}));
  Output f_sizes = ops::Const(s, Tensor::Vector<int32_t>({2, 2, 3, 2}));
  Output dx =
      ops::Conv2DBackpropInput(s, in_sizes, w, dy, {1, 2, 2, 1}, "SAME");
  Output dw =
      ops::Conv2DBackpropFilter(s, x, f_sizes, dy, {1, 2, 2, 1}, "SAME");
  auto e1 = MaxGradientError(s, {w, dy},
                             {RandomTensor(DT_FLOAT, {2, 2, 3, 2}, 5),
                              RandomTensor(DT_FLOAT, {1, 3, 3, 2}, 6)},
                             dx);
  ASSERT_OK(e1.status());
  EXPECT_LT(*e1, 1e-3);
  auto e2 = MaxGradientError(s, {x, dy},
                             {RandomTensor(DT_FLOAT, {1, 6, 6, 3}, 7),
                              RandomTensor(DT_FLOAT, {1, 3, 3, 2}, 8)},
                             dw);
  ASSERT_OK(e2.status());
  EXPECT_LT(*e2, 1e-3);
}

TEST(ConvGradTest, BiasAddAndBiasAddGrad) {
  for (const char* format : {"NHWC", "NCHW"}) {
    SCOPED_TRACE(format);
    Scope s = NewRootScope();
    Output v = ops::Placeholder(s.WithOpName("v"), DT_FLOAT, {2, 3, 2, 2});
    Output b = ops::Placeholder(s.WithOpName("b"), DT_FLOAT,
                                {std::string(format) == "NHWC" ? 2 : 3});
    Output y = ops::BiasAdd(s, v, b, format);
    auto err = MaxGradientError(
        s, {v, b},
        {RandomTensor(DT_FLOAT, {2, 3, 2, 2}, 9),
         RandomTensor(DT_FLOAT, {std::string(format) == "NHWC" ? 2 : 3}, 10)},
        y);
    ASSERT_OK(err.status());
    EXPECT_LT(*err, 1e-3);
    Output g = ops::BiasAddGrad(s, v, format);
    auto err2 =
        MaxGradientError(s, {v}, {RandomTensor(DT_FLOAT, {2, 3, 2, 2}, 11)}, g);
    ASSERT_OK(err2.status());
    EXPECT_LT(*err2, 1e-3);
  }
}

}  // namespace
}  // namespace graphflow
