// FusedBatchNorm{,V2,V3} and their gradient ops: shapes, values against a
// long-double reference in both data formats and both modes, errors, and
// numeric gradient checks for x, scale and offset.
#include "ops/batch_norm_ops.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalAll;
using testing::F;
using testing::RandomTensor;
using testing::Values;

using Fn = ops::FusedBatchNormOutputs (*)(const Scope&, Input, Input, Input,
                                          Input, Input,
                                          const ops::FusedBatchNormAttrs&);
struct Version {
  const char* name;
  Fn fn;
};
const Version kVersions[] = {{"V1", ops::FusedBatchNorm},
                             {"V2", ops::FusedBatchNormV2},
                             {"V3", ops::FusedBatchNormV3}};

Tensor Empty() { return Tensor(DT_FLOAT, TensorShape({0})); }

// The long-double reference: x as [outer, channels, inner] (NHWC: inner 1).
struct Reference {
  std::vector<long double> y, mean, var, bessel_var;
};
Reference BatchNormRef(const Tensor& x, bool nchw, const Tensor& scale,
                       const Tensor& offset, const Tensor& mean,
                       const Tensor& var, double eps, bool training) {
  const int64_t c_count = nchw ? x.dim(1) : x.dim(3);
  const int64_t inner = nchw ? x.dim(2) * x.dim(3) : 1;
  const int64_t outer = x.num_elements() / (c_count * inner);
  const int64_t n = outer * inner;
  std::vector<double> xv = Values(x), s = Values(scale), o = Values(offset);
  auto at = [&](int64_t r, int64_t c, int64_t i) {
    return (r * c_count + c) * inner + i;
  };
  Reference ref;
  ref.y.resize(xv.size());
  for (int64_t c = 0; c < c_count; ++c) {
    long double m = 0, v = 0;
    if (training) {
      for (int64_t r = 0; r < outer; ++r)
        for (int64_t i = 0; i < inner; ++i) m += xv[at(r, c, i)];
      m /= n;
      for (int64_t r = 0; r < outer; ++r)
        for (int64_t i = 0; i < inner; ++i)
          v += (xv[at(r, c, i)] - m) * (xv[at(r, c, i)] - m);
      v /= n;
    } else {
      m = Values(mean)[c];
      v = Values(var)[c];
    }
    ref.mean.push_back(m);
    ref.var.push_back(v);
    ref.bessel_var.push_back(training ? v * n / (n - 1) : v);
    for (int64_t r = 0; r < outer; ++r)
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t k = at(r, c, i);
        ref.y[k] = (xv[k] - m) / std::sqrt(v + eps) * s[c] + o[c];
      }
  }
  return ref;
}

void ExpectNear(const Tensor& actual, const std::vector<long double>& want,
                double tol) {
  std::vector<double> got = Values(actual);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], static_cast<double>(want[i]), tol) << "at " << i;
  }
}

TEST(BatchNormOpsTest, ShapesFollowTheDataFormat) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, 5, 6, 3}));
  Output c = ops::Placeholder(s, DT_FLOAT, PartialShape({-1}));
  auto bn = ops::FusedBatchNormV3(s, x, c, c, Empty(), Empty());
  ASSERT_OK(s.status());
  EXPECT_EQ(bn.y.shape(), PartialShape({-1, 5, 6, 3}));
  EXPECT_EQ(bn.batch_variance.shape(), PartialShape({3}));
  EXPECT_EQ(bn.reserve_space_3.shape(), PartialShape());

  Output xc = ops::Placeholder(s, DT_FLOAT, PartialShape({-1, -1, 6, 7}));
  Output four = ops::Placeholder(s, DT_FLOAT, PartialShape({4}));
  auto nchw = ops::FusedBatchNorm(
      s, xc, four, c, four, c, {.data_format = "NCHW", .is_training = false});
  ASSERT_OK(s.status());
  EXPECT_EQ(nchw.y.shape(), PartialShape({-1, 4, 6, 7}));
  EXPECT_FALSE(nchw.reserve_space_3.valid());  // V1 has five outputs.

  auto g = ops::FusedBatchNormGradV3(s, x, x, c, c, c, bn.reserve_space_3);
  ASSERT_OK(s.status());
  EXPECT_EQ(g.x_backprop.shape(), PartialShape({-1, 5, 6, 3}));
  EXPECT_EQ(g.scale_backprop.shape(), PartialShape({3}));
}

TEST(BatchNormOpsTest, BadShapesNameTheNode) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({2, 2, 2, 3}));
  ops::FusedBatchNorm(s.WithOpName("bn"), x, F({1, 1}, {2}), F({0, 0}, {2}),
                      Empty(), Empty());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("bn"), std::string::npos);
  EXPECT_NE(s.status().message().find("scale must have 3 entries"),
            std::string::npos)
      << s.status();

  Scope s2 = NewRootScope();
  Output x3 = ops::Placeholder(s2, DT_FLOAT, PartialShape({2, 2, 3}));
  ops::FusedBatchNormV2(s2, x3, F({1}, {1}), F({1}, {1}), Empty(), Empty());
  EXPECT_EQ(s2.status().code(), absl::StatusCode::kInvalidArgument);

  // Inference checks mean and variance too (training ignores them).
  Scope s3 = NewRootScope();
  ops::FusedBatchNormV3(s3, x, F({1, 1, 1}, {3}), F({0, 0, 0}, {3}), Empty(),
                        Empty(), {.is_training = false});
  EXPECT_EQ(s3.status().code(), absl::StatusCode::kInvalidArgument);
}

// x = [1, 2, 3, 4] in one channel: mean 2.5, biased variance 1.25, Bessel
// 5/3; y = (x - 2.5) / sqrt(1.25 + eps) * 2 + 1.
TEST(BatchNormOpsTest, HandComputedTrainingValues) {
  Scope s = NewRootScope();
  auto bn =
      ops::FusedBatchNormV3(s, F({1, 2, 3, 4}, {1, 2, 2, 1}), F({2}, {1}),
                            F({1}, {1}), Empty(), Empty(), {.epsilon = 0.0f});
  std::vector<Tensor> out =
      EvalAll(s, {bn.y, bn.batch_mean, bn.batch_variance, bn.reserve_space_1,
                  bn.reserve_space_2, bn.reserve_space_3});
  ASSERT_EQ(out.size(), 6u);
  const double k = 2 / std::sqrt(1.25);
  EXPECT_TENSOR_NEAR(
      out[0],
      F({static_cast<float>(1 - 1.5 * k), static_cast<float>(1 - 0.5 * k),
         static_cast<float>(1 + 0.5 * k), static_cast<float>(1 + 1.5 * k)},
        {1, 2, 2, 1}));
  EXPECT_TENSOR_NEAR(out[1], F({2.5f}, {1}));
  EXPECT_TENSOR_NEAR(out[2], F({5.0f / 3}, {1}));
  EXPECT_TENSOR_NEAR(out[3], F({2.5f}, {1}));
  EXPECT_TENSOR_NEAR(out[4], F({1.25f}, {1}));
  EXPECT_EQ(out[5].num_elements(), 1);  // TF's CPU placeholder.
}

TEST(BatchNormOpsTest, MatchesTheReferenceInBothFormatsAndModes) {
  for (const Version& v : kVersions) {
    for (bool nchw : {false, true}) {
      for (bool training : {true, false}) {
        SCOPED_TRACE(absl::StrCat(v.name, nchw ? " NCHW" : " NHWC",
                                  training ? " training" : " inference"));
        Tensor x = RandomTensor(DT_FLOAT, {3, 4, 5, 2}, 7, -3, 5);
        const int64_t c = nchw ? 4 : 2;
        Tensor scale = RandomTensor(DT_FLOAT, {c}, 8, 0.5, 2);
        Tensor offset = RandomTensor(DT_FLOAT, {c}, 9);
        Tensor mean = training ? Empty() : RandomTensor(DT_FLOAT, {c}, 10);
        Tensor var =
            training ? Empty() : RandomTensor(DT_FLOAT, {c}, 11, 0.1, 3);
        const float eps = 0.001f;
        Scope s = NewRootScope();
        auto bn = v.fn(s, x, scale, offset, mean, var,
                       {.epsilon = eps,
                        .data_format = nchw ? "NCHW" : "NHWC",
                        .is_training = training});
        std::vector<Tensor> out =
            EvalAll(s, {bn.y, bn.batch_mean, bn.batch_variance,
                        bn.reserve_space_1, bn.reserve_space_2});
        ASSERT_EQ(out.size(), 5u);
        Reference ref =
            BatchNormRef(x, nchw, scale, offset, mean, var, eps, training);
        ExpectNear(out[0], ref.y, 2e-5);
        ExpectNear(out[1], ref.mean, 1e-5);
        ExpectNear(out[2], ref.bessel_var, 1e-5);
        ExpectNear(out[3], ref.mean, 1e-5);
        ExpectNear(out[4], ref.var, 1e-5);
      }
    }
  }
}

TEST(BatchNormOpsTest, RuntimeErrors) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  Output m = ops::Placeholder(s.WithOpName("m"), DT_FLOAT);
  auto bn = ops::FusedBatchNorm(s.WithOpName("bn"), x, F({1, 1}, {2}),
                                F({0, 0}, {2}), m, m, {.is_training = false});
  ASSERT_OK(s.status());
  absl::Status st = testing::EvalStatus(
      s, bn.y,
      {{x, RandomTensor(DT_FLOAT, {1, 2, 2, 2}, 1)}, {m, F({1}, {1})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'bn'"), std::string::npos) << st;
  EXPECT_NE(st.message().find("mean must be a vector of 2"), std::string::npos)
      << st;
  st = testing::EvalStatus(
      s, bn.y, {{x, RandomTensor(DT_FLOAT, {2, 2, 2}, 1)}, {m, Empty()}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("x must be 4-dimensional"), std::string::npos)
      << st;
}

// Gradient op values against the formulas in long double.
TEST(BatchNormOpsTest, GradOpMatchesTheReference) {
  for (bool training : {true, false}) {
    SCOPED_TRACE(training ? "training" : "inference");
    Tensor x = RandomTensor(DT_FLOAT, {2, 3, 2, 3}, 21, -2, 2);
    Tensor dy = RandomTensor(DT_FLOAT, {2, 3, 2, 3}, 22);
    Tensor scale = RandomTensor(DT_FLOAT, {3}, 23, 0.5, 2);
    Tensor mean = RandomTensor(DT_FLOAT, {3}, 24);
    Tensor var = RandomTensor(DT_FLOAT, {3}, 25, 0.2, 2);
    const double eps = 0.01;
    Scope s = NewRootScope();
    auto g =
        ops::FusedBatchNormGradV2(s, dy, x, scale, mean, var,
                                  {.epsilon = 0.01f, .is_training = training});
    std::vector<Tensor> out =
        EvalAll(s, {g.x_backprop, g.scale_backprop, g.offset_backprop});
    ASSERT_EQ(out.size(), 3u);
    std::vector<double> xv = Values(x), dv = Values(dy), sv = Values(scale),
                        mv = Values(mean), vv = Values(var);
    const int n = 12;
    std::vector<long double> dx(xv.size()), ds(3, 0), doff(3, 0), sdx(3, 0);
    for (int k = 0; k < 36; ++k) {
      doff[k % 3] += dv[k];
      sdx[k % 3] += dv[k] * (xv[k] - mv[k % 3]);
    }
    for (int c = 0; c < 3; ++c) ds[c] = sdx[c] / std::sqrt(vv[c] + eps);
    for (int k = 0; k < 36; ++k) {
      const int c = k % 3;
      long double r = 1 / std::sqrt(vv[c] + eps);
      dx[k] =
          training
              ? sv[c] * r *
                    (dv[k] - doff[c] / n - (xv[k] - mv[c]) * r * r * sdx[c] / n)
              : dv[k] * sv[c] * r;
    }
    ExpectNear(out[0], dx, 1e-5);
    ExpectNear(out[1], ds, 1e-5);
    ExpectNear(out[2], doff, 1e-5);
  }
}

TEST(BatchNormOpsTest, GradientsOfXScaleAndOffset) {
  for (const Version& v : kVersions) {
    for (bool nchw : {false, true}) {
      for (bool training : {true, false}) {
        SCOPED_TRACE(absl::StrCat(v.name, nchw ? " NCHW" : " NHWC",
                                  training ? " training" : " inference"));
        Scope s = NewRootScope();
        Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
        Output scale = ops::Placeholder(s.WithOpName("scale"), DT_FLOAT);
        Output offset = ops::Placeholder(s.WithOpName("offset"), DT_FLOAT);
        Tensor mean = training ? Empty() : F({0.3f, -0.2f}, {2});
        Tensor var = training ? Empty() : F({1.5f, 0.7f}, {2});
        auto bn = v.fn(s, x, scale, offset, mean, var,
                       {.epsilon = 0.01f,
                        .data_format = nchw ? "NCHW" : "NHWC",
                        .is_training = training});
        TensorShape shape =
            nchw ? TensorShape({2, 2, 3, 2}) : TensorShape({2, 3, 2, 2});
        std::vector<Output> xs = {x, scale, offset};
        std::vector<Tensor> values = {RandomTensor(DT_FLOAT, shape, 31, -2, 2),
                                      F({1.5f, 0.8f}, {2}),
                                      F({0.1f, -0.4f}, {2})};
        EXPECT_GRADIENT_OK(s, xs, values, bn.y, 5e-3);
      }
    }
  }
}

}  // namespace
}  // namespace graphflow
