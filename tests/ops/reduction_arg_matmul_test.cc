// ArgMax, ArgMin and MatMul: shape functions and values against hand-computed
// numbers and plain reference loops.
#include <vector>

#include "gtest/gtest.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;
using testing::I32;
using testing::I64;

// Deterministic pseudo-random values in [-1, 1), with ties when `levels` is
// small (values quantized to that many steps).
std::vector<float> Pattern(int64_t n, uint32_t seed, int levels = 0) {
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    float u = static_cast<float>(seed >> 8) / static_cast<float>(1 << 24);
    if (levels > 0)
      u = static_cast<float>(static_cast<int>(u * levels)) / levels;
    v[i] = 2 * u - 1;
  }
  return v;
}

// ---------------------------------------------------------------- ArgMax/Min

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

// -------------------------------------------------------------------- MatMul

// C = op(A) * op(B) for row-major A, B given their stored shapes.
template <typename T>
std::vector<T> RefMatMul(const std::vector<T>& a, const std::vector<T>& b,
                         int64_t m, int64_t n, int64_t k, bool ta, bool tb) {
  std::vector<T> c(m * n, T(0));
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      T acc = 0;
      for (int64_t p = 0; p < k; ++p) {
        T av = ta ? a[p * m + i] : a[i * k + p];
        T bv = tb ? b[j * k + p] : b[p * n + j];
        acc += av * bv;
      }
      c[i * n + j] = acc;
    }
  }
  return c;
}

template <typename T>
void CheckMatMul(int64_t m, int64_t n, int64_t k, double tol) {
  std::vector<float> fa = Pattern(m * k, 11), fb = Pattern(k * n, 12);
  std::vector<T> a(fa.size()), b(fb.size());
  for (size_t i = 0; i < fa.size(); ++i) a[i] = static_cast<T>(fa[i] * 8);
  for (size_t i = 0; i < fb.size(); ++i) b[i] = static_cast<T>(fb[i] * 8);
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      Scope s = NewRootScope();
      Tensor at =
          Tensor::FromVector<T>(a, ta ? TensorShape{k, m} : TensorShape{m, k});
      Tensor bt =
          Tensor::FromVector<T>(b, tb ? TensorShape{n, k} : TensorShape{k, n});
      Output c = ops::MatMul(s, at, bt, ta, tb);
      EXPECT_EQ(c.shape(), PartialShape({m, n}));
      Tensor got = Eval(s, c);
      Tensor want =
          Tensor::FromVector<T>(RefMatMul(a, b, m, n, k, ta, tb), {m, n});
      EXPECT_TENSOR_NEAR(got, want, tol, tol)
          << "transpose_a=" << ta << " transpose_b=" << tb;
    }
  }
}

TEST(MatMulTest, AllTransposesMatchReference) {
  CheckMatMul<float>(17, 9, 33, 1e-4);
  CheckMatMul<double>(17, 9, 33, 1e-10);
  CheckMatMul<int32_t>(17, 9, 33, 0);
  CheckMatMul<int64_t>(5, 3, 7, 0);
  CheckMatMul<float>(70, 90, 130, 1e-4);  // Large enough to thread.
}

TEST(MatMulTest, HandComputedAndEmpty) {
  Scope s = NewRootScope();
  Tensor a = F({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = F({1, 0, 0, 1, 1, 1}, {3, 2});
  EXPECT_TENSOR_NEAR(Eval(s, ops::MatMul(s, a, b)), F({4, 5, 10, 11}, {2, 2}));
  // k == 0: zeros; m == 0: empty.
  Tensor a0(DT_FLOAT, TensorShape({2, 0})), b0(DT_FLOAT, TensorShape({0, 3}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::MatMul(s, a0, b0)),
                     F({0, 0, 0, 0, 0, 0}, {2, 3}));
  Tensor m0(DT_FLOAT, TensorShape({0, 3}));
  EXPECT_EQ(Eval(s, ops::MatMul(s, m0, b)).shape(), TensorShape({0, 2}));
}

TEST(MatMulShapeTest, Shapes) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 784}));
  Output w = ops::Placeholder(s, DT_FLOAT, PartialShape({784, 10}));
  EXPECT_EQ(ops::MatMul(s, a, w).shape(), PartialShape({-1, 10}));
  EXPECT_EQ(ops::MatMul(s, w, a, true, true).shape(), PartialShape({10, -1}));
  Output unknown = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::MatMul(s, unknown, w).shape(), PartialShape({-1, 10}));
  EXPECT_EQ(ops::MatMul(s, a, unknown, false, true).shape(),
            PartialShape({-1, -1}));
  ASSERT_OK(s.status());

  Scope bad = NewRootScope();
  ops::MatMul(bad.WithOpName("bad_matmul"), w, w);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(bad.status().message());
  EXPECT_NE(msg.find("bad_matmul"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[784,10]"), std::string::npos) << msg;
  Scope rank3 = NewRootScope();
  ops::MatMul(rank3.WithOpName("rank3"), Tensor(DT_FLOAT, {1, 2, 3}), w);
  EXPECT_NE(rank3.status().message().find("rank3"), std::string::npos);
  Scope types = NewRootScope();
  ops::MatMul(types.WithOpName("mixed"), F({1}, {1, 1}), I32({1}, {1, 1}));
  EXPECT_EQ(types.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MatMulTest, RuntimeMismatchNamesTheNode) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_FLOAT);
  Output b = ops::Placeholder(s, DT_FLOAT);
  Output c = ops::MatMul(s.WithOpName("fed_matmul"), a, b);
  absl::Status st =
      EvalStatus(s, c, {{a, F({1, 2, 3}, {1, 3})}, {b, F({1, 2}, {2, 1})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("fed_matmul"), std::string::npos) << st;
}

}  // namespace
}  // namespace graphflow
