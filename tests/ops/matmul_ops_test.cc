// MatMul: shape function, values against a plain reference loop, and its
// gradient (numeric checks and TF's graph).
#include "ops/matmul_ops.h"

#include <vector>

#include "gtest/gtest.h"
#include "ops/gradients.h"
#include "ops/state_ops.h"
#include "tests/ops/reduction_ops_test_util.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;
using testing::I32;
using testing::I64;

using testing::Pattern;

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
  // Past 4M multiply-adds, oneDNN's sgemm (when built), its shards taking
  // blocks of columns (a wide b) or of rows.
  CheckMatMul<float>(3, 600, 2400, 2e-2);  // Sums of ~1e3 that cancel.
  CheckMatMul<float>(600, 3, 2400, 2e-2);
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

// ------------------------------------------------------------ The gradient

TEST(MatMulGradTest, AllTransposes) {
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        Scope s = NewRootScope();
        TensorShape sa = ta ? TensorShape{3, 2} : TensorShape{2, 3};
        TensorShape sb = tb ? TensorShape{4, 3} : TensorShape{3, 4};
        Output a = ops::Placeholder(s.WithOpName("a"), dtype, sa);
        Output b = ops::Placeholder(s.WithOpName("b"), dtype);
        Output y = ops::MatMul(s, a, b, ta, tb);
        auto err =
            testing::MaxGradientError(s, {a, b},
                                      {testing::RandomTensor(dtype, sa, 1),
                                       testing::RandomTensor(dtype, sb, 2)},
                                      y);
        ASSERT_OK(err.status());
        EXPECT_LT(*err, 1e-3) << ta << tb << DataTypeString(dtype);
      }
    }
  }
}

TEST(MatMulGradTest, UsesTransposeFlagsLikeTf) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s.WithOpName("a"), DT_FLOAT);
  Output b = ops::Placeholder(s.WithOpName("b"), DT_FLOAT);
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {ops::MatMul(s, a, b, true, false)}, {a, b},
                                 &grads));
  // transpose_a: grad_a = MatMul(b, dy, transpose_b), grad_b = MatMul(a, dy).
  EXPECT_EQ(grads[0].op(), "MatMul");
  EXPECT_EQ(grads[0].node->input(0).node, b.node);
  EXPECT_EQ(*grads[0].node->FindAttr<bool>("transpose_b"), true);
  EXPECT_EQ(*grads[0].node->FindAttr<bool>("transpose_a"), false);
  EXPECT_EQ(grads[1].node->input(0).node, a.node);
  EXPECT_EQ(*grads[1].node->FindAttr<bool>("transpose_a"), false);
  EXPECT_EQ(*grads[1].node->FindAttr<bool>("transpose_b"), false);
}

}  // namespace
}  // namespace graphflow
