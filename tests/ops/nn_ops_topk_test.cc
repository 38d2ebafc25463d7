// TopKV2 and InTopKV2: shapes, values with TF's tie and non-finite rules,
// run-time errors naming the node, and TopKV2's gradient.
#include <limits>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "ops/nn_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalStatus;
using testing::F;
using testing::I32;
using testing::I64;

void ExpectInvalid(const absl::Status& s, const std::string& node,
                   const std::string& fragment) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "'" + node + "'")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), fragment)) << s;
}

TEST(TopKTest, ShapeFunction) {
  Scope s = NewRootScope();
  auto a = ops::TopKV2(s, ops::Placeholder(s, DT_FLOAT, {-1, 5}), 3);
  auto b = ops::TopKV2(s, ops::Placeholder(s, DT_INT32, {4, 5}),
                       ops::Placeholder(s, DT_INT32));
  ASSERT_OK(s.status());
  EXPECT_EQ(a.values.shape(), PartialShape({-1, 3}));
  EXPECT_EQ(a.indices.shape(), PartialShape({-1, 3}));
  EXPECT_EQ(a.indices.dtype(), DT_INT32);
  EXPECT_EQ(b.values.shape(), PartialShape({4, -1}));
  ops::TopKV2(s.WithOpName("top"), ops::Placeholder(s, DT_FLOAT, {2, 2}), 3);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.status().message(), "top")) << s.status();
  EXPECT_TRUE(absl::StrContains(s.status().message(),
                                "last dimension >= k = 3 but is 2"))
      << s.status();
}

TEST(TopKTest, ValuesIndicesAndTiesByLowerIndex) {
  Scope s = NewRootScope();
  auto a = ops::TopKV2(s, F({1, 5, 3, 5, 2, 9, 9, 0, 9, -1}, {2, 5}), 3);
  auto b = ops::TopKV2(s, I64({4, 7, 7, 1}, {4}), 4);
  auto z = ops::TopKV2(s, F({1, 2, 3}, {3}), 0);
  auto out = testing::EvalAll(
      s, {a.values, a.indices, b.values, b.indices, z.values, z.indices});
  EXPECT_TENSOR_NEAR(out[0], F({5, 5, 3, 9, 9, 9}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[1], I32({1, 3, 2, 0, 1, 3}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[2], I64({7, 7, 4, 1}, {4}));
  EXPECT_TENSOR_NEAR(out[3], I32({1, 2, 0, 3}, {4}));
  EXPECT_EQ(out[4].shape(), TensorShape({0}));
  EXPECT_EQ(out[5].shape(), TensorShape({0}));
}

TEST(TopKTest, RunTimeErrorsNameTheNode) {
  Scope s = NewRootScope();
  Output k = ops::Placeholder(s, DT_INT32);
  auto t = ops::TopKV2(s.WithOpName("top"), F({1, 2, 3}, {3}), k);
  ExpectInvalid(EvalStatus(s, t.values, {{k, I32({-1}, {})}}), "top",
                "Need k >= 0, got -1");
  ExpectInvalid(EvalStatus(s, t.values, {{k, I32({4}, {})}}), "top",
                "input must have at least k columns. Had 3, needed 4");
  ExpectInvalid(EvalStatus(s, t.values, {{k, I32({1, 2}, {2})}}), "top",
                "k must be scalar");
}

// The values' gradient lands on the chosen input positions, zeros elsewhere.
TEST(TopKTest, GradientScattersIntoTheInputPositions) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 4});
  auto t = ops::TopKV2(s, x, 2);
  Output seed = ops::Placeholder(s.WithOpName("seed"), DT_FLOAT);
  std::vector<Output> g;
  ASSERT_OK(AddSymbolicGradients(s, {t.values}, {x}, {seed}, &g));
  EXPECT_TENSOR_NEAR(testing::Eval(s, g[0],
                                   {{x, F({3, 1, 4, 2, 0, 8, 6, 7}, {2, 4})},
                                    {seed, F({10, 20, 30, 40}, {2, 2})}}),
                     F({20, 0, 10, 0, 0, 30, 0, 40}, {2, 4}));
  Scope n = NewRootScope();
  Output y = ops::Placeholder(n.WithOpName("y"), DT_DOUBLE, {3, 5});
  EXPECT_GRADIENT_OK(n, {y}, {testing::RandomTensor(DT_DOUBLE, {3, 5}, 12)},
                     ops::TopKV2(n, y, 3).values, 1e-6);
}

TEST(InTopKTest, TiesCountAsInAndNonFiniteIsFalse) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  Scope s = NewRootScope();
  Tensor pred = F({0.1f, 0.3f, 0.3f, 0.3f,  // target 3 ties for first.
                   0.9f, 0.5f, 0.7f, 0.1f,  // target 1 is third.
                   0.2f, nan, 0.9f, 0.1f,   // a NaN in the row.
                   inf, 0.5f, 0.1f, 0.0f},  // an inf in the row.
                  {4, 4});
  Output k1 = ops::InTopKV2(s, pred, I32({3, 1, 2, 1}, {4}), 1);
  Output k3 = ops::InTopKV2(s, pred, I64({3, 1, 2, 1}, {4}), int64_t{3});
  EXPECT_EQ(k1.shape(), PartialShape({4}));
  auto out = testing::EvalAll(s, {k1, k3});
  EXPECT_TENSOR_NEAR(out[0], Tensor::FromVector<bool>({1, 0, 0, 0}, {4}));
  EXPECT_TENSOR_NEAR(out[1], Tensor::FromVector<bool>({1, 1, 0, 0}, {4}));
}

TEST(InTopKTest, ShapeAndRunTimeErrors) {
  Scope s = NewRootScope();
  ops::InTopKV2(s.WithOpName("in"), ops::Placeholder(s, DT_FLOAT, {3, 4}),
                I32({0, 1}, {2}), 1);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.status().message(), "in")) << s.status();
  Scope t = NewRootScope();
  Output targets = ops::Placeholder(t, DT_INT32, {-1});
  Output y =
      ops::InTopKV2(t.WithOpName("in"), F({1, 2, 3, 4}, {2, 2}), targets, 1);
  ExpectInvalid(EvalStatus(t, y, {{targets, I32({0, 2}, {2})}}), "in",
                "targets[1] is out of range");
  ExpectInvalid(EvalStatus(t, y, {{targets, I32({0}, {1})}}), "in",
                "First dimension of predictions 2 must match length of "
                "targets 1");
}

}  // namespace
}  // namespace graphflow
