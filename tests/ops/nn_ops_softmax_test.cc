// Softmax, LogSoftmax and the softmax cross-entropy losses.
#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "ops/nn_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalAll;
using testing::EvalStatus;
using testing::F;

void ExpectBuildError(const Scope& s, absl::string_view node) {
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
      << s.status();
  EXPECT_NE(s.status().message().find(node), std::string::npos) << s.status();
}

void ExpectRunError(const absl::Status& st, absl::string_view node,
                    absl::string_view detail) {
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find(node), std::string::npos) << st;
  EXPECT_NE(st.message().find(detail), std::string::npos) << st;
}

// Plain references: log-softmax of each row of a [rows, cols] matrix.
std::vector<double> RefLogSoftmax(const std::vector<double>& x, int64_t cols) {
  std::vector<double> out(x.size());
  for (size_t r = 0; r < x.size() / cols; ++r) {
    double m = -INFINITY, sum = 0;
    for (int64_t c = 0; c < cols; ++c) m = std::max(m, x[r * cols + c]);
    for (int64_t c = 0; c < cols; ++c) sum += std::exp(x[r * cols + c] - m);
    for (int64_t c = 0; c < cols; ++c) {
      out[r * cols + c] = x[r * cols + c] - m - std::log(sum);
    }
  }
  return out;
}

Tensor D(const std::vector<double>& v, const TensorShape& shape) {
  return Tensor::FromVector<double>(absl::MakeConstSpan(v), shape);
}
Tensor FD(const std::vector<double>& v, const TensorShape& shape) {
  std::vector<float> f(v.begin(), v.end());
  return Tensor::FromVector<float>(absl::MakeConstSpan(f), shape);
}

std::vector<double> Exp(std::vector<double> v) {
  for (double& x : v) x = std::exp(x);
  return v;
}

TEST(SoftmaxOpsTest, Shapes) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 10}));
  Output u = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::Softmax(s, x).shape(), PartialShape({-1, 10}));
  EXPECT_EQ(ops::LogSoftmax(s, x).shape(), PartialShape({-1, 10}));
  EXPECT_EQ(ops::Softmax(s, u).shape(), PartialShape());
  EXPECT_EQ(ops::LogSoftmax(s, u).shape(), PartialShape());
  ASSERT_OK(s.status());
  Scope bad = NewRootScope();
  ops::Softmax(bad.WithOpName("scalar_softmax"), 3.0f);
  ExpectBuildError(bad, "scalar_softmax");
  Scope bad_log = NewRootScope();
  ops::LogSoftmax(bad_log.WithOpName("scalar_log"), 3.0f);
  ExpectBuildError(bad_log, "scalar_log");
}

TEST(SoftmaxOpsTest, Values) {
  Scope s = NewRootScope();
  std::vector<double> x = {1, 2, 3, 1, 1, 1, -1, 0, 5};
  std::vector<double> ls = RefLogSoftmax(x, 3);
  EXPECT_TENSOR_NEAR(Eval(s, ops::Softmax(s, FD(x, {3, 3}))),
                     FD(Exp(ls), {3, 3}), 1e-6);
  EXPECT_TENSOR_NEAR(Eval(s, ops::LogSoftmax(s, FD(x, {3, 3}))), FD(ls, {3, 3}),
                     1e-6);
  EXPECT_TENSOR_NEAR(Eval(s, ops::LogSoftmax(s, D(x, {3, 3}))), D(ls, {3, 3}),
                     1e-12);
  // Rank 1 and rank 3: always the last axis.
  EXPECT_TENSOR_NEAR(Eval(s, ops::Softmax(s, F({0, 0, 0, 0}, {4}))),
                     F({0.25f, 0.25f, 0.25f, 0.25f}, {4}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Softmax(s, FD(x, {1, 3, 3}))),
                     FD(Exp(ls), {1, 3, 3}), 1e-6);
  // An empty batch is fine.
  EXPECT_EQ(Eval(s, ops::Softmax(s, F({}, {0, 5}))).shape(),
            TensorShape({0, 5}));
}

// Max subtraction: huge logits give exact probabilities and finite logs.
TEST(SoftmaxOpsTest, ExtremeLogitsAreStable) {
  Scope s = NewRootScope();
  Tensor x = F({100, -100, 1000, -1000, -1000, 1000, 1000, 1000}, {4, 2});
  EXPECT_TENSOR_NEAR(Eval(s, ops::Softmax(s, x)),
                     F({1, 0, 1, 0, 0, 1, 0.5f, 0.5f}, {4, 2}), 0);
  Tensor log_sm = Eval(s, ops::LogSoftmax(s, x));
  EXPECT_TENSOR_NEAR(
      log_sm,
      F({0, -200, 0, -2000, -2000, 0, -std::log(2.0f), -std::log(2.0f)},
        {4, 2}),
      1e-6);
  Tensor xd = Tensor::FromVector<double>({1000, -1000, -1000, 1000}, {2, 2});
  EXPECT_TENSOR_NEAR(Eval(s, ops::Softmax(s, xd)),
                     Tensor::FromVector<double>({1, 0, 0, 1}, {2, 2}), 0);
  EXPECT_TENSOR_NEAR(Eval(s, ops::LogSoftmax(s, xd)),
                     Tensor::FromVector<double>({0, -2000, -2000, 0}, {2, 2}),
                     0);
}

TEST(SoftmaxOpsTest, ManyRowsMatchReference) {
  Scope s = NewRootScope();
  const int64_t rows = 777, cols = 129;
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> dist(-20, 20);
  std::vector<double> x(rows * cols);
  for (double& v : x) v = dist(gen);
  std::vector<double> ls = RefLogSoftmax(x, cols);
  EXPECT_TENSOR_NEAR(Eval(s, ops::Softmax(s, D(x, {rows, cols}))),
                     D(Exp(ls), {rows, cols}), 1e-12, 1e-9);
  EXPECT_TENSOR_NEAR(Eval(s, ops::LogSoftmax(s, FD(x, {rows, cols}))),
                     FD(ls, {rows, cols}), 1e-4, 1e-5);
}

TEST(XentOpsTest, Shapes) {
  Scope s = NewRootScope();
  Output f = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 10}));
  Output l = ops::Placeholder(s, DT_FLOAT, PartialShape({32, -1}));
  Output u = ops::Placeholder(s, DT_FLOAT);
  auto x = ops::SoftmaxCrossEntropyWithLogits(s, f, l);
  EXPECT_EQ(x.loss.shape(), PartialShape({32}));
  EXPECT_EQ(x.backprop.shape(), PartialShape({32, 10}));
  auto xu = ops::SoftmaxCrossEntropyWithLogits(s, u, u);
  EXPECT_EQ(xu.loss.shape(), PartialShape({-1}));
  EXPECT_EQ(xu.backprop.shape(), PartialShape({-1, -1}));
  // [1, C] labels broadcast against [N, C] features.
  Output one = ops::Placeholder(s, DT_FLOAT, PartialShape({1, 10}));
  auto xb = ops::SoftmaxCrossEntropyWithLogits(s, f, one);
  EXPECT_EQ(xb.loss.shape(), PartialShape({-1}));
  EXPECT_EQ(xb.backprop.shape(), PartialShape({-1, 10}));

  Output lab = ops::Placeholder(s, DT_INT64, PartialShape({-1}));
  auto sx = ops::SparseSoftmaxCrossEntropyWithLogits(s, f, lab);
  EXPECT_EQ(sx.loss.shape(), PartialShape({-1}));
  EXPECT_EQ(sx.backprop.shape(), PartialShape({-1, 10}));
  Output lab5 = ops::Placeholder(s, DT_INT32, PartialShape({5}));
  auto sx5 = ops::SparseSoftmaxCrossEntropyWithLogits(s, f, lab5);
  EXPECT_EQ(sx5.loss.shape(), PartialShape({5}));
  EXPECT_EQ(sx5.backprop.shape(), PartialShape({5, 10}));
  auto sxu = ops::SparseSoftmaxCrossEntropyWithLogits(s, u, lab);
  EXPECT_EQ(sxu.backprop.shape(), PartialShape({-1, -1}));
  ASSERT_OK(s.status());
}

TEST(XentOpsTest, BadShapesNameNode) {
  {
    Scope s = NewRootScope();
    Output f = ops::Placeholder(s, DT_FLOAT, PartialShape({2, 3, 4}));
    ops::SoftmaxCrossEntropyWithLogits(s.WithOpName("xent3d"), f, f);
    ExpectBuildError(s, "xent3d");
  }
  {
    Scope s = NewRootScope();
    Output f = ops::Placeholder(s, DT_FLOAT, PartialShape({2, 3}));
    Output l = ops::Placeholder(s, DT_FLOAT, PartialShape({2, 4}));
    ops::SoftmaxCrossEntropyWithLogits(s.WithOpName("xent_mismatch"), f, l);
    ExpectBuildError(s, "xent_mismatch");
  }
  {
    Scope s = NewRootScope();
    Output f = ops::Placeholder(s, DT_FLOAT, PartialShape({4, 10}));
    Output l = ops::Placeholder(s, DT_INT64, PartialShape({5}));
    ops::SparseSoftmaxCrossEntropyWithLogits(s.WithOpName("sparse_b"), f, l);
    ExpectBuildError(s, "sparse_b");
  }
  {
    Scope s = NewRootScope();
    Output f = ops::Placeholder(s, DT_FLOAT, PartialShape({4, 10}));
    Output l = ops::Placeholder(s, DT_INT64, PartialShape({4, 1}));
    ops::SparseSoftmaxCrossEntropyWithLogits(s.WithOpName("sparse_r"), f, l);
    ExpectBuildError(s, "sparse_r");
  }
  {
    Scope s = NewRootScope();
    Output f = ops::Placeholder(s, DT_FLOAT, PartialShape({4, 10}));
    Output l = ops::Placeholder(s, DT_FLOAT, PartialShape({4}));
    ops::SparseSoftmaxCrossEntropyWithLogits(s.WithOpName("float_lab"), f, l);
    ExpectBuildError(s, "float_lab");
  }
}

// loss = -sum(labels * log_softmax), backprop = softmax - labels.
TEST(XentOpsTest, DenseValues) {
  Scope s = NewRootScope();
  std::vector<double> x = {1, 2, 3, 0, 0, 0, -2, 4, 1};
  std::vector<double> l = {0, 0, 1, 0.5, 0.5, 0, 0.2, 0.3, 0.5};
  std::vector<double> ls = RefLogSoftmax(x, 3), loss(3), back(9);
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      loss[r] -= l[r * 3 + c] * ls[r * 3 + c];
      back[r * 3 + c] = std::exp(ls[r * 3 + c]) - l[r * 3 + c];
    }
  }
  Output feat = ops::Const(s, FD(x, {3, 3}));
  Output lab = ops::Const(s, FD(l, {3, 3}));
  auto xent = ops::SoftmaxCrossEntropyWithLogits(s, feat, lab);
  // backprop also equals the Softmax op's output minus the labels.
  Output sm = ops::Softmax(s, feat);
  auto out = EvalAll(s, {xent.loss, xent.backprop, sm});
  EXPECT_TENSOR_NEAR(out[0], FD(loss, {3}), 1e-6);
  EXPECT_TENSOR_NEAR(out[1], FD(back, {3, 3}), 1e-6);
  std::vector<double> sm_minus(9);
  for (int i = 0; i < 9; ++i) sm_minus[i] = out[2].ValueAsDouble(i) - l[i];
  EXPECT_TENSOR_NEAR(out[1], FD(sm_minus, {3, 3}), 1e-7);

  auto xd = ops::SoftmaxCrossEntropyWithLogits(s, D(x, {3, 3}), D(l, {3, 3}));
  auto outd = EvalAll(s, {xd.loss, xd.backprop});
  EXPECT_TENSOR_NEAR(outd[0], D(loss, {3}), 1e-12);
  EXPECT_TENSOR_NEAR(outd[1], D(back, {3, 3}), 1e-12);
}

TEST(XentOpsTest, DenseExtremeLogits) {
  Scope s = NewRootScope();
  auto x = ops::SoftmaxCrossEntropyWithLogits(
      s, F({100, -100, -1000, 1000, 1000, -1000}, {3, 2}),
      F({0, 1, 0, 1, 0.5f, 0.5f}, {3, 2}));
  auto out = EvalAll(s, {x.loss, x.backprop});
  EXPECT_TENSOR_NEAR(out[0], F({200, 0, 1000}, {3}), 0);
  EXPECT_TENSOR_NEAR(out[1], F({1, -1, 0, 0, 0.5f, -0.5f}, {3, 2}), 0);
}

TEST(XentOpsTest, DenseBroadcast) {
  Scope s = NewRootScope();
  std::vector<double> x = {1, 2, 3, 3, 0, -1};
  std::vector<double> ls = RefLogSoftmax(x, 3);
  // Labels [1, 3] against features [2, 3].
  auto a = ops::SoftmaxCrossEntropyWithLogits(s, FD(x, {2, 3}),
                                              F({0, 1, 0}, {1, 3}));
  // Features [1, 3] against labels [2, 3].
  auto b = ops::SoftmaxCrossEntropyWithLogits(s, F({1, 2, 3}, {1, 3}),
                                              F({1, 0, 0, 0, 0, 1}, {2, 3}));
  auto out = EvalAll(s, {a.loss, a.backprop, b.loss, b.backprop});
  EXPECT_TENSOR_NEAR(out[0], FD({-ls[1], -ls[4]}, {2}), 1e-6);
  EXPECT_TENSOR_NEAR(out[1],
                     FD({std::exp(ls[0]), std::exp(ls[1]) - 1, std::exp(ls[2]),
                         std::exp(ls[3]), std::exp(ls[4]) - 1, std::exp(ls[5])},
                        {2, 3}),
                     1e-6);
  EXPECT_TENSOR_NEAR(out[2], FD({-ls[0], -ls[2]}, {2}), 1e-6);
  EXPECT_TENSOR_NEAR(out[3],
                     FD({std::exp(ls[0]) - 1, std::exp(ls[1]), std::exp(ls[2]),
                         std::exp(ls[0]), std::exp(ls[1]), std::exp(ls[2]) - 1},
                        {2, 3}),
                     1e-6);
}

TEST(XentOpsTest, DenseRuntimeMismatchNamesNode) {
  Scope s = NewRootScope();
  Output f = ops::Placeholder(s, DT_FLOAT);
  Output l = ops::Placeholder(s, DT_FLOAT);
  auto x = ops::SoftmaxCrossEntropyWithLogits(s.WithOpName("rt_xent"), f, l);
  ExpectRunError(
      EvalStatus(s, x.loss,
                 {{f, F({1, 2, 3, 4}, {2, 2})}, {l, F({1, 2, 3}, {3})}}),
      "rt_xent", "[3]");
  ExpectRunError(EvalStatus(s, x.loss,
                            {{f, F({1, 2, 3, 4, 5, 6}, {2, 3})},
                             {l, F({1, 2, 3, 4}, {2, 2})}}),
                 "rt_xent", "[2,2]");
}

TEST(XentOpsTest, SparseValues) {
  Scope s = NewRootScope();
  std::vector<double> x = {1, 2, 3, 3, 2, 1, 0, 0, 0, -5, 10, 2};
  std::vector<int> labels = {2, 0, 1, 1};
  std::vector<double> ls = RefLogSoftmax(x, 3), loss(4), back(12);
  for (int r = 0; r < 4; ++r) {
    loss[r] = -ls[r * 3 + labels[r]];
    for (int c = 0; c < 3; ++c) {
      back[r * 3 + c] = std::exp(ls[r * 3 + c]) - (c == labels[r] ? 1 : 0);
    }
  }
  auto a = ops::SparseSoftmaxCrossEntropyWithLogits(
      s, FD(x, {4, 3}), Tensor::FromVector<int32_t>({2, 0, 1, 1}, {4}));
  auto b = ops::SparseSoftmaxCrossEntropyWithLogits(
      s, D(x, {4, 3}), Tensor::FromVector<int64_t>({2, 0, 1, 1}, {4}));
  auto out = EvalAll(s, {a.loss, a.backprop, b.loss, b.backprop});
  EXPECT_TENSOR_NEAR(out[0], FD(loss, {4}), 1e-6);
  EXPECT_TENSOR_NEAR(out[1], FD(back, {4, 3}), 1e-6);
  EXPECT_TENSOR_NEAR(out[2], D(loss, {4}), 1e-12);
  EXPECT_TENSOR_NEAR(out[3], D(back, {4, 3}), 1e-12);
}

TEST(XentOpsTest, SparseExtremeLogits) {
  Scope s = NewRootScope();
  auto x = ops::SparseSoftmaxCrossEntropyWithLogits(
      s, F({100, -100, -1000, 1000, 1000, -1000}, {3, 2}),
      Tensor::FromVector<int64_t>({1, 1, 0}, {3}));
  auto out = EvalAll(s, {x.loss, x.backprop});
  EXPECT_TENSOR_NEAR(out[0], F({200, 0, 0}, {3}), 0);
  EXPECT_TENSOR_NEAR(out[1], F({1, -1, 0, 0, 0, 0}, {3, 2}), 0);
}

TEST(XentOpsTest, SparseManyRowsMatchReference) {
  Scope s = NewRootScope();
  const int64_t rows = 1000, cols = 37;
  std::mt19937 gen(11);
  std::uniform_real_distribution<double> dist(-10, 10);
  std::vector<double> x(rows * cols), loss(rows);
  std::vector<int64_t> labels(rows);
  for (double& v : x) v = dist(gen);
  for (int64_t& k : labels) k = gen() % cols;
  std::vector<double> ls = RefLogSoftmax(x, cols);
  for (int64_t r = 0; r < rows; ++r) loss[r] = -ls[r * cols + labels[r]];
  auto xent = ops::SparseSoftmaxCrossEntropyWithLogits(
      s, D(x, {rows, cols}),
      Tensor::FromVector<int64_t>(absl::MakeConstSpan(labels), {rows}));
  EXPECT_TENSOR_NEAR(Eval(s, xent.loss), D(loss, {rows}), 1e-12, 1e-10);
}

TEST(XentOpsTest, SparseLabelOutOfRangeNamesNodeAndLabel) {
  Scope s = NewRootScope();
  Output f = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 3}));
  Output l = ops::Placeholder(s, DT_INT32, PartialShape({-1}));
  auto x =
      ops::SparseSoftmaxCrossEntropyWithLogits(s.WithOpName("sxent"), f, l);
  Tensor feats = F({1, 2, 3, 4, 5, 6}, {2, 3});
  ExpectRunError(
      EvalStatus(s, x.loss,
                 {{f, feats}, {l, Tensor::FromVector<int32_t>({0, 3}, {2})}}),
      "sxent", "label value of 3");
  ExpectRunError(
      EvalStatus(s, x.backprop,
                 {{f, feats}, {l, Tensor::FromVector<int32_t>({-1, 0}, {2})}}),
      "sxent", "label value of -1");
  ExpectRunError(
      EvalStatus(s, x.loss,
                 {{f, feats}, {l, Tensor::FromVector<int32_t>({0}, {1})}}),
      "sxent", "[1]");
}

}  // namespace
}  // namespace graphflow
