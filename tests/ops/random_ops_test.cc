// Random ops: shape functions, errors, seeding semantics and statistics.
// Exact values are in random_ops_values_test.cc.
#include "ops/random_ops.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::I32;
using testing::Values;

using FloatBuilder = Output (*)(const Scope&, Input, DataType, int64_t,
                                int64_t);
const FloatBuilder kFloatOps[] = {ops::RandomUniform, ops::RandomStandardNormal,
                                  ops::TruncatedNormal};

bool Mentions(const absl::Status& status, absl::string_view text) {
  return status.message().find(text) != absl::string_view::npos;
}

TEST(RandomShapeTest, FloatOps) {
  for (FloatBuilder op : kFloatOps) {
    Scope s = NewRootScope();
    EXPECT_EQ(op(s, {2, 3}, DT_FLOAT, 0, 0).shape(), PartialShape({2, 3}));
    EXPECT_EQ(op(s, Tensor::Vector<int64_t>({4}), DT_DOUBLE, 1, 2).shape(),
              PartialShape({4}));
    // A runtime shape of known length: known rank, unknown dims.
    Output len3 = ops::Placeholder(s, DT_INT32, PartialShape({3}));
    EXPECT_EQ(op(s, len3, DT_FLOAT, 0, 0).shape(), PartialShape({-1, -1, -1}));
    Output len_unknown = ops::Placeholder(s, DT_INT64, PartialShape({-1}));
    EXPECT_TRUE(op(s, len_unknown, DT_FLOAT, 0, 0).shape().unknown_rank());
    Output any = ops::Placeholder(s, DT_INT32);
    EXPECT_TRUE(op(s, any, DT_FLOAT, 0, 0).shape().unknown_rank());
    ASSERT_OK(s.status());

    op(s.WithOpName("bad"), I32({1, 2, 3, 4}, {2, 2}), DT_FLOAT, 0, 0);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Mentions(s.status(), "bad")) << s.status();
  }
}

TEST(RandomShapeTest, RejectsNegativeConstantDims) {
  Scope s = NewRootScope();
  ops::RandomUniform(s.WithOpName("neg"), {2, -3}, DT_FLOAT);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(s.status(), "neg")) << s.status();
}

TEST(RandomShapeTest, RejectsBadTypes) {
  Scope s = NewRootScope();
  ops::RandomUniform(s.WithOpName("int_dtype"), {2}, DT_INT32);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  Scope s2 = NewRootScope();
  ops::RandomUniform(s2, {2.0f, 3.0f}, DT_FLOAT);  // Float shape input.
  EXPECT_EQ(s2.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RandomShapeTest, UniformInt) {
  Scope s = NewRootScope();
  Output a = ops::RandomUniformInt(s, {5}, 0, 10);
  EXPECT_EQ(a.shape(), PartialShape({5}));
  EXPECT_EQ(a.dtype(), DT_INT32);
  Output b = ops::RandomUniformInt(s, ops::Placeholder(s, DT_INT32, {2}),
                                   Tensor::Scalar<int64_t>(0),
                                   Tensor::Scalar<int64_t>(9));
  EXPECT_EQ(b.shape(), PartialShape({-1, -1}));
  EXPECT_EQ(b.dtype(), DT_INT64);
  Output c = ops::RandomUniformInt(s, ops::Placeholder(s, DT_INT32),
                                   ops::Placeholder(s, DT_INT32),
                                   ops::Placeholder(s, DT_INT32));
  EXPECT_TRUE(c.shape().unknown_rank());
  ASSERT_OK(s.status());
  ops::RandomUniformInt(s.WithOpName("vec_min"), {5}, I32({0, 1}, {2}), 10);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(s.status(), "vec_min")) << s.status();
  EXPECT_TRUE(Mentions(s.status(), "minval")) << s.status();
  Scope s2 = NewRootScope();
  ops::RandomUniformInt(s2, {5}, 0, Tensor::Scalar<int64_t>(9));  // Mixed.
  EXPECT_EQ(s2.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RandomShapeTest, Shuffle) {
  Scope s = NewRootScope();
  EXPECT_EQ(
      ops::RandomShuffle(s, ops::Placeholder(s, DT_FLOAT, {-1, 3})).shape(),
      PartialShape({-1, 3}));
  EXPECT_TRUE(ops::RandomShuffle(s, ops::Placeholder(s, DT_INT64))
                  .shape()
                  .unknown_rank());
  EXPECT_EQ(ops::RandomShuffle(s, I32({1, 2, 3}, {3})).dtype(), DT_INT32);
  ASSERT_OK(s.status());
  EXPECT_TRUE(s.graph()->FindNode("RandomShuffle")->op_def().is_stateful);
  EXPECT_TRUE(s.graph()->FindNode("RandomShuffle")->op_def().no_gradient);
}

TEST(RandomOpsTest, SchemasAreStatefulWithoutGradient) {
  Scope s = NewRootScope();
  for (const char* name : {"RandomUniform", "RandomStandardNormal",
                           "TruncatedNormal", "RandomUniformInt"}) {
    const OpDef* def = s.graph()->registry().Find(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_TRUE(def->is_stateful) << name;
    EXPECT_TRUE(def->no_gradient) << name;
    ASSERT_NE(def->FindAttr("seed2"), nullptr);
  }
}

TEST(RandomOpsTest, RuntimeShapeErrors) {
  Scope s = NewRootScope();
  Output shape = ops::Placeholder(s, DT_INT32);
  Output u = ops::RandomUniform(s.WithOpName("u"), shape, DT_FLOAT, 1, 2);
  absl::Status st = testing::EvalStatus(s, u, {{shape, I32({2, -1}, {2})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(st, "'u'")) << st;
  st = testing::EvalStatus(s, u, {{shape, I32({2, 2}, {1, 2})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(st, "'u'")) << st;
  // A feed of shape [2] gives a [2, 3] output.
  Tensor ok = testing::Eval(s, u, {{shape, I32({2, 3}, {2})}});
  EXPECT_EQ(ok.shape(), TensorShape({2, 3}));
}

TEST(RandomOpsTest, UnsupportedDtypeIsAnError) {
  Scope s = NewRootScope();
  Output h = ops::RandomUniform(s.WithOpName("h"), {2}, DT_HALF, 1, 1);
  ASSERT_OK(s.status());  // TensorFlow's schema allows half.
  absl::Status st = testing::EvalStatus(s, h);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(st, "'h'")) << st;
}

TEST(RandomOpsTest, UniformIntRangeErrors) {
  Scope s = NewRootScope();
  Output lo = ops::Placeholder(s, DT_INT32);
  Output hi = ops::Placeholder(s, DT_INT32);
  Output shape = ops::Placeholder(s, DT_INT32, {1});
  Output x = ops::RandomUniformInt(s.WithOpName("x"), shape, lo, hi, 1, 2);
  auto feeds = [&](int n, int l, int h) {
    return FeedDict{{shape, I32({n}, {1})},
                    {lo, Tensor::Scalar<int32_t>(l)},
                    {hi, Tensor::Scalar<int32_t>(h)}};
  };
  absl::Status st = testing::EvalStatus(s, x, feeds(3, 5, 5));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(st, "'x'") && Mentions(st, "minval < maxval")) << st;
  // No values, no range needed (as in TensorFlow).
  EXPECT_OK(testing::EvalStatus(s, x, feeds(0, 5, 5)));
  st = testing::EvalStatus(
      s, x,
      {{shape, I32({3}, {1})}, {lo, I32({0, 1}, {2})}, {hi, I32({5}, {})}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(st, "minval must be 0-D")) << st;
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / v.size();
}

double Variance(const std::vector<double>& v) {
  const double m = Mean(v);
  double sum = 0;
  for (double x : v) sum += (x - m) * (x - m);
  return sum / v.size();
}

TEST(RandomStatsTest, MomentsOf100kSamples) {
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE}) {
    Scope s = NewRootScope();
    Output u = ops::RandomUniform(s, {100000}, dtype, 7, 1);
    Output g = ops::RandomStandardNormal(s, {100000}, dtype, 7, 2);
    Output t = ops::TruncatedNormal(s, {100000}, dtype, 7, 3);
    std::vector<Tensor> r = testing::EvalAll(s, {u, g, t});
    std::vector<double> uv = Values(r[0]), gv = Values(r[1]), tv = Values(r[2]);
    // Standard errors: uniform mean 0.0009, normal mean 0.0032.
    EXPECT_NEAR(Mean(uv), 0.5, 0.005);
    EXPECT_NEAR(Variance(uv), 1.0 / 12, 0.002);
    EXPECT_GE(*std::min_element(uv.begin(), uv.end()), 0.0);
    EXPECT_LT(*std::max_element(uv.begin(), uv.end()), 1.0);
    EXPECT_NEAR(Mean(gv), 0.0, 0.015);
    EXPECT_NEAR(Variance(gv), 1.0, 0.02);
    // Truncated at 2 stddev: variance 1 - 4 phi(2) / (2 Phi(2) - 1) = 0.7737.
    EXPECT_NEAR(Mean(tv), 0.0, 0.015);
    EXPECT_NEAR(Variance(tv), 0.7737, 0.015);
    for (double x : tv) ASSERT_LT(std::fabs(x), 2.0);
    // The tails really are cut: about 4.6% of normals are beyond 2.
    const auto beyond = std::count_if(
        gv.begin(), gv.end(), [](double x) { return std::fabs(x) > 2; });
    EXPECT_NEAR(beyond / 100000.0, 0.0455, 0.004);
  }
}

TEST(RandomStatsTest, UniformIntCoversRange) {
  Scope s = NewRootScope();
  Output a = ops::RandomUniformInt(s, {100000}, -3, 7, 1, 1);
  Output b =
      ops::RandomUniformInt(s, {100000}, Tensor::Scalar<int64_t>(-(1ll << 40)),
                            Tensor::Scalar<int64_t>(1ll << 40), 1, 1);
  Output c =
      ops::RandomUniformInt(s, {1000}, std::numeric_limits<int32_t>::min(),
                            std::numeric_limits<int32_t>::max(), 2, 2);
  std::vector<Tensor> r = testing::EvalAll(s, {a, b, c});
  std::vector<int> counts(10);
  for (double x : Values(r[0])) {
    ASSERT_GE(x, -3);
    ASSERT_LT(x, 7);
    ++counts[static_cast<int>(x) + 3];
  }
  for (int count : counts) EXPECT_NEAR(count, 10000, 500);
  std::vector<double> bv = Values(r[1]);
  for (double x : bv) {
    ASSERT_GE(x, -std::ldexp(1.0, 40));
    ASSERT_LT(x, std::ldexp(1.0, 40));
  }
  EXPECT_NEAR(Mean(bv) / std::ldexp(1.0, 40), 0.0, 0.01);
  std::vector<double> cv = Values(r[2]);
  EXPECT_LT(*std::min_element(cv.begin(), cv.end()), -1e9);
  EXPECT_GT(*std::max_element(cv.begin(), cv.end()), 1e9);
}

// Runs `fetch` `runs` times in a new session; returns the values of each run.
std::vector<std::vector<double>> Runs(const Scope& s, const Output& fetch,
                                      int runs, uint64_t session_seed = 0) {
  SessionOptions options;
  options.seed = session_seed;
  auto session = Session::Create(s, options);
  EXPECT_TRUE(session.ok()) << session.status();
  std::vector<std::vector<double>> values;
  for (int i = 0; i < runs && session.ok(); ++i) {
    auto r = (*session)->Run({fetch});
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) values.push_back(Values((*r)[0]));
  }
  return values;
}

TEST(RandomSeedTest, SeededOpsRepeatAcrossSessionsAndAdvanceAcrossRuns) {
  Scope s = NewRootScope();
  std::vector<Output> outs;
  for (FloatBuilder op : kFloatOps)
    outs.push_back(op(s, {64}, DT_FLOAT, 42, 7));
  outs.push_back(ops::RandomUniformInt(s, {64}, 0, 1000, 42, 7));
  std::vector<float> iota(64);
  for (int i = 0; i < 64; ++i) iota[i] = static_cast<float>(i);
  outs.push_back(
      ops::RandomShuffle(s, Tensor::FromVector<float>(iota, {64}), 42, 7));
  for (size_t k = 0; k < outs.size(); ++k) {
    auto first = Runs(s, outs[k], 3);
    auto second = Runs(s, outs[k], 3, /*session_seed=*/99);
    EXPECT_EQ(first, second) << k;  // The session seed does not matter.
    EXPECT_NE(first[0], first[1]) << k;
    EXPECT_NE(first[1], first[2]) << k;
  }
  // Other seeds, other numbers; seed alone or seed2 alone also seed.
  Scope s2 = NewRootScope();
  Output a = ops::RandomUniform(s2, {16}, DT_FLOAT, 42, 8);
  Output b = ops::RandomUniform(s2, {16}, DT_FLOAT, 43, 7);
  Output c = ops::RandomUniform(s2, {16}, DT_FLOAT, 0, 7);
  Output d = ops::RandomUniform(s2, {16}, DT_FLOAT, 42, 7);
  std::vector<Tensor> r = testing::EvalAll(s2, {a, b, c, d});
  // Value i depends only on (seeds, i / 4): a prefix of the longer output.
  std::vector<double> longer = Values(testing::Eval(s, outs[0]));
  EXPECT_EQ(Values(r[3]),
            std::vector<double>(longer.begin(), longer.begin() + 16));
  EXPECT_NE(Values(r[0]), Values(r[3]));
  EXPECT_NE(Values(r[1]), Values(r[3]));
  EXPECT_EQ(Runs(s2, c, 1)[0], Runs(s2, c, 1)[0]);
}

TEST(RandomSeedTest, UnseededOpsVaryAcrossSessionsAndRuns) {
  for (FloatBuilder op : kFloatOps) {
    Scope s = NewRootScope();
    Output x = op(s, {32}, DT_FLOAT, 0, 0);
    auto a = Runs(s, x, 2);
    auto b = Runs(s, x, 2);
    EXPECT_NE(a[0], a[1]);
    EXPECT_NE(a[0], b[0]);  // Each session draws its own seed.
    // A fixed session seed makes unseeded ops reproducible.
    EXPECT_EQ(Runs(s, x, 2, 5), Runs(s, x, 2, 5));
    EXPECT_NE(Runs(s, x, 1, 5), Runs(s, x, 1, 6));
  }
  // Two unseeded nodes in one graph draw different numbers.
  Scope s = NewRootScope();
  Output x = ops::RandomUniform(s, {8}, DT_FLOAT);
  Output y = ops::RandomUniform(s, {8}, DT_FLOAT);
  std::vector<Tensor> r = testing::EvalAll(s, {x, y});
  EXPECT_NE(Values(r[0]), Values(r[1]));
}

// An unseeded op whose size changes between runs (dropout on a short last
// batch) still never repeats numbers: every run has its own counter stream.
TEST(RandomSeedTest, UnseededRunsDoNotOverlapWhenSizesChange) {
  Scope s = NewRootScope();
  Output shape = ops::Placeholder(s, DT_INT32, {1});
  Output x = ops::RandomUniform(s, shape, DT_FLOAT);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  std::set<float> seen;
  for (int n : {20, 10, 40, 10}) {
    auto r = (*session)->Run({{shape, I32({n}, {1})}}, {x});
    ASSERT_OK(r.status());
    for (double v : Values((*r)[0])) {
      EXPECT_TRUE(seen.insert(static_cast<float>(v)).second);
    }
  }
}

TEST(RandomShuffleTest, PermutesRowsAndPassesSmallInputs) {
  Scope s = NewRootScope();
  std::vector<int32_t> v(1000);
  for (int i = 0; i < 1000; ++i) v[i] = i;
  Output a = ops::RandomShuffle(s, Tensor::FromVector<int32_t>(v, {500, 2}));
  Output one = ops::RandomShuffle(s, I32({1, 2, 3}, {1, 3}));
  Output scalar = ops::RandomShuffle(s, Tensor::Scalar(2.5));
  Output empty = ops::RandomShuffle(s, Tensor::FromVector<float>({}, {0, 4}));
  std::vector<Tensor> r = testing::EvalAll(s, {a, one, scalar, empty});
  const int32_t* p = r[0].data<int32_t>();
  std::vector<int32_t> firsts;
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(p[2 * i] % 2, 0);
    EXPECT_EQ(p[2 * i + 1], p[2 * i] + 1);  // Rows stay whole.
    firsts.push_back(p[2 * i]);
  }
  EXPECT_NE(firsts[0] + firsts[1] + firsts[2], 0 + 2 + 4);
  std::sort(firsts.begin(), firsts.end());
  for (int i = 0; i < 500; ++i) EXPECT_EQ(firsts[i], 2 * i);
  EXPECT_EQ(Values(r[1]), std::vector<double>({1, 2, 3}));
  EXPECT_EQ(Values(r[2]), std::vector<double>({2.5}));
  EXPECT_EQ(r[3].shape(), TensorShape({0, 4}));
}

}  // namespace
}  // namespace graphflow
