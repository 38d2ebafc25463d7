// Gradients of the broadcasting binary math ops: numeric checks over
// broadcast patterns and static-shape knowledge, and the graph structure of
// the graph-time and BroadcastGradientArgs reduction paths.
#include "gmock/gmock.h"
#include "graph/graph_def.h"
#include "ops/array_ops.h"
#include "ops/gradient_util.h"
#include "tests/ops/math_grad_test_util.h"

namespace graphflow {
namespace {

using testing::BinaryError;
using ::testing::Contains;
using testing::F;
using testing::GradientOps;
using ::testing::Not;
using testing::StaticShape;
using testing::ValueRange;

using BinaryFn = Output (*)(const Scope&, Input, Input);

struct BinaryCase {
  const char* name;
  BinaryFn fn;
  ValueRange x, y;
};

struct ShapePair {
  TensorShape x, y;
};

// Broadcasting on the left, on the right, on both sides, scalar against
// tensor both ways, equal shapes, and a rank-3 mix.
const ShapePair kShapes[] = {
    {{2, 3}, {2, 3}}, {{3}, {2, 3}}, {{2, 3}, {3}},       {{2, 1}, {1, 3}},
    {{}, {2, 3}},     {{2, 3}, {}},  {{2, 1, 3}, {4, 1}},
};

constexpr ValueRange kAny{};
constexpr ValueRange kNonZero{-2, 2, 0.5};
constexpr ValueRange kPositive{0.5, 2};
// Quantized with opposite offsets: a max/min operand pair never ties.
constexpr ValueRange kHigh{-1, 1, 0, 0.1, 0.03};
constexpr ValueRange kLow{-1, 1, 0, 0.1, -0.03};

const BinaryCase kBinaryCases[] = {
    {"Add", ops::Add, kAny, kAny},
    {"AddV2", ops::AddV2, kAny, kAny},
    {"Sub", ops::Sub, kAny, kAny},
    {"Mul", ops::Mul, kAny, kAny},
    {"RealDiv", ops::RealDiv, kAny, kNonZero},
    {"Div", ops::Div, kAny, kNonZero},
    {"DivNoNan", ops::DivNoNan, kAny, kNonZero},
    {"Maximum", ops::Maximum, kHigh, kLow},
    {"Minimum", ops::Minimum, kLow, kHigh},
    {"Pow", ops::Pow, kPositive, {-2, 2}},
    {"SquaredDifference", ops::SquaredDifference, kAny, kAny},
};

TEST(MathGradTest, BinaryOpsAllBroadcastPatternsAndShapeKnowledge) {
  for (const BinaryCase& c : kBinaryCases) {
    for (const ShapePair& sp : kShapes) {
      for (StaticShape mode : {StaticShape::kKnown, StaticShape::kUnknown,
                               StaticShape::kBatchUnknown}) {
        for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
          SCOPED_TRACE(absl::StrCat(
              c.name, " ", sp.x.DebugString(), " vs ", sp.y.DebugString(), " ",
              testing::ModeName(mode), " ", DataTypeString(dtype)));
          EXPECT_LT(BinaryError(c.fn, dtype, sp.x, sp.y, mode, c.x, c.y),
                    testing::Tolerance(dtype));
        }
      }
    }
  }
}

// FloorMod: values chosen so x / y stays away from the integers, where the
// op jumps.
TEST(MathGradTest, FloorMod) {
  const Tensor x23 = F({-2.3f, -0.7f, 0.4f, 1.3f, 2.6f, 3.4f}, {2, 3});
  const Tensor x21 = F({-2.3f, 1.3f}, {2, 1});
  const Tensor y3 = F({1.5f, 2.0f, 0.9f}, {3});
  const Tensor y13 = F({1.5f, 2.0f, 0.9f}, {1, 3});
  for (StaticShape mode : {StaticShape::kKnown, StaticShape::kUnknown}) {
    for (const auto& [xv, yv] : {std::pair{x23, y3}, std::pair{x21, y13}}) {
      SCOPED_TRACE(xv.shape().DebugString() + " " + testing::ModeName(mode));
      Scope s = NewRootScope();
      Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT,
                                  testing::Declared(xv.shape(), mode));
      Output y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT,
                                  testing::Declared(yv.shape(), mode));
      EXPECT_GRADIENT_OK(s, (std::vector<Output>{x, y}),
                         (std::vector<Tensor>{xv, yv}), ops::FloorMod(s, x, y),
                         1e-3);
    }
  }
}

// d(x^y)/dy is zero where x <= 0 (TF's mask), not NaN; d/dx stays y*x^(y-1).
TEST(MathGradTest, PowExponentGradientIsZeroForNonPositiveBase) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT);
  Output z = ops::Pow(s, x, y);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {z}, {x, y}, {ops::OnesLike(s, z)}, &g));
  auto out = testing::EvalAll(
      s, g, {{x, F({-2, 0, 1.5f}, {3})}, {y, F({2, 3, 2}, {3})}});
  EXPECT_TENSOR_NEAR(out[0], F({-4, 0, 3}, {3}));
  EXPECT_TENSOR_NEAR(out[1], F({0, 0, 2.25f * std::log(1.5f)}, {3}));
}

// Where y == 0 both DivNoNan gradients are 0 (TF's _DivNoNanGrad), not inf.
TEST(MathGradTest, DivNoNanGradientIsZeroWhereTheDivisorIsZero) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT);
  Output z = ops::DivNoNan(s, x, y);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {z}, {x, y}, {ops::OnesLike(s, z)}, &g));
  auto out = testing::EvalAll(
      s, g, {{x, F({3, 3, -1}, {3})}, {y, F({2, 0, 0.5f}, {3})}});
  EXPECT_TENSOR_NEAR(out[0], F({0.5f, 0, 2}, {3}));
  EXPECT_TENSOR_NEAR(out[1], F({-0.75f, 0, 4}, {3}));
}

// Equal fully known shapes: the incoming gradient passes straight through.
TEST(MathGradTest, EqualKnownShapesPassTheGradientThrough) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {2, 3});
  Output y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT, {2, 3});
  Output seed = ops::Placeholder(s.WithOpName("seed"), DT_FLOAT, {2, 3});
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {ops::Add(s, x, y)}, {x, y}, {seed}, &g));
  EXPECT_EQ(g[0], seed);
  EXPECT_EQ(g[1], seed);
  EXPECT_THAT(GradientOps(s), Not(Contains("Sum")));
}

// Known but different shapes: a Sum over constant axes (+ a Reshape to a
// constant shape), no Shape or BroadcastGradientArgs at run time.
TEST(MathGradTest, KnownShapesReduceOverConstantAxes) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {2, 1});
  Output y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT, {1, 3});
  Output seed = ops::Placeholder(s.WithOpName("seed"), DT_FLOAT);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {ops::Mul(s.WithOpName("mul"), x, y)},
                                 {x, y}, {seed}, &g));
  std::vector<std::string> ops = GradientOps(s);
  EXPECT_THAT(ops, Not(Contains("BroadcastGradientArgs")));
  EXPECT_THAT(ops, Not(Contains("Shape")));
  ASSERT_EQ(g[0].op(), "Reshape");
  EXPECT_EQ(g[0].node->input(1).node->op(), "Const");
  const Node* sum = g[0].node->input(0).node;
  EXPECT_EQ(sum->op(), "Sum");
  EXPECT_EQ(sum->input(1).node->op(), "Const");
  EXPECT_EQ(g[0].shape(), PartialShape({2, 1}));
  auto out = testing::EvalAll(s, g,
                              {{x, F({1, 2}, {2, 1})},
                               {y, F({3, 4, 5}, {1, 3})},
                               {seed, F({1, 1, 1, 1, 1, 1}, {2, 3})}});
  EXPECT_TENSOR_NEAR(out[0], F({12, 12}, {2, 1}));
  EXPECT_TENSOR_NEAR(out[1], F({3, 3, 3}, {1, 3}));
}

// The training-graph case: [?, n] + [n]. The bias gradient is a Sum over
// axis 0 without a Reshape; the other passes through; no run-time shapes.
TEST(MathGradTest, UnknownBatchAgainstVectorNeedsNoRunTimeShapes) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 3});
  Output b = ops::Placeholder(s.WithOpName("b"), DT_FLOAT, {3});
  Output seed = ops::Placeholder(s.WithOpName("seed"), DT_FLOAT);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {ops::Add(s, x, b)}, {x, b}, {seed}, &g));
  EXPECT_EQ(g[0], seed);
  EXPECT_EQ(g[1].op(), "Sum");
  EXPECT_THAT(GradientOps(s), Not(Contains("BroadcastGradientArgs")));
  Tensor out = testing::Eval(s, g[1],
                             {{x, F({0, 0, 0, 0, 0, 0}, {2, 3})},
                              {b, F({0, 0, 0}, {3})},
                              {seed, F({1, 2, 3, 4, 5, 6}, {2, 3})}});
  EXPECT_TENSOR_NEAR(out, F({5, 7, 9}, {3}));
}

// Unknown shapes: TF's Shape/BroadcastGradientArgs/Sum/Reshape, named like
// TF's, and the graph survives a GraphDef round trip.
TEST(MathGradTest, UnknownShapesUseBroadcastGradientArgsAndRoundTrip) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT);
  Output z = ops::Mul(s.WithOpName("mul"), x, y);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {z}, {x, y}, &g));
  const Node* bga =
      s.graph()->FindNode("gradients/mul_grad/BroadcastGradientArgs");
  ASSERT_NE(bga, nullptr);
  EXPECT_EQ(bga->op(), "BroadcastGradientArgs");
  EXPECT_EQ(bga->input(0).node->op(), "Shape");
  EXPECT_EQ(g[0].op(), "Reshape");
  EXPECT_EQ(g[1].op(), "Reshape");
  const Endpoint ry = g[1].node->input(0).node->input(1);  // Sum's axes.
  EXPECT_EQ(ry.node, bga);
  EXPECT_EQ(ry.index, 1);

  const Tensor xv = F({1, 2}, {2, 1}), yv = F({3, 4, 5}, {3});
  auto expected = testing::EvalAll(s, g, {{x, xv}, {y, yv}});
  EXPECT_TENSOR_NEAR(expected[0], F({12, 12}, {2, 1}));
  EXPECT_TENSOR_NEAR(expected[1], F({3, 3, 3}, {3}));

  tensorflow::GraphDef gd = GraphToGraphDef(*s.graph());
  auto imported = GraphFromGraphDef(gd, GlobalOpRegistry());
  ASSERT_OK(imported.status());
  auto session =
      Session::Create(std::shared_ptr<const Graph>(std::move(*imported)));
  ASSERT_OK(session.status());
  auto out =
      (*session)->Run({{"x", xv}, {"y", yv}}, {g[0].name(), g[1].name()});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], expected[0]);
  EXPECT_TENSOR_NEAR((*out)[1], expected[1]);
}

// A variable read directly (a ref input, as in TF graphs): its gradient has
// the variable's shape and the base dtype.
TEST(MathGradTest, RefInputFromAVariable) {
  Scope s = NewRootScope();
  Output w = ops::Variable(s.WithOpName("w"), {3}, DT_FLOAT);
  Output init = ops::Assign(s, w, ops::Const(s, {1, 2, 3}, {3}));
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 3});
  Output y = ops::SquaredDifference(s, ops::Mul(s, x, w), w);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {w}, &g));
  ASSERT_TRUE(g[0].valid());
  EXPECT_EQ(g[0].dtype(), DT_FLOAT);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  // d/dw sum_i (x_i w - w)^2 = sum_i 2 (x_i w - w)(x_i - 1).
  auto out = (*session)->Run({{x, F({2, 2, 2, 3, 3, 3}, {2, 3})}}, {g[0]});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR(
      (*out)[0],
      F({2 * 1 + 2 * 2 * 2, 2 * 2 + 2 * 4 * 2, 2 * 3 + 2 * 6 * 2}, {3}));
}

TEST(MathGradTest, StaticReductionAxes) {
  auto axes = [](const PartialShape& x, const PartialShape& o) {
    return StaticReductionAxes(x, o);
  };
  using V = std::vector<int32_t>;
  EXPECT_EQ(axes({2, 3}, {2, 3}), V{});
  EXPECT_EQ(axes({3}, {2, 3}), V{0});
  EXPECT_EQ(axes({2, 1}, {1, 3}), V{1});
  EXPECT_EQ(axes({1, 3}, {2, 1}), V{0});
  EXPECT_EQ(axes(PartialShape(TensorShape{}), {2, 3}), (V{0, 1}));
  EXPECT_EQ(axes({2, 1, 3}, {4, 1}), V{1});
  EXPECT_EQ(axes({-1, 3}, {3}), V{});  // ? against a padded 1.
  EXPECT_EQ(axes({3}, {-1, 3}), V{0});
  EXPECT_EQ(axes({1, 3}, {-1, 3}), V{0});  // Summing a size-1 axis is fine.
  EXPECT_EQ(axes({-1, 3}, {-1, 3}), std::nullopt);  // ? may be a broadcast 1.
  EXPECT_EQ(axes({-1, 3}, {4, 3}), std::nullopt);
  EXPECT_EQ(axes(PartialShape(), {3}), std::nullopt);
}

TEST(MathGradTest, SumToShapeOfStaticAndDynamic) {
  Scope s = NewRootScope();
  Output g = ops::Placeholder(s.WithOpName("g"), DT_FLOAT, {2, 3});
  Output b = ops::Placeholder(s.WithOpName("b"), DT_FLOAT, {1, 3});
  Output u = ops::Placeholder(s.WithOpName("u"), DT_FLOAT);
  Output same = SumToShapeOf(s, g, g);
  Output to_b = SumToShapeOf(s, g, b);
  Output to_u = SumToShapeOf(s, g, u);
  EXPECT_EQ(same, g);
  EXPECT_EQ(to_b.op(), "Reshape");
  EXPECT_EQ(to_u.op(), "Reshape");
  EXPECT_THAT(GradientOps(s), Not(Contains("BroadcastGradientArgs")));
  bool dynamic = false;
  for (const auto& n : s.graph()->nodes()) {
    dynamic |= n->op() == "BroadcastGradientArgs";
  }
  EXPECT_TRUE(dynamic);
  const Tensor gv = F({1, 2, 3, 4, 5, 6}, {2, 3});
  auto out = testing::EvalAll(
      s, {to_b, to_u},
      {{g, gv}, {b, F({0, 0, 0}, {1, 3})}, {u, F({0, 0}, {2, 1})}});
  EXPECT_TENSOR_NEAR(out[0], F({5, 7, 9}, {1, 3}));
  EXPECT_TENSOR_NEAR(out[1], F({6, 15}, {2, 1}));
}

}  // namespace
}  // namespace graphflow
