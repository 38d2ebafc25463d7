// Gradients of Sum, Mean, Max, Min and Prod: numeric checks over
// axes, keep_dims and static / partly known / unknown input shapes, Prod
// through zeros, and the ops the gradient graphs are made of.
#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using testing::I32;

using Builder = Output (*)(const Scope&, Input, Input, bool);

// How much of x's shape the graph knows.
enum class Known { kStatic, kBatch, kNothing };

PartialShape PlaceholderShape(const TensorShape& shape, Known known) {
  if (known == Known::kNothing) return PartialShape();
  PartialShape p(shape);
  if (known == Known::kBatch) p.set_dim(0, -1);
  return p;
}

// The gradient error of op(x, axes, keep_dims) at x_value.
double GradError(Builder op, const Tensor& x_value, const Tensor& axes,
                 bool keep_dims, Known known) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), x_value.dtype(),
                              PlaceholderShape(x_value.shape(), known));
  Output y = op(s, x, axes, keep_dims);
  auto err = testing::MaxGradientError(s, {x}, {x_value}, y);
  EXPECT_TRUE(err.ok()) << err.status();
  return err.ok() ? *err : 1e9;
}

// Distinct values 0.1 apart in random order (no ties for Max/Min).
Tensor Distinct(DataType dtype, const TensorShape& shape, uint64_t seed) {
  const int64_t n = shape.num_elements();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  Tensor t(dtype, shape);
  for (int64_t i = 0; i < n; ++i) {
    const double v = 0.1 * static_cast<double>(order[i] - n / 2);
    if (dtype == DT_DOUBLE) {
      t.data<double>()[i] = v;
    } else {
      t.data<float>()[i] = static_cast<float>(v);
    }
  }
  return t;
}

// Each axes set, as a vector, over a [2,3,4] input; plus scalar axes.
std::vector<Tensor> AxesCases() {
  std::vector<Tensor> cases;
  for (auto axes : std::vector<std::vector<int32_t>>{
           {0}, {1}, {-1}, {0, 1}, {0, 2}, {2, 0, 1}, {}}) {
    cases.push_back(
        Tensor::FromVector<int32_t>(axes, {static_cast<int64_t>(axes.size())}));
  }
  cases.push_back(Tensor::Scalar<int32_t>(1));
  cases.push_back(Tensor::FromVector<int64_t>({-3, 1}, {2}));
  return cases;
}

void CheckAllCases(Builder op, const std::string& name, bool distinct,
                   double lo, double hi) {
  int seed = 0;
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    for (const Tensor& axes : AxesCases()) {
      for (bool keep_dims : {false, true}) {
        for (Known known : {Known::kStatic, Known::kBatch, Known::kNothing}) {
          ++seed;
          // Double takes only the static case: the float runs cover the rest.
          if (dtype == DT_DOUBLE && known != Known::kStatic) continue;
          Tensor x = distinct ? Distinct(dtype, {2, 3, 4}, seed)
                              : testing::RandomTensor(dtype, {2, 3, 4}, seed,
                                                      lo, hi, 0.3);
          EXPECT_LT(GradError(op, x, axes, keep_dims, known), 1e-3)
              << name << " axes " << axes.DebugString() << " keep_dims "
              << keep_dims << " known " << static_cast<int>(known) << " "
              << DataTypeString(dtype);
        }
      }
    }
  }
}

TEST(ReductionGradTest, Sum) { CheckAllCases(ops::Sum, "Sum", false, -1, 1); }
TEST(ReductionGradTest, Mean) {
  CheckAllCases(ops::Mean, "Mean", false, -1, 1);
}
TEST(ReductionGradTest, Max) { CheckAllCases(ops::Max, "Max", true, 0, 0); }
TEST(ReductionGradTest, Min) { CheckAllCases(ops::Min, "Min", true, 0, 0); }
TEST(ReductionGradTest, Prod) {
  CheckAllCases(ops::Prod, "Prod", false, -1.5, 1.5);
}

// 2-D inputs: axis 0, 1, -1 and both, as the usual cases are spelled.
TEST(ReductionGradTest, TwoDimensionalAxes) {
  for (Builder op : {ops::Sum, ops::Mean, ops::Max, ops::Min, ops::Prod}) {
    for (auto axes :
         std::vector<std::vector<int32_t>>{{0}, {1}, {-1}, {0, 1}}) {
      Tensor a = Tensor::FromVector<int32_t>(
          axes, {static_cast<int64_t>(axes.size())});
      for (bool keep_dims : {false, true}) {
        for (Known known : {Known::kStatic, Known::kNothing}) {
          Tensor x = Distinct(DT_FLOAT, {3, 4}, 7);
          EXPECT_LT(GradError(op, x, a, keep_dims, known), 1e-3)
              << a.DebugString() << " " << keep_dims;
        }
      }
    }
  }
}

// Axes fed at run time: nothing about the reduction is known to the graph.
TEST(ReductionGradTest, AxesFedAtRunTime) {
  for (Builder op : {ops::Sum, ops::Mean, ops::Max, ops::Prod}) {
    for (bool keep_dims : {false, true}) {
      Scope s = NewRootScope();
      Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
      Output axes = ops::Placeholder(s.WithOpName("axes"), DT_INT32);
      Output y = op(s, x, axes, keep_dims);
      testing::GradientCheckOptions options;
      options.extra_feeds = {{axes, I32({-1, 0}, {2})}};
      auto err = testing::MaxGradientError(
          s, {x}, {Distinct(DT_FLOAT, {2, 3, 2}, 3)}, y, options);
      ASSERT_OK(err.status());
      EXPECT_LT(*err, 1e-3);
    }
  }
}

// The gradient of Prod at zeros: one zero gives the others' product at the
// zero and 0 elsewhere; two zeros give 0 everywhere in the slice.
TEST(ReductionGradTest, ProdThroughZeros) {
  const Tensor one_zero =
      F({0.5, 0, 1.5, -2, 1.2, 0.7, -0.9, 1.1, 2, -1.3, 0.8, 0.6}, {3, 4});
  const Tensor two_zeros =
      F({0.5, 0, 1.5, 0, 1.2, 0.7, -0.9, 1.1, 0, -1.3, 0.8, 0}, {3, 4});
  for (const Tensor& x : {one_zero, two_zeros}) {
    for (auto axes : std::vector<std::vector<int32_t>>{{0}, {1}, {0, 1}}) {
      Tensor a = Tensor::FromVector<int32_t>(
          axes, {static_cast<int64_t>(axes.size())});
      for (Known known : {Known::kStatic, Known::kNothing}) {
        EXPECT_LT(GradError(ops::Prod, x, a, false, known), 1e-3)
            << x.DebugString() << " axes " << a.DebugString();
      }
    }
  }
  // Exact values along axis 1 of [[2, 0, 3], [0, 0, 5]].
  for (Known known : {Known::kStatic, Known::kNothing}) {
    Scope s = NewRootScope();
    Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT,
                                PlaceholderShape({2, 3}, known));
    std::vector<Output> grads;
    ASSERT_OK(AddSymbolicGradients(s, {ops::Prod(s, x, 1)}, {x}, &grads));
    EXPECT_TENSOR_NEAR(
        testing::Eval(s, grads[0], {{x, F({2, 0, 3, 0, 0, 5}, {2, 3})}}),
        F({0, 6, 0, 0, 0, 0}, {2, 3}));
  }
}

TEST(ReductionGradTest, MaxTiesShareTheGradient) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {ops::Max(s, x, 1)}, {x}, &grads));
  EXPECT_TENSOR_NEAR(
      testing::Eval(s, grads[0], {{x, F({1, 3, 3, 4, 2, 0}, {2, 3})}}),
      F({0, 0.5, 0.5, 1, 0, 0}, {2, 3}));
}

TEST(ReductionGradTest, ArgMaxHasNoGradient) {
  for (const char* op : {"ArgMax", "ArgMin"}) {
    EXPECT_TRUE(GlobalOpRegistry().Find(op)->no_gradient) << op;
  }
}

// Whether a node of `op` exists (under a gradient scope if grad_only).
bool HasOp(const Graph& g, absl::string_view op, bool grad_only = false) {
  for (const auto& n : g.nodes()) {
    if (n->op() != op) continue;
    if (!grad_only || n->name().find("_grad/") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// With x's shape unknown the Sum gradient is TF's reduced_shape graph
// (DynamicStitch, FloorMod, Tile); it survives a GraphDef round trip.
TEST(ReductionGradTest, DynamicSumGradientGraphRoundTrips) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Sum(s.WithOpName("Sum"), x, {1});
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &grads));
  EXPECT_EQ(grads[0].op(), "Tile");
  for (const char* op : {"DynamicStitch", "FloorMod", "FloorDiv", "Maximum",
                         "Range", "Fill", "Shape", "Size"}) {
    EXPECT_TRUE(HasOp(*s.graph(), op)) << op;
  }
  EXPECT_NE(s.graph()->FindNode("gradients/Sum_grad/DynamicStitch"), nullptr);

  const Tensor xv = F({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor expected = testing::Eval(s, grads[0], {{x, xv}});
  EXPECT_TENSOR_NEAR(expected, F({1, 1, 1, 1, 1, 1}, {2, 3}));

  tensorflow::GraphDef def = GraphToGraphDef(*s.graph());
  auto imported = GraphFromGraphDef(def, GlobalOpRegistry());
  ASSERT_OK(imported.status());
  EXPECT_TRUE(HasOp(**imported, "DynamicStitch"));
  auto session = Session::Create(def, GlobalOpRegistry());
  ASSERT_OK(session.status());
  auto out = (*session)->Run({{"x", xv}}, {grads[0].name()});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], expected);
}

// The dynamic Prod gradient uses TF's helper ops and round-trips too.
TEST(ReductionGradTest, DynamicProdGradientGraphRoundTrips) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output y = ops::Prod(s.WithOpName("Prod"), x, {-1});
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &grads));
  for (const char* op : {"Cumprod", "ListDiff", "InvertPermutation",
                         "Transpose", "ConcatV2", "DynamicStitch"}) {
    EXPECT_TRUE(HasOp(*s.graph(), op)) << op;
  }
  tensorflow::GraphDef def = GraphToGraphDef(*s.graph());
  auto session = Session::Create(def, GlobalOpRegistry());
  ASSERT_OK(session.status());
  auto out = (*session)->Run({{"x", F({2, 0, 3, 1, 4, 5}, {2, 3})}},
                             {grads[0].name()});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], F({0, 6, 0, 20, 5, 4}, {2, 3}));
}

// A fully known shape folds the kept-dims shape into Consts.
TEST(ReductionGradTest, StaticShapesFoldToConstants) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {2, 3, 4});
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(
      s, {ops::Sum(s, x, {1}), ops::Mean(s, x, {0, 2}), ops::Prod(s, x, {0})},
      {x}, &grads));
  EXPECT_FALSE(HasOp(*s.graph(), "DynamicStitch"));
  EXPECT_FALSE(HasOp(*s.graph(), "Shape", /*grad_only=*/true));
  EXPECT_FALSE(HasOp(*s.graph(), "Transpose"));  // Axis 0 leads already.
  EXPECT_TRUE(HasOp(*s.graph(), "Tile"));
  EXPECT_TRUE(HasOp(*s.graph(), "Cumprod"));
  // Reducing every dim is TF's fast path: Reshape to [1,1] and Tile.
  Scope s2 = NewRootScope();
  Output x2 = ops::Placeholder(s2.WithOpName("x"), DT_FLOAT, {-1, 3});
  ASSERT_OK(AddSymbolicGradients(s2, {ops::Sum(s2, x2, {0, 1})}, {x2}, &grads));
  EXPECT_EQ(grads[0].op(), "Tile");
  EXPECT_FALSE(HasOp(*s2.graph(), "DynamicStitch"));
}

}  // namespace
}  // namespace graphflow
