// Activations, their gradients and L2Loss: shape functions and values.
// Softmax and the losses are in softmax_ops_test.cc, pooling in
// pooling_ops_test.cc.
#include "ops/nn_ops.h"

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Eval;
using testing::EvalStatus;
using testing::F;

void ExpectBuildError(const Scope& s, absl::string_view node) {
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
      << s.status();
  EXPECT_NE(s.status().message().find(node), std::string::npos) << s.status();
}

std::vector<float> RandomFloats(int64_t n, float lo, float hi, int seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

Tensor FromVec(const std::vector<float>& v, const TensorShape& shape) {
  return Tensor::FromVector<float>(absl::MakeConstSpan(v), shape);
}

using UnaryOp = std::function<Output(const Scope&, Input)>;
using BinaryOp = std::function<Output(const Scope&, Input, Input)>;

const std::vector<UnaryOp>& Activations() {
  static const auto* ops =
      new std::vector<UnaryOp>{ops::Relu,
                               ops::Relu6,
                               ops::Elu,
                               ops::Selu,
                               ops::Softplus,
                               [](const Scope& s, Input x) { return ops::LeakyRelu(s, x); }};
  return *ops;
}
const std::vector<BinaryOp>& ActivationGrads() {
  static const auto* ops =
      new std::vector<BinaryOp>{ops::ReluGrad,
                                ops::Relu6Grad,
                                ops::EluGrad,
                                ops::SeluGrad,
                                ops::SoftplusGrad,
                                [](const Scope& s, Input g, Input x) {
                                  return ops::LeakyReluGrad(s, g, x);
                                }};
  return *ops;
}

// Every activation keeps its input's shape; every gradient merges both.
TEST(NnOpsTest, ActivationShapes) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 10}));
  Output u = ops::Placeholder(s, DT_FLOAT);
  Output y = ops::Placeholder(s, DT_FLOAT, PartialShape({4, -1}));
  Output k = ops::Placeholder(s, DT_FLOAT, PartialShape({4, 10}));
  for (const UnaryOp& op : Activations()) {
    Output out = op(s, x);
    EXPECT_EQ(out.shape(), PartialShape({-1, 10})) << out.op();
    EXPECT_EQ(op(s, u).shape(), PartialShape()) << out.op();
    EXPECT_EQ(op(s, k).shape(), PartialShape({4, 10})) << out.op();
  }
  for (const BinaryOp& op : ActivationGrads()) {
    Output out = op(s, x, y);
    EXPECT_EQ(out.shape(), PartialShape({4, 10})) << out.op();
    EXPECT_EQ(op(s, u, u).shape(), PartialShape()) << out.op();
    EXPECT_EQ(op(s, u, x).shape(), PartialShape({-1, 10})) << out.op();
  }
  ASSERT_OK(s.status());
}

TEST(NnOpsTest, BadInputsNameNode) {
  for (const UnaryOp& op : Activations()) {
    Scope s = NewRootScope();
    EXPECT_FALSE(op(s.WithOpName("bool_act"), Tensor::Scalar(true)).valid());
    ExpectBuildError(s, "bool_act");
  }
  for (const BinaryOp& op : ActivationGrads()) {
    Scope s = NewRootScope();
    Output g = ops::Placeholder(s, DT_FLOAT, PartialShape({2, 3}));
    Output f = ops::Placeholder(s, DT_FLOAT, PartialShape({3, 2}));
    op(s.WithOpName("bad_grad"), g, f);
    ExpectBuildError(s, "bad_grad");
  }
}

TEST(NnOpsTest, EluRejectsIntegersNamingNode) {
  Scope s = NewRootScope();
  ops::Elu(s.WithOpName("int_elu"), Tensor::Vector<int32_t>({1, -2}));
  ExpectBuildError(s, "int_elu");
}

TEST(NnOpsTest, GradRuntimeShapeMismatchNamesNode) {
  Scope s = NewRootScope();
  Output g = ops::Placeholder(s, DT_FLOAT);
  Output f = ops::Placeholder(s, DT_FLOAT);
  Output r = ops::LeakyReluGrad(s.WithOpName("lrg"), g, f);
  absl::Status st = EvalStatus(s, r, {{g, F({1, 2}, {2})}, {f, F({1}, {1})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("lrg"), std::string::npos) << st;
}

TEST(NnOpsTest, ReluFamilyValues) {
  Scope s = NewRootScope();
  Tensor x = F({-2, -0.5f, 0, 0.5f, 3, 6, 7.5f}, {7});
  EXPECT_TENSOR_NEAR(Eval(s, ops::Relu(s, x)),
                     F({0, 0, 0, 0.5f, 3, 6, 7.5f}, {7}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Relu6(s, x)),
                     F({0, 0, 0, 0.5f, 3, 6, 6}, {7}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::LeakyRelu(s, x)),
                     F({-0.4f, -0.1f, 0, 0.5f, 3, 6, 7.5f}, {7}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::LeakyRelu(s, x, 0.5f)),
                     F({-1, -0.25f, 0, 0.5f, 3, 6, 7.5f}, {7}));
  Tensor xi = Tensor::FromVector<int32_t>({-3, 0, 4, 9}, {2, 2});
  EXPECT_TRUE(TensorsEqual(Eval(s, ops::Relu(s, xi)),
                           Tensor::FromVector<int32_t>({0, 0, 4, 9}, {2, 2})));
  EXPECT_TRUE(TensorsEqual(Eval(s, ops::Relu6(s, xi)),
                           Tensor::FromVector<int32_t>({0, 0, 4, 6}, {2, 2})));
}

TEST(NnOpsTest, EluSeluValues) {
  Scope s = NewRootScope();
  const double scale = 1.0507009873554804934193349852946;
  const double alpha = 1.6732632423543772848170429916717;
  std::vector<double> xs = {-3, -1, -0.25, 0, 0.5, 2};
  std::vector<double> elu, selu;
  for (double v : xs) {
    elu.push_back(v < 0 ? std::exp(v) - 1 : v);
    selu.push_back(v < 0 ? scale * alpha * (std::exp(v) - 1) : scale * v);
  }
  TensorShape shape{2, 3};
  Tensor xd = Tensor::FromVector<double>(absl::MakeConstSpan(xs), shape);
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Elu(s, xd)),
      Tensor::FromVector<double>(absl::MakeConstSpan(elu), shape), 1e-12);
  EXPECT_TENSOR_NEAR(
      Eval(s, ops::Selu(s, xd)),
      Tensor::FromVector<double>(absl::MakeConstSpan(selu), shape), 1e-12);
  std::vector<float> xf(xs.begin(), xs.end()), ef(elu.begin(), elu.end());
  EXPECT_TENSOR_NEAR(Eval(s, ops::Elu(s, FromVec(xf, shape))),
                     FromVec(ef, shape), 1e-6);
  // Far below zero Elu saturates at exactly -1, never NaN.
  EXPECT_TENSOR_NEAR(Eval(s, ops::Elu(s, F({-1000, 1000}, {2}))),
                     F({-1, 1000}, {2}), 0);
}

// log1p(exp(x)) in long double; both kernels' branches (x, exp(x) and
// log1p(exp(x))) are exercised, and nothing overflows at +-1000.
TEST(NnOpsTest, SoftplusValues) {
  Scope s = NewRootScope();
  std::vector<double> xs = {-1000, -40, -15, -1, 0, 0.5, 3, 15, 40, 1000};
  std::vector<double> want, grad;
  for (double v : xs) {
    want.push_back(static_cast<double>(std::log1p(std::exp((long double)v))));
    grad.push_back(static_cast<double>(1 / (1 + std::exp(-(long double)v))));
  }
  TensorShape shape{2, 5};
  auto vec = [&](const std::vector<double>& v) {
    return Tensor::FromVector<double>(absl::MakeConstSpan(v), shape);
  };
  EXPECT_TENSOR_NEAR(Eval(s, ops::Softplus(s, vec(xs))), vec(want), 1e-12);
  std::vector<double> ones(xs.size(), 1.0);
  EXPECT_TENSOR_NEAR(Eval(s, ops::SoftplusGrad(s, vec(ones), vec(xs))),
                     vec(grad), 1e-12);
  std::vector<float> xf(xs.begin(), xs.end()), wf(want.begin(), want.end());
  Tensor got = Eval(s, ops::Softplus(s, FromVec(xf, shape)));
  for (int i = 0; i < got.num_elements(); ++i) {
    EXPECT_NEAR(got.data<float>()[i], wf[i], 1e-6 * std::max(1.0f, wf[i]))
        << "x = " << xf[i];
  }
}

TEST(NnOpsTest, SoftplusRejectsIntegersAndMismatchedGradShapes) {
  Scope s = NewRootScope();
  ops::Softplus(s.WithOpName("int_softplus"), Tensor::Vector<int32_t>({1, -2}));
  ExpectBuildError(s, "int_softplus");
  Scope t = NewRootScope();
  ops::SoftplusGrad(t.WithOpName("bad_grad"), F({1, 2}, {2}),
                    F({1, 2, 3}, {3}));
  ExpectBuildError(t, "bad_grad");
}

TEST(NnOpsTest, GradValues) {
  Scope s = NewRootScope();
  Tensor g = F({1, 2, 3, 4, 5, 6}, {6});
  Tensor f = F({-1, 0, 2, 6, 7, 0.5f}, {6});
  // Relu passes where features > 0; Relu6 where 0 < features < 6.
  EXPECT_TENSOR_NEAR(Eval(s, ops::ReluGrad(s, g, f)),
                     F({0, 0, 3, 4, 5, 6}, {6}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::Relu6Grad(s, g, f)),
                     F({0, 0, 3, 0, 0, 6}, {6}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::LeakyReluGrad(s, g, f)),
                     F({0.2f, 0.4f, 3, 4, 5, 6}, {6}));
  EXPECT_TENSOR_NEAR(Eval(s, ops::LeakyReluGrad(s, g, f, 0.5f)),
                     F({0.5f, 1, 3, 4, 5, 6}, {6}));
  // Elu/SeluGrad take the forward outputs.
  Tensor y = F({-0.5f, 0, 2, -0.25f, 1, -1}, {6});
  EXPECT_TENSOR_NEAR(Eval(s, ops::EluGrad(s, g, y)),
                     F({0.5f, 2, 3, 3, 5, 0}, {6}));
  const float scale = 1.0507009873554804934193349852946f;
  const float sa = 1.7580993408473768599402175208123f;
  EXPECT_TENSOR_NEAR(Eval(s, ops::SeluGrad(s, g, y)),
                     F({1 * (sa - 0.5f), 2 * scale, 3 * scale, 4 * (sa - 0.25f),
                        5 * scale, 6 * (sa - 1)},
                       {6}));
  Tensor gi = Tensor::FromVector<int32_t>({5, 6, 7}, {3});
  Tensor fi = Tensor::FromVector<int32_t>({-1, 0, 1}, {3});
  EXPECT_TRUE(TensorsEqual(Eval(s, ops::ReluGrad(s, gi, fi)),
                           Tensor::FromVector<int32_t>({0, 0, 7}, {3})));
}

// Large inputs take the threaded path; compare with a plain loop.
TEST(NnOpsTest, LargeActivationsMatchReference) {
  Scope s = NewRootScope();
  const int64_t n = 300001;
  std::vector<float> x = RandomFloats(n, -8, 8, 1);
  std::vector<float> g = RandomFloats(n, -1, 1, 2);
  std::vector<float> relu6(n), elu(n), relu6_grad(n);
  for (int64_t i = 0; i < n; ++i) {
    relu6[i] = std::min(std::max(x[i], 0.0f), 6.0f);
    elu[i] = x[i] < 0 ? std::exp(x[i]) - 1 : x[i];
    relu6_grad[i] = x[i] > 0 && x[i] < 6 ? g[i] : 0;
  }
  Tensor tx = FromVec(x, {n}), tg = FromVec(g, {n});
  EXPECT_TENSOR_NEAR(Eval(s, ops::Relu6(s, tx)), FromVec(relu6, {n}), 0);
  EXPECT_TENSOR_NEAR(Eval(s, ops::Elu(s, tx)), FromVec(elu, {n}), 1e-6);
  EXPECT_TENSOR_NEAR(Eval(s, ops::Relu6Grad(s, tg, tx)),
                     FromVec(relu6_grad, {n}), 0);
}

TEST(NnOpsTest, L2Loss) {
  Scope s = NewRootScope();
  Output unknown = ops::Placeholder(s, DT_FLOAT);
  EXPECT_EQ(ops::L2Loss(s, unknown).shape(), PartialShape(TensorShape{}));
  Output batch = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 3}));
  Output l = ops::L2Loss(s, batch);
  EXPECT_EQ(l.shape(), PartialShape(TensorShape{}));
  EXPECT_TENSOR_NEAR(Eval(s, l, {{batch, F({1, 2, 3, -4, 0, 1}, {2, 3})}}),
                     Tensor::Scalar(15.5f));
  EXPECT_TENSOR_NEAR(Eval(s, ops::L2Loss(s, Tensor::Vector<double>({3, 4}))),
                     Tensor::Scalar(12.5));
  EXPECT_TENSOR_NEAR(Eval(s, ops::L2Loss(s, F({}, {0}))), Tensor::Scalar(0.0f));
  // Many blocks, summed in parallel.
  const int64_t n = 1000003;
  std::vector<float> x = RandomFloats(n, -1, 1, 3);
  double ref = 0;
  for (float v : x) ref += static_cast<double>(v) * v;
  EXPECT_TENSOR_NEAR(Eval(s, ops::L2Loss(s, FromVec(x, {n}))),
                     Tensor::Scalar(static_cast<float>(ref / 2)), 0, 1e-6);
}

TEST(NnOpsTest, L2LossRejectsIntegersNamingNode) {
  Scope s = NewRootScope();
  ops::L2Loss(s.WithOpName("int_l2"), Tensor::Vector<int32_t>({1, 2}));
  ExpectBuildError(s, "int_l2");
}

}  // namespace
}  // namespace graphflow
