// ArgMax and ArgMin: shape functions and values against hand-computed
// numbers and plain reference loops.
#include <vector>

#include "gtest/gtest.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/ops/reduction_ops_test_util.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;
using testing::I32;
using testing::I64;

using testing::Pattern;

TEST(ArgMaxTest, HandComputedWithTies) {
  Scope s = NewRootScope();
  Tensor x = F({1, 3, 3, 5, 2, 5}, {2, 3});
  EXPECT_TENSOR_NEAR(Eval(s, ops::ArgMax(s, x, 1)), I64({1, 0}, {2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ArgMax(s, x, 0)), I64({1, 0, 1}, {3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ArgMax(s, x, -1, DT_INT32)),
                     I32({1, 0}, {2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ArgMin(s, x, 1)), I64({0, 1}, {2}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ArgMin(s, x, 0)), I64({0, 1, 0}, {3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ArgMin(s, x, Tensor::Scalar<int64_t>(-2))),
                     I64({0, 1, 0}, {3}));
  // All equal: the first index.
  EXPECT_TENSOR_NEAR(Eval(s, ops::ArgMax(s, F({7, 7, 7, 7}, {4}), 0)),
                     Tensor::Scalar<int64_t>(0));
  EXPECT_TENSOR_NEAR(Eval(s, ops::ArgMin(s, I32({4, -2, 9, -2}, {4}), 0)),
                     Tensor::Scalar<int64_t>(1));
}

TEST(ArgMaxTest, MatchesReferenceOnMiddleAxis) {
  // [3, 50, 300]: the column path with more than one tile; many ties.
  const int64_t a = 3, r = 50, c = 300;
  std::vector<float> v = Pattern(a * r * c, 7, /*levels=*/6);
  Tensor x = Tensor::FromVector<float>(v, {a, r, c});
  Scope s = NewRootScope();
  auto [amax, amin] = std::pair{ops::ArgMax(s, x, 1), ops::ArgMin(s, x, 1)};
  std::vector<Tensor> out = testing::EvalAll(s, {amax, amin});
  ASSERT_EQ(out[0].shape(), TensorShape({a, c}));
  for (int64_t i = 0; i < a; ++i) {
    for (int64_t j = 0; j < c; ++j) {
      int64_t best_max = 0, best_min = 0;
      for (int64_t k = 1; k < r; ++k) {
        float val = v[(i * r + k) * c + j];
        if (val > v[(i * r + best_max) * c + j]) best_max = k;
        if (val < v[(i * r + best_min) * c + j]) best_min = k;
      }
      ASSERT_EQ(out[0].data<int64_t>()[i * c + j], best_max) << i << "," << j;
      ASSERT_EQ(out[1].data<int64_t>()[i * c + j], best_min) << i << "," << j;
    }
  }
}

TEST(ArgMaxTest, ErrorsNameTheNode) {
  Scope s = NewRootScope();
  Output dim = ops::Placeholder(s, DT_INT32);
  Output arg = ops::ArgMax(s.WithOpName("fed_argmax"), F({1, 2}, {1, 2}), dim);
  absl::Status st = EvalStatus(s, arg, {{dim, Tensor::Scalar<int32_t>(2)}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("fed_argmax"), std::string::npos) << st;
  // Empty reduced dimension.
  Scope e = NewRootScope();
  Output empty = ops::ArgMin(e.WithOpName("empty_argmin"),
                             Tensor(DT_FLOAT, TensorShape({2, 0})), 1);
  st = EvalStatus(e, empty);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("empty_argmin"), std::string::npos) << st;
}

TEST(ArgMaxShapeTest, Shapes) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 10}));
  EXPECT_EQ(ops::ArgMax(s, x, 1).shape(), PartialShape({-1}));
  EXPECT_EQ(ops::ArgMax(s, x, 1).dtype(), DT_INT64);
  EXPECT_EQ(ops::ArgMin(s, x, -2, DT_INT32).shape(), PartialShape({10}));
  EXPECT_EQ(ops::ArgMin(s, x, -2, DT_INT32).dtype(), DT_INT32);
  Output dim = ops::Placeholder(s, DT_INT32);
  EXPECT_EQ(ops::ArgMax(s, x, dim).shape(), PartialShape({-1}));
  Output x3 = ops::Placeholder(s, DT_FLOAT, PartialShape({2, -1, 4}));
  EXPECT_EQ(ops::ArgMax(s, x3, dim).shape(), PartialShape::UnknownOfRank(2));
  EXPECT_EQ(ops::ArgMax(s, x3, 1).shape(), PartialShape({2, 4}));
  Output vec = ops::Placeholder(s, DT_FLOAT, PartialShape({5}));
  EXPECT_EQ(ops::ArgMax(s, vec, dim).shape(), PartialShape({}));
  Output unknown = ops::Placeholder(s, DT_FLOAT);
  EXPECT_TRUE(ops::ArgMax(s, unknown, 0).shape().unknown_rank());
  ASSERT_OK(s.status());

  Scope bad = NewRootScope();
  ops::ArgMax(bad.WithOpName("bad_dim"), x3, 3);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("bad_dim"), std::string::npos);
  Scope bad2 = NewRootScope();
  ops::ArgMax(bad2.WithOpName("vector_dim"), x3, {1});
  EXPECT_NE(bad2.status().message().find("vector_dim"), std::string::npos);
}

}  // namespace
}  // namespace graphflow
